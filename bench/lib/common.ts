/** What the benchmarks share: reading `--name value` arguments, and a fresh store per backend. */
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.ts';

export function arg(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
}

/**
 * A new, empty store: embedded in `scratch`, or a database made for the run on the server at
 * CROSSLINK_BENCH_POSTGRES (default: the local one). `drop` removes the server database.
 */
export async function openBenchStore(backend: 'embedded' | 'postgres', scratch: string, name: string): Promise<{ store: Store; drop: () => Promise<void> }> {
  if (backend === 'embedded') return { store: await openStore(join(scratch, `db-${name}`)), drop: async () => undefined };
  const database = `crosslink_bench_${name}_${process.pid}`;
  await adminStatement(`DROP DATABASE IF EXISTS ${database}`);
  await adminStatement(`CREATE DATABASE ${database}`);
  return { store: await openStore(benchDatabaseUrl(database)), drop: () => adminStatement(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`) };
}

/** The local server's administrative database (`CROSSLINK_BENCH_POSTGRES`), where benchmarks create and drop theirs. */
export const BENCH_ADMIN_URL = process.env['CROSSLINK_BENCH_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of database `name` on the same server. */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(BENCH_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** One statement (CREATE or DROP DATABASE) on the administrative database, on a connection of its own. */
export async function adminStatement(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
