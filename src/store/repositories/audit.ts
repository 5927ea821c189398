/**
 * The tamper-evident audit trail: each row's hash covers the previous row's hash and the row's
 * own content, so an edited, deleted or inserted row breaks the chain where it happened.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuditEntry, Database } from '../schema.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEvent {
  actor: string;
  action: string;
  agencyId?: string | null;
  caseId?: string | null;
  target?: string | null;
  details?: Record<string, unknown>;
  /** When it happened (default: when it is appended); a queued event keeps its own time. */
  at?: Date;
}

/** JSON with sorted keys, so the same content always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What a row's hash covers besides the previous hash: its content as canonical JSON. */
function auditContent(entry: Omit<AuditEntry, 'id' | 'hash' | 'prev_hash'>): string {
  return canonicalJson({
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    agency_id: entry.agency_id,
    case_id: entry.case_id,
    target: entry.target,
    details: entry.details,
  });
}

/** SHA-256 of the previous hash, a newline and the content; crosslink_audit_append (migration 0019) computes the same. */
export function auditHash(prevHash: string, entry: Omit<AuditEntry, 'id' | 'hash' | 'prev_hash'>): string {
  return createHash('sha256').update(prevHash).update('\n').update(auditContent(entry)).digest('hex');
}

/** Appends one entry: in a transaction the caller holds, or as a statement of its own. */
export async function appendAudit(db: Kysely<Database>, event: AuditEvent): Promise<AuditEntry> {
  const [entry] = await appendChained(db, [event]);
  return entry!;
}

/** Appends within a transaction the caller holds, so the entry commits with the work it records. */
export function appendAuditIn(trx: Transaction<Database>, event: AuditEvent): Promise<AuditEntry> {
  return appendAudit(trx, event);
}

/**
 * Appends several events in one statement (its own transaction), chained in the order given: one
 * lock, one head read, one insert and one commit for all of them. The lock is held until the commit (the
 * next appender must see this batch's last hash), so each commit's flush to disk is a point every
 * append in every process waits for in turn; a batch pays that once for many events (see
 * api/audit-queue.ts, which gathers the audit entries of concurrent reads).
 */
export async function appendAuditBatch(db: Kysely<Database>, events: readonly AuditEvent[]): Promise<AuditEntry[]> {
  if (events.length === 0) return [];
  return appendChained(db, events);
}

/**
 * One statement (migration 0019): under the audit lock (held until the transaction commits, so
 * the chain never forks across processes and connections) the function reads the chain's head
 * and chains the entries in the order given, hashing the content computed here.
 */
async function appendChained(db: Kysely<Database>, events: readonly AuditEvent[]): Promise<AuditEntry[]> {
  const now = new Date();
  // Millisecond precision: what PostgreSQL stores and returns unchanged, so verification recomputes the same hash.
  const entries = events.map((event) => ({
    at: event.at ?? now,
    actor: event.actor,
    action: event.action,
    agency_id: event.agencyId ?? null,
    case_id: event.caseId ?? null,
    target: event.target ?? null,
    details: event.details ?? {},
  }));
  const column = <K extends keyof (typeof entries)[number]>(key: K) => entries.map((entry) => entry[key]);
  const inserted = await sql<AuditEntry>`
    SELECT * FROM crosslink_audit_append(
      ${column('at')}::timestamptz[], ${column('actor')}::text[], ${column('action')}::text[], ${column('agency_id')}::bigint[],
      ${column('case_id')}::bigint[], ${column('target')}::text[], ${entries.map((entry) => JSON.stringify(entry.details))}::jsonb[],
      ${entries.map(auditContent)}::text[])`.execute(db);
  return inserted.rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** The first row where the chain breaks, and why. */
  brokenAt?: { id: string; reason: string };
}

export async function verifyAudit(db: Kysely<Database>): Promise<AuditVerification> {
  let prevHash = GENESIS_HASH;
  let rows = 0;
  let afterId = '0';
  const pageSize = 5000;
  for (;;) {
    const page = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    for (const row of page) {
      if (row.prev_hash !== prevHash) {
        return { ok: false, rows, brokenAt: { id: row.id, reason: 'previous hash does not match: a row before it was removed or inserted' } };
      }
      if (auditHash(prevHash, row) !== row.hash) {
        return { ok: false, rows, brokenAt: { id: row.id, reason: 'content does not match its hash: the row was edited' } };
      }
      prevHash = row.hash;
      rows++;
    }
    if (page.length < pageSize) return { ok: true, rows };
    afterId = page[page.length - 1]!.id;
  }
}
