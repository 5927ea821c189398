/**
 * The leak suite, on every backend: on the demo world, act as an analyst of one agency (a member
 * of that agency's cases only) and go down every read path that returns case data — search,
 * people and subjects, the analysis projection, similar cases, timelines, places, statistics, and
 * a raw SELECT * of every case-data table — and find not one row of another agency's cases.
 * Queries that forget their case filter on purpose still see nothing foreign: that is what
 * row-level security is for.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, ensureLocalAdmin, grantCase, withUser, type Principal } from '../../src/access/index.ts';
import { loadProjection, places, similarCases, timeline } from '../../src/analysis/index.ts';
import { generateWorld, loadWorld, type GroundTruth } from '../../src/demo/index.ts';
import { parseQuery, search } from '../../src/search/index.ts';
import { createSubject, latestDecisions, listCases, listSubjects, loadPeople, migrateToLatest, openStore, storeStats, type Database, type Store } from '../../src/store/index.ts';
import { BACKENDS, freshServerDatabase } from '../backends.ts';
import { withActingStore } from './fixtures.ts';

const secret = Buffer.alloc(32, 9);
const dir = mkdtempSync(join(tmpdir(), 'crosslink-leak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let generated: Promise<GroundTruth> | undefined;
const world = () =>
  (generated ??= generateWorld({ seed: 5, scale: 'small', out: join(dir, 'world') }).then(() => JSON.parse(readFileSync(join(dir, 'world', 'ground-truth.json'), 'utf8')) as GroundTruth));

/** Every table whose rows carry their own case. */
const CASE_TABLES = ['sources', 'records', 'source_rejects', 'entities', 'mentions', 'links', 'subject_members', 'media_signals'] as const;

describe.each(BACKENDS)('no leaks on $name', (backend) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof freshServerDatabase>>;
  let truth: GroundTruth;
  let analyst: Principal;
  /** Agency B's case ids and refs (what the analyst may see), and everyone else's. */
  let mine: { ids: Set<string>; refs: Set<string> };
  let foreign: { ids: string[]; refs: string[] };
  let mixedSubject: string | undefined;
  const asAnalyst = <T>(work: (db: Kysely<Database>) => Promise<T>) => withUser(store, { id: analyst.id, name: analyst.name }, work);
  /** For the functions that take a whole store (and use its driver directly). */
  const asAnalystStore = <T>(work: (acting: Store) => Promise<T>) => withActingStore(store, server?.url, analyst, work);
  const expectMine = (refs: Iterable<string | null | undefined>, what: string) => {
    for (const ref of refs) if (ref !== null && ref !== undefined) expect(mine.refs.has(ref), `${what}: ${ref} is another agency's case`).toBe(true);
  };

  beforeAll(async () => {
    truth = await world();
    server = backend.name === 'postgres' ? await freshServerDatabase() : undefined;
    store = await openStore(server?.url ?? 'memory://');
    await migrateToLatest(store.db);
    await loadWorld(store, join(dir, 'world'), { actor: 'test', secret });
    // Agency B: one that shares a person with another agency, so there is something to leak.
    const agencyOf = new Map(truth.cases.map((c) => [c.ref, c.agency]));
    const shared = truth.people.find((p) => new Set(p.cases.map((ref) => agencyOf.get(ref))).size > 1 && p.identifiers.some((i) => i.type === 'email' || i.type === 'phone'))!;
    const agencyB = agencyOf.get(shared.cases[0]!)!;
    const admin = (await ensureLocalAdmin(store.db)).user;
    const agencyId = (await store.db.selectFrom('agencies').select('id').where('name', '=', agencyB).executeTakeFirstOrThrow()).id;
    const supervisor = await addUser(store.db, admin, { name: 'bea', role: 'supervisor', agency: agencyB });
    const view = await addUser(store.db, admin, { name: 'bob', role: 'analyst', agency: agencyB });
    analyst = { id: view.id, name: view.name, role: 'analyst', agencyId };
    const cases = await store.db.selectFrom('cases').innerJoin('agencies', 'agencies.id', 'cases.agency_id').select(['cases.id', 'cases.ref', 'agencies.name']).execute();
    for (const row of cases.filter((c) => c.name === agencyB)) await grantCase(store.db, { id: supervisor.id, name: 'bea', role: 'supervisor', agencyId }, row.ref, 'bob');
    mine = { ids: new Set(cases.filter((c) => c.name === agencyB).map((c) => c.id)), refs: new Set(cases.filter((c) => c.name === agencyB).map((c) => c.ref)) };
    foreign = { ids: cases.filter((c) => c.name !== agencyB).map((c) => c.id), refs: cases.filter((c) => c.name !== agencyB).map((c) => c.ref) };
    expect(mine.ids.size).toBeGreaterThan(0);
    expect(foreign.ids.length).toBeGreaterThan(0);

    // Derived data that joins cases, made by the node (the owner): subjects across agencies, match
    // decisions and media matches on pairs that straddle the boundary, and media signals.
    const people = await store.db.selectFrom('entities').selectAll().where('kind', '=', 'person').where('supersedes', 'is', null).orderBy('id').execute();
    const byName = new Map<string, typeof people>();
    for (const person of people) byName.set(person.label.toLowerCase(), [...(byName.get(person.label.toLowerCase()) ?? []), person]);
    for (const group of byName.values()) {
      const created = await createSubject(store.db, { label: group[0]!.label, run: 'leak-test', members: group.map((entity) => ({ entity, score: 1, reasons: [] })) });
      const spans = group.some((p) => mine.ids.has(p.case_id)) && group.some((p) => !mine.ids.has(p.case_id));
      if (spans) mixedSubject ??= created.subject.id;
    }
    expect(mixedSubject, 'a subject spanning agency B and another').toBeDefined();
    const minePeople = people.filter((p) => mine.ids.has(p.case_id));
    const foreignPeople = people.filter((p) => !mine.ids.has(p.case_id));
    const pair = (a: string, b: string) => (BigInt(a) < BigInt(b) ? [a, b] : [b, a]) as [string, string];
    for (const [a, b] of [pair(minePeople[0]!.id, foreignPeople[0]!.id), pair(foreignPeople[1]!.id, foreignPeople[2]!.id), pair(minePeople[0]!.id, minePeople[1]!.id)]) {
      await store.db.insertInto('match_decisions').values({ entity_a: a, entity_b: b, verdict: 'reject', decided_by: 'test' }).execute();
    }
    const media = await store.db.selectFrom('entities').select(['id', 'case_id', 'agency_id']).where('kind', '=', 'media').orderBy('id').execute();
    const mineMedia = media.filter((m) => mine.ids.has(m.case_id)).slice(0, 2);
    const foreignMedia = media.filter((m) => !mine.ids.has(m.case_id)).slice(0, 2);
    for (const [index, m] of [...mineMedia, ...foreignMedia].entries()) {
      await sql`INSERT INTO media_signals (entity_id, agency_id, case_id, signal, value) VALUES (${m.id}, ${m.agency_id}, ${m.case_id}, 'leak-test', ${String(index)}) ON CONFLICT DO NOTHING`.execute(store.db);
    }
    const everyMedia = [...mineMedia, ...foreignMedia];
    for (let i = 0; i < everyMedia.length; i++) {
      for (let j = i + 1; j < everyMedia.length; j++) {
        const [a, b] = BigInt(everyMedia[i]!.id) < BigInt(everyMedia[j]!.id) ? [everyMedia[i]!, everyMedia[j]!] : [everyMedia[j]!, everyMedia[i]!];
        await sql`INSERT INTO media_matches (signal, entity_a, case_a, entity_b, case_b, distance) VALUES ('leak-test', ${a.id}, ${a.case_id}, ${b.id}, ${b.case_id}, 0) ON CONFLICT DO NOTHING`.execute(store.db);
      }
    }
    await sql`ANALYZE`.execute(store.db);
  }, 600_000);
  afterAll(async () => {
    await store?.close();
    await server?.drop();
  });

  it('SELECT * of every case-data table returns rows of the own cases only — and all of them', async () => {
    for (const table of CASE_TABLES) {
      const seen = await asAnalyst((db) => sql<{ case_id: string }>`SELECT * FROM ${sql.table(table)}`.execute(db));
      for (const row of seen.rows) expect(mine.ids.has(row.case_id), `${table} row of case ${row.case_id}`).toBe(true);
      const all = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE case_id = ANY(${[...mine.ids]}::bigint[])`.execute(store.db);
      expect(seen.rows.length, table).toBe(Number(all.rows[0]!.n));
    }
    const seen = await asAnalyst(async (db) => ({
      records: (await sql<{ n: string }>`SELECT count(*) AS n FROM records`.execute(db)).rows[0]!.n,
      cases: (await sql<{ id: string; ref: string }>`SELECT * FROM cases`.execute(db)).rows,
      batches: (await sql<{ source_id: string }>`SELECT * FROM source_batches`.execute(db)).rows,
      mediaMatches: (await sql<{ case_a: string; case_b: string }>`SELECT * FROM media_matches`.execute(db)).rows,
      decisions: (await sql<{ entity_a: string; entity_b: string }>`SELECT * FROM match_decisions`.execute(db)).rows,
      // A subject's stored label may be a foreign member's name: it is read only through crosslink_subject_label (0009).
      subjects: (await sql<{ id: string }>`SELECT id FROM subjects`.execute(db)).rows,
      audit: (await sql<{ actor: string }>`SELECT * FROM audit_log`.execute(db)).rows,
      sources: (await sql<{ id: string }>`SELECT id FROM sources`.execute(db)).rows.map((row) => row.id),
      entities: new Set((await sql<{ id: string }>`SELECT id FROM entities`.execute(db)).rows.map((row) => row.id)),
    }));
    expect(Number(seen.records)).toBeGreaterThan(0);
    expect(seen.cases.map((c) => c.ref).sort()).toEqual([...mine.refs].sort());
    expect(seen.batches.every((row) => seen.sources.includes(row.source_id))).toBe(true);
    expect(seen.mediaMatches.every((row) => mine.ids.has(row.case_a) && mine.ids.has(row.case_b))).toBe(true);
    expect(seen.decisions.length).toBeGreaterThan(0);
    expect(seen.decisions.every((row) => seen.entities.has(row.entity_a) && seen.entities.has(row.entity_b))).toBe(true);
    const ownerSubjects = (await sql<{ n: string }>`SELECT count(*) AS n FROM subjects`.execute(store.db)).rows[0]!.n;
    expect(seen.subjects.length).toBeGreaterThan(0);
    expect(seen.subjects.length).toBeLessThan(Number(ownerSubjects));
    expect(seen.audit.every((row) => row.actor === 'bob')).toBe(true);
    await expect(asAnalyst((db) => sql`SELECT label FROM subjects`.execute(db))).rejects.toMatchObject({ code: '42501' });
  });

  it('a query that forgets its case filter, or asks for a foreign case outright, sees nothing foreign', async () => {
    const foreignRecord = (await sql<{ id: string }>`SELECT id FROM records WHERE case_id = ANY(${foreign.ids}::bigint[]) LIMIT 1`.execute(store.db)).rows[0]!.id;
    const found = await asAnalyst(async (db) => ({
      joined: (await sql<{ ref: string }>`SELECT DISTINCT c.ref FROM records r JOIN entities e ON e.id = r.actor_id JOIN mentions m ON m.record_id = r.id LEFT JOIN cases c ON c.id = r.case_id`.execute(db)).rows,
      direct: (await sql`SELECT * FROM records WHERE case_id = ANY(${foreign.ids}::bigint[])`.execute(db)).rows,
      byId: (await sql`SELECT * FROM records WHERE id = ${foreignRecord}`.execute(db)).rows,
      cases: (await sql`SELECT * FROM cases WHERE lower(ref) = ANY(${foreign.refs.map((ref) => ref.toLowerCase())}::text[])`.execute(db)).rows,
      // Even through the identifiers every case shares: only the analyst's own mentions come along.
      viaIdentifiers: (await sql<{ case_id: string }>`SELECT m.case_id FROM identifiers i JOIN mentions m ON m.identifier_id = i.id`.execute(db)).rows,
    }));
    expect(found.joined.length).toBeGreaterThan(0);
    expectMine(found.joined.map((row) => row.ref), 'records joined without a filter');
    expect(found).toMatchObject({ direct: [], byId: [], cases: [] });
    expect(found.viaIdentifiers.every((row) => mine.ids.has(row.case_id))).toBe(true);
  });

  it('search finds the own cases only, whatever is asked', async () => {
    const agencyOf = new Map(truth.cases.map((c) => [c.ref, c.agency]));
    const foreignPeople = truth.people.filter((p) => p.cases.some((ref) => foreign.refs.includes(ref)));
    const words = await sql<{ word: string }>`
      SELECT w AS word FROM records, regexp_split_to_table(lower(text), '[^a-z]+') AS w
      WHERE kind = 'message' AND length(w) >= 5 GROUP BY w ORDER BY count(*) DESC LIMIT 15`.execute(store.db);
    const queries = [
      ...words.rows.map((row) => row.word),
      ...foreignPeople.slice(0, 15).flatMap((p) => p.identifiers.filter((i) => i.type === 'email' || i.type === 'phone').map((i) => i.value)),
      ...foreignPeople.slice(0, 10).map((p) => `~"${p.name}"`),
      ...foreignPeople.slice(0, 10).flatMap((p) => p.accounts.slice(0, 1).map((a) => `@${a.handle}`)),
      ...foreign.refs.slice(0, 3).map((ref) => `case:"${ref}"`),
      'kind:arrest',
    ];
    let ownHits = 0;
    await asAnalyst(async (db) => {
      for (const text of queries) {
        const result = await search(db, parseQuery(text, { region: 'US', secret }), { limit: 200 });
        expectMine(result.records.hits.map((hit) => hit.case), `search ${text}`);
        expectMine(result.entities.map((hit) => hit.case), `search ${text} (entities)`);
        // Notices of what other agencies hold: a contact, never one of their case references.
        for (const ref of foreign.refs) expect(JSON.stringify(result.hits ?? []), `search ${text} (notices)`).not.toContain(`"${ref}"`);
        ownHits += result.records.hits.length + result.entities.length;
      }
    });
    expect(ownHits).toBeGreaterThan(0);
    void agencyOf;
  });

  it('people, subjects and match decisions hold the own cases’ members only', async () => {
    const people = await asAnalystStore((acting) => loadPeople(acting));
    const { subjects, mixed, decisions, ownPeople } = await asAnalyst(async (db) => ({
      ownPeople: new Set((await db.selectFrom('entities').select('id').where('kind', '=', 'person').execute()).map((row) => row.id)),
      subjects: await listSubjects(db),
      mixed: await listSubjects(db, mixedSubject),
      decisions: await latestDecisions(db),
    }));
    expect(people.count).toBeGreaterThan(0);
    for (const id of people.ids) expect(ownPeople.has(id), `person ${id} of another agency`).toBe(true);
    expect(subjects.length).toBeGreaterThan(0);
    for (const subject of subjects) expectMine(subject.members.map((member) => member.case), `subject ${subject.id}`);
    expect(mixed).toHaveLength(1);
    expect(mixed[0]!.members.length).toBeGreaterThan(0);
    expectMine(mixed[0]!.members.map((member) => member.case), 'the subject that spans agencies');
    expect(decisions.length).toBeGreaterThan(0);
    for (const decision of decisions) expect(ownPeople.has(decision.a) && ownPeople.has(decision.b)).toBe(true);
  });

  it('analysis — the projection, similar cases, timelines and places — sees the own cases only', async () => {
    const ownRef = [...mine.refs][0]!;
    await asAnalyst(async (db) => {
      const projection = await loadProjection(db);
      expect(projection.data.nodes.length).toBeGreaterThan(0);
      expectMine(projection.data.nodes.map((node) => node.caseRef), 'projection');
      const similar = await similarCases(db, ownRef, { minScore: 0 });
      expectMine(similar.map((item) => item.case), 'similar cases');
      const ownTimeline = await timeline(db, ownRef, { limit: 1000 });
      expect(ownTimeline.total).toBeGreaterThan(0);
      expectMine(ownTimeline.entries.map((entry) => entry.case), 'timeline of an own case');
      const subjectTimeline = await timeline(db, `s${mixedSubject}`, { limit: 1000 });
      expectMine(subjectTimeline.entries.map((entry) => entry.case), 'timeline of a subject that spans agencies');
      await places(db, ownRef);
    });
    for (const ref of foreign.refs.slice(0, 3)) {
      await expect(asAnalyst((db) => similarCases(db, ref))).rejects.toThrow(/no case/);
      await expect(asAnalyst((db) => timeline(db, ref))).rejects.toThrow(/no case|nothing|not/i);
      await expect(asAnalyst((db) => places(db, ref))).rejects.toThrow(/no case|nothing|not/i);
    }
  });

  it('statistics and the case list count the own cases only', async () => {
    const { stats, cases } = await asAnalyst(async (db) => ({ stats: await storeStats(db), cases: await listCases(db) }));
    expect(stats.cases.map((c) => c.ref).sort()).toEqual([...mine.refs].sort());
    expect(cases.map((c) => c.ref).sort()).toEqual([...mine.refs].sort());
    const ownRecords = await sql<{ n: string }>`SELECT count(*) AS n FROM records WHERE case_id = ANY(${[...mine.ids]}::bigint[])`.execute(store.db);
    expect(stats.totals.records).toBe(Number(ownRecords.rows[0]!.n));
  });
});
