/**
 * Cross-agency hit notices, on every backend. Two agencies hold the same email and phone, the same
 * person (one subject across both) and a near-identical picture, each ingested by its own analyst.
 * Agency A's analyst searching, opening the subject or matching her pictures gets a notice —
 * agency B's point of contact — and nothing of B's case; B's officer sees who looked and at what;
 * the same look twice is one hit, counted; every hit is audited. And the leaks closed beside them:
 * the identifier dictionary, a subject's label and reasons, "case already exists".
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, listHits, raiseMediaHits, raiseSubjectHits, setCaseContact, withUser, type HitNotice, type Principal } from '../../src/access/index.ts';
import { ingestSource, type IngestReport } from '../../src/ingest/index.ts';
import { mediaHits } from '../../src/media/index.ts';
import { parseQuery, search } from '../../src/search/index.ts';
import { createSubject, listSubjects, migrateToLatest, openCase, openStore, verifyAudit, type Database, type Store } from '../../src/store/index.ts';
import { BACKENDS, freshServerDatabase } from '../backends.ts';
import { parseJson, runCliInProcess } from '../cli.ts';
import { acting, grant, twoAgencies, withActingStore, type TwoAgencies } from './fixtures.ts';

const secret = Buffer.alloc(32, 9);
const pdqImages = fileURLToPath(new URL('../../../shared/testdata/pdq/images/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'crosslink-hits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A notice carries these and nothing more. */
const NOTICE_KEYS = ['about', 'agency', 'country', 'email', 'kind', 'officer', 'phone', 'reference'];
/** What agency B's case holds that agency A's analyst never typed and must never read. */
const FOREIGN = ['B-1', 'Nightjar', 'nightjar', 'Jordan Quincy Example', 'NJ-7', 'nightjar-evidence.jpg', 'nightjar.only@example.org', '1985-07-07'];
/** What agency A's side holds that B's officer must not read from a hit (who looked is theirs to see; not where from). */
const SEEKER_SIDE = ['A-1', 'Alpha Arrests', 'alpha-bridge.jpg', 'alpha-arrests.csv', 'A-100'];

const ALPHA_CSV = ['booking_id,full_name,birth_date,booking_time,charges,phone,email', 'A-100,Jordan Example,1990-02-03,2024-05-01T10:00:00Z,shoplifting,+44 20 7946 0958,shared.person@example.net'];
const BRAVO_CSV = [
  'booking_id,full_name,birth_date,booking_time,charges,phone,email',
  'NJ-7,Jordan Quincy Example,1990-02-03,2024-06-01T09:00:00Z,nightjar-charge,+44 20 7946 0958,shared.person@example.net',
  'NJ-8,Nightjar Associate,1985-07-07,2024-06-01T09:30:00Z,nightjar-charge,+44 20 7946 0111,nightjar.only@example.org',
];

const expectNotice = (notice: HitNotice | undefined, expected: Partial<HitNotice>) => {
  expect(notice).toBeDefined();
  expect(Object.keys(notice!).sort()).toEqual(NOTICE_KEYS);
  expect(notice).toMatchObject(expected);
  expect(notice!.reference).toMatch(/^HIT-[0-9]+$/);
};
const expectNothingOf = (value: unknown, strings: readonly string[], what: string) => {
  const text = JSON.stringify(value);
  for (const string of strings) expect(text, `${what} reveals '${string}'`).not.toContain(string);
};

describe.each(BACKENDS)('cross-agency hits on $name', (backend) => {
  let server: Awaited<ReturnType<typeof freshServerDatabase>>;
  let store: Store;
  let world: TwoAgencies;
  let alice: Principal;
  let bob: Principal;
  const reports: Record<string, IngestReport> = {};
  let subject: string;
  let bravoOnlySubject: string;
  let bravoPerson: string;

  const as = <T>(user: Principal, work: (db: Kysely<Database>) => Promise<T>) => withUser(store, acting(user), work);
  const asStore = <T>(user: Principal, work: (actingStore: Store) => Promise<T>) => withActingStore(store, server?.url, user, work);
  const searchAs = (user: Principal, text: string) => as(user, (db) => search(db, parseQuery(text, { region: 'GB', secret })));

  beforeAll(async () => {
    server = backend.name === 'postgres' ? await freshServerDatabase() : undefined;
    store = await openStore(server?.url ?? 'memory://');
    await migrateToLatest(store.db);
    world = await twoAgencies(store);
    alice = world.users.a;
    bob = world.users.b;
    await grant(world, 'A-1', alice);
    await grant(world, 'B-1', bob);
    await sql`UPDATE cases SET title = 'Alpha Arrests' WHERE id = ${world.cases.a1.id}`.execute(store.db);
    await sql`UPDATE cases SET title = 'Operation Nightjar', officer = 'DS Brook' WHERE id = ${world.cases.b1.id}`.execute(store.db);
    await as(bob, (db) => setCaseContact(db, 'B-1', { phone: '+442079460123', email: 'brook@bravo.example' }));

    // Each agency's analyst ingests their own case: arrests, then pictures.
    const write = (name: string, lines: string[]) => {
      writeFileSync(join(dir, `${backend.name}-${name}`), `${lines.join('\n')}\n`);
      return join(dir, `${backend.name}-${name}`);
    };
    const photos = (name: string, source: string, fileName: string) => {
      const folder = join(dir, `${backend.name}-${name}`);
      mkdirSync(folder, { recursive: true });
      copyFileSync(join(pdqImages, source), join(folder, fileName));
      return folder;
    };
    const options = { actor: 'test', secret, format: 'arrests-csv', region: 'GB' };
    reports['alpha'] = await asStore(alice, (s) => ingestSource(s, write('alpha-arrests.csv', ALPHA_CSV), { ...options, caseRef: 'A-1', actor: alice.name }));
    reports['bravo'] = await asStore(bob, (s) => ingestSource(s, write('nightjar-arrests.csv', BRAVO_CSV), { ...options, caseRef: 'B-1', actor: bob.name }));
    const pictures = { actor: 'test', secret };
    reports['alphaPhotos'] = await asStore(alice, (s) => ingestSource(s, photos('alpha-photos', 'bridge-1-original.jpg', 'alpha-bridge.jpg'), { ...pictures, caseRef: 'A-1', actor: alice.name }));
    reports['bravoPhotos'] = await asStore(bob, (s) => ingestSource(s, photos('nightjar-photos', 'bridge-d-resize50.jpg', 'nightjar-evidence.jpg'), { ...pictures, caseRef: 'B-1', actor: bob.name }));

    // The node resolves the same person across both agencies; its stored label is B's member's name,
    // and A's member's reason names B's member (as a resolution run writes them).
    const people = await store.db.selectFrom('entities').selectAll().where('kind', '=', 'person').orderBy('id').execute();
    const alphaPerson = people.find((p) => p.case_id === world.cases.a1.id)!;
    const bravo = people.find((p) => p.case_id === world.cases.b1.id && p.label === 'Jordan Quincy Example')!;
    const associate = people.find((p) => p.case_id === world.cases.b1.id && p.label === 'Nightjar Associate')!;
    bravoPerson = bravo.id;
    subject = (await createSubject(store.db, { label: bravo.label, run: 'hits-test', members: [{ entity: bravo, score: 1, reasons: [] }, { entity: alphaPerson, score: 0.97, reasons: [] }] })).subject.id;
    bravoOnlySubject = (await createSubject(store.db, { label: associate.label, run: 'hits-test', members: [{ entity: associate, score: 1, reasons: [] }] })).subject.id;
    const run = await sql<{ number: number }>`
      INSERT INTO resolution_runs (id, mode, threshold, parameters, trained_on, people, resolved, actor)
      VALUES ('hits-test', 'full', 0.9, '{}', 3, 3, 3, 'test') RETURNING number`.execute(store.db);
    const number = run.rows[0]!.number;
    await sql`INSERT INTO resolution_reasons (run, reason, fields) VALUES (${number}, 0, '[{"field": "email", "level": "exact", "weight": 8.1}]')`.execute(store.db);
    await sql`UPDATE subject_members SET reason_run = ${number}, reason = 0, reason_with = ${bravo.id}, reason_probability = 0.97 WHERE entity_id = ${alphaPerson.id}`.execute(store.db);
  }, 300_000);
  afterAll(async () => {
    await store?.close();
    await server?.drop();
  });

  it('ingests as acting users, and shows each user the identifiers their own cases mention — no others', async () => {
    expect(reports['alpha']).toMatchObject({ records: 1, rejects: 0 });
    expect(reports['bravo']).toMatchObject({ records: 2, rejects: 0 });
    expect(reports['bravo']!.identifiers['email']).toBeGreaterThanOrEqual(2);
    expect(reports['alphaPhotos']).toMatchObject({ rejects: 0 });
    const seen = async (user: Principal) => (await as(user, (db) => sql<{ type: string; value: string }>`SELECT * FROM identifiers`.execute(db))).rows.map((row) => `${row.type}:${row.value}`).sort();
    const mentionedIn = async (caseId: string) =>
      (await sql<{ key: string }>`SELECT DISTINCT i.type || ':' || i.value AS key FROM identifiers i JOIN mentions m ON m.identifier_id = i.id WHERE m.case_id = ${caseId}`.execute(store.db)).rows
        .map((row) => row.key)
        .sort();
    const aliceSees = await seen(alice);
    expect(aliceSees).toContain('email:shared.person@example.net');
    expect(aliceSees).toEqual(await mentionedIn(world.cases.a1.id));
    expectNothingOf(aliceSees, FOREIGN, "alice's identifiers");
    expect(await seen(bob)).toContain('email:nightjar.only@example.org');
    expect(await seen(world.users.aBoss)).toEqual([]);
    const insert = as(alice, (db) => sql`INSERT INTO identifiers (type, value) VALUES ('email', 'planted@example.net')`.execute(db));
    await expect(insert).rejects.toMatchObject({ code: '42501' });
  });

  it('answers a search for an identifier another agency holds with a notice — a contact, nothing else', async () => {
    const shared = await searchAs(alice, 'shared.person@example.net');
    expect(shared.records.hits.map((hit) => hit.case)).toEqual(['A-1']);
    expect(new Set(shared.entities.map((hit) => hit.case))).toEqual(new Set(['A-1']));
    expect(shared.hits).toHaveLength(1);
    expectNotice(shared.hits![0], { kind: 'identifier', about: 'email shared.person@example.net', agency: 'Bravo Unit', country: 'GB', officer: 'DS Brook', phone: '+442079460123', email: 'brook@bravo.example' });
    expectNothingOf(shared, FOREIGN, 'the search result');

    // A value only agency B holds: nothing found, yet a notice; a handle or a word nobody else holds: none.
    const theirs = await searchAs(alice, '+44 20 7946 0111');
    expect(theirs.records.total).toBe(0);
    expect(theirs.entities).toEqual([]);
    expect(theirs.hits).toHaveLength(1);
    expectNotice(theirs.hits![0], { kind: 'identifier', about: 'phone +44 20 7946 0111', agency: 'Bravo Unit' });
    expectNothingOf(theirs, FOREIGN, 'the search result');
    expect((await searchAs(alice, '@nobody_holds_this')).hits).toEqual([]);

    expect((await searchAs(alice, 'shoplifting')).hits).toBeUndefined();

    // A case without a contact of its own gives its agency's.
    const back = await searchAs(bob, 'shared.person@example.net');
    expect(back.hits).toHaveLength(1);
    expectNotice(back.hits![0], { about: 'email shared.person@example.net', agency: 'Alpha Unit', country: 'CA', officer: 'Det. A', phone: '+14165550100', email: null });
    expectNothingOf(back, SEEKER_SIDE, "bob's search result");
  });

  it("shows a subject through the own members only — label and reasons too — and notices for the others' holders", async () => {
    const [owners] = await listSubjects(store.db, subject);
    expect(owners!.label).toBe('Jordan Quincy Example');
    const { seen, notices, probe } = await as(alice, async (db) => ({
      seen: await listSubjects(db, subject),
      notices: await raiseSubjectHits(db, subject),
      probe: await raiseSubjectHits(db, bravoOnlySubject),
    }));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.members.map((member) => member.case)).toEqual(['A-1']);
    expect(seen[0]!.label).toBe('Jordan Example');
    expect(seen[0]!.members[0]!.reasons).toEqual([{ with: null, probability: 0.97, fields: [{ field: 'email', level: 'exact', weight: 8.1 }] }]);
    expect(owners!.members.find((member) => member.case === 'A-1')!.reasons).toMatchObject([{ with: bravoPerson }]);
    expect(notices).toHaveLength(1);
    expectNotice(notices[0], { kind: 'subject', about: `subject s${subject}`, agency: 'Bravo Unit', officer: 'DS Brook' });
    expectNothingOf({ seen, notices }, FOREIGN, 'the subject');
    // A subject the user sees no member of is not theirs to probe: no notice, no contact.
    expect(probe).toEqual([]);
  });

  it('answers a near-identical picture in a case the user may not see with a notice instead of the match', async () => {
    const { matches, notices } = await as(alice, async (db) => ({ matches: await mediaHits(db, 'A-1'), notices: await raiseMediaHits(db, 'A-1') }));
    expect(matches.flatMap((item) => item.hits).filter((hit) => hit.where === 'case')).toEqual([]);
    expect(notices).toHaveLength(1);
    expectNotice(notices[0], { kind: 'media', agency: 'Bravo Unit', phone: '+442079460123' });
    expect(notices[0]!.about).toMatch(/^alpha-bridge\.jpg \(e[0-9]+\)$/);
    expectNothingOf({ matches, notices }, FOREIGN, 'the media match');
  });

  it("shows the holding case's members who looked, at which of their own selectors, and how to reach them — not where from", async () => {
    const [bobs, alices, adas] = [await as(bob, (db) => listHits(db)), await as(alice, (db) => listHits(db)), await as(world.users.aBoss, (db) => listHits(db))];
    const kinds = bobs.received.map((hit) => hit.kind).sort();
    expect(kinds).toEqual(['identifier', 'identifier', 'media', 'subject']);
    for (const hit of bobs.received) {
      expect(hit.case).toBe('B-1');
      expect(hit.seeker).toEqual({ user: 'alice', agency: 'Alpha Unit', country: 'CA', phone: '+14165550100', email: null });
    }
    expect(bobs.received.map((hit) => hit.what).sort()).toEqual(['email shared.person@example.net', 'nightjar-evidence.jpg', 'phone +44 20 7946 0111', `subject s${subject}: Jordan Quincy Example`]);
    expectNothingOf(bobs.received, SEEKER_SIDE, "bob's hits");
    // The seeker's list: the same references, never the case.
    expect(alices.raised.map((hit) => hit.reference).sort()).toEqual(bobs.received.map((hit) => hit.reference).sort());
    for (const hit of alices.raised) expect(Object.keys(hit).sort()).toEqual([...NOTICE_KEYS, 'count', 'firstSeen', 'lastSeen'].sort());
    expectNothingOf(alices, FOREIGN, "alice's hits");
    expect(alices.received.map((hit) => [hit.case, hit.seeker.user])).toEqual([['A-1', 'bob']]);
    // A member of neither case: nothing either way.
    expect(adas).toEqual({ raised: [], received: [] });
    // With --case: the case's own hits; a case one may not see is "no case".
    expect((await as(bob, (db) => listHits(db, { caseRef: 'B-1' }))).received).toHaveLength(4);
    await expect(as(alice, (db) => listHits(db, { caseRef: 'B-1' }))).rejects.toThrow(/no case 'B-1' that you may see/);
    // The seeker's side of a hit is not the holder's to read, even with SQL.
    await expect(as(bob, (db) => sql`SELECT seeker_case_id, seeker_label FROM hits`.execute(db))).rejects.toMatchObject({ code: '42501' });
    const rows = await as(alice, (db) => sql<{ holder_case_id: string }>`SELECT id, holder_case_id FROM hits`.execute(db));
    expect(rows.rows.map((row) => row.holder_case_id)).toEqual([world.cases.a1.id]);
  });

  it('counts the same look again on the same hit, not a new one', async () => {
    const before = await sql<{ n: string }>`SELECT count(*) AS n FROM hits`.execute(store.db);
    const first = (await searchAs(alice, 'shared.person@example.net')).hits![0]!;
    const again = (await searchAs(alice, 'shared.person@example.net')).hits![0]!;
    expect(again.reference).toBe(first.reference);
    const subjectAgain = await as(alice, (db) => raiseSubjectHits(db, subject));
    const mediaAgain = await as(alice, (db) => raiseMediaHits(db, 'A-1'));
    expect(subjectAgain).toHaveLength(1);
    expect(mediaAgain).toHaveLength(1);
    const after = await sql<{ n: string }>`SELECT count(*) AS n FROM hits`.execute(store.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    const received = (await as(bob, (db) => listHits(db))).received.find((hit) => hit.reference === first.reference)!;
    expect(received.count).toBe(3);
  });

  it("audits every hit in the seeker's name, without the holding case", async () => {
    const entries = await sql<{ actor: string; target: string; case_id: string | null; agency_id: string | null; details: Record<string, unknown> }>`
      SELECT actor, target, case_id, agency_id, details FROM audit_log WHERE action = 'hit.raised' ORDER BY id`.execute(store.db);
    const raisedByAlice = entries.rows.filter((row) => row.actor === 'alice');
    // Every notice alice was given: three searches, two subject opens and two media matches, the first search twice more.
    expect(raisedByAlice.length).toBe(8);
    for (const row of entries.rows) {
      expect(row.target).toMatch(/^HIT-[0-9]+$/);
      expect(row).toMatchObject({ case_id: null, agency_id: null });
    }
    expectNothingOf(raisedByAlice, FOREIGN, "alice's audit entries");
    expect(await verifyAudit(store.db)).toMatchObject({ ok: true });
  });

  it("does not confirm that another agency's case reference exists", async () => {
    const theirs = as(alice, (db) => openCase(db, { ref: 'B-1', agency: 'Alpha Unit' }));
    await expect(theirs).rejects.toThrow("case reference 'B-1' is not available: choose another");
    await expect(as(alice, (db) => openCase(db, { ref: 'a-1', agency: 'Alpha Unit' }))).rejects.toThrow("case 'a-1' already exists");
  });

  it.runIf(backend.name === 'postgres')('prints notices on the command line, and lists hits both ways', async () => {
    const token = (await createToken(store.db, world.admin, 'alice')).token;
    const env = { CROSSLINK_DB: server!.url, CROSSLINK_TOKEN: token, CROSSLINK_SECRET: 'ab'.repeat(32) };
    const searched = await runCliInProcess(['search', 'shared.person@example.net'], env);
    expect(searched.code, searched.stderr).toBe(0);
    expect(searched.stdout).toMatch(/^Hit: another agency holds email shared\.person@example\.net — contact DS Brook, Bravo Unit \(GB\), \+442079460123, brook@bravo\.example; quote HIT-[0-9]+$/m);
    const matched = await runCliInProcess(['match', '--case', 'A-1'], env);
    expect(matched.code, matched.stderr).toBe(0);
    expect(matched.stdout).toMatch(/^Hit: another agency holds alpha-bridge\.jpg \(e[0-9]+\) — contact DS Brook/m);
    const shown = await runCliInProcess(['subject', 'show', subject, '--json'], env);
    expect(parseJson<{ label: string; hits: HitNotice[] }>(shown)).toMatchObject({ label: 'Jordan Example', hits: [{ kind: 'subject', agency: 'Bravo Unit' }] });
    const listed = parseJson<{ raised: HitNotice[]; received: unknown[] }>(await runCliInProcess(['hits', '--json'], env));
    expect(listed.raised.length).toBe(4);
    for (const output of [searched.stdout, matched.stdout, shown.stdout, JSON.stringify(listed)]) expectNothingOf(output, FOREIGN, 'the command line');
  });

  // Last: the notice it raises would change the counts the tests above check.
  it("answers a bare handle name with the other agency's handle on any platform, and not a longer name", async () => {
    const record = await store.db.selectFrom('records').select(['id', 'agency_id', 'source_id']).where('case_id', '=', world.cases.b1.id).executeTakeFirstOrThrow();
    const handle = await sql<{ id: string }>`INSERT INTO identifiers (type, value) VALUES ('handle', 'nightjar_watch@telegram') RETURNING id`.execute(store.db);
    await sql`INSERT INTO mentions (agency_id, case_id, identifier_id, source_id, record_id)
      VALUES (${record.agency_id}, ${world.cases.b1.id}, ${handle.rows[0]!.id}, ${record.source_id}, ${record.id})`.execute(store.db);
    const byName = await searchAs(alice, '@nightjar_watch');
    expect(byName.hits).toHaveLength(1);
    expectNotice(byName.hits![0], { kind: 'identifier', about: '@nightjar_watch', agency: 'Bravo Unit' });
    expect((await searchAs(alice, '@nightjar_watcher')).hits).toEqual([]);
  });
});
