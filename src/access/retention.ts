/**
 * Retention: how long a case's data is kept, and the purge that removes it once that date has
 * passed. The date is set by a supervisor or administrator of the owning agency, checked by the
 * database (`crosslink_set_retention`, migration 0011); the purge is the node's work, run by an
 * administrator as the store's owner under `crosslink.maintenance`, one transaction per case.
 *
 * What a purge removes is found in the catalog, not listed here: every row of every table with a
 * column that names the case (a `case_id`, or a foreign key to cases), so a table a later
 * migration adds is purged without a change here. Rows that hang off case data without naming a
 * case (a source's resume ranges, match decisions on the case's entities) are handled below; a
 * table that refers to case data in a way nothing here handles stops the purge, with its name,
 * rather than being silently left behind. What stays: the cases row, marked purged (the audit
 * rows that name the case still resolve), the audit log with a `case.purge` row of what went, and
 * memberships. Subjects left without members go; identifiers no other case mentions go.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { UserError } from '../model/index.ts';
import { appendAudit, appendAuditIn, IDENTIFIER_REMOVAL_LOCK, type Database, type Store } from '../store/index.ts';
import type { Principal } from './roles.ts';

/** SQLSTATEs of migration 0011: no such case (or not the caller's to set), and a purged case. */
const NO_CASE = 'CX003';
const PURGED = 'CX004';

/** Tables that name a case but are kept: the audit trail (the purge's own record among it) and who had access. */
const KEPT = new Set(['audit_log', 'case_members', 'cases']);

/**
 * Columns that refer to identifiers without a foreign key (dropped for speed), which keep an
 * identifier as a key would: what federation exchanged and found (migration 0023).
 */
const UNKEYED_IDENTIFIER_REFERENCES = ['federation_mine', 'federation_matches', 'federation_notices', 'federation_hits'].map((table) => ({ table, column: 'identifier_id' }));

/**
 * Rows that belong to a case through another table rather than a case column: the condition that
 * picks the case's rows (`$case` is the case id). The table they go through is purged too.
 */
const ofRegistrations = (caseId: string) => sql`registration_id IN (SELECT id FROM deconfliction_registrations WHERE case_id = ${caseId})`;

const THROUGH: Record<string, (caseId: string) => RawBuilder<unknown>> = {
  source_batches: (caseId) => sql`source_id IN (SELECT id FROM sources WHERE case_id = ${caseId})`,
  match_decisions: (caseId) => sql`entity_a IN (SELECT id FROM entities WHERE case_id = ${caseId}) OR entity_b IN (SELECT id FROM entities WHERE case_id = ${caseId})`,
  // A case's deconfliction registrations as exchanged with peers (tags, matches, notices sent and received).
  ...Object.fromEntries(['federation_dx_mine', 'federation_dx_matches', 'federation_dx_sent', 'federation_dx_received'].map((table) => [table, ofRegistrations])),
};

export interface RetentionChange {
  case: string;
  agency: string;
  /** YYYY-MM-DD, or null: kept until further notice. */
  retainUntil: string | null;
  previous: string | null;
}

/** A day as YYYY-MM-DD, or `none` for no date (kept until further notice). */
export function parseRetentionDate(value: string): string | null {
  const text = value.trim().toLowerCase();
  if (text === 'none') return null;
  const date = new Date(`${text}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
    throw new UserError(`--until '${value}' is not a day as YYYY-MM-DD (or 'none' to keep the case until further notice)`);
  }
  return text;
}

const sqlState = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/**
 * Sets how long a case's data is kept, on a connection acting as `actor`: the database decides
 * whether they may (a supervisor or administrator of the owning agency, or a node administrator).
 * Audited with the date it replaced.
 */
export async function setRetention(db: Kysely<Database>, actor: Principal, caseRef: string, until: string | null): Promise<RetentionChange> {
  // The date and its audit entry commit together: in the caller's transaction, or in one of our own.
  const work = async (trx: Transaction<Database>): Promise<RetentionChange> => {
    const row = (
      await sql<{ case_id: string; agency_id: string; ref: string; agency: string; previous: string | null }>`
        SELECT case_id, agency_id, ref, agency, previous::text AS previous FROM crosslink_set_retention(${caseRef}, ${until}::date)`.execute(trx)
    ).rows[0]!;
    await appendAuditIn(trx, { actor: actor.name, action: 'case.retain', agencyId: row.agency_id, caseId: row.case_id, target: row.ref, details: { until, previous: row.previous } });
    return { case: row.ref, agency: row.agency, retainUntil: until, previous: row.previous };
  };
  try {
    return db.isTransaction ? await work(db as Transaction<Database>) : await db.transaction().execute(work);
  } catch (error) {
    const code = sqlState(error);
    if (code === NO_CASE) throw new UserError((error as Error).message, 'not_found');
    if (code === PURGED) throw new UserError((error as Error).message, 'conflict');
    throw error;
  }
}

export interface CaseOverview {
  id: string;
  agencyId: string;
  ref: string;
  agency: string;
  title: string | null;
  officer: string | null;
  /** open, closed, or purged. */
  status: string;
  retainUntil: string | null;
  purgedAt: string | null;
  holds: { sources: number; records: number; entities: number; links: number };
}

/** One case as the connection may see it (undefined: none by that reference), with its retention and what it still holds. */
export async function caseOverview(db: Kysely<Database>, caseRef: string): Promise<CaseOverview | undefined> {
  const row = (
    await sql<{ id: string; agency_id: string; ref: string; agency: string; title: string | null; officer: string | null; status: string; retain_until: string | null; purged_at: Date | null; sources: string; records: string; entities: string; links: string }>`
      SELECT c.id, c.agency_id, c.ref, a.name AS agency, c.title, c.officer, c.status, c.retain_until::text AS retain_until, c.purged_at,
             (SELECT count(*) FROM sources WHERE case_id = c.id) AS sources, (SELECT count(*) FROM records WHERE case_id = c.id) AS records,
             (SELECT count(*) FROM entities WHERE case_id = c.id) AS entities, (SELECT count(*) FROM links WHERE case_id = c.id) AS links
      FROM cases c JOIN agencies a ON a.id = c.agency_id
      WHERE lower(c.ref) = ${caseRef.trim().toLowerCase()}`.execute(db)
  ).rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    agencyId: row.agency_id,
    ref: row.ref,
    agency: row.agency,
    title: row.title,
    officer: row.officer,
    status: row.purged_at ? 'purged' : row.status,
    retainUntil: row.retain_until,
    purgedAt: row.purged_at?.toISOString() ?? null,
    holds: { sources: Number(row.sources), records: Number(row.records), entities: Number(row.entities), links: Number(row.links) },
  };
}

export interface CasePurge {
  case: string;
  agency: string;
  retainUntil: string;
  /** Rows removed (or, in a dry run, that would be), per table; tables with none are left out. */
  removed: Record<string, number>;
  /** Subjects that keep members of other cases but were named after a removed one, renamed after one that stays. */
  relabelled: number;
  purgedAt: string | null;
}

export interface PurgeReport {
  dryRun: boolean;
  cases: CasePurge[];
  /** Rows per table over every case. */
  totals: Record<string, number>;
}

export interface PurgeOptions {
  /** Count what would go: each case's purge runs and is rolled back, so the counts are exactly the purge's. */
  dryRun?: boolean;
  onProgress?: (step: { phase: string; done: number; total: number }) => void;
}

/** What the catalog says about where case data lives. */
interface CaseDataLayout {
  /** Table → its columns that name a case. */
  caseColumns: Map<string, string[]>;
  /** Tables to empty of the case's rows, referencing tables before the tables they reference. */
  order: string[];
  /** Every (table, column) with a foreign key to identifiers: an identifier still referenced stays. */
  identifierReferences: { table: string; column: string }[];
}

class DryRun extends Error {}

/**
 * Removes the data of every case whose retention date has passed (before today), each case in a
 * transaction of its own that also appends its `case.purge` audit row. Runs on the owner's store.
 */
export async function purgeExpiredCases(store: Store, actor: Principal, options: PurgeOptions = {}): Promise<PurgeReport> {
  if (actor.role !== 'admin') throw new UserError('a purge is the node\'s work across every agency: only an administrator may start it', 'forbidden');
  if (store.actingAs) throw new Error('purgeExpiredCases needs the owner store (withNodeWork), not one acting as a user');
  const db = store.db;
  const expired = (
    await sql<{ id: string; ref: string; agency: string; retain_until: string }>`
      SELECT c.id, c.ref, a.name AS agency, c.retain_until::text AS retain_until
      FROM cases c JOIN agencies a ON a.id = c.agency_id
      WHERE c.retain_until < current_date AND c.purged_at IS NULL
      ORDER BY c.retain_until, c.ref`.execute(db)
  ).rows;
  const report: PurgeReport = { dryRun: options.dryRun === true, cases: [], totals: {} };
  if (expired.length === 0) return report;
  const layout = await caseDataLayout(db);
  const phase = options.dryRun ? 'counting' : 'purging';
  options.onProgress?.({ phase, done: 0, total: expired.length });
  for (const [index, target] of expired.entries()) {
    let outcome: CasePurge | undefined;
    await db
      .transaction()
      .execute(async (trx) => {
        outcome = await purgeCase(trx, layout, target, actor, options.dryRun === true);
        if (options.dryRun) throw new DryRun();
      })
      .catch((error: unknown) => {
        if (!(error instanceof DryRun)) throw error;
      });
    if (outcome) {
      report.cases.push(outcome);
      for (const [table, count] of Object.entries(outcome.removed)) report.totals[table] = (report.totals[table] ?? 0) + count;
    }
    options.onProgress?.({ phase, done: index + 1, total: expired.length });
  }
  // A dry run reads case data (counts of it) without leaving a purge record: it is audited on its own.
  if (options.dryRun) await appendAudit(db, { actor: actor.name, action: 'purge.dry_run', details: { cases: report.cases.map((c) => c.case), totals: report.totals } });
  return report;
}

async function purgeCase(
  trx: Transaction<Database>,
  layout: CaseDataLayout,
  target: { id: string; ref: string; agency: string },
  actor: Principal,
  dryRun: boolean,
): Promise<CasePurge | undefined> {
  // First, before any row lock: no federation exchange records an identifier while this removes it (store/locks.ts).
  await sql`SELECT set_config('crosslink.maintenance', 'on', true), pg_advisory_xact_lock(${IDENTIFIER_REMOVAL_LOCK})`.execute(trx);
  // Still due once locked: a retention date extended meanwhile, or another purge that got there first, wins.
  const locked = (
    await sql<{ agency_id: string; retain_until: string }>`
      SELECT agency_id, retain_until::text AS retain_until FROM cases
      WHERE id = ${target.id} AND retain_until < current_date AND purged_at IS NULL FOR UPDATE`.execute(trx)
  ).rows[0];
  if (!locked) return undefined;
  const caseId = target.id;

  // Decided before anything goes, while the case's members and mentions still say what they were.
  const emptied = (
    await sql<{ id: string }>`
      SELECT DISTINCT m.subject_id AS id FROM subject_members m
      WHERE m.case_id = ${caseId} AND NOT EXISTS (SELECT 1 FROM subject_members o WHERE o.subject_id = m.subject_id AND o.case_id <> ${caseId})`.execute(trx)
  ).rows.map((row) => row.id);
  const touched = (await sql<{ id: string }>`SELECT DISTINCT subject_id AS id FROM subject_members WHERE case_id = ${caseId}`.execute(trx)).rows.map((row) => row.id);
  const onlyHere = (
    await sql<{ id: string }>`
      SELECT DISTINCT m.identifier_id AS id FROM mentions m
      WHERE m.case_id = ${caseId} AND NOT EXISTS (SELECT 1 FROM mentions o WHERE o.identifier_id = m.identifier_id AND o.case_id <> ${caseId})`.execute(trx)
  ).rows.map((row) => row.id);

  const removed: Record<string, number> = {};
  const count = (table: string, rows: bigint | number | undefined) => {
    if (rows && Number(rows) > 0) removed[table] = (removed[table] ?? 0) + Number(rows);
  };
  for (const table of layout.order) {
    const columns = layout.caseColumns.get(table);
    const where = columns ? sql.join(columns.map((column) => sql`${sql.ref(column)} = ${caseId}`), sql` OR `) : THROUGH[table]!(caseId);
    const result = await sql`DELETE FROM ${sql.table(table)} WHERE ${where}`.execute(trx);
    count(table, result.numAffectedRows);
  }
  if (emptied.length > 0) {
    const result = await sql`DELETE FROM subjects WHERE id = ANY(${emptied}::bigint[]) AND NOT EXISTS (SELECT 1 FROM subject_members m WHERE m.subject_id = subjects.id)`.execute(trx);
    count('subjects', result.numAffectedRows);
  }
  if (onlyHere.length > 0) {
    const stillReferenced = layout.identifierReferences.map(({ table, column }) => sql`NOT EXISTS (SELECT 1 FROM ${sql.table(table)} r WHERE r.${sql.ref(column)} = identifiers.id)`);
    const result = await sql`DELETE FROM identifiers WHERE id = ANY(${onlyHere}::bigint[]) AND ${sql.join(stillReferenced, sql` AND `)}`.execute(trx);
    count('identifiers', result.numAffectedRows);
  }
  // A subject that spans cases is named after one of its members (a person's full name, as
  // resolution names it), perhaps one just removed: then after one that stays.
  const renamed =
    touched.length === 0
      ? undefined
      : await sql`
          UPDATE subjects s SET label = (
            SELECT coalesce(nullif(e.props->>'full_name', ''), e.label) FROM subject_members m JOIN entities e ON e.id = m.entity_id
            WHERE m.subject_id = s.id ORDER BY m.score DESC, e.id LIMIT 1)
          WHERE s.id = ANY(${touched}::bigint[]) AND s.label IS NOT NULL
            AND EXISTS (SELECT 1 FROM subject_members m WHERE m.subject_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM subject_members m JOIN entities e ON e.id = m.entity_id
                            WHERE m.subject_id = s.id AND (e.label = s.label OR e.props->>'full_name' = s.label))`.execute(trx);
  const relabelled = Number(renamed?.numAffectedRows ?? 0);

  const purgedAt = (await sql<{ purged_at: Date }>`UPDATE cases SET purged_at = now() WHERE id = ${caseId} RETURNING purged_at`.execute(trx)).rows[0]!.purged_at;
  if (!dryRun) {
    await appendAuditIn(trx, {
      actor: actor.name,
      action: 'case.purge',
      agencyId: locked.agency_id,
      caseId,
      target: target.ref,
      details: { retainUntil: locked.retain_until, removed, relabelled },
    });
  }
  return { case: target.ref, agency: target.agency, retainUntil: locked.retain_until, removed, relabelled, purgedAt: dryRun ? null : purgedAt.toISOString() };
}

/** Reads the catalog: which tables hold case data, in which order they empty, and what refers to identifiers. */
async function caseDataLayout(db: Kysely<Database>): Promise<CaseDataLayout> {
  const named = await sql<{ table: string; column: string }>`
    SELECT c.relname AS table, a.attname AS column
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL unnest(k.conkey, k.confkey) AS u(col, refcol)
    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.col
    JOIN pg_attribute r ON r.attrelid = k.confrelid AND r.attnum = u.refcol
    WHERE k.contype = 'f' AND k.confrelid = 'cases'::regclass AND r.attname = 'id' AND n.nspname = current_schema()
    UNION
    SELECT c.relname, a.attname
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE a.attname = 'case_id' AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND n.nspname = current_schema()`.execute(db);
  const references = await sql<{ child: string; column: string; parent: string }>`
    SELECT c.relname AS child, a.attname AS column, p.relname AS parent
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_class p ON p.oid = k.confrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
    WHERE k.contype = 'f' AND k.conrelid <> k.confrelid AND n.nspname = current_schema()`.execute(db);

  const caseColumns = new Map<string, string[]>();
  for (const { table, column } of named.rows) {
    if (!KEPT.has(table)) caseColumns.set(table, [...(caseColumns.get(table) ?? []), column].sort());
  }
  const purged = new Set([...caseColumns.keys(), ...Object.keys(THROUGH)]);
  // Removed by their own rules, after the tables above: whatever refers to them must be purged itself or kept.
  const derived = new Set(['subjects', 'identifiers']);
  for (const { child, parent } of references.rows) {
    if ((purged.has(parent) || derived.has(parent)) && !purged.has(child) && !KEPT.has(child) && parent !== 'identifiers') {
      throw new Error(`table ${child} refers to case data (${parent}) but names no case, and the purge does not know how to remove its rows: teach src/access/retention.ts (THROUGH)`);
    }
  }
  for (const { child, parent } of references.rows) {
    if (KEPT.has(child) && purged.has(parent)) throw new Error(`table ${child} is kept by a purge but refers to ${parent}, which a purge empties: src/access/retention.ts must decide`);
  }

  // Referencing tables first, so no foreign key ever points at a removed row.
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: string) => {
    if (state.get(table) === 'done') return;
    if (state.get(table) === 'visiting') throw new Error(`case-data tables refer to each other in a cycle through ${table}: the purge cannot order them`);
    state.set(table, 'visiting');
    for (const { child, parent } of references.rows) if (parent === table && purged.has(child)) visit(child);
    state.set(table, 'done');
    order.push(table);
  };
  for (const table of [...purged].sort()) visit(table);

  const identifierReferences = [
    ...references.rows.filter((row) => row.parent === 'identifiers').map(({ child, column }) => ({ table: child, column })),
    ...UNKEYED_IDENTIFIER_REFERENCES,
  ];
  return { caseColumns, order, identifierReferences };
}
