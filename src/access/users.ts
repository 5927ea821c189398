/**
 * Users: who may act, for which agency, in which role. These functions run on the owner's
 * connection (users and credentials are never readable by the acting role) and check the
 * caller's rights themselves; each change is audited.
 */
import type { Kysely } from 'kysely';
import { UserError } from '../model/index.ts';
import { appendAuditIn, isUniqueViolation, requireAgency, type Database } from '../store/index.ts';
import { isNodeAdmin, LOCAL_ADMIN, mayManageUsersOf, parseRole, type Principal, type Role } from './roles.ts';
import { hashPassword } from './secrets.ts';
import { accessDb, type UserRow } from './tables.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export interface UserView {
  id: string;
  name: string;
  role: Role;
  agency: string | null;
  password: boolean;
  lockedUntil: string | null;
  disabled: boolean;
  createdAt: string;
}

export function principalOf(row: Pick<UserRow, 'id' | 'name' | 'role' | 'agency_id'>): Principal {
  return { id: row.id, name: row.name, role: row.role as Role, agencyId: row.agency_id };
}

export async function findUser(db: Kysely<Database>, name: string): Promise<UserRow | undefined> {
  return accessDb(db)
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.trim().toLowerCase()))
    .executeTakeFirst();
}

export async function requireUser(db: Kysely<Database>, name: string): Promise<UserRow> {
  const user = await findUser(db, name);
  if (!user) throw new UserError(`no user named '${name}' (see 'crosslink user list')`, 'not_found');
  return user;
}

export interface NewUser {
  name: string;
  role: string;
  /** Required except for a node administrator. */
  agency?: string;
  password?: string;
}

export async function addUser(db: Kysely<Database>, actor: Principal, input: NewUser): Promise<UserView> {
  const name = input.name.trim();
  if (!NAME.test(name)) throw new UserError(`user name '${input.name}' must be 1–64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit`);
  const role = parseRole(input.role);
  const agency = input.agency === undefined ? undefined : await requireAgency(db, input.agency);
  if (!agency && role !== 'admin') throw new UserError(`a ${role} belongs to an agency: give --agency`);
  if (!mayManageUsersOf(actor, agency?.id ?? null)) {
    throw new UserError(agency ? `only an administrator of ${agency.name} or of the node may add its users` : 'only a node administrator may add another', 'forbidden');
  }
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  try {
    const row = await db.transaction().execute(async (trx) => {
      const created = await accessDb(trx)
        .insertInto('users')
        .values({ name, role, agency_id: agency?.id ?? null, password_hash: passwordHash })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAuditIn(trx, { actor: actor.name, action: 'user.add', agencyId: agency?.id ?? null, target: name, details: { role, password: passwordHash !== null } });
      return created;
    });
    return userView(row, agency?.name ?? null);
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError(`user '${name}' already exists`, 'conflict');
    throw error;
  }
}

/** Everyone for node administrators and auditors; the users of one's own agency otherwise. */
export async function listUsers(db: Kysely<Database>, actor: Principal): Promise<UserView[]> {
  const rows = await accessDb(db)
    .selectFrom('users')
    .leftJoin('agencies', 'agencies.id', 'users.agency_id')
    .selectAll('users')
    .select('agencies.name as agency')
    .$if(!isNodeAdmin(actor) && actor.role !== 'auditor', (qb) => qb.where('users.agency_id', '=', actor.agencyId))
    .orderBy('users.name')
    .execute();
  return rows.map((row) => userView(row, row.agency));
}

/** A disabled user can no longer log in or use a token, and sees no case (even on a connection already open). */
export async function disableUser(db: Kysely<Database>, actor: Principal, name: string): Promise<UserView> {
  const user = await requireUser(db, name);
  if (!mayManageUsersOf(actor, user.agency_id)) throw new UserError(`only an administrator of ${user.name}'s agency or of the node may disable them`, 'forbidden');
  if (user.id === actor.id) throw new UserError('you cannot disable yourself');
  const row = await db.transaction().execute(async (trx) => {
    const updated = await accessDb(trx)
      .updateTable('users')
      .set({ disabled_at: new Date() })
      .where('id', '=', user.id)
      .where('disabled_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (updated) await appendAuditIn(trx, { actor: actor.name, action: 'user.disable', agencyId: user.agency_id, target: user.name });
    return updated ?? user;
  });
  const agency = row.agency_id ? await db.selectFrom('agencies').select('name').where('id', '=', row.agency_id).executeTakeFirst() : undefined;
  return userView(row, agency?.name ?? null);
}

/**
 * The local administrator: a node administrator named `admin` whom the CLI acts as when no token
 * is given. Created on first use; when it is created on a store that already holds cases (a store
 * from before access control), it becomes a member of them all, so the store works as it did.
 */
export async function ensureLocalAdmin(db: Kysely<Database>): Promise<{ user: Principal; created: boolean }> {
  const existing = await findUser(db, LOCAL_ADMIN);
  if (existing) return { user: principalOf(existing), created: false };
  try {
    const user = await db.transaction().execute(async (trx) => {
      const created = await accessDb(trx).insertInto('users').values({ name: LOCAL_ADMIN, role: 'admin', agency_id: null }).returningAll().executeTakeFirstOrThrow();
      const granted = await accessDb(trx)
        .insertInto('case_members')
        .columns(['case_id', 'user_id'])
        .expression((eb) => eb.selectFrom('cases').select(['cases.id', eb.val(created.id).as('user_id')]))
        .executeTakeFirst();
      await appendAuditIn(trx, { actor: LOCAL_ADMIN, action: 'user.add', target: LOCAL_ADMIN, details: { role: 'admin', local: true, cases: Number(granted.numInsertedOrUpdatedRows ?? 0) } });
      return created;
    });
    return { user: principalOf(user), created: true };
  } catch (error) {
    // Another process created it first.
    if (!isUniqueViolation(error)) throw error;
    return { user: principalOf(await requireUser(db, LOCAL_ADMIN)), created: false };
  }
}

function userView(row: UserRow, agency: string | null): UserView {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    agency,
    password: row.password_hash !== null,
    lockedUntil: row.locked_until && row.locked_until > new Date() ? row.locked_until.toISOString() : null,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at.toISOString(),
  };
}
