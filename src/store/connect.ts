/**
 * Backend selection: one Kysely codebase over embedded PostgreSQL (PGlite, a directory) or a
 * PostgreSQL server (a postgres:// URL), both through Kysely's own PostgresDialect and `pg`.
 * A store opens as the schema owner (migrations, maintenance); `actAs` turns it into a store
 * acting as one user, under row-level security (see migrations/0007_access.ts).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { UserError } from '../model/index.ts';
import { acquireDirectoryLock, type DirectoryLock } from './lock.ts';
import { preparingPool } from './prepared.ts';
import type { Database } from './schema.ts';

export const DEFAULT_EMBEDDED_LOCATION = './.crosslink/db';

export type Backend = 'embedded' | 'postgres';

/**
 * The role acting connections take (created by migration 0007): neither a superuser nor the
 * tables' owner, so PostgreSQL applies row-level security to everything it reads and writes.
 */
export const APP_ROLE = 'crosslink_app';

/** Who a store acts as: the user whose case memberships decide what its queries see. */
export interface ActingUser {
  readonly id: string;
  readonly name: string;
}

/** The driver under Kysely, for the few bulk paths that need it (COPY) and benchmarks. */
export type Driver = { readonly kind: 'embedded'; readonly pglite: PGlite } | { readonly kind: 'postgres'; readonly pool: pg.Pool };

export interface Store {
  readonly db: Kysely<Database>;
  readonly backend: Backend;
  readonly driver: Driver;
  /** The directory (embedded) or the URL without its password (server). */
  readonly location: string;
  /** Set when every query runs as this user under row-level security; unset for the owner. */
  readonly actingAs?: ActingUser;
  close(): Promise<void>;
}

// The full server URL of an owner store, kept out of the Store object so it is never printed.
const serverUrls = new WeakMap<Store, string>();

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

async function openServer(url: string, actingAs?: ActingUser): Promise<Store> {
  // Acting connections take the role and the user at connection start-up, before any query can
  // run: a connection that cannot take them fails instead of running as the owner.
  const options = actingAs ? `-c role=${APP_ROLE} -c crosslink.user_id=${userId(actingAs)}` : undefined;
  const pool = new pg.Pool({ connectionString: url, max: 8, application_name: 'crosslink', ...(options ? { options } : {}) });
  // Without a listener an idle client's network error would crash the process.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new UserError(`cannot connect to PostgreSQL at ${redactUrl(url)}: ${describe(error)}`, 'unavailable');
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  const store: Store = { db, backend: 'postgres', driver: { kind: 'postgres', pool }, location: redactUrl(url), actingAs, close: () => db.destroy() };
  serverUrls.set(store, url);
  return store;
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

/**
 * The same store, acting as `user`: every query after this runs as APP_ROLE with the user's id, so
 * PostgreSQL shows and accepts only rows of the cases the user may see. On a server, a new pool
 * whose connections start as the user (the owner's pool is closed); embedded, PGlite's one
 * session takes the role. Either way the result is checked before it is returned. On failure the
 * caller still holds the owner's store and closes it.
 */
export async function actAs(store: Store, user: ActingUser): Promise<Store> {
  const id = userId(user);
  if (store.driver.kind === 'embedded') {
    await store.driver.pglite.exec(`SET ROLE ${APP_ROLE}; SELECT set_config('crosslink.user_id', '${id}', false)`);
    const acting = { ...store, actingAs: user };
    await checkActing(acting, id);
    return acting;
  }
  const url = serverUrls.get(store);
  if (!url) throw new Error('actAs needs a store opened by openStore');
  const acting = await openServer(url, user);
  try {
    await checkActing(acting, id);
  } catch (error) {
    await acting.close().catch(() => undefined);
    throw error;
  }
  // Only once the acting pool works: until then the caller still holds (and closes) the owner's.
  await store.close();
  return acting;
}

async function checkActing(store: Store, id: string): Promise<void> {
  const check = await sql<{ role: string; user: string | null }>`SELECT current_user AS role, current_setting('crosslink.user_id', true) AS user`.execute(store.db);
  const row = check.rows[0];
  if (row?.role !== APP_ROLE || row.user !== id) throw new Error(`an acting connection runs as ${row?.role}/${row?.user}, not ${APP_ROLE}/${id}`);
}

function userId(user: ActingUser): string {
  // Interpolated into start-up options and SQL text: digits only.
  if (!/^[1-9][0-9]{0,18}$/.test(user.id)) throw new Error(`not a user id: '${user.id}'`);
  return user.id;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message || String(code);
  }
  return String(error);
}
