/**
 * What resolution reads and writes: person entities with their identifiers, analysts' latest
 * decisions, and the subjects of a run (derived data: a new run replaces the previous one).
 */
import { sql, type Kysely } from 'kysely';
import { UserError } from '../../model/index.ts';
import type { Database } from '../schema.ts';

export interface StoredPerson {
  id: string;
  key: string;
  caseId: string;
  props: Record<string, unknown>;
  source: string | null;
  /** `type:value` of the person's email, phone and card identifiers. */
  identifiers: string[];
}

export async function loadPeople(db: Kysely<Database>): Promise<StoredPerson[]> {
  const rows = await sql<{ id: string; key: string; case_id: string; props: Record<string, unknown>; source: string | null; identifiers: string[] }>`
    SELECT e.id, e.key, e.case_id, e.props, s.original_name AS source,
           coalesce(array_agg(DISTINCT i.type || ':' || i.value) FILTER (WHERE i.type IN ('email', 'phone', 'card')), '{}') AS identifiers
    FROM entities e
    LEFT JOIN sources s ON s.id = e.source_id
    LEFT JOIN mentions m ON m.entity_id = e.id
    LEFT JOIN identifiers i ON i.id = m.identifier_id
    WHERE e.kind = 'person' AND e.supersedes IS NULL
    GROUP BY e.id, s.original_name
    ORDER BY e.id`.execute(db);
  return rows.rows.map((row) => ({ id: row.id, key: row.key, caseId: row.case_id, props: row.props, source: row.source, identifiers: row.identifiers }));
}

export async function recordDecision(db: Kysely<Database>, a: string, b: string, verdict: 'confirm' | 'reject', decidedBy: string): Promise<void> {
  if (a === b) throw new UserError('a match decision needs two different entities');
  const [low, high] = BigInt(a) < BigInt(b) ? [a, b] : [b, a];
  const found = await db.selectFrom('entities').select('id').where('id', 'in', [low, high]).where('kind', '=', 'person').execute();
  if (found.length !== 2) throw new UserError(`no person entity ${found.some((row) => row.id === low) ? high : low}`, 'not_found');
  await db.insertInto('match_decisions').values({ entity_a: low, entity_b: high, verdict, decided_by: decidedBy }).execute();
}

export async function latestDecisions(db: Kysely<Database>): Promise<{ a: string; b: string; verdict: 'confirm' | 'reject' }[]> {
  const rows = await sql<{ entity_a: string; entity_b: string; verdict: 'confirm' | 'reject' }>`
    SELECT DISTINCT ON (entity_a, entity_b) entity_a, entity_b, verdict FROM match_decisions ORDER BY entity_a, entity_b, id DESC`.execute(db);
  return rows.rows.map((row) => ({ a: row.entity_a, b: row.entity_b, verdict: row.verdict }));
}

export interface NewSubject {
  label: string | null;
  members: { entityId: string; score: number; reasons: unknown[] }[];
}

/** Replaces every subject with this run's, in one transaction. */
export async function replaceSubjects(db: Kysely<Database>, run: string, subjects: NewSubject[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('subjects').execute();
    for (let start = 0; start < subjects.length; start += 1000) {
      const chunk = subjects.slice(start, start + 1000);
      const ids = await trx
        .insertInto('subjects')
        .values(chunk.map((subject) => ({ label: subject.label, resolution_run: run })))
        .returning('id')
        .execute();
      const members = chunk.flatMap((subject, index) => subject.members.map((member) => ({ subject: ids[index]!.id, ...member })));
      await sql`
        INSERT INTO subject_members (subject_id, entity_id, agency_id, case_id, score, reasons)
        SELECT u.subject_id, e.id, e.agency_id, e.case_id, u.score, u.reasons::jsonb
        FROM unnest(${members.map((m) => m.subject)}::bigint[], ${members.map((m) => m.entityId)}::bigint[], ${members.map((m) => m.score)}::real[],
                    ${members.map((m) => JSON.stringify(m.reasons))}::text[]) AS u(subject_id, entity_id, score, reasons)
        JOIN entities e ON e.id = u.entity_id`.execute(trx);
    }
  });
}

export interface SubjectView {
  id: string;
  label: string | null;
  members: { entity: string; kind: string; case: string; source: string | null; key: string; label: string; score: number; reasons: unknown[] }[];
}

export async function listSubjects(db: Kysely<Database>, subjectId?: string): Promise<SubjectView[]> {
  const rows = await sql<{ subject_id: string; subject_label: string | null; entity_id: string; kind: string; case_ref: string; source: string | null; key: string; label: string; score: number; reasons: unknown[] }>`
    SELECT sm.subject_id, s.label AS subject_label, e.id AS entity_id, e.kind, c.ref AS case_ref, src.original_name AS source, e.key, e.label, sm.score, sm.reasons
    FROM subject_members sm
    JOIN subjects s ON s.id = sm.subject_id
    JOIN entities e ON e.id = sm.entity_id
    JOIN cases c ON c.id = sm.case_id
    LEFT JOIN sources src ON src.id = e.source_id
    WHERE ${subjectId === undefined ? sql`true` : sql`sm.subject_id = ${subjectId}`}
    ORDER BY sm.subject_id, e.id`.execute(db);
  const subjects = new Map<string, SubjectView>();
  for (const row of rows.rows) {
    const subject = subjects.get(row.subject_id) ?? { id: row.subject_id, label: row.subject_label, members: [] };
    // A person made from a row is keyed `record:<the row's key column>`: show the row's key.
    subject.members.push({ entity: row.entity_id, kind: row.kind, case: row.case_ref, source: row.source, key: row.key.replace(/^record:/, ''), label: row.label, score: row.score, reasons: row.reasons });
    subjects.set(row.subject_id, subject);
  }
  return [...subjects.values()];
}
