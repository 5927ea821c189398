/**
 * Cross-agency hits, deconfliction and law-enforcement identities over HTTP, on every backend.
 * Agency A's analyst (alice) and agency B's (bob) each ingest a case holding the same person, the
 * same email and a near-identical picture. Searching, opening the subject and matching pictures
 * give alice a notice — B's point of contact and nothing else — and bob sees who looked; both
 * learn of it as server-sent events. Deconfliction alerts carry the other side's contact only, an
 * agency's identities are its own, and a user of another agency gets 404/403 and nothing else on
 * every one of these routes. Every answer is checked against the server's own OpenAPI document.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, setCaseContact, withUser, type Principal } from '../../src/access/index.ts';
import { buildServer } from '../../src/api/index.ts';
import { ingestSource } from '../../src/ingest/index.ts';
import { createSubject, migrateToLatest, openStore, type Store } from '../../src/store/index.ts';
import { acting, grant, twoAgencies, withActingStore, type TwoAgencies } from '../access/fixtures.ts';
import { BACKENDS, freshServerDatabase } from '../backends.ts';
import { openApiChecker, type OpenApiDocument } from './openapi-check.ts';

const secret = Buffer.alloc(32, 9);
const pdqImages = fileURLToPath(new URL('../../../shared/testdata/pdq/images/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'crosslink-api-hits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A notice carries these and nothing more. */
const NOTICE_KEYS = ['about', 'agency', 'country', 'email', 'kind', 'officer', 'phone', 'reference'];
const CONTACT_KEYS = ['agency', 'email', 'officer', 'phone'];
/** What agency B's case holds that alice never typed and must never read. */
const FOREIGN = ['B-1', 'Nightjar', 'nightjar', 'Jordan Quincy Example', 'NJ-7', 'nightjar-evidence.jpg', 'nightjar.only@example.org', '1985-07-07'];
/** What agency A holds that bob must not read (a notice, an alert, a refusal). */
const ALPHA_SIDE = ['Alpha Arrests', 'alpha-bridge.jpg', 'alpha-arrests.csv', 'A-100', 'Jordan Example', 'uc.fox', 'Op Lantern'];

const ALPHA_CSV = ['booking_id,full_name,birth_date,booking_time,charges,phone,email', 'A-100,Jordan Example,1990-02-03,2024-05-01T10:00:00Z,shoplifting,+44 20 7946 0958,shared.person@example.net'];
const BRAVO_CSV = [
  'booking_id,full_name,birth_date,booking_time,charges,phone,email',
  'NJ-7,Jordan Quincy Example,1990-02-03,2024-06-01T09:00:00Z,nightjar-charge,+44 20 7946 0958,shared.person@example.net',
  'NJ-8,Nightjar Associate,1985-07-07,2024-06-01T09:30:00Z,nightjar-charge,+44 20 7946 0111,nightjar.only@example.org',
];

interface Answer {
  status: number;
  body: unknown;
  type: string;
}

const expectNothingOf = (value: unknown, strings: readonly string[], what: string) => {
  const text = JSON.stringify(value);
  for (const string of strings) expect(text, `${what} reveals '${string}'`).not.toContain(string);
};

/** Named server-sent events read off a real socket. */
function listen(url: string, token: string): { events: { name: string; data: Record<string, unknown> }[]; stop(): Promise<void>; ready: Promise<void> } {
  const events: { name: string; data: Record<string, unknown> }[] = [];
  const controller = new AbortController();
  let opened: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (opened = resolve));
  const reading = (async () => {
    try {
      const stream = await fetch(`${url}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
      expect(stream.status).toBe(200);
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        // The first chunk (the retry line) means the server has subscribed this stream.
        opened();
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const name = /^event: (.+)$/m.exec(block)?.[1];
          const data = block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
          if (name) events.push({ name, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    ready,
    async stop() {
      controller.abort();
      await reading;
    },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each(BACKENDS)('hits, deconfliction and identities over HTTP on $name', (backend) => {
  let server: Awaited<ReturnType<typeof freshServerDatabase>>;
  let store: Store;
  let world: TwoAgencies;
  let app: FastifyInstance;
  let doc: OpenApiDocument;
  let checker: ReturnType<typeof openApiChecker>;
  let subject: string;
  const tokens: Record<'alice' | 'bob' | 'otto' | 'bea', string> = { alice: '', bob: '', otto: '', bea: '' };

  async function call(method: string, url: string, who: keyof typeof tokens, json?: unknown): Promise<Answer> {
    const response = await app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(json !== undefined ? { payload: json as object } : {}) });
    const type = String(response.headers['content-type'] ?? '');
    const body = type.includes('json') ? (response.json() as unknown) : response.body;
    checker.check(method, url, response.statusCode, type, body);
    return { status: response.statusCode, body, type };
  }

  /** 404 or 403 as problem+json, and nothing of agency A in it. */
  const expectRefused = (answer: Answer, statuses: number[], what: string) => {
    expect(statuses, `${what}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(Object.keys(answer.body as object).sort()).toEqual(['detail', 'instance', 'status', 'title', 'type']);
    expectNothingOf(answer.body, ALPHA_SIDE, what);
  };

  const asStore = <T,>(user: Principal, work: (actingStore: Store) => Promise<T>) => withActingStore(store, server?.url, user, work);

  beforeAll(async () => {
    server = backend.name === 'postgres' ? await freshServerDatabase() : undefined;
    store = await openStore(server?.url ?? 'memory://');
    await migrateToLatest(store.db);
    world = await twoAgencies(store);
    const { a: alice, b: bob } = world.users;
    await grant(world, 'A-1', alice);
    await grant(world, 'B-1', bob);
    await grant(world, 'B-1', world.users.auditor);
    await sql`UPDATE cases SET title = 'Alpha Arrests' WHERE id = ${world.cases.a1.id}`.execute(store.db);
    await sql`UPDATE cases SET title = 'Operation Nightjar', officer = 'DS Brook' WHERE id = ${world.cases.b1.id}`.execute(store.db);
    await withUser(store, acting(bob), (db) => setCaseContact(db, 'B-1', { phone: '+442079460123', email: 'brook@bravo.example' }));

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
    await asStore(alice, (s) => ingestSource(s, write('alpha-arrests.csv', ALPHA_CSV), { ...options, caseRef: 'A-1', actor: alice.name }));
    await asStore(bob, (s) => ingestSource(s, write('nightjar-arrests.csv', BRAVO_CSV), { ...options, caseRef: 'B-1', actor: bob.name }));
    await asStore(alice, (s) => ingestSource(s, photos('alpha-photos', 'bridge-1-original.jpg', 'alpha-bridge.jpg'), { actor: alice.name, secret, caseRef: 'A-1' }));
    await asStore(bob, (s) => ingestSource(s, photos('nightjar-photos', 'bridge-d-resize50.jpg', 'nightjar-evidence.jpg'), { actor: bob.name, secret, caseRef: 'B-1' }));

    // One person across both agencies, as a resolution run would make them.
    const people = await store.db.selectFrom('entities').selectAll().where('kind', '=', 'person').orderBy('id').execute();
    const alphaPerson = people.find((p) => p.case_id === world.cases.a1.id)!;
    const bravoPerson = people.find((p) => p.case_id === world.cases.b1.id && p.label === 'Jordan Quincy Example')!;
    subject = (await createSubject(store.db, { label: bravoPerson.label, run: 'api-hits', members: [{ entity: bravoPerson, score: 1, reasons: [] }, { entity: alphaPerson, score: 0.97, reasons: [] }] }))
      .subject.id;

    for (const [who, user] of [['alice', alice], ['bob', bob], ['otto', world.users.auditor], ['bea', world.users.bBoss]] as const) {
      tokens[who] = (await createToken(store.db, world.admin, user.name)).token;
    }
    app = await buildServer(store, { cardSecret: secret, plainSerializer: true, settings: { region: 'GB', uploadDir: join(dir, `uploads-${backend.name}`) } });
    doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApiDocument;
    checker = openApiChecker(doc);
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await server?.drop();
  });

  it('gives a notice — a contact, nothing else — for a search, a subject and a picture another agency holds, and tells both sides as events', async () => {
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const [alices, bobs] = [listen(url, tokens.alice), listen(url, tokens.bob)];
    await Promise.all([alices.ready, bobs.ready]);
    try {
      const searched = await call('GET', `/api/search?q=${encodeURIComponent('shared.person@example.net')}`, 'alice');
      expect(searched.status).toBe(200);
      const found = searched.body as { records: { hits: { case: string }[] }; hits: Record<string, unknown>[] };
      expect(found.records.hits.map((hit) => hit.case)).toEqual(['A-1']);
      expect(found.hits).toHaveLength(1);
      expect(Object.keys(found.hits[0]!).sort()).toEqual(NOTICE_KEYS);
      expect(found.hits[0]).toMatchObject({ kind: 'identifier', about: 'email shared.person@example.net', agency: 'Bravo Unit', country: 'GB', officer: 'DS Brook', phone: '+442079460123', email: 'brook@bravo.example' });
      expectNothingOf(searched.body, FOREIGN, 'the search');
      const reference = found.hits[0]!['reference'] as string;

      const opened = await call('GET', `/api/subjects/${subject}`, 'alice');
      expect(opened.status).toBe(200);
      const shown = opened.body as { members: { case: string }[]; hits: Record<string, unknown>[] };
      expect(shown.members.map((member) => member.case)).toEqual(['A-1']);
      expect(shown.hits.map((hit) => Object.keys(hit).sort())).toEqual([NOTICE_KEYS]);
      expect(shown.hits[0]).toMatchObject({ kind: 'subject', about: `subject s${subject}`, agency: 'Bravo Unit' });
      expectNothingOf(opened.body, FOREIGN, 'the subject');

      const matched = await call('GET', '/api/cases/A-1/media-matches', 'alice');
      expect(matched.status).toBe(200);
      expect((matched.body as { hits: { where: string }[] }[]).flatMap((item) => item.hits).filter((hit) => hit.where === 'case')).toEqual([]);
      expectNothingOf(matched.body, FOREIGN, 'the media matches');
      const fromPictures = await call('GET', '/api/hits?case=A-1', 'alice');
      const media = (fromPictures.body as { raised: Record<string, unknown>[] }).raised;
      expect(media.map((hit) => hit['kind'])).toEqual(['media']);
      expect(media[0]).toMatchObject({ agency: 'Bravo Unit', phone: '+442079460123' });
      expect(media[0]!['about']).toMatch(/^alpha-bridge\.jpg \(e[0-9]+\)$/);

      // Alice is told her notices; bob, a member of the holding case, that someone looked — by reference.
      await until(() => alices.events.filter((event) => event.name === 'hit').length >= 3 && bobs.events.filter((event) => event.name === 'hit').length >= 3, 'hit events');
      const toAlice = alices.events.filter((event) => event.name === 'hit');
      for (const event of toAlice) expect(Object.keys(event.data).sort()).toEqual(['direction', ...NOTICE_KEYS].sort());
      expect(toAlice.map((event) => event.data['direction'])).toEqual(['raised', 'raised', 'raised']);
      expect(toAlice[0]!.data).toMatchObject({ reference, agency: 'Bravo Unit', officer: 'DS Brook' });
      expectNothingOf(toAlice, FOREIGN, "alice's events");
      const toBob = bobs.events.filter((event) => event.name === 'hit');
      expect(toBob.map((event) => [event.data['direction'], event.data['case'], event.data['kind']])).toEqual([
        ['received', 'B-1', 'identifier'],
        ['received', 'B-1', 'subject'],
        ['received', 'B-1', 'media'],
      ]);
      expect(toBob[0]!.data['reference']).toBe(reference);
      expectNothingOf(toBob, ALPHA_SIDE, "bob's events");
    } finally {
      await Promise.all([alices.stop(), bobs.stop()]);
    }
  });

  it("lists hits both ways: the seeker's notices never name the case, the holder sees who looked and how to reach them", async () => {
    const bobs = (await call('GET', '/api/hits', 'bob')).body as { raised: unknown[]; received: { case: string; kind: string; what: string; seeker: unknown; count: number }[] };
    expect(bobs.raised).toEqual([]);
    expect(bobs.received.map((hit) => hit.kind).sort()).toEqual(['identifier', 'media', 'subject']);
    for (const hit of bobs.received) {
      expect(hit.case).toBe('B-1');
      expect(hit.seeker).toEqual({ user: 'alice', agency: 'Alpha Unit', country: 'CA', phone: '+14165550100', email: null });
    }
    expectNothingOf(bobs, ALPHA_SIDE, "bob's hits");
    const alices = (await call('GET', '/api/hits', 'alice')).body as { raised: Record<string, unknown>[]; received: unknown[] };
    expect(alices.raised).toHaveLength(3);
    for (const hit of alices.raised) expect(Object.keys(hit).sort()).toEqual([...NOTICE_KEYS, 'count', 'firstSeen', 'lastSeen'].sort());
    expect(alices.received).toEqual([]);
    expectNothingOf(alices, FOREIGN, "alice's hits");
    // A supervisor of agency B who is no member of B-1 sees nothing of it.
    expect((await call('GET', '/api/hits', 'bea')).body).toEqual({ raised: [], received: [] });
    // The case officer's own line replaces the agency's in the next notice.
    const set = await call('PUT', '/api/cases/A-1/contact', 'alice', { phone: '+14165550199', email: 'ds.alpha@alpha.example' });
    expect(set.body).toEqual({ case: 'A-1', phone: '+14165550199', email: 'ds.alpha@alpha.example' });
    const back = (await call('GET', `/api/search?q=${encodeURIComponent('shared.person@example.net')}`, 'bob')).body as { hits: Record<string, unknown>[] };
    expect(back.hits).toEqual([expect.objectContaining({ agency: 'Alpha Unit', phone: '+14165550199', email: 'ds.alpha@alpha.example' })]);
    expectNothingOf(back.hits, ALPHA_SIDE, "bob's notice");
    // One look, one count: the same look again counts on the same hit.
    const counted = async () => ((await call('GET', '/api/hits', 'bob')).body as { raised: { reference: string; count: number }[] }).raised;
    expect(await counted()).toEqual([expect.objectContaining({ reference: back.hits[0]!['reference'], count: 1 })]);
    await call('GET', `/api/search?q=${encodeURIComponent('shared.person@example.net')}`, 'bob');
    expect(await counted()).toEqual([expect.objectContaining({ reference: back.hits[0]!['reference'], count: 2 })]);
  });

  it('alerts both officers when two units register the same target or place and time, each with the other side’s contact only', async () => {
    const own = await call('POST', '/api/deconfliction', 'alice', { case: 'A-1', target: 'Wanted.Person@Example.net' });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ created: true, alerts: [], registration: { case: 'A-1', kind: 'target', selector: { type: 'email', shown: 'Wanted.Person@Example.net' } } });
    expect((await call('POST', '/api/deconfliction', 'alice', { case: 'A-1', target: 'wanted.person@example.net' })).status).toBe(200);

    const check = await call('POST', '/api/deconfliction/check', 'bob', { case: 'B-1', target: 'wanted.person@example.net' });
    expect(check.body).toEqual({ case: 'B-1', conflicts: [{ reason: 'target', contact: { agency: 'Alpha Unit', officer: 'Det. A', phone: '+14165550199', email: 'ds.alpha@alpha.example' } }] });

    const url = app.server.listening ? `http://127.0.0.1:${(app.server.address() as { port: number }).port}` : await app.listen({ port: 0, host: '127.0.0.1' });
    const alices = listen(url, tokens.alice);
    await alices.ready;
    try {
      const theirs = await call('POST', '/api/deconfliction', 'bob', { case: 'B-1', target: 'wanted.person@example.net' });
      expect(theirs.status).toBe(201);
      const registered = theirs.body as { alerts: { contact: Record<string, unknown>; case: string }[] };
      expect(registered.alerts).toHaveLength(1);
      expect(registered.alerts[0]).toMatchObject({ case: 'B-1', reason: 'target', contact: { agency: 'Alpha Unit', officer: 'Det. A' } });
      expect(Object.keys(registered.alerts[0]!.contact).sort()).toEqual(CONTACT_KEYS);
      expectNothingOf(theirs.body, ALPHA_SIDE, "bob's registration");
      await until(() => alices.events.some((event) => event.name === 'alert'), 'an alert event');
      const alert = alices.events.find((event) => event.name === 'alert')!.data;
      expect(alert).toMatchObject({ case: 'A-1', reason: 'target', contact: { agency: 'Bravo Unit', officer: 'DS Brook', phone: '+442079460123', email: 'brook@bravo.example' } });
      expectNothingOf(alert, FOREIGN, "alice's alert event");
    } finally {
      await alices.stop();
    }

    const listed = (await call('GET', '/api/deconfliction?case=A-1', 'alice')).body as { registrations: { case: string }[]; alerts: { contact: object }[] };
    expect(listed.registrations.map((registration) => registration.case)).toEqual(['A-1']);
    expect(listed.alerts).toHaveLength(1);
    expectNothingOf(listed, FOREIGN, "alice's deconfliction list");

    const operation = { operation: 'search warrant', from: '2031-03-01T06:00', to: '2031-03-01T09:00', place: 'Pier 4, Harbour Road' };
    expect((await call('POST', '/api/deconfliction', 'alice', { case: 'A-1', ...operation, place: 'Op Lantern: Pier 4 Harbour Road' })).status).toBe(201);
    const meets = await call('POST', '/api/deconfliction', 'bob', { case: 'B-1', ...operation, lat: 51.5, lon: -0.12, place: 'op lantern pier 4 harbour road' });
    expect((meets.body as { alerts: { reason: string }[] }).alerts.map((a) => a.reason)).toEqual(['operation']);
    expect((meets.body as { warnings: string[] }).warnings).toEqual([]);
    expectNothingOf(meets.body, ALPHA_SIDE, "bob's operation");
    // A month around a 100 km circle is too large to offer other nodes: the answer says so.
    const month = await call('POST', '/api/deconfliction', 'bob', { case: 'B-1', operation: 'surveillance', from: '2031-04-01T00:00', to: '2031-05-01T00:00', lat: 51.5, lon: -0.12, radiusM: 100_000 });
    expect(month.status).toBe(201);
    expect((month.body as { warnings: string[] }).warnings).toEqual([expect.stringMatching(/^This operation is not offered to other agencies' nodes: 30 UTC days × [0-9,]+ grid cells/)]);
    const invalid = await call('POST', '/api/deconfliction', 'alice', { case: 'A-1', target: 'x@example.net', subject: '1' });
    expect(invalid.status).toBe(400);
    expect((invalid.body as { detail: string }).detail).toMatch(/exactly one of/);
  });

  it("keeps an agency's law-enforcement identities to itself, and alerts a unit that targets one", async () => {
    const added = await call('POST', '/api/identities', 'alice', { selector: '@uc.fox', platform: 'telegram', officer: 'DC Fox', authority: 'AUTH-2031-7', from: '2020-01-01' });
    expect(added.status).toBe(201);
    const identity = (added.body as { identity: { id: string; active: boolean; selector: string } }).identity;
    expect(identity).toMatchObject({ active: true, officer: 'DC Fox', authority: 'AUTH-2031-7' });
    expect(((await call('GET', '/api/identities', 'alice')).body as { id: string }[]).map((item) => item.id)).toEqual([identity.id]);
    expect((await call('GET', '/api/identities', 'bob')).body).toEqual([]);

    const targeted = await call('POST', '/api/deconfliction', 'bob', { case: 'B-1', target: '@uc.fox', platform: 'telegram' });
    expect((targeted.body as { alerts: { contact: Record<string, unknown> }[] }).alerts).toEqual([
      expect.objectContaining({ reason: 'target', contact: expect.objectContaining({ agency: 'Alpha Unit' }) }),
    ]);
    // The operating officer is the contact; the authority and the agency's other identities are not given.
    expectNothingOf(targeted.body, ['AUTH-2031-7'], "bob's alert");
    const alices = (await call('GET', '/api/deconfliction', 'alice')).body as { alerts: { identity: string | null }[] };
    expect(alices.alerts.filter((alert) => alert.identity === identity.id)).toHaveLength(1);

    expectRefused(await call('POST', `/api/identities/${identity.id}/retire`, 'bob'), [404], "bob retiring alice's identity");
    expectRefused(await call('POST', '/api/identities', 'otto', { selector: 'uc.owl@example.org', officer: 'x', authority: 'y', from: '2020-01-01' }), [403], 'an auditor adding an identity');
    const retired = await call('POST', `/api/identities/${identity.id}/retire`, 'alice');
    expect(retired.body).toMatchObject({ id: identity.id, active: false });
    expect((await call('POST', `/api/identities/${identity.id}/retire`, 'alice')).status).toBe(409);
  });

  it('gives a user of another agency 404 or 403 and nothing else on every route here', async () => {
    const target = { case: 'A-1', target: 'wanted.person@example.net' };
    const refusals: [string, string, unknown, number[]][] = [
      ['GET', '/api/hits?case=A-1', undefined, [404]],
      ['PUT', '/api/cases/A-1/contact', { phone: '+15550000000' }, [404]],
      ['GET', '/api/deconfliction?case=A-1', undefined, [404]],
      ['POST', '/api/deconfliction', target, [404]],
      ['POST', '/api/deconfliction/check', target, [404]],
      ['GET', '/api/cases/A-1/media-matches', undefined, [404]],
      // bea sees no member of the subject: "no subject", as for one that does not exist, and no notice.
      ['GET', `/api/subjects/${subject}`, undefined, [404]],
    ];
    for (const [method, url, body, statuses] of refusals) expectRefused(await call(method, url, 'bea', body), statuses, `${method} ${url}`);
    // An auditor who is a member still does not register or set contacts.
    expectRefused(await call('POST', '/api/deconfliction', 'otto', { case: 'B-1', target: 'x@example.net' }), [403], 'an auditor registering');
    expectRefused(await call('PUT', '/api/cases/B-1/contact', 'otto', { phone: '+15550000000' }), [403], "an auditor setting a case's contact");
    // Nothing changed on A's side.
    const alices = (await call('GET', '/api/deconfliction?case=A-1', 'alice')).body as { registrations: unknown[] };
    expect(alices.registrations).toHaveLength(2);
    // Without a credential: 401 on every new route.
    for (const [method, url] of [['GET', '/api/hits'], ['GET', '/api/deconfliction'], ['POST', '/api/deconfliction'], ['POST', '/api/deconfliction/check'], ['GET', '/api/identities'], ['POST', '/api/identities'], ['POST', '/api/identities/1/retire'], ['PUT', '/api/cases/A-1/contact']] as const) {
      const answer = await app.inject({ method, url, payload: method === 'GET' ? undefined : {} });
      expect(answer.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('describes the new routes in the OpenAPI document, every reference resolving', () => {
    const expected = {
      '/api/hits': ['get'],
      '/api/cases/{ref}/contact': ['put'],
      '/api/deconfliction': ['get', 'post'],
      '/api/deconfliction/check': ['post'],
      '/api/identities': ['get', 'post'],
      '/api/identities/{id}/retire': ['post'],
    };
    for (const [path, methods] of Object.entries(expected)) expect(Object.keys(doc.paths[path] ?? {}).sort(), path).toEqual(methods.sort());
    const schemas = new Set(Object.keys(doc.components.schemas));
    for (const found of JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? []) {
      const target = /#\/components\/schemas\/([^"]+)"$/.exec(found);
      expect(target && schemas.has(target[1]!), found).toBe(true);
    }
    for (const name of ['HitList', 'RaisedHit', 'ReceivedHit', 'Alert', 'Contact', 'Registration', 'Identity']) expect(schemas.has(name), name).toBe(true);
    // A contact is the four fields and nothing more: the document says so, and the checker holds answers to it.
    expect((doc.components.schemas['Contact'] as { additionalProperties: boolean; properties: object }).additionalProperties).toBe(false);
    expect(Object.keys((doc.components.schemas['Contact'] as { properties: object }).properties).sort()).toEqual(CONTACT_KEYS);
    const ids = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((operation) => operation.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
