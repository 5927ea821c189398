/**
 * The access tables as Kysely sees them (migration 0007): users, credentials and case membership,
 * and the columns 0007 added to cases. Reached through `accessDb(db)` so the rest of the store's
 * schema needs no change to be read with them.
 */
import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';
import type { Database } from '../store/index.ts';

type Id = Generated<string>;
type CreatedAt = ColumnType<Date, never, never>;
type Moment = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface UserTable {
  id: Id;
  agency_id: string | null;
  name: string;
  role: string;
  password_hash: string | null;
  failed_logins: ColumnType<number, number | undefined, number>;
  locked_until: Moment;
  disabled_at: Moment;
  created_at: CreatedAt;
}

export interface CredentialTable {
  id: Id;
  user_id: string;
  kind: 'session' | 'token';
  token_hash: string;
  label: string | null;
  created_at: CreatedAt;
  expires_at: Moment;
  revoked_at: Moment;
  last_used_at: Moment;
}

export interface CaseMemberTable {
  id: Id;
  case_id: string;
  user_id: string;
  granted_by: string | null;
  granted_at: CreatedAt;
  revoked_at: Moment;
  revoked_by: string | null;
}

// A type, not an interface: Kysely's withTables wants an index signature, which only type aliases imply.
export type AccessTables = {
  users: UserTable;
  credentials: CredentialTable;
  case_members: CaseMemberTable;
  cases: { created_by: ColumnType<string | null, never, never>; retain_until: ColumnType<string | null, string | null | undefined, string | null> };
};

export type AccessDatabase = Database & AccessTables;
export type UserRow = Selectable<UserTable>;

export function accessDb(db: Kysely<Database>): Kysely<AccessDatabase> {
  return db.withTables<AccessTables>();
}
