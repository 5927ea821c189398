/**
 * The backends every store test runs against (as Kysely's own suite loops over its dialects):
 * embedded PGlite always, and a PostgreSQL server at CROSSLINK_TEST_POSTGRES (CI sets it; locally
 * the default server on 127.0.0.1 is used when it answers). Each test store is a fresh database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest, openStore, type Store } from '../src/store/index.ts';

export interface TestBackend {
  name: 'embedded' | 'postgres';
  /** A new, empty store; migrated unless told otherwise. */
  open(options?: { migrate?: boolean }): Promise<Store>;
}

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const explicitServer = process.env['CROSSLINK_TEST_POSTGRES'];
const serverUrl = explicitServer ?? DEFAULT_SERVER;

async function serverAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const embedded: TestBackend = {
  name: 'embedded',
  async open(options = {}) {
    const store = await openStore('memory://');
    if (options.migrate !== false) await migrateToLatest(store.db);
    return store;
  },
};

function databaseUrl(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

const postgres: TestBackend = {
  name: 'postgres',
  async open(options = {}) {
    const database = `crosslink_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const store = await openStore(databaseUrl(serverUrl, database));
    if (options.migrate !== false) await migrateToLatest(store.db);
    return {
      ...store,
      async close() {
        await store.close();
        const cleanup = new pg.Client({ connectionString: serverUrl });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await cleanup.end();
      },
    };
  },
};

async function available(): Promise<TestBackend[]> {
  if (await serverAnswers(serverUrl)) return [embedded, postgres];
  if (explicitServer) throw new Error(`CROSSLINK_TEST_POSTGRES is set but PostgreSQL does not answer at ${explicitServer}`);
  console.warn(`PostgreSQL does not answer at ${DEFAULT_SERVER}: server-backend tests are skipped (set CROSSLINK_TEST_POSTGRES to require them)`);
  return [embedded];
}

export const BACKENDS: TestBackend[] = await available();

/** A URL of a fresh, empty server database for tests that run the CLI as a child process, or undefined without a server. */
export async function freshServerDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  if (!BACKENDS.some((backend) => backend.name === 'postgres')) return undefined;
  const database = `crosslink_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  return {
    url: databaseUrl(serverUrl, database),
    async drop() {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
