/**
 * What every command shares: which store to open, who is acting, and opening/closing the
 * store around the command's work. Every command acts as a user — the owner of `--token` or
 * $CROSSLINK_TOKEN, else the local administrator — and reads and writes case data through a
 * store acting as that user, so PostgreSQL's row-level security decides what it sees.
 */
import type { Command } from 'commander';
import { sql } from 'kysely';
import { authenticateToken, ensureLocalAdmin, findUser, LOCAL_ADMIN, principalOf, type Principal } from '../access/index.ts';
import { UserError } from '../model/index.ts';
import { actAs } from '../store/connect.ts';
import { migrateToLatest, openStore, type Store } from '../store/index.ts';

export interface StoreOptions {
  db?: string;
  /** An API token (default: $CROSSLINK_TOKEN); without one, the local administrator acts. */
  token?: string;
}

/**
 * The options a command that opens a store takes after its own name — `crosslink stats --db URL
 * --token T` as well as `crosslink --db URL --token T stats` — added to every such command in one
 * place (main.ts), not copied into each.
 */
export function acceptStoreOptions(command: Command): Command {
  if (!command.options.some((option) => option.long === '--db')) command.option('--db <location>', 'the store (see crosslink --help)');
  if (!command.options.some((option) => option.long === '--token')) {
    command.option('--token <token>', 'act as the user this API token belongs to (default: $CROSSLINK_TOKEN, else the local administrator)');
  }
  return command;
}

let acting: Principal | undefined;

/** The acting user's name (the local administrator's until a command has authenticated). */
export function currentActor(): string {
  return acting?.name ?? LOCAL_ADMIN;
}

/** The acting user, once a command has authenticated. */
export function currentPrincipal(): Principal | undefined {
  return acting;
}

/**
 * Opens the store, runs `work` acting as the user, and always closes it. `ensure: 'initialised'`
 * refuses a store that `crosslink init` has not set up; `ensure: 'migrated'` sets it up on the way
 * (demo); `ensure: 'none'` (init itself) works as the store's owner.
 */
export async function withStore<T>(
  options: StoreOptions,
  ensure: 'initialised' | 'migrated' | 'none',
  work: (store: Store) => Promise<T>,
): Promise<T> {
  let store = await openStore(options.db ?? process.env['CROSSLINK_DB']);
  try {
    if (ensure === 'migrated') await migrateToLatest(store.db);
    if (ensure === 'initialised') await requireInitialised(store);
    if (ensure !== 'none') {
      const user = await authenticate(store, options);
      store = await actAs(store, { id: user.id, name: user.name });
    }
    return await work(store);
  } catch (error) {
    throw refusal(error);
  } finally {
    await store.close();
  }
}

/**
 * PostgreSQL refusing the acting user (a row-level security policy, a privilege) is the user's
 * doing, not a bug: one line that says so. Reads are never refused — they just see nothing.
 */
function refusal(error: unknown): unknown {
  if ((error as { code?: unknown }).code !== '42501' || !(error instanceof Error)) return error;
  const message = error.message.replaceAll('"', "'");
  const hint = /row-level security/.test(message) ? ' (a case of another agency, or one you are not a member of?)' : '';
  return new UserError(`${currentActor()} may not do that: ${message}${hint}`, 'forbidden');
}

/**
 * For administration (users, tokens, grants, the audit log): the store as its owner, and the
 * authenticated user, whose rights the access functions check themselves.
 */
export async function withAdministration<T>(options: StoreOptions, work: (store: Store, actor: Principal) => Promise<T>): Promise<T> {
  const store = await openStore(options.db ?? process.env['CROSSLINK_DB']);
  try {
    await requireInitialised(store);
    return await work(store, await authenticate(store, options));
  } finally {
    await store.close();
  }
}

/**
 * Work of the node itself across every case and agency (entity resolution, purges): only an
 * administrator may start it, and it runs as the store's owner, outside row-level security.
 */
export async function withNodeWork<T>(options: StoreOptions, what: string, work: (store: Store, actor: Principal) => Promise<T>): Promise<T> {
  return withAdministration(options, async (store, actor) => {
    if (actor.role !== 'admin') throw new UserError(`${what} is the node's work across every agency: only an administrator may start it`, 'forbidden');
    return work(store, actor);
  });
}

async function requireInitialised(store: Store): Promise<void> {
  // One round trip for both questions: every command asks them.
  const found = await sql<{ base: boolean; access: boolean }>`SELECT to_regclass('agencies') IS NOT NULL AS base, to_regclass('users') IS NOT NULL AS access`.execute(store.db);
  const row = found.rows[0];
  if (row?.base !== true) {
    throw new UserError(`the store at ${store.location} is not initialised: run 'crosslink init' first`, 'unavailable');
  }
  if (row.access !== true) {
    throw new UserError(`the store at ${store.location} predates user accounts: run 'crosslink init' to upgrade it`, 'unavailable');
  }
}

async function authenticate(store: Store, options: StoreOptions): Promise<Principal> {
  const token = options.token ?? process.env['CROSSLINK_TOKEN'];
  if (token !== undefined && token.trim() !== '') {
    acting = await authenticateToken(store.db, token);
    return acting;
  }
  // One query when the local administrator exists (every run but the first).
  const existing = await findUser(store.db, LOCAL_ADMIN);
  if (existing?.disabled_at) throw new UserError(`the local administrator '${LOCAL_ADMIN}' is disabled: act with --token or $CROSSLINK_TOKEN`, 'forbidden');
  const local = existing ? { user: principalOf(existing) } : await ensureLocalAdmin(store.db);
  acting = local.user;
  return acting;
}
