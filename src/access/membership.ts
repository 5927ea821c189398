/**
 * Case membership: who may see which case. A user sees a case's data only as a member — the one
 * who opened it, or someone a supervisor or administrator of the owning agency granted it to.
 * Runs on the owner's connection and checks the caller's rights itself; grants and revocations
 * are audited, and take effect at the next statement of every connection (see migration 0007).
 */
import { sql, type Kysely } from 'kysely';
import { UserError } from '../model/index.ts';
import { appendAuditIn, findCase, type Case, type Database } from '../store/index.ts';
import { mayGrantCasesOf, type Principal } from './roles.ts';
import { accessDb } from './tables.ts';
import { requireUser } from './users.ts';

export interface MemberView {
  user: string;
  role: string;
  agency: string | null;
  grantedBy: string | null;
  grantedAt: string;
}

/** The case, if `actor` may manage its members; otherwise the same "no case" as for a case that does not exist. */
async function caseToManage(db: Kysely<Database>, actor: Principal, ref: string): Promise<Case & { agency: string }> {
  const found = await findCase(db, ref);
  const agency = found ? await db.selectFrom('agencies').select('name').where('id', '=', found.agency_id).executeTakeFirstOrThrow() : undefined;
  if (!found || !agency || (actor.agencyId !== found.agency_id && !mayGrantCasesOf(actor, found.agency_id))) {
    throw new UserError(`no case '${ref}' among those you may grant`, 'not_found');
  }
  if (!mayGrantCasesOf(actor, found.agency_id)) throw new UserError(`only a supervisor or administrator of ${agency.name} may grant access to its cases`, 'forbidden');
  return { ...found, agency: agency.name };
}

export async function grantCase(db: Kysely<Database>, actor: Principal, caseRef: string, userName: string): Promise<{ case: string; user: string; granted: boolean }> {
  const target = await caseToManage(db, actor, caseRef);
  const user = await requireUser(db, userName);
  if (user.disabled_at !== null) throw new UserError(`${user.name} is disabled`, 'conflict');
  const granted = await db.transaction().execute(async (trx) => {
    const inserted = await accessDb(trx)
      .insertInto('case_members')
      .values({ case_id: target.id, user_id: user.id, granted_by: actor.id })
      .onConflict((oc) => oc.columns(['user_id', 'case_id']).where('revoked_at', 'is', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) await appendAuditIn(trx, { actor: actor.name, action: 'case.grant', agencyId: target.agency_id, caseId: target.id, target: user.name });
    return inserted !== undefined;
  });
  return { case: target.ref, user: user.name, granted };
}

export async function revokeCase(db: Kysely<Database>, actor: Principal, caseRef: string, userName: string): Promise<{ case: string; user: string; revoked: boolean }> {
  const target = await caseToManage(db, actor, caseRef);
  const user = await requireUser(db, userName);
  const revoked = await db.transaction().execute(async (trx) => {
    const updated = await accessDb(trx)
      .updateTable('case_members')
      .set({ revoked_at: sql`now()`, revoked_by: actor.id })
      .where('case_id', '=', target.id)
      .where('user_id', '=', user.id)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (updated) await appendAuditIn(trx, { actor: actor.name, action: 'case.revoke', agencyId: target.agency_id, caseId: target.id, target: user.name });
    return updated !== undefined;
  });
  return { case: target.ref, user: user.name, revoked };
}

export async function caseMembers(db: Kysely<Database>, actor: Principal, caseRef: string): Promise<{ case: string; agency: string; members: MemberView[] }> {
  const target = await caseToManage(db, actor, caseRef);
  const rows = await accessDb(db)
    .selectFrom('case_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .leftJoin('agencies as a', 'a.id', 'u.agency_id')
    .leftJoin('users as g', 'g.id', 'm.granted_by')
    .select(['u.name', 'u.role', 'a.name as agency', 'g.name as granted_by', 'm.granted_at'])
    .where('m.case_id', '=', target.id)
    .where('m.revoked_at', 'is', null)
    .orderBy('u.name')
    .execute();
  return {
    case: target.ref,
    agency: target.agency,
    members: rows.map((row) => ({ user: row.name, role: row.role, agency: row.agency, grantedBy: row.granted_by, grantedAt: row.granted_at.toISOString() })),
  };
}

/**
 * Ids of the cases a user may see now — what the database's policies also compute. Code that
 * narrows its queries itself (search's `visibleCaseIds`) passes this, on top of the policies.
 */
export async function visibleCaseIds(db: Kysely<Database>, userId: string): Promise<string[]> {
  const rows = await accessDb(db)
    .selectFrom('case_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.case_id')
    .where('m.user_id', '=', userId)
    .where('m.revoked_at', 'is', null)
    .where('u.disabled_at', 'is', null)
    .orderBy('m.case_id')
    .execute();
  return rows.map((row) => row.case_id);
}

/**
 * The same, asked on a connection acting as the user (which cannot read case_members itself):
 * what the policies admit right now. For queries that pass their visible cases explicitly, so the
 * planner knows how few they are and can drive the query by the case_id index.
 */
export async function actingVisibleCaseIds(db: Kysely<Database>): Promise<string[]> {
  const rows = await sql<{ id: string }>`SELECT unnest(crosslink_visible_cases())::text AS id`.execute(db);
  return rows.rows.map((row) => row.id);
}
