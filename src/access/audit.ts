/**
 * The audit log for auditors: verify the hash chain (and that a head recorded earlier is still in
 * it), and search the entries. Verification reads every row, so it runs on the owner's connection
 * after checking the caller may read the whole log.
 */
import { sql, type Kysely } from 'kysely';
import { UserError } from '../model/index.ts';
import { appendAudit, verifyAudit, type AuditVerification, type Database } from '../store/index.ts';
import { readsWholeAuditLog, type Principal } from './roles.ts';

export interface AuditReport extends AuditVerification {
  /** The last row now: record its hash, and a later `--head` check proves nothing before it changed. */
  head: { id: string; hash: string } | null;
  /** When a head recorded earlier was given: whether that row is still there, unchanged, in the chain. */
  headFound?: boolean;
}

export async function verifyAuditLog(db: Kysely<Database>, actor: Principal, options: { head?: string } = {}): Promise<AuditReport> {
  if (!readsWholeAuditLog(actor)) throw new UserError('only auditors and administrators verify the audit log', 'forbidden');
  const expected = options.head?.trim().toLowerCase();
  if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) throw new UserError(`--head '${options.head}' is not a SHA-256 hash (64 hex digits) printed by an earlier 'crosslink audit verify'`);
  const verification = await verifyAudit(db);
  const last = await db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  const report: AuditReport = { ...verification, head: last ?? null };
  if (expected !== undefined) {
    // The chain up to a row is intact when verification passes it; the row itself must still carry the recorded hash.
    const row = await db.selectFrom('audit_log').select('id').where('hash', '=', expected).executeTakeFirst();
    report.headFound = row !== undefined && (verification.ok || BigInt(row.id) < BigInt(verification.brokenAt!.id));
    if (!report.headFound && report.ok) {
      report.ok = false;
      report.brokenAt = { id: last?.id ?? '0', reason: 'the recorded head is no longer in the chain: rows up to it were removed or rewritten' };
    }
  }
  await appendAudit(db, { actor: actor.name, action: 'audit.verify', details: { ok: report.ok, rows: report.rows, ...(report.brokenAt ? { brokenAt: report.brokenAt.id } : {}) } });
  return report;
}

export interface AuditFilters {
  actor?: string;
  /** An action, or a prefix ending in '.' or '*' (e.g. `case.`, `analysis*`). */
  action?: string;
  caseRef?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
  limit?: number;
}

export interface AuditEntryView {
  id: string;
  at: string;
  actor: string;
  action: string;
  agency: string | null;
  case: string | null;
  target: string | null;
  details: Record<string, unknown>;
}

/** Auditors and administrators search every entry; everyone else only the entries they wrote. */
export async function searchAudit(db: Kysely<Database>, actor: Principal, filters: AuditFilters = {}): Promise<AuditEntryView[]> {
  const limit = Math.min(Math.max(filters.limit ?? 100, 1), 10_000);
  const action = filters.action?.trim();
  const prefix = action && /[.*]$/.test(action) ? action.replace(/\*$/, '') : undefined;
  const rows = await db
    .selectFrom('audit_log as l')
    .leftJoin('cases as c', 'c.id', 'l.case_id')
    .leftJoin('agencies as a', 'a.id', 'l.agency_id')
    .select(['l.id', 'l.at', 'l.actor', 'l.action', 'a.name as agency', 'c.ref as case', 'l.target', 'l.details'])
    .$if(!readsWholeAuditLog(actor), (qb) => qb.where('l.actor', '=', actor.name))
    .$if(filters.actor !== undefined, (qb) => qb.where((eb) => eb(eb.fn('lower', ['l.actor']), '=', filters.actor!.trim().toLowerCase())))
    .$if(action !== undefined && prefix === undefined, (qb) => qb.where('l.action', '=', action!))
    .$if(prefix !== undefined, (qb) => qb.where(sql<boolean>`starts_with(l.action, ${prefix!})`))
    .$if(filters.caseRef !== undefined, (qb) => qb.where((eb) => eb(eb.fn('lower', ['c.ref']), '=', filters.caseRef!.trim().toLowerCase())))
    .$if(filters.from !== undefined, (qb) => qb.where('l.at', '>=', filters.from!))
    .$if(filters.to !== undefined, (qb) => qb.where('l.at', '<', filters.to!))
    .orderBy('l.id', 'desc')
    .limit(limit)
    .execute();
  await appendAudit(db, { actor: actor.name, action: 'audit.search', details: { ...filters, from: filters.from?.toISOString(), to: filters.to?.toISOString(), found: rows.length } });
  return rows.map((row) => ({ id: row.id, at: row.at.toISOString(), actor: row.actor, action: row.action, agency: row.agency, case: row.case, target: row.target, details: row.details }));
}
