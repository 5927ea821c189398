/**
 * What every command shares: which store to open, who is acting, and opening/closing the
 * store around the command's work.
 */
import { userInfo } from 'node:os';
import { UserError } from '../model/index.ts';
import { isInitialised, migrateToLatest, openStore, type Store } from '../store/index.ts';

export interface StoreOptions {
  db?: string;
}

/** The acting user. Until accounts exist (access issue), the local operating-system user. */
export function currentActor(): string {
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local:unknown';
  }
}

/**
 * Opens the store, runs `work`, and always closes it. `ensure: 'initialised'` refuses a store
 * that `crosslink init` has not set up; `ensure: 'migrated'` sets it up on the way (demo).
 */
export async function withStore<T>(
  options: StoreOptions,
  ensure: 'initialised' | 'migrated' | 'none',
  work: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore(options.db ?? process.env['CROSSLINK_DB']);
  try {
    if (ensure === 'migrated') await migrateToLatest(store.db);
    if (ensure === 'initialised' && !(await isInitialised(store.db))) {
      throw new UserError(`the store at ${store.location} is not initialised: run 'crosslink init' first`, 'unavailable');
    }
    return await work(store);
  } finally {
    await store.close();
  }
}
