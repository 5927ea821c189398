/**
 * Authentication: bearer tokens (API tokens and login sessions, stored as SHA-256) and passwords
 * (argon2id) with a lockout after repeated failures. Runs on the owner's connection, before a
 * store acts as anyone; each decision that changes something is audited.
 */
import { sql, type Kysely } from 'kysely';
import { UserError } from '../model/index.ts';
import { appendAudit, appendAuditIn, type Database } from '../store/index.ts';
import { mayManageUsersOf, type Principal } from './roles.ts';
import { isWellFormedToken, newToken, tokenHash, verifyPassword } from './secrets.ts';
import { accessDb } from './tables.ts';
import { principalOf, requireUser } from './users.ts';

/** Failed password attempts in a row that lock an account, and for how long. */
export const LOCKOUT = { attempts: 5, minutes: 15 } as const;
export const SESSION_HOURS = 12;

const INVALID_TOKEN = 'the token is not valid: unknown, revoked or expired';
const WRONG_PASSWORD = 'wrong user name or password';

/**
 * How stale a credential's `last_used_at` may get. Writing it on every request made one hot row
 * per token that every request of that token updated (a row lock and a WAL record each, serialised
 * across the pool); now it is written at most once a minute per token, so "last used" is exact to
 * the minute. Revocation, expiry and disabling are unaffected: every request reads them afresh.
 */
export const LAST_USED_PRECISION_SECONDS = 60;

/** The user a token (API token or session) belongs to; refused when revoked, expired or disabled. */
export async function authenticateToken(db: Kysely<Database>, token: string): Promise<Principal> {
  const candidate = token.trim();
  if (!isWellFormedToken(candidate)) throw new UserError(INVALID_TOKEN, 'forbidden');
  const stale = sql<boolean>`(c.last_used_at IS NULL OR c.last_used_at < now() - make_interval(secs => ${LAST_USED_PRECISION_SECONDS}))`;
  const row = await accessDb(db)
    .selectFrom('credentials as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.id as credential', 'u.id', 'u.name', 'u.role', 'u.agency_id', stale.as('stale')])
    .where('c.token_hash', '=', tokenHash(candidate))
    .where('c.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('c.expires_at', 'is', null), eb('c.expires_at', '>', sql<Date>`now()`)]))
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new UserError(INVALID_TOKEN, 'forbidden');
  if (row.stale) {
    // The same condition again: of concurrent requests that all saw a stale time, one writes.
    await accessDb(db)
      .updateTable('credentials as c')
      .set({ last_used_at: sql`now()` })
      .where('c.id', '=', row.credential)
      .where(stale)
      .execute();
  }
  return principalOf(row);
}

/**
 * Checks a password. Five failures in a row lock the account for fifteen minutes (during which
 * even the right password is refused); a success clears the count.
 */
export async function authenticatePassword(db: Kysely<Database>, name: string, password: string): Promise<Principal> {
  const adb = accessDb(db);
  const user = await adb
    .selectFrom('users')
    .selectAll()
    .select(sql<boolean>`coalesce(locked_until > now(), false)`.as('locked'))
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.trim().toLowerCase()))
    .executeTakeFirst();
  if (!user || user.disabled_at !== null) {
    await verifyPassword(null, password);
    throw new UserError(WRONG_PASSWORD, 'forbidden');
  }
  if (user.locked) throw new UserError(`${user.name} is locked after ${LOCKOUT.attempts} failed attempts until ${user.locked_until!.toISOString()}`, 'forbidden');
  if (await verifyPassword(user.password_hash, password)) {
    if (user.failed_logins > 0 || user.locked_until !== null) {
      await adb.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
    }
    return principalOf(user);
  }
  const locked = await db.transaction().execute(async (trx) => {
    const after = await accessDb(trx)
      .updateTable('users')
      .set({
        failed_logins: sql`CASE WHEN failed_logins + 1 >= ${LOCKOUT.attempts} THEN 0 ELSE failed_logins + 1 END`,
        locked_until: sql`CASE WHEN failed_logins + 1 >= ${LOCKOUT.attempts} THEN now() + make_interval(mins => ${LOCKOUT.minutes}) ELSE locked_until END`,
      })
      .where('id', '=', user.id)
      .returning(['locked_until', sql<boolean>`coalesce(locked_until > now(), false)`.as('locked')])
      .executeTakeFirstOrThrow();
    if (after.locked) await appendAuditIn(trx, { actor: user.name, action: 'auth.locked', agencyId: user.agency_id, target: user.name, details: { until: after.locked_until!.toISOString() } });
    return after.locked;
  });
  if (locked) throw new UserError(`${WRONG_PASSWORD}; ${user.name} is now locked for ${LOCKOUT.minutes} minutes`, 'forbidden');
  throw new UserError(WRONG_PASSWORD, 'forbidden');
}

export interface IssuedToken {
  id: string;
  /** The secret itself: shown once, never stored. */
  token: string;
  user: string;
  kind: 'session' | 'token';
  label: string | null;
  expiresAt: string | null;
}

/** A password login: a session token valid for SESSION_HOURS. */
export async function login(db: Kysely<Database>, name: string, password: string): Promise<IssuedToken & { principal: Principal }> {
  const principal = await authenticatePassword(db, name, password);
  const issued = await issue(db, principal, principal, 'session', null, new Date(Date.now() + SESSION_HOURS * 3_600_000));
  return { ...issued, principal };
}

/** An API token for `userName`: one's own, or, for an administrator, one of the users they manage. */
export async function createToken(db: Kysely<Database>, actor: Principal, userName: string, options: { label?: string; expiresInDays?: number } = {}): Promise<IssuedToken> {
  const user = await requireUser(db, userName);
  if (user.id !== actor.id && !mayManageUsersOf(actor, user.agency_id)) throw new UserError(`only ${user.name} or an administrator of their agency may create their tokens`, 'forbidden');
  if (user.disabled_at !== null) throw new UserError(`${user.name} is disabled`, 'conflict');
  const days = options.expiresInDays;
  if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 3650)) throw new UserError(`--expires-days '${days}' must be a whole number from 1 to 3650`);
  return issue(db, actor, principalOf(user), 'token', options.label ?? null, days === undefined ? null : new Date(Date.now() + days * 86_400_000));
}

async function issue(db: Kysely<Database>, actor: Principal, user: Principal, kind: 'session' | 'token', label: string | null, expiresAt: Date | null): Promise<IssuedToken> {
  const { token, hash } = newToken();
  const row = await db.transaction().execute(async (trx) => {
    const created = await accessDb(trx)
      .insertInto('credentials')
      .values({ user_id: user.id, kind, token_hash: hash, label, expires_at: expiresAt })
      .returning(['id', 'expires_at'])
      .executeTakeFirstOrThrow();
    await appendAuditIn(trx, { actor: actor.name, action: kind === 'session' ? 'auth.login' : 'token.create', agencyId: user.agencyId, target: user.name, details: { credential: created.id, label } });
    return created;
  });
  return { id: row.id, token, user: user.name, kind, label, expiresAt: row.expires_at?.toISOString() ?? null };
}

export interface TokenView {
  id: string;
  user: string;
  kind: 'session' | 'token';
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Tokens one may manage: one's own; an administrator's users'; every one for a node administrator. */
export async function listTokens(db: Kysely<Database>, actor: Principal, userName?: string): Promise<TokenView[]> {
  const user = userName === undefined ? undefined : await requireUser(db, userName);
  const rows = await accessDb(db)
    .selectFrom('credentials as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.id', 'u.name', 'u.agency_id', 'c.kind', 'c.label', 'c.created_at', 'c.expires_at', 'c.last_used_at', 'c.revoked_at', 'c.user_id'])
    .$if(user !== undefined, (qb) => qb.where('c.user_id', '=', user!.id))
    .orderBy('c.id')
    .execute();
  return rows.filter((row) => row.user_id === actor.id || mayManageUsersOf(actor, row.agency_id)).map(tokenView);
}

export async function revokeToken(db: Kysely<Database>, actor: Principal, id: string): Promise<TokenView> {
  const notFound = new UserError(`no token ${id} that you may revoke (see 'crosslink token list')`, 'not_found');
  if (!/^[1-9][0-9]{0,18}$/.test(id)) throw notFound;
  const row = await accessDb(db)
    .selectFrom('credentials as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.id', 'u.name', 'u.agency_id', 'c.kind', 'c.label', 'c.created_at', 'c.expires_at', 'c.last_used_at', 'c.revoked_at', 'c.user_id'])
    .where('c.id', '=', id)
    .executeTakeFirst();
  if (!row || (row.user_id !== actor.id && !mayManageUsersOf(actor, row.agency_id))) throw notFound;
  if (row.revoked_at !== null) return tokenView(row);
  const revokedAt = await db.transaction().execute(async (trx) => {
    const updated = await accessDb(trx).updateTable('credentials').set({ revoked_at: sql`now()` }).where('id', '=', id).returning('revoked_at').executeTakeFirstOrThrow();
    await appendAuditIn(trx, { actor: actor.name, action: 'token.revoke', agencyId: row.agency_id, target: row.name, details: { credential: id } });
    return updated.revoked_at;
  });
  return tokenView({ ...row, revoked_at: revokedAt });
}

/** Ends a session (logout): the session's own token revokes itself. */
export async function logout(db: Kysely<Database>, token: string): Promise<void> {
  const principal = await authenticateToken(db, token);
  await accessDb(db).updateTable('credentials').set({ revoked_at: sql`now()` }).where('token_hash', '=', tokenHash(token.trim())).execute();
  await appendAudit(db, { actor: principal.name, action: 'auth.logout', target: principal.name });
}

function tokenView(row: { id: string; name: string; kind: 'session' | 'token'; label: string | null; created_at: Date; expires_at: Date | null; last_used_at: Date | null; revoked_at: Date | null }): TokenView {
  return {
    id: row.id,
    user: row.name,
    kind: row.kind,
    label: row.label,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
