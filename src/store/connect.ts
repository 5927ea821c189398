/**
 * Backend selection: one Kysely codebase over embedded PostgreSQL (PGlite, a directory) or a
 * PostgreSQL server (a postgres:// URL), both through Kysely's own PostgresDialect and `pg`.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { UserError } from '../model/index.ts';
import { acquireDirectoryLock, type DirectoryLock } from './lock.ts';
import type { Database } from './schema.ts';

export const DEFAULT_EMBEDDED_LOCATION = './.crosslink/db';

export type Backend = 'embedded' | 'postgres';

/** The driver under Kysely, for the few bulk paths that need it (COPY) and benchmarks. */
export type Driver = { readonly kind: 'embedded'; readonly pglite: PGlite } | { readonly kind: 'postgres'; readonly pool: pg.Pool };

export interface Store {
  readonly db: Kysely<Database>;
  readonly backend: Backend;
  readonly driver: Driver;
  /** The directory (embedded) or the URL without its password (server). */
  readonly location: string;
  close(): Promise<void>;
}

export function isServerUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A URL safe to print: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

/**
 * Opens the store named by `location` (default: `CROSSLINK_DB`, else ./.crosslink/db).
 * `memory://` gives a throw-away embedded database (tests).
 */
export async function openStore(location: string | undefined = process.env['CROSSLINK_DB']): Promise<Store> {
  const target = location && location.trim() !== '' ? location.trim() : DEFAULT_EMBEDDED_LOCATION;
  return isServerUrl(target) ? openServer(target) : openEmbedded(target);
}

async function openServer(url: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: 8, application_name: 'crosslink' });
  // Without a listener an idle client's network error would crash the process.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new UserError(`cannot connect to PostgreSQL at ${redactUrl(url)}: ${describe(error)}`, 'unavailable');
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, backend: 'postgres', driver: { kind: 'postgres', pool }, location: redactUrl(url), close: () => db.destroy() };
}

async function openEmbedded(location: string): Promise<Store> {
  const inMemory = location.startsWith('memory://');
  const directory = inMemory ? location : resolve(location);
  let lock: DirectoryLock | undefined;
  if (!inMemory) {
    try {
      mkdirSync(directory, { recursive: true });
    } catch (error) {
      throw new UserError(`cannot create the embedded store directory ${directory}: ${describe(error)}`, 'unavailable');
    }
    // PGlite has no server to arbitrate: two processes on one directory would corrupt it.
    lock = acquireDirectoryLock(directory);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(inMemory ? undefined : directory, { extensions: { pg_trgm } });
  } catch (error) {
    lock?.release();
    throw new UserError(`cannot open the embedded store at ${directory}: ${describe(error)}`, 'unavailable');
  }
  const pool = new pg.Pool(createPgConfig(pglite));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    backend: 'embedded',
    driver: { kind: 'embedded', pglite },
    location: directory,
    async close() {
      await db.destroy();
      await pglite.close();
      lock?.release();
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message || String(code);
  }
  return String(error);
}
