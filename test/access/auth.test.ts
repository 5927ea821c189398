/**
 * Authentication and account administration on every backend: passwords with lockout, sessions,
 * API tokens (shown once, stored hashed, revocable, expiring), and who may manage whom.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessDb,
  addUser,
  authenticatePassword,
  authenticateToken,
  createToken,
  grantCase,
  listTokens,
  listUsers,
  LOCKOUT,
  login,
  logout,
  revokeToken,
  tokenHash,
} from '../../src/access/index.ts';
import { LAST_USED_PRECISION_SECONDS } from '../../src/access/authenticate.ts';
import type { Store } from '../../src/store/index.ts';
import { BACKENDS } from '../backends.ts';
import { twoAgencies, type TwoAgencies } from './fixtures.ts';

const PASSWORD = 'a long and fine passphrase';

describe.each(BACKENDS)('authentication on $name', (backend) => {
  let store: Store;
  let world: TwoAgencies;

  beforeAll(async () => {
    store = await backend.open();
    world = await twoAgencies(store);
    await addUser(store.db, world.admin, { name: 'carol', role: 'analyst', agency: 'Alpha Unit', password: PASSWORD });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('logs in with the right password only, into a session that logout ends', async () => {
    const session = await login(store.db, 'Carol', PASSWORD);
    expect(session).toMatchObject({ user: 'carol', kind: 'session', expiresAt: expect.any(String) });
    expect(new Date(session.expiresAt!).getTime() - Date.now()).toBeGreaterThan(11 * 3_600_000);
    expect(await authenticateToken(store.db, session.token)).toMatchObject({ name: 'carol', role: 'analyst', agencyId: world.agencies.a });
    await logout(store.db, session.token);
    await expect(authenticateToken(store.db, session.token)).rejects.toThrow(/not valid/);
    await expect(authenticatePassword(store.db, 'carol', `${PASSWORD}!`)).rejects.toThrow(/^wrong user name or password$/);
    // An unknown name gets the very same answer.
    await expect(authenticatePassword(store.db, 'nobody', PASSWORD)).rejects.toThrow(/^wrong user name or password$/);
    // A user without a password cannot log in with one.
    await expect(authenticatePassword(store.db, 'alice', '')).rejects.toThrow(/^wrong user name or password$/);
  });

  it(`locks an account for ${LOCKOUT.minutes} minutes after ${LOCKOUT.attempts} failures in a row, even against the right password`, async () => {
    await addUser(store.db, world.admin, { name: 'dan', role: 'analyst', agency: 'Bravo Unit', password: PASSWORD });
    for (let attempt = 1; attempt < LOCKOUT.attempts; attempt++) await expect(authenticatePassword(store.db, 'dan', 'wrong password!')).rejects.toThrow(/^wrong user name or password$/);
    // A success clears the count…
    await authenticatePassword(store.db, 'dan', PASSWORD);
    for (let attempt = 1; attempt < LOCKOUT.attempts; attempt++) await expect(authenticatePassword(store.db, 'dan', 'wrong password!')).rejects.toThrow(/^wrong user name or password$/);
    // …so it takes five in a row.
    await expect(authenticatePassword(store.db, 'dan', 'wrong password!')).rejects.toThrow(/now locked for 15 minutes/);
    await expect(authenticatePassword(store.db, 'dan', PASSWORD)).rejects.toThrow(/locked after 5 failed attempts until/);
    const locked = await accessDb(store.db).selectFrom('users').select(['locked_until']).where('name', '=', 'dan').executeTakeFirstOrThrow();
    const minutes = (locked.locked_until!.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(LOCKOUT.minutes - 1);
    expect(minutes).toBeLessThanOrEqual(LOCKOUT.minutes);
    const audit = await store.db.selectFrom('audit_log').select(['action', 'target']).where('action', '=', 'auth.locked').execute();
    expect(audit).toEqual([{ action: 'auth.locked', target: 'dan' }]);
    // Fifteen minutes later (moved back here rather than waited for), the right password works again.
    await accessDb(store.db).updateTable('users').set({ locked_until: sql`now() - interval '1 second'` }).where('name', '=', 'dan').execute();
    expect(await authenticatePassword(store.db, 'dan', PASSWORD)).toMatchObject({ name: 'dan' });
  });

  it('issues API tokens that are stored only hashed, work until revoked or expired, and die with a disabled account', async () => {
    const issued = await createToken(store.db, world.users.b, 'bob', { label: 'laptop' });
    expect(issued).toMatchObject({ user: 'bob', kind: 'token', label: 'laptop', expiresAt: null });
    const stored = await accessDb(store.db).selectFrom('credentials').selectAll().where('id', '=', issued.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(tokenHash(issued.token));
    expect(JSON.stringify(stored)).not.toContain(issued.token.slice(4));
    expect(await authenticateToken(store.db, ` ${issued.token}\n`)).toMatchObject({ name: 'bob' });
    expect((await listTokens(store.db, world.users.b)).find((token) => token.id === issued.id)?.lastUsedAt).not.toBeNull();

    await revokeToken(store.db, world.users.b, issued.id);
    await expect(authenticateToken(store.db, issued.token)).rejects.toThrow(/not valid: unknown, revoked or expired/);

    const expiring = await createToken(store.db, world.admin, 'bob', { expiresInDays: 1 });
    expect(await authenticateToken(store.db, expiring.token)).toMatchObject({ name: 'bob' });
    await accessDb(store.db).updateTable('credentials').set({ expires_at: sql`now() - interval '1 second'` }).where('id', '=', expiring.id).execute();
    await expect(authenticateToken(store.db, expiring.token)).rejects.toThrow(/not valid/);

    for (const bad of ['', 'cxt_short', issued.token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))]) await expect(authenticateToken(store.db, bad)).rejects.toThrow(/not valid/);
  });

  it(`writes a token's last use at most once per ${LAST_USED_PRECISION_SECONDS} s, and still refuses it on the very next request once revoked`, async () => {
    const issued = await createToken(store.db, world.users.b, 'bob', { label: 'busy tool' });
    const lastUsed = async () => (await accessDb(store.db).selectFrom('credentials').select('last_used_at').where('id', '=', issued.id).executeTakeFirstOrThrow()).last_used_at;
    expect(await lastUsed()).toBeNull();
    await authenticateToken(store.db, issued.token);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    // Within the window: many requests, no write (the time stays the first one's).
    await Promise.all(Array.from({ length: 5 }, () => authenticateToken(store.db, issued.token)));
    expect(await lastUsed()).toEqual(first);
    // Once the last use is older than the window, the next request writes it again.
    await accessDb(store.db)
      .updateTable('credentials')
      .set({ last_used_at: sql`now() - make_interval(secs => ${LAST_USED_PRECISION_SECONDS + 1})` })
      .where('id', '=', issued.id)
      .execute();
    const aged = await lastUsed();
    await authenticateToken(store.db, issued.token);
    expect((await lastUsed())!.getTime()).toBeGreaterThan(aged!.getTime() + LAST_USED_PRECISION_SECONDS * 1000);
    // Revocation is not cached: the request right after it is refused.
    await revokeToken(store.db, world.users.b, issued.id);
    await expect(authenticateToken(store.db, issued.token)).rejects.toThrow(/not valid: unknown, revoked or expired/);
  });

  it('lets users manage their own tokens, administrators their agency’s users, and a node administrator everyone', async () => {
    const adminA = await addUser(store.db, world.admin, { name: 'ann', role: 'admin', agency: 'Alpha Unit' });
    const ann = { id: adminA.id, name: 'ann', role: 'admin' as const, agencyId: world.agencies.a };
    await expect(addUser(store.db, ann, { name: 'eve', role: 'analyst', agency: 'Bravo Unit' })).rejects.toThrow(/only an administrator of Bravo Unit or of the node/);
    await expect(addUser(store.db, ann, { name: 'root2', role: 'admin' })).rejects.toThrow(/only a node administrator/);
    await expect(addUser(store.db, world.users.aBoss, { name: 'eve', role: 'analyst', agency: 'Alpha Unit' })).rejects.toThrow(/only an administrator/);
    expect(await addUser(store.db, ann, { name: 'eve', role: 'analyst', agency: 'Alpha Unit' })).toMatchObject({ name: 'eve', agency: 'Alpha Unit', role: 'analyst', password: false });
    await expect(addUser(store.db, ann, { name: 'EVE', role: 'analyst', agency: 'Alpha Unit' })).rejects.toThrow(/user 'EVE' already exists/);
    await expect(addUser(store.db, ann, { name: 'frank', role: 'analyst' })).rejects.toThrow(/belongs to an agency: give --agency/);
    await expect(addUser(store.db, ann, { name: 'bad name', role: 'analyst', agency: 'Alpha Unit' })).rejects.toThrow(/must be 1–64 letters/);
    await expect(addUser(store.db, ann, { name: 'gus', role: 'analyst', agency: 'Alpha Unit', password: 'short' })).rejects.toThrow(/at least 12 characters/);

    await expect(createToken(store.db, world.users.a, 'bob')).rejects.toThrow(/only bob or an administrator of their agency/);
    await expect(createToken(store.db, ann, 'bob')).rejects.toThrow(/only bob or an administrator/);
    const forEve = await createToken(store.db, ann, 'eve');
    await expect(revokeToken(store.db, world.users.b, forEve.id)).rejects.toThrow(/no token \d+ that you may revoke/);
    expect(await listTokens(store.db, world.users.b, 'eve')).toEqual([]);
    expect((await listTokens(store.db, ann, 'eve')).map((token) => token.id)).toEqual([forEve.id]);

    expect((await listUsers(store.db, ann)).every((user) => user.agency === 'Alpha Unit')).toBe(true);
    expect((await listUsers(store.db, world.admin)).map((user) => user.agency)).toEqual(expect.arrayContaining([null, 'Alpha Unit', 'Bravo Unit']));
  });

  it('lets only supervisors and administrators of the owning agency grant its cases, and never reveals another agency’s case', async () => {
    await expect(grantCase(store.db, world.users.a, 'A-1', 'bob')).rejects.toThrow(/only a supervisor or administrator of Alpha Unit/);
    const message = (work: Promise<unknown>) => work.then(() => 'granted', (error: Error) => error.message);
    const foreign = await message(grantCase(store.db, world.users.bBoss, 'A-1', 'bob'));
    const missing = await message(grantCase(store.db, world.users.bBoss, 'A-404', 'bob'));
    expect(missing).toMatch(/no case 'A-404'/);
    expect(foreign).toBe(missing.replace('A-404', 'A-1'));
    expect(await grantCase(store.db, world.users.aBoss, 'a-1', 'bob')).toEqual({ case: 'A-1', user: 'bob', granted: true });
    expect(await grantCase(store.db, world.users.aBoss, 'A-1', 'bob')).toEqual({ case: 'A-1', user: 'bob', granted: false });
    expect(await grantCase(store.db, world.admin, 'B-1', 'alice')).toEqual({ case: 'B-1', user: 'alice', granted: true });
  });
});
