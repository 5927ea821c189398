/** Shared set-up for the access tests: two agencies with cases and a user in every role, on an owner store. */
import { actAs, addUser, ensureLocalAdmin, grantCase, type Principal } from '../../src/access/index.ts';
import { addAgency, openCase, openStore, type Store } from '../../src/store/index.ts';

export interface TwoAgencies {
  owner: Store;
  admin: Principal;
  users: Record<'a' | 'aBoss' | 'b' | 'bBoss' | 'auditor', Principal>;
  cases: Record<'a1' | 'a2' | 'b1', { id: string; ref: string }>;
  agencies: Record<'a' | 'b', string>;
}

/** Agency A (cases) and agency B (case B-1), a user per role; only the local administrator exists beyond them, and nobody is a member of anything. */
export async function twoAgencies(owner: Store): Promise<TwoAgencies> {
  const admin = (await ensureLocalAdmin(owner.db)).user;
  const a = await addAgency(owner.db, { name: 'Alpha Unit', country: 'CA', contact: { officer: 'Det. A', phone: '+14165550100' } });
  const b = await addAgency(owner.db, { name: 'Bravo Unit', country: 'GB', contact: { officer: 'DS B', phone: '+442079460000' } });
  const add = async (name: string, role: string, agency: 'a' | 'b') => {
    const view = await addUser(owner.db, admin, { name, role, agency: agency === 'a' ? a.name : b.name });
    return { id: view.id, name: view.name, role: view.role, agencyId: agency === 'a' ? a.id : b.id } satisfies Principal;
  };
  const users = {
    a: await add('alice', 'analyst', 'a'),
    aBoss: await add('ada', 'supervisor', 'a'),
    b: await add('bob', 'analyst', 'b'),
    bBoss: await add('bea', 'supervisor', 'b'),
    auditor: await add('otto', 'auditor', 'b'),
  };
  const open = async (ref: string, agency: string) => {
    const row = await openCase(owner.db, { ref, agency });
    return { id: row.id, ref: row.ref };
  };
  const cases = { a1: await open('A-1', a.name), a2: await open('A-2', a.name), b1: await open('B-1', b.name) };
  return { owner, admin, users, cases, agencies: { a: a.id, b: b.id } };
}

/** Grants a case to a user, as the supervisor of the case's agency. */
export async function grant(world: TwoAgencies, caseRef: string, user: Principal): Promise<void> {
  const boss = caseRef.startsWith('A') ? world.users.aBoss : world.users.bBoss;
  await grantCase(world.owner.db, boss, caseRef, user.name);
}

export const acting = (user: Principal) => ({ id: user.id, name: user.name });

/**
 * Runs `work` with a whole store acting as the user, the way the CLI makes one (for functions that
 * take a store, such as ingestion). On PostgreSQL a new connection to `serverUrl`; on the embedded
 * store (one session) the owner's own, given back to the owner afterwards.
 */
export async function withActingStore<T>(owner: Store, serverUrl: string | undefined, user: Principal, work: (actingStore: Store) => Promise<T>): Promise<T> {
  if (owner.driver.kind === 'embedded') {
    const actingStore = await actAs(owner, acting(user));
    try {
      return await work(actingStore);
    } finally {
      await owner.driver.pglite.exec(`RESET ROLE; RESET crosslink.user_id`);
    }
  }
  const actingStore = await actAs(await openStore(serverUrl!), acting(user));
  try {
    return await work(actingStore);
  } finally {
    await actingStore.close();
  }
}
