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

export function auditHash(prevHash: string, entry: Omit<AuditEntry, 'id' | 'hash' | 'prev_hash'>): string {
  const content = canonicalJson({
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    agency_id: entry.agency_id,
    case_id: entry.case_id,
    target: entry.target,
    details: entry.details,
  });
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

// Serialises appends across processes and connections, so the chain never forks.
const AUDIT_LOCK = 0x6372_6f73; // "cros"

export async function appendAudit(db: Kysely<Database>, event: AuditEvent): Promise<AuditEntry> {
  return db.transaction().execute((trx) => appendAuditIn(trx, event));
}

/** Appends within a transaction the caller holds, so the entry commits with the work it records. */
export async function appendAuditIn(trx: Transaction<Database>, event: AuditEvent): Promise<AuditEntry> {
  const [entry] = await appendChained(trx, [event]);
  return entry!;
}

/**
 * Appends several events in one transaction of their own, chained in the order given: one lock,
 * one head read, one insert and one commit for all of them. The lock is held until the commit (the
 * next appender must see this batch's last hash), so each commit's flush to disk is a point every
 * append in every process waits for in turn; a batch pays that once for many events (see
 * api/audit-queue.ts, which gathers the audit entries of concurrent reads).
 */
export async function appendAuditBatch(db: Kysely<Database>, events: readonly AuditEvent[]): Promise<AuditEntry[]> {
  if (events.length === 0) return [];
  return db.transaction().execute((trx) => appendChained(trx, events));
}

async function appendChained(trx: Transaction<Database>, events: readonly AuditEvent[]): Promise<AuditEntry[]> {
  await sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
  // Through the SECURITY DEFINER function (migration 0007): an acting user may not read the head
  // row itself, which is usually someone else's. Its statement starts after the lock is held, so
  // it sees every append committed before ours.
  const last = (await sql<{ hash: string }>`SELECT hash FROM crosslink_audit_head()`.execute(trx)).rows[0];
  let prevHash = last?.hash ?? GENESIS_HASH;
  const now = new Date();
  const rows = events.map((event) => {
    // Millisecond precision: what PostgreSQL stores and returns unchanged, so verification recomputes the same hash.
    const entry = {
      at: event.at ?? now,
      actor: event.actor,
      action: event.action,
      agency_id: event.agencyId ?? null,
      case_id: event.caseId ?? null,
      target: event.target ?? null,
      details: event.details ?? {},
    };
    const hash = auditHash(prevHash, entry);
    const row = { ...entry, prev_hash: prevHash, hash };
    prevHash = hash;
    return row;
  });
  // Ids come from the sequence in the order of the VALUES list, which is the chain's order.
  const inserted = await trx.insertInto('audit_log').values(rows).returningAll().execute();
  return inserted.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
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
