/**
 * What resolution reads and writes: person entities with their identifiers and current subject,
 * analysts' latest decisions, the runs (with the model each used), and the subjects of a run —
 * written in bulk (COPY into a scratch table, then set-wise SQL), since a run over a million
 * people changes up to a million member rows.
 */
import { sql, type Kysely } from 'kysely';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { UserError } from '../../model/index.ts';
import type { Store } from '../connect.ts';
import type { Database } from '../schema.ts';

/** Person entities as columns (a million objects would be most of a run's memory). */
export interface PeopleColumns {
  count: number;
  ids: string[];
  firstName: (string | undefined)[];
  lastName: (string | undefined)[];
  fullName: (string | undefined)[];
  birthDate: (string | undefined)[];
  city: (string | undefined)[];
  /** `type:value` of each person's email, phone and card identifiers. */
  identifiers: string[][];
  /** The subject each person is a member of now, or null. */
  subject: (string | null)[];
}

/** One connection for a unit of work: plain rows as arrays, and COPY in. */
interface Session {
  rows(text: string, values?: unknown[]): Promise<unknown[][]>;
  /** COPY `table (columns)` from text-format lines (each ending in \n). */
  copyIn(table: string, columns: string, lines: Iterable<string>): Promise<void>;
  /** The rows of a query as text (null for NULL): through COPY TO on a server, for a million rows a few times faster than a query. */
  table(query: string): Promise<(string | null)[][]>;
  release(): void;
}

async function openSession(store: Store): Promise<Session> {
  if (store.driver.kind === 'postgres') {
    const client: pg.PoolClient = await store.driver.pool.connect();
    return {
      async rows(text, values = []) {
        return (await client.query({ text, values, rowMode: 'array' })).rows as unknown[][];
      },
      async copyIn(table, columns, lines) {
        await pipeline(Readable.from(chunked(lines)), client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`)));
      },
      async table(query) {
        const out: (string | null)[][] = [];
        let rest = '';
        // A chunk may end inside a character: the decoder keeps its first bytes for the next.
        const decoder = new StringDecoder('utf8');
        const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          const lines = (rest + decoder.write(chunk)).split('\n');
          rest = lines.pop()!;
          for (const line of lines) out.push(line.split('\t').map(fromCopyText));
        }
        if (rest !== '') out.push(rest.split('\t').map(fromCopyText));
        return out;
      },
      release: () => client.release(),
    };
  }
  const { pglite } = store.driver;
  return {
    async rows(text, values = []) {
      return (await pglite.query<unknown[]>(text, values, { rowMode: 'array' })).rows;
    },
    async copyIn(table, columns, lines) {
      // PGlite's COPY FROM STDIN hangs; a blob it reads as a file does not.
      await pglite.query(`COPY ${table} (${columns}) FROM '/dev/blob'`, [], { blob: new Blob([...chunked(lines)]) });
    },
    async table(query) {
      const rows = (await pglite.query<unknown[]>(query, [], { rowMode: 'array' })).rows;
      return rows.map((row) => row.map((value) => (value === null || value === undefined ? null : String(value))));
    },
    release: () => undefined,
  };
}

/** A field of COPY's text format. */
function fromCopyText(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/g, (_, char: string) => (char === 't' ? '\t' : char === 'n' ? '\n' : char === 'r' ? '\r' : char));
}

/** Lines joined into chunks of about a megabyte: fewer, larger writes. */
function* chunked(lines: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** A value for COPY's text format: backslash, tab and line breaks escaped; \N for null. */
export function copyText(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  const text = String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : text;
}

export async function loadPeople(store: Store): Promise<PeopleColumns> {
  const session = await openSession(store);
  try {
    const rows = await session.table(`
      SELECT e.id, e.props->>'first_name', e.props->>'last_name', e.props->>'full_name', e.props->>'birth_date', e.props->>'city', sm.subject_id
      FROM entities e
      LEFT JOIN subject_members sm ON sm.entity_id = e.id
      WHERE e.kind = 'person' AND e.supersedes IS NULL
      ORDER BY e.id`);
    const count = rows.length;
    const people: PeopleColumns = {
      count,
      ids: new Array<string>(count),
      firstName: new Array<string | undefined>(count),
      lastName: new Array<string | undefined>(count),
      fullName: new Array<string | undefined>(count),
      birthDate: new Array<string | undefined>(count),
      city: new Array<string | undefined>(count),
      identifiers: new Array<string[]>(count),
      subject: new Array<string | null>(count),
    };
    const indexOf = new Map<string, number>();
    const none: string[] = [];
    rows.forEach((row, index) => {
      const id = row[0]!;
      indexOf.set(id, index);
      people.ids[index] = id;
      people.firstName[index] = row[1] ?? undefined;
      people.lastName[index] = row[2] ?? undefined;
      people.fullName[index] = row[3] ?? undefined;
      people.birthDate[index] = row[4] ?? undefined;
      people.city[index] = row[5] ?? undefined;
      people.subject[index] = row[6] ?? null;
      people.identifiers[index] = none;
    });
    rows.length = 0;
    const identifiers = await session.table(`
      SELECT m.entity_id, i.type || ':' || i.value
      FROM mentions m
      JOIN identifiers i ON i.id = m.identifier_id
      JOIN entities e ON e.id = m.entity_id
      WHERE e.kind = 'person' AND e.supersedes IS NULL AND i.type IN ('email', 'phone', 'card')`);
    for (const row of identifiers) {
      const index = indexOf.get(row[0]!);
      if (index === undefined) continue;
      const list = people.identifiers[index]!;
      if (list === none) people.identifiers[index] = [row[1]!];
      else list.push(row[1]!);
    }
    return people;
  } finally {
    session.release();
  }
}

export async function recordDecision(db: Kysely<Database>, a: string, b: string, verdict: 'confirm' | 'reject', decidedBy: string): Promise<void> {
  if (a === b) throw new UserError('a match decision needs two different entities');
  const [low, high] = BigInt(a) < BigInt(b) ? [a, b] : [b, a];
  const found = await db.selectFrom('entities').select('id').where('id', 'in', [low, high]).where('kind', '=', 'person').execute();
  if (found.length !== 2) throw new UserError(`no person entity ${found.some((row) => row.id === low) ? high : low}`, 'not_found');
  await db.insertInto('match_decisions').values({ entity_a: low, entity_b: high, verdict, decided_by: decidedBy }).execute();
}

/** The decision that counts on each pair: its latest, unless that is a withdrawal (then none). */
export async function latestDecisions(db: Kysely<Database>): Promise<{ a: string; b: string; verdict: 'confirm' | 'reject' }[]> {
  const rows = await sql<{ entity_a: string; entity_b: string; verdict: 'confirm' | 'reject' }>`
    SELECT entity_a, entity_b, verdict FROM (
      SELECT DISTINCT ON (entity_a, entity_b) entity_a, entity_b, verdict FROM match_decisions ORDER BY entity_a, entity_b, id DESC
    ) latest
    WHERE verdict <> 'withdrawn'`.execute(db);
  return rows.rows.map((row) => ({ a: row.entity_a, b: row.entity_b, verdict: row.verdict }));
}

export interface ResolutionRun {
  id: string;
  mode: 'full' | 'incremental';
  threshold: number;
  /** The model the run scored with (m, u, prior); opaque to the store. */
  parameters: unknown;
  /** How many records the parameters were estimated on (in the full run that trained them). */
  trainedOn: number;
  people: number;
  /** Records resolved in this run (all in a full run; the new and affected ones in an incremental run). */
  resolved: number;
  actor: string;
}

export async function lastResolutionRun(db: Kysely<Database>): Promise<ResolutionRun | undefined> {
  const rows = await sql<{ id: string; mode: 'full' | 'incremental'; threshold: number; parameters: unknown; trained_on: number; people: number; resolved: number; actor: string }>`
    SELECT id, mode, threshold, parameters, trained_on, people, resolved, actor FROM resolution_runs ORDER BY number DESC LIMIT 1`.execute(db);
  const row = rows.rows[0];
  return row && { id: row.id, mode: row.mode, threshold: row.threshold, parameters: row.parameters, trainedOn: row.trained_on, people: row.people, resolved: row.resolved, actor: row.actor };
}

/** A subject as a run leaves it: kept (an existing id) or new, with the member rows to (re)write. */
export interface SubjectWrite {
  /** The existing subject this one continues, or null for a new subject. */
  id: string | null;
  label: string | null;
  members: MemberWrite[];
}

/**
 * A member row to write. Its reasons are built in SQL from `reason` (an index into the run's
 * reason texts: the field weights of one comparison pattern, shared by many pairs), the record
 * it was compared `with` and the pair's `probability`; reason -1 with `with` null: none
 * (a single record), -2: confirmed by an analyst. Score null: keep the stored score and reasons
 * (the member only moves to the subject that absorbed its own).
 */
export interface MemberWrite {
  entity: string;
  score: number | null;
  reason: number;
  with: string | null;
  probability: number | null;
}

/**
 * Applies a run in one transaction: new subjects get ids, the members listed are (re)written
 * (taking their stored score and reasons when given none), `released` subjects left without
 * members are deleted, and the run is recorded. With `replaceAll` (a full run, which lists
 * every person) all other member rows and subjects are removed.
 */
export async function writeResolution(
  store: Store,
  input: { run: ResolutionRun; subjects: Iterable<SubjectWrite>; reasons: readonly string[]; released: readonly string[]; replaceAll: boolean },
): Promise<{ created: number }> {
  const session = await openSession(store);
  try {
    await session.rows('BEGIN');
    // Runs write one at a time: two concurrent runs would each see the other's subjects half written.
    await session.rows(`SELECT pg_advisory_xact_lock(hashtext('crosslink.resolution'))`);
    await session.rows(`CREATE TEMP TABLE resolution_subjects (ordinal integer, subject_id bigint, fresh boolean, label text) ON COMMIT DROP`);
    await session.rows(`CREATE TEMP TABLE resolution_members (entity_id bigint, ordinal integer, score real, reason integer, with_entity text, probability double precision) ON COMMIT DROP`);
    // Ids for the new subjects as one block of the subjects' own sequence: with the table locked
    // against other writers (readers go on), nobody can draw from it in between.
    const subjects = [...input.subjects];
    const created = subjects.reduce((sum, subject) => sum + (subject.id === null ? 1 : 0), 0);
    await session.rows(`LOCK TABLE subjects IN EXCLUSIVE MODE`);
    let next = 0n;
    if (created > 0) {
      const [[first]] = (await session.rows(`SELECT nextval(pg_get_serial_sequence('subjects', 'id'))::text`)) as [[string]];
      await session.rows(`SELECT setval(pg_get_serial_sequence('subjects', 'id'), $1::bigint)`, [String(BigInt(first) + BigInt(created) - 1n)]);
      next = BigInt(first);
    }
    const subjectLines: string[] = [];
    const memberLines: string[] = [];
    let ordinal = 0;
    for (const subject of subjects) {
      const id = subject.id ?? String(next++);
      subjectLines.push(`${ordinal}\t${id}\t${subject.id === null ? 't' : 'f'}\t${copyText(subject.label)}\n`);
      for (const m of subject.members) memberLines.push(`${m.entity}\t${ordinal}\t${copyText(m.score)}\t${m.reason}\t${copyText(m.with)}\t${copyText(m.probability)}\n`);
      ordinal++;
    }
    subjects.length = 0;
    await session.copyIn('resolution_subjects', 'ordinal, subject_id, fresh, label', subjectLines);
    subjectLines.length = 0;
    await session.copyIn('resolution_members', 'entity_id, ordinal, score, reason, with_entity, probability', memberLines);
    memberLines.length = 0;
    const [[runNumber]] = (await session.rows(
      `INSERT INTO resolution_runs (id, mode, threshold, parameters, trained_on, people, resolved, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING number`,
      [input.run.id, input.run.mode, input.run.threshold, JSON.stringify(input.run.parameters), input.run.trainedOn, input.run.people, input.run.resolved, input.run.actor],
    )) as [[number]];
    await session.copyIn('resolution_reasons', 'run, reason, fields', input.reasons.map((fields, index) => `${runNumber}\t${index}\t${copyText(fields)}\n`));
    await session.rows(`ANALYZE resolution_subjects`);
    await session.rows(`ANALYZE resolution_members`);
    await session.rows(`INSERT INTO subjects (id, label, resolution_run) OVERRIDING SYSTEM VALUE SELECT subject_id, label, $1 FROM resolution_subjects WHERE fresh`, [input.run.id]);
    await session.rows(`UPDATE subjects s SET label = r.label, resolution_run = $1 FROM resolution_subjects r WHERE s.id = r.subject_id AND NOT r.fresh`, [input.run.id]);
    // Stored score and reasons of members that only move.
    await session.rows(`CREATE TEMP TABLE resolution_kept ON COMMIT DROP AS
      SELECT sm.entity_id, sm.score, sm.reasons, sm.reason_run, sm.reason, sm.reason_with, sm.reason_probability
      FROM subject_members sm JOIN resolution_members m ON m.entity_id = sm.entity_id WHERE m.score IS NULL`);
    await session.rows(`ANALYZE resolution_kept`);
    if (input.replaceAll) await session.rows(`DELETE FROM subject_members`);
    else await session.rows(`DELETE FROM subject_members sm USING resolution_members m WHERE sm.entity_id = m.entity_id`);
    await session.rows(
      `INSERT INTO subject_members (subject_id, entity_id, agency_id, case_id, score, reasons, reason_run, reason, reason_with, reason_probability)
       SELECT s.subject_id, e.id, e.agency_id, e.case_id, coalesce(m.score, k.score, 1),
              CASE WHEN m.score IS NULL THEN coalesce(k.reasons, '[]') WHEN m.reason = -2 THEN '[{"decision": "confirmed by an analyst"}]' ELSE '[]' END,
              CASE WHEN m.score IS NULL THEN k.reason_run WHEN m.reason >= 0 THEN $1 END,
              CASE WHEN m.score IS NULL THEN k.reason WHEN m.reason >= 0 THEN m.reason END,
              CASE WHEN m.score IS NULL THEN k.reason_with WHEN m.reason >= 0 THEN m.with_entity::bigint END,
              CASE WHEN m.score IS NULL THEN k.reason_probability WHEN m.reason >= 0 THEN m.probability END
       FROM resolution_members m
       JOIN resolution_subjects s ON s.ordinal = m.ordinal
       JOIN entities e ON e.id = m.entity_id
       LEFT JOIN resolution_kept k ON k.entity_id = m.entity_id`,
      [runNumber],
    );
    if (input.released.length > 0) {
      await session.rows(`DELETE FROM subjects s WHERE s.id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM subject_members sm WHERE sm.subject_id = s.id)`, [input.released]);
    }
    // A full run wrote every member: any subject it did not write is empty now.
    if (input.replaceAll) await session.rows(`DELETE FROM subjects s WHERE NOT EXISTS (SELECT 1 FROM resolution_subjects r WHERE r.subject_id = s.id)`);
    await session.rows('COMMIT');
    return { created };
  } catch (error) {
    await session.rows('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    session.release();
  }
}

/** How many subjects there are, and how many have more than one member. */
export async function countSubjects(db: Kysely<Database>): Promise<{ subjects: number; linked: number }> {
  const rows = await sql<{ subjects: string; linked: string }>`
    SELECT count(*) AS subjects, count(*) FILTER (WHERE members > 1) AS linked
    FROM (SELECT subject_id, count(*) AS members FROM subject_members GROUP BY subject_id) s`.execute(db);
  return { subjects: Number(rows.rows[0]?.subjects ?? 0), linked: Number(rows.rows[0]?.linked ?? 0) };
}

export interface SubjectView {
  id: string;
  label: string | null;
  members: { entity: string; kind: string; case: string; source: string | null; key: string; label: string; score: number; reasons: unknown[] }[];
}

export async function listSubjects(db: Kysely<Database>, subjectId?: string): Promise<SubjectView[]> {
  const rows = await sql<{ subject_id: string; entity_id: string; kind: string; case_ref: string; source: string | null; key: string; label: string; score: number; reasons: unknown[] }>`
    SELECT sm.subject_id, e.id AS entity_id, e.kind, c.ref AS case_ref, src.original_name AS source, e.key, e.label, sm.score,
           -- Through migration 0009's function: a reason names no record the reader may not see.
           crosslink_visible_reasons(CASE WHEN sm.reason IS NULL THEN sm.reasons
                ELSE jsonb_build_array(jsonb_build_object('with', sm.reason_with::text, 'probability', sm.reason_probability, 'fields', r.fields)) END) AS reasons
    FROM subject_members sm
    LEFT JOIN resolution_reasons r ON r.run = sm.reason_run AND r.reason = sm.reason
    JOIN subjects s ON s.id = sm.subject_id
    JOIN entities e ON e.id = sm.entity_id
    JOIN cases c ON c.id = sm.case_id
    LEFT JOIN sources src ON src.id = e.source_id
    WHERE ${subjectId === undefined ? sql`true` : sql`sm.subject_id = ${subjectId}`}
    ORDER BY sm.subject_id, e.id`.execute(db);
  // Labels once per subject, through migration 0009's function: never a name from a member the reader may not see.
  const ids = [...new Set(rows.rows.map((row) => row.subject_id))];
  const labels = new Map(
    ids.length === 0
      ? []
      : (await sql<{ id: string; label: string | null }>`SELECT id, crosslink_subject_label(id) AS label FROM unnest(${ids}::bigint[]) AS id`.execute(db)).rows.map((row) => [String(row.id), row.label]),
  );
  const subjects = new Map<string, SubjectView>();
  for (const row of rows.rows) {
    const subject = subjects.get(row.subject_id) ?? { id: row.subject_id, label: labels.get(row.subject_id) ?? null, members: [] };
    // A person made from a row is keyed `record:<the row's key column>`: show the row's key.
    subject.members.push({ entity: row.entity_id, kind: row.kind, case: row.case_ref, source: row.source, key: row.key.replace(/^record:/, ''), label: row.label, score: row.score, reasons: row.reasons });
    subjects.set(row.subject_id, subject);
  }
  return [...subjects.values()];
}
