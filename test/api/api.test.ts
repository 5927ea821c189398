/**
 * The HTTP API on every backend, over the small demo world: signing in (cookie and CSRF, bearer
 * tokens, lockout, rate limit), every route's answer checked against the server's own OpenAPI
 * document, 401/403/404 as problem+json, a user of another agency getting nothing of agency A's
 * cases from any route, media shown blurred and greyscale unless revealed, an upload becoming a
 * job whose records are then found, and server-sent events over a real socket.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, createToken, ensureLocalAdmin, grantCase, LOCKOUT } from '../../src/access/index.ts';
import { buildServer } from '../../src/api/index.ts';
import { mediaFile } from '../../src/api/reads.ts';
import { generateWorld, loadWorld, type GroundTruth } from '../../src/demo/index.ts';
import { ENTITY_KIND_NAMES, ENTITY_KINDS } from '../../src/model/index.ts';
import { runResolution } from '../../src/resolve/index.ts';
import type { Store } from '../../src/store/index.ts';
import { BACKENDS } from '../backends.ts';
import { openApiChecker, type OpenApiDocument } from './openapi-check.ts';

const secret = Buffer.alloc(32, 9);
const PASSWORD = 'correct horse battery staple';
const dir = mkdtempSync(join(tmpdir(), 'crosslink-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let generated: Promise<GroundTruth> | undefined;
const world = () =>
  (generated ??= generateWorld({ seed: 5, scale: 'small', out: join(dir, 'world') }).then(() => JSON.parse(readFileSync(join(dir, 'world', 'ground-truth.json'), 'utf8')) as GroundTruth));

interface Client {
  cookie?: string;
  csrf?: string;
  bearer?: string;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: unknown;
  raw: Buffer;
  type: string;
}

/** A WhatsApp export of three synthetic messages around one made-up word. */
function chatExport(word: string): string {
  return [
    `3/14/26, 9:15 AM - Quinn Marlowe: the ${word} meets at the pier at noon`,
    `3/14/26, 9:16 AM - Rory Vance: bring the ${word} map please`,
    `3/14/26, 9:20 AM - Quinn Marlowe: ok see you there`,
    '',
  ].join('\n');
}

describe.each(BACKENDS)('the HTTP API on $name', (backend) => {
  let store: Store;
  let app: FastifyInstance;
  let truth: GroundTruth;
  let checker: ReturnType<typeof openApiChecker>;
  let doc: OpenApiDocument;
  const uploads = join(dir, `uploads-${backend.name}`);
  /** Agency A's cases (alice's) and agency B's (bob's): B shares a resolved person with A. */
  let refsA: string[];
  let refsB: string[];
  let mixedSubject: string;
  let alice: Client;
  let bob: Client;
  let otto: Client;
  let aliceToken: string;

  async function call(method: string, url: string, client: Client = {}, options: { json?: unknown; payload?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (client.cookie) headers['cookie'] = client.cookie;
    if (client.bearer) headers['authorization'] = `Bearer ${client.bearer}`;
    if (client.csrf && method !== 'GET') headers['x-csrf-token'] = client.csrf;
    const response = await app.inject({ method: method as 'GET', url, headers, ...(options.json !== undefined ? { payload: options.json as object } : options.payload !== undefined ? { payload: options.payload } : {}) });
    const type = String(response.headers['content-type'] ?? '');
    const body = type.includes('json') ? (response.json() as unknown) : response.body;
    const path = checker.pathOf(url);
    if (path && doc.paths[path]![method.toLowerCase()]) checker.check(method, url, response.statusCode, type, body);
    else expect(type, `${method} ${url} is not documented, so it must be a problem`).toMatch(/application\/problem\+json/);
    return { status: response.statusCode, headers: response.headers, body, raw: response.rawPayload, type };
  }

  async function signIn(name: string): Promise<Client> {
    const answer = await call('POST', '/api/session', {}, { json: { name, password: PASSWORD } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const cookie = String(answer.headers['set-cookie']).split(';')[0]!;
    return { cookie, csrf: (answer.body as { csrfToken: string }).csrfToken };
  }

  const expectProblem = (answer: Answer, status: number, detail?: RegExp) => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    const problem = answer.body as { status: number; detail: string; title: string };
    expect(problem.status).toBe(status);
    expect(problem.detail.length).toBeGreaterThan(5);
    if (detail) expect(problem.detail).toMatch(detail);
  };

  /** Case refs of agency A that appear anywhere in a body. */
  const foreignRefsIn = (body: unknown) => refsA.filter((ref) => JSON.stringify(body).includes(ref));

  beforeAll(async () => {
    truth = await world();
    store = await backend.open();
    await loadWorld(store, join(dir, 'world'), { actor: 'test', secret });
    await runResolution(store, { actor: 'test' });
    // A subject whose members sit in two agencies' cases: A's and B's.
    const members = await sql<{ subject_id: string; agency: string; ref: string }>`
      SELECT sm.subject_id, a.name AS agency, c.ref FROM subject_members sm JOIN cases c ON c.id = sm.case_id JOIN agencies a ON a.id = c.agency_id ORDER BY sm.subject_id, c.ref`.execute(store.db);
    const agenciesOf = new Map<string, Set<string>>();
    for (const row of members.rows) agenciesOf.set(row.subject_id, (agenciesOf.get(row.subject_id) ?? new Set()).add(row.agency));
    mixedSubject = [...agenciesOf.entries()].find(([, agencies]) => agencies.size > 1)![0];
    const [agencyA, agencyB] = [...agenciesOf.get(mixedSubject)!];
    refsA = truth.cases.filter((c) => c.agency === agencyA).map((c) => c.ref);
    refsB = truth.cases.filter((c) => c.agency === agencyB).map((c) => c.ref);
    expect(refsA.length).toBeGreaterThan(0);
    expect(refsB.length).toBeGreaterThan(0);

    const admin = (await ensureLocalAdmin(store.db)).user;
    await addUser(store.db, admin, { name: 'alice', role: 'analyst', agency: agencyA, password: PASSWORD });
    await addUser(store.db, admin, { name: 'lou', role: 'analyst', agency: agencyA, password: PASSWORD });
    await addUser(store.db, admin, { name: 'bob', role: 'analyst', agency: agencyB, password: PASSWORD });
    await addUser(store.db, admin, { name: 'otto', role: 'auditor', agency: agencyB, password: PASSWORD });
    for (const ref of refsA) await grantCase(store.db, admin, ref, 'alice');
    for (const ref of refsB) await grantCase(store.db, admin, ref, 'bob');
    // Even a member of a case: an auditor may not look at its pictures.
    await grantCase(store.db, admin, refsB[0]!, 'otto');
    aliceToken = (await createToken(store.db, admin, 'alice', { label: 'api tests' })).token;

    app = await buildServer(store, { cardSecret: secret, plainSerializer: true, settings: { uploadDir: uploads, uploadBytes: 256 * 1024, loginsPerMinute: 1000 } });
    doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApiDocument;
    checker = openApiChecker(doc);
    alice = await signIn('alice');
    bob = await signIn('bob');
    otto = await signIn('otto');
  }, 600_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  describe('signing in', () => {
    it('gives an HttpOnly, SameSite=Strict session cookie and a CSRF token; signing out ends the session', async () => {
      const answer = await call('POST', '/api/session', {}, { json: { name: 'Alice', password: PASSWORD } });
      expect(answer.status).toBe(200);
      const cookie = String(answer.headers['set-cookie']);
      expect(cookie).toMatch(/^crosslink_session=/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      const session = answer.body as { user: { name: string; role: string; agency: string }; csrfToken: string };
      expect(session.user).toMatchObject({ name: 'alice', role: 'analyst' });
      const client = { cookie: cookie.split(';')[0]!, csrf: session.csrfToken };
      expect((await call('GET', '/api/session', client)).body).toMatchObject({ user: session.user, csrfToken: session.csrfToken });

      // Signing out changes something: without the CSRF token it is refused.
      expectProblem(await call('DELETE', '/api/session', { cookie: client.cookie }), 403, /X-CSRF-Token/i);
      const out = await call('DELETE', '/api/session', client);
      expect(out.status).toBe(204);
      expect(String(out.headers['set-cookie'])).toMatch(/crosslink_session=;/);
      expectProblem(await call('GET', '/api/cases', client), 401, /sign in again/);
    });

    it('refuses a wrong password, and locks the account after repeated failures', async () => {
      expectProblem(await call('POST', '/api/session', {}, { json: { name: 'nobody', password: 'x' } }), 401, /wrong user name or password/);
      for (let attempt = 1; attempt <= LOCKOUT.attempts; attempt++) {
        expectProblem(await call('POST', '/api/session', {}, { json: { name: 'lou', password: 'not the password' } }), 401);
      }
      expectProblem(await call('POST', '/api/session', {}, { json: { name: 'lou', password: PASSWORD } }), 401, /locked/);
      expectProblem(await call('POST', '/api/session', {}, { json: { name: 'lou' } }), 400, /password/);
    });

    it('limits sign-in attempts per address', async () => {
      const limited = await buildServer(store, { cardSecret: secret, settings: { loginsPerMinute: 2 } });
      try {
        const attempt = () => limited.inject({ method: 'POST', url: '/api/session', payload: { name: 'nobody', password: 'wrong' }, remoteAddress: '10.9.8.7' });
        expect((await attempt()).statusCode).toBe(401);
        expect((await attempt()).statusCode).toBe(401);
        const refused = await attempt();
        expect(refused.statusCode).toBe(429);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
        // Another address is not held back.
        expect((await limited.inject({ method: 'POST', url: '/api/session', payload: { name: 'nobody', password: 'wrong' }, remoteAddress: '10.9.8.6' })).statusCode).toBe(401);
      } finally {
        await limited.close();
      }
    });

    it('takes bearer tokens without CSRF, and refuses bad ones', async () => {
      const cases = await call('GET', '/api/cases', { bearer: aliceToken });
      expect(cases.status).toBe(200);
      expect((cases.body as { ref: string }[]).map((c) => c.ref).sort()).toEqual([...refsA].sort());
      expect((await call('GET', '/api/session', { bearer: aliceToken })).body).toMatchObject({ user: { name: 'alice' }, csrfToken: null });
      const sha256 = createHash('sha256').update('bearer categorisation').digest('hex');
      expect((await call('POST', '/api/media/categories', { bearer: aliceToken }, { json: { sha256, category: '2' } })).status).toBe(201);
      expectProblem(await call('GET', '/api/cases', { bearer: 'cxt_not-a-real-token-at-all-0000000000000' }), 401);
      const malformed = await call('GET', '/api/cases', {}, { headers: { authorization: 'Basic YWxpY2U6eA==' } });
      expectProblem(malformed, 401, /Bearer/);
      expect(malformed.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('refuses a cookie request that changes something without the right CSRF token', async () => {
      const sha256 = createHash('sha256').update('csrf').digest('hex');
      expectProblem(await call('POST', '/api/media/categories', { cookie: alice.cookie }, { json: { sha256, category: '1' } }), 403, /CSRF/);
      expectProblem(await call('POST', '/api/media/categories', { cookie: alice.cookie, csrf: bob.csrf }, { json: { sha256, category: '1' } }), 403, /CSRF/);
      expect((await call('POST', '/api/media/categories', alice, { json: { sha256, category: '1' } })).body).toMatchObject({ sha256, category: '1', by: 'alice' });
    });

    it('answers 401 problem+json on every route that is not public, without a credential', async () => {
      const open = new Set(['GET /api/health', 'POST /api/session', 'GET /api/openapi.json']);
      const routes = app.api.routes.filter((route) => route.url.startsWith('/api/') && route.documented && !open.has(`${route.method} ${route.url}`));
      expect(routes.length).toBeGreaterThan(25);
      for (const route of routes) {
        const url = route.url.replace(/:[a-z]+/gi, '1');
        const answer = await app.inject({ method: route.method as 'GET', url });
        expect(answer.statusCode, `${route.method} ${url}`).toBe(401);
        expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
      }
      expect((await call('GET', '/api/health')).body).toMatchObject({ status: 'ok', backend: backend.name });
    });
  });

  describe('each route, for a member of the cases', () => {
    it('lists the own cases with counts, and a case with the chain of custody of its sources', async () => {
      const cases = (await call('GET', '/api/cases', alice)).body as { ref: string; sources: number; records: number }[];
      expect(cases.map((c) => c.ref).sort()).toEqual([...refsA].sort());
      const ref = refsA[0]!;
      const detail = (await call('GET', `/api/cases/${encodeURIComponent(ref)}`, alice)).body as { ref: string; sources: { id: string; file: string; sha256: string; bytes: number; records: number; rejects: number; ingestedBy: string; status: string }[]; records: number };
      const manifest = JSON.parse(readFileSync(join(dir, 'world', 'manifest.json'), 'utf8')) as { cases: { ref: string; files: { path: string; format: string }[] }[] };
      const files = manifest.cases.find((c) => c.ref === ref)!.files;
      expect(detail.sources).toHaveLength(files.length);
      expect(detail.records).toBe(detail.sources.reduce((sum, source) => sum + source.records, 0));
      expect(cases.find((c) => c.ref === ref)).toMatchObject({ sources: files.length, records: detail.records });
      // Custody: the hash on record is the file's own.
      const file = files.find((f) => f.format !== 'media-folder')!;
      const bytes = readFileSync(join(dir, 'world', file.path));
      const source = detail.sources.find((s) => s.sha256 === createHash('sha256').update(bytes).digest('hex'));
      expect(source).toMatchObject({ bytes: bytes.length, ingestedBy: 'test', status: 'complete' });
      const rejects = (await call('GET', `/api/cases/${encodeURIComponent(ref)}/sources/${source!.id}/rejects?limit=5`, alice)).body as { total: number; items: unknown[] };
      expect(rejects.total).toBe(source!.rejects);
      expect(rejects.items.length).toBe(Math.min(5, source!.rejects));
      expectProblem(await call('GET', `/api/cases/${encodeURIComponent(ref)}/sources/999999/rejects`, alice), 404);
      expectProblem(await call('GET', '/api/cases/NO-SUCH-CASE', alice), 404, /no case 'NO-SUCH-CASE'/);
      expectProblem(await call('GET', `/api/cases/${encodeURIComponent(ref)}/sources/1/rejects?limit=5000`, alice), 400, /limit/);
    });

    it('searches, with filters, within the own cases', async () => {
      const person = truth.people.find((p) => p.cases.some((c) => refsA.includes(c)) && p.identifiers.some((i) => i.type === 'email'))!;
      const email = person.identifiers.find((i) => i.type === 'email')!.value;
      const found = (await call('GET', `/api/search?q=${encodeURIComponent(email.toUpperCase())}`, alice)).body as { records: { hits: { case: string }[] }; entities: { case: string }[] };
      const cases = [...found.records.hits.map((hit) => hit.case), ...found.entities.map((hit) => hit.case)];
      expect(cases.length).toBeGreaterThan(0);
      for (const ref of cases) expect(refsA).toContain(ref);
      const ref = refsA[0]!;
      const filtered = (await call('GET', `/api/search?q=the&case=${encodeURIComponent(ref)}&kind=message&limit=50`, alice)).body as { records: { total: number; hits: { case: string; kind: string; snippet: string }[] } };
      expect(filtered.records.total).toBeGreaterThan(0);
      for (const hit of filtered.records.hits) {
        expect([hit.case, hit.kind]).toEqual([ref, 'message']);
        expect(hit.snippet.toLowerCase()).toContain('«the»');
      }
      expectProblem(await call('GET', '/api/search', alice), 400, /search for/);
      expectProblem(await call('GET', '/api/search?q=x&caseRef=A', alice), 400, /unknown parameter 'caseRef'/);
      const agency = (await call('GET', '/api/session', alice)).body as { user: { agency: string } };
      const byAgency = (await call('GET', `/api/search?q=the&agency=${encodeURIComponent(agency.user.agency)}`, alice)).body as { records: { total: number; hits: { agency: string }[] } };
      expect(byAgency.records.total).toBeGreaterThan(0);
      for (const hit of byAgency.records.hits) expect(hit.agency).toBe(agency.user.agency);
      expectProblem(await call('GET', '/api/search?q=x&from=yesterday', alice), 400);
    });

    it('shows an entity with its identifiers, records (with source and line), links by kind and subject', async () => {
      const row = await sql<{ id: string }>`
        SELECT e.id FROM entities e JOIN cases c ON c.id = e.case_id JOIN subject_members sm ON sm.entity_id = e.id
        WHERE c.ref = ANY(${refsA}::text[]) AND e.kind = 'person' AND sm.subject_id = ${mixedSubject} LIMIT 1`.execute(store.db);
      const id = row.rows[0]!.id;
      const page = (await call('GET', `/api/entities/e${id}?limit=3`, alice)).body as {
        entity: { id: string; kind: string; case: string };
        identifiers: { type: string }[];
        subject: { id: string } | null;
        records: { total: number; items: { source: { file: string } }[] };
        links: { kind: string; links: { other: { id: string } }[] }[];
      };
      expect(page.entity).toMatchObject({ id, kind: 'person' });
      expect(refsA).toContain(page.entity.case);
      expect(page.subject?.id).toBe(mixedSubject);
      const taking = await sql<{ n: string }>`SELECT count(*) AS n FROM records WHERE actor_id = ${id} OR target_id = ${id} OR room_id = ${id}`.execute(store.db);
      expect(page.records.total).toBe(Number(taking.rows[0]!.n));
      expect(page.records.items.length).toBe(Math.min(3, page.records.total));
      for (const record of page.records.items) expect(record.source.file.length).toBeGreaterThan(0);

      // An account: the identifiers its records mention, and its links (messages, rooms) grouped by kind.
      const account = await sql<{ id: string }>`
        SELECT e.id FROM entities e JOIN cases c ON c.id = e.case_id WHERE c.ref = ANY(${refsA}::text[]) AND e.kind = 'account'
          AND EXISTS (SELECT 1 FROM links l WHERE l.from_entity_id = e.id) AND EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = e.id) ORDER BY e.id LIMIT 1`.execute(store.db);
      const accountPage = (await call('GET', `/api/entities/${account.rows[0]!.id}`, alice)).body as typeof page;
      const mentioned = await sql<{ type: string }>`SELECT DISTINCT i.type FROM mentions m JOIN identifiers i ON i.id = m.identifier_id WHERE m.entity_id = ${account.rows[0]!.id}`.execute(store.db);
      expect([...new Set(accountPage.identifiers.map((identifier) => identifier.type))].sort()).toEqual(mentioned.rows.map((row) => row.type).sort());
      expect(accountPage.links.length).toBeGreaterThan(0);
      const kinds = accountPage.links.map((group) => group.kind);
      expect(kinds).toEqual([...new Set(kinds)].sort());
      expectProblem(await call('GET', '/api/entities/999999999', alice), 404);
      expectProblem(await call('GET', '/api/entities/robert', alice), 400);
    });

    it('pages an entity’s records across its roles (actor, target) in time order, each record once, with its role', async () => {
      const both = await sql<{ id: string }>`
        SELECT e.id FROM entities e JOIN cases c ON c.id = e.case_id WHERE c.ref = ANY(${refsA}::text[])
          AND EXISTS (SELECT 1 FROM records r WHERE r.actor_id = e.id) AND EXISTS (SELECT 1 FROM records r WHERE r.target_id = e.id)
        ORDER BY e.id LIMIT 1`.execute(store.db);
      const id = both.rows[0]!.id;
      const expected = await sql<{ id: string; role: string }>`
        SELECT id::text, CASE WHEN actor_id = ${id} THEN 'actor' WHEN target_id = ${id} THEN 'target' ELSE 'room' END AS role
        FROM records WHERE actor_id = ${id} OR target_id = ${id} OR room_id = ${id} ORDER BY occurred_at NULLS LAST, id`.execute(store.db);
      expect(new Set(expected.rows.map((row) => row.role)).size).toBeGreaterThan(1);
      const seen: { id: string; role: string }[] = [];
      for (let offset = 0; offset < expected.rows.length + 2; offset += 2) {
        const page = (await call('GET', `/api/entities/e${id}?limit=2&offset=${offset}`, alice)).body as { records: { total: number; more: boolean; items: { id: string; role: string }[] } };
        expect(page.records).toMatchObject({ total: expected.rows.length, more: false });
        seen.push(...page.records.items.map((item) => ({ id: item.id, role: item.role })));
      }
      expect(seen).toEqual(expected.rows);
    });

    it('lists subjects and shows one with scores and reasons; records a match decision', async () => {
      const list = (await call('GET', '/api/subjects?limit=500', alice)).body as { total: number; items: { id: string; members: number; cases: string[] }[] };
      expect(list.total).toBeGreaterThan(0);
      for (const item of list.items) for (const ref of item.cases) expect(refsA).toContain(ref);
      const sizes = list.items.map((item) => item.members);
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
      const linked = list.items.find((item) => item.members > 1)!;
      const subject = (await call('GET', `/api/subjects/s${linked.id}`, alice)).body as { members: { entity: string; kind: string; score: number; reasons: unknown[] }[] };
      expect(subject.members.length).toBe(linked.members);
      expect(subject.members.some((member) => member.reasons.length > 0)).toBe(true);
      const [a, b] = subject.members.filter((member) => member.kind === 'person');
      const decided = await call('POST', '/api/match-decisions', alice, { json: { a: `e${a!.entity}`, b: b!.entity, verdict: 'reject' } });
      expect(decided.status).toBe(201);
      expect(decided.body).toMatchObject({ verdict: 'reject', decidedBy: 'alice' });
      const stored = await sql<{ n: string }>`SELECT count(*) AS n FROM match_decisions WHERE decided_by = 'alice' AND verdict = 'reject'`.execute(store.db);
      expect(Number(stored.rows[0]!.n)).toBe(1);
      expectProblem(await call('POST', '/api/match-decisions', alice, { json: { a: a!.entity, b: b!.entity, verdict: 'maybe' } }), 400);
      expectProblem(await call('GET', '/api/subjects/999999999', alice), 404);
    });

    it('answers the link chart: neighbourhood, paths, communities, centrality and brokers', async () => {
      const people = await sql<{ id: string }>`
        SELECT e.id FROM entities e JOIN cases c ON c.id = e.case_id WHERE c.ref = ${refsA[0]!} AND e.kind = 'account' ORDER BY e.id LIMIT 1`.execute(store.db);
      const start = `e${people.rows[0]!.id}`;
      const around = (await call('GET', `/api/graph/neighbourhood?ref=${start}&hops=2`, alice)).body as { start: string[]; nodes: { id: string; caseRef?: string }[]; edges: { source: string; target: string }[] };
      expect(around.start).toEqual([start]);
      expect(around.nodes.map((node) => node.id)).toContain(start);
      expect(around.edges.length).toBeGreaterThan(0);
      const ids = new Set(around.nodes.map((node) => node.id));
      for (const edge of around.edges) expect(ids.has(edge.source) && ids.has(edge.target)).toBe(true);
      const onlyAccounts = (await call('GET', `/api/graph/neighbourhood?ref=${start}&hops=2&kind=account`, alice)).body as { nodes: { kind: string }[] };
      for (const node of onlyAccounts.nodes) expect(node.kind).toBe('account');

      const far = around.nodes.find((node) => node.id.startsWith('e') && node.id !== start)!;
      const paths = (await call('GET', `/api/graph/path?from=${start}&to=${far.id}&k=2`, alice)).body as { paths: { nodes: { id: string }[]; steps: unknown[] }[] };
      expect(paths.paths.length).toBeGreaterThan(0);
      const first = paths.paths[0]!;
      expect([first.nodes[0]!.id, first.nodes.at(-1)!.id]).toEqual([start, far.id]);
      expect(first.steps.length).toBe(first.nodes.length - 1);

      const communities = (await call('GET', `/api/graph/communities?case=${refsA[0]!}&seed=3`, alice)).body as { count: number; communities: { cases: string[] }[] };
      expect(communities.count).toBeGreaterThan(0);
      expect(communities).toEqual((await call('GET', `/api/graph/communities?case=${refsA[0]!}&seed=3`, alice)).body);
      const central = (await call('GET', '/api/graph/central?limit=5', alice)).body as { central: { pagerank: number }[] };
      expect(central.central).toHaveLength(5);
      const ranks = central.central.map((node) => node.pagerank);
      expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
      const brokers = (await call('GET', '/api/graph/central?brokers=1&limit=3', alice)).body as { brokers: { reason: string }[] };
      expect(brokers.brokers.length).toBeGreaterThan(0);
      expectProblem(await call('GET', '/api/graph/neighbourhood?ref=nobody-at-all-here', alice), 404);
      expectProblem(await call('GET', '/api/graph/neighbourhood', alice), 400, /ref/);
    });

    it('answers similar cases, timelines and places', async () => {
      const ref = refsA[0]!;
      expect(Array.isArray((await call('GET', `/api/cases/${ref}/similar?min=0`, alice)).body)).toBe(true);
      const timeline = (await call('GET', `/api/timeline/${ref}?limit=10&offset=5`, alice)).body as { total: number; entries: { case: string; at: string | null }[] };
      const counted = await sql<{ n: string }>`SELECT count(*) AS n FROM records r JOIN cases c ON c.id = r.case_id WHERE c.ref = ${ref}`.execute(store.db);
      expect(timeline.total).toBe(Number(counted.rows[0]!.n));
      expect(timeline.entries).toHaveLength(10);
      const times = timeline.entries.map((entry) => entry.at).filter((at): at is string => at !== null);
      expect(times).toEqual([...times].sort());
      const subject = (await call('GET', `/api/timeline/s${mixedSubject}`, alice)).body as { of: { kind: string }; entries: { case: string }[] };
      expect(subject.of.kind).toBe('subject');
      for (const entry of subject.entries) expect(refsA).toContain(entry.case);
      const places = (await call('GET', `/api/places/${ref}`, alice)).body as { case: string }[];
      for (const place of places) expect(place.case).toBe(ref);
      expectProblem(await call('GET', '/api/timeline/NO-SUCH-CASE', alice), 404);
    });

    it('lists media as hashes and metadata, their matches, and hash sets; exports; statistics', async () => {
      const ref = refsA[0]!;
      const media = (await call('GET', `/api/cases/${ref}/media`, alice)).body as { total: number; items: { entity: string; sha256: string; category: string | null }[] };
      const counted = await sql<{ n: string }>`SELECT count(*) AS n FROM entities e JOIN cases c ON c.id = e.case_id WHERE c.ref = ${ref} AND e.kind = 'media'`.execute(store.db);
      expect(media.total).toBe(Number(counted.rows[0]!.n));
      expect(media.items.length).toBeGreaterThan(0);
      for (const item of media.items) expect(item.sha256).toMatch(/^[0-9a-f]{64}$/);
      // A category recorded now shows on the list, for this agency.
      const first = media.items[0]!;
      await call('POST', '/api/media/categories', alice, { json: { sha256: first.sha256, category: 'Non-pertinent' } });
      const again = (await call('GET', `/api/cases/${ref}/media`, alice)).body as typeof media;
      expect(again.items.find((item) => item.entity === first.entity)!.category).toBe('Non-pertinent');
      expect(Array.isArray((await call('GET', `/api/cases/${ref}/media-matches`, alice)).body)).toBe(true);
      expect((await call('GET', '/api/hash-sets', alice)).status).toBe(200);

      const formats = (await call('GET', '/api/exports/formats', alice)).body as { name: string }[];
      expect(formats.map((format) => format.name).sort()).toEqual(['csv', 'ftm', 'gexf', 'graphml', 'i2']);
      const graphml = await call('GET', `/api/exports?format=graphml&case=${ref}`, alice);
      expect(graphml.status).toBe(200);
      expect(graphml.headers['content-disposition']).toMatch(new RegExp(`attachment; filename="crosslink-${ref}\\.graphml"`));
      expect(graphml.raw.toString()).toMatch(/<graphml[\s\S]*<node [\s\S]*<\/graphml>\s*$/);
      expectProblem(await call('GET', '/api/exports?format=pdf', alice), 400);

      const stats = (await call('GET', '/api/stats', alice)).body as { cases: { ref: string }[] };
      expect(stats.cases.map((c) => c.ref).sort()).toEqual([...refsA].sort());
    });

    it('shows an image only on request: blurred greyscale by default, as it is when revealed; both audited; never to an auditor', async () => {
      const ref = refsA[0]!;
      const media = (await call('GET', `/api/cases/${ref}/media`, alice)).body as { items: { entity: string; mimeType: string | null; width: number | null }[] };
      const item = media.items.find((candidate) => candidate.mimeType?.startsWith('image/') && (candidate.width ?? 0) >= 64)!;
      const id = item.entity.slice(1);
      const file = (await mediaFile(store.db, id))!;
      const original = join(file.origin!.slice(file.origin!.indexOf(':') + 1), file.relativePath!);

      const viewed = await call('GET', `/api/media/${item.entity}/view`, alice);
      expect(viewed.status).toBe(200);
      expect(viewed.type).toBe('image/png');
      expect(viewed.headers['cache-control']).toBe('no-store');
      const { data, info } = await sharp(viewed.raw).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
      expect(info.channels).toBe(3);
      for (let i = 0; i < data.length; i += 3) {
        if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) throw new Error(`pixel ${i / 3} is not grey: ${data[i]},${data[i + 1]},${data[i + 2]}`);
      }
      // Blur: neighbouring pixels differ far less than in the original at the same size.
      const roughness = (pixels: Buffer, width: number, height: number) => {
        let sum = 0;
        for (let y = 0; y < height - 1; y++) {
          for (let x = 0; x < width - 1; x++) {
            const at = y * width + x;
            sum += Math.abs(pixels[at]! - pixels[at + 1]!) + Math.abs(pixels[at]! - pixels[at + width]!);
          }
        }
        return sum / ((width - 1) * (height - 1));
      };
      const grey = (input: Buffer | string) => sharp(input).rotate().removeAlpha().greyscale().resize(info.width, info.height, { fit: 'fill' }).raw().toBuffer();
      const blurred = roughness(await grey(viewed.raw), info.width, info.height);
      const sharpness = roughness(await grey(original), info.width, info.height);
      expect(sharpness).toBeGreaterThan(1);
      expect(blurred).toBeLessThan(sharpness * 0.25);

      const revealed = await call('GET', `/api/media/${id}/view?reveal=1`, alice);
      expect(revealed.status).toBe(200);
      expect(revealed.headers['x-crosslink-blurred']).toBe('false');
      const colour = await sharp(revealed.raw).toColourspace('srgb').removeAlpha().raw().toBuffer();
      let coloured = 0;
      for (let i = 0; i < colour.length; i += 3) if (colour[i] !== colour[i + 1] || colour[i] !== colour[i + 2]) coloured++;
      expect(coloured).toBeGreaterThan(0);

      const log = await sql<{ action: string; target: string }>`SELECT action, target FROM audit_log WHERE actor = 'alice' AND action LIKE 'media.%' AND target = ${item.entity} ORDER BY id`.execute(store.db);
      expect(log.rows.map((row) => row.action)).toEqual(['media.view', 'media.reveal']);

      const ownOfOtto = await sql<{ id: string }>`SELECT e.id FROM entities e JOIN cases c ON c.id = e.case_id WHERE c.ref = ${refsB[0]!} AND e.kind = 'media' LIMIT 1`.execute(store.db);
      expectProblem(await call('GET', `/api/media/${ownOfOtto.rows[0]!.id}/view`, otto), 403, /auditor/);
      expectProblem(await call('GET', '/api/media/999999999/view', alice), 404);
    });

    it('gives auditors the audit log and its verification, and nobody else', async () => {
      const entries = (await call('GET', '/api/audit?actor=alice&limit=1000', otto)).body as { action: string; case: string | null }[];
      const actions = new Set(entries.map((entry) => entry.action));
      for (const action of ['auth.login', 'case.list', 'search', 'entity.read', 'media.view', 'media.reveal', 'export']) expect(actions, action).toContain(action);
      const media = (await call('GET', `/api/audit?action=media.&case=${refsA[0]!}`, otto)).body as { action: string; case: string }[];
      expect(media.length).toBeGreaterThan(0);
      for (const entry of media) expect([entry.action.startsWith('media.'), entry.case]).toEqual([true, refsA[0]!]);
      const verified = (await call('GET', '/api/audit/verify', otto)).body as { ok: boolean; rows: number; head: { hash: string } };
      expect(verified.ok).toBe(true);
      expect(verified.rows).toBeGreaterThan(entries.length);
      expect(((await call('GET', `/api/audit/verify?head=${verified.head.hash}`, otto)).body as { headFound: boolean }).headFound).toBe(true);
      expectProblem(await call('GET', '/api/audit', alice), 403, /auditors/);
      expectProblem(await call('GET', '/api/audit/verify', alice), 403);
    });
  });

  describe('uploads', () => {
    const upload = (client: Client, ref: string, name: string, content: string | Buffer, fields: Record<string, string> = {}) => uploadTo(`/api/cases/${encodeURIComponent(ref)}/sources`, client, name, content, fields);
    const uploadTo = (url: string, client: Client, name: string, content: string | Buffer, fields: Record<string, string> = {}) => {
      const boundary = '----crosslink-test-boundary';
      const parts = [
        ...Object.entries(fields).map(([field, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n`),
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ];
      const payload = Buffer.concat([Buffer.from(parts.join('')), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]);
      return call('POST', url, client, { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    };

    it('streams an upload to disk, ingests it as a job, and its records are then found', async () => {
      const ref = refsA[1] ?? refsA[0]!;
      const content = chatExport('quokkazephyr');
      const accepted = await upload(alice, ref, 'WhatsApp Chat with Pier Walkers.txt', content, { timezone: 'America/Toronto' });
      expect(accepted.status).toBe(202);
      const { job } = accepted.body as { job: { id: string; status: string; case: string } };
      expect(job).toMatchObject({ case: ref });
      await app.api.jobs.idle();
      const done = (await call('GET', `/api/jobs/${job.id}`, alice)).body as { status: string; records: number; source: string; format: string; error: string | null };
      expect(done, JSON.stringify(done)).toMatchObject({ status: 'complete', records: 3, format: 'whatsapp-txt', error: null });
      expect(((await call('GET', '/api/jobs', alice)).body as { id: string }[]).map((j) => j.id)).toContain(job.id);
      expectProblem(await call('GET', `/api/jobs/${job.id}`, bob), 404);

      const detail = (await call('GET', `/api/cases/${ref}`, alice)).body as { sources: { id: string; sha256: string; file: string; ingestedBy: string; records: number }[] };
      const source = detail.sources.find((s) => s.id === done.source)!;
      expect(source).toMatchObject({ sha256: createHash('sha256').update(content).digest('hex'), file: 'WhatsApp Chat with Pier Walkers.txt', ingestedBy: 'alice', records: 3 });
      const found = (await call('GET', '/api/search?q=quokkazephyr', alice)).body as { records: { total: number; hits: { case: string; source: { id: string } }[] } };
      expect(found.records.total).toBe(2);
      for (const hit of found.records.hits) expect([hit.case, hit.source.id]).toEqual([ref, source.id]);
      // Nobody else sees it.
      expect(((await call('GET', '/api/search?q=quokkazephyr', bob)).body as { records: { total: number } }).records.total).toBe(0);
    });

    it('imports a hash set as a job; a case file it lists then shows the hash-set hit', async () => {
      const ref = refsA[0]!;
      const media = ((await call('GET', `/api/cases/${ref}/media`, alice)).body as { items: { entity: string; sha256: string }[] }).items;
      const listed = media[0]!;
      const csv = `sha256,category,series\n${listed.sha256},1,Test series\nnot-a-hash,2,x\n`;
      const accepted = await uploadTo('/api/hash-sets', alice, 'local-set.csv', csv, { name: 'Local test set' });
      expect(accepted.status).toBe(202);
      const { job } = accepted.body as { job: { id: string; kind: string } };
      expect(job.kind).toBe('hashset');
      await app.api.jobs.idle();
      const done = (await call('GET', `/api/jobs/${job.id}`, alice)).body as { status: string; result: { entries: number; rejectCount: number; skipped: boolean } };
      expect(done).toMatchObject({ status: 'complete', result: { entries: 1, rejectCount: 1, skipped: false } });
      const sets = (await call('GET', '/api/hash-sets', bob)).body as { name: string; kind: string; entries: number; importedBy: string }[];
      expect(sets).toContainEqual(expect.objectContaining({ name: 'Local test set', kind: 'categorised', entries: 1, importedBy: 'alice' }));
      const hits = (await call('GET', `/api/cases/${ref}/media-matches`, alice)).body as { media: { entity: string }; hits: { where: string; set?: string; category?: string | null; series?: string | null }[] }[];
      expect(hits.find((item) => item.media.entity === listed.entity)!.hits).toContainEqual(expect.objectContaining({ where: 'hash_set', set: 'Local test set', category: '1', series: 'Test series' }));
      expectProblem(await uploadTo('/api/hash-sets', otto, 'set.csv', csv), 403, /auditor/);
      expectProblem(await uploadTo('/api/hash-sets', alice, 'set.csv', csv, { format: 'pdf' }), 400, /format/);
    });

    it('refuses uploads that are too large, not multipart, into a case one may not see, or by an auditor', async () => {
      const ref = refsA[0]!;
      expectProblem(await upload(alice, ref, 'big.txt', Buffer.alloc(300 * 1024, 'a')), 413, /limit/);
      expectProblem(await call('POST', `/api/cases/${ref}/sources`, alice, { json: { file: 'x' } }), 415, /multipart/);
      expectProblem(await upload(bob, ref, 'chat.txt', chatExport('nothing')), 404);
      expectProblem(await upload(otto, refsB[0]!, 'chat.txt', chatExport('nothing')), 403, /auditor/);
      expectProblem(await upload(alice, ref, 'chat.txt', chatExport('nothing'), { format: 'no-such-format' }), 400, /format/);
      expectProblem(await upload(alice, ref, 'chat.txt', chatExport('nothing'), { timezone: 'Mars/Olympus' }), 400, /time zone/);
      expectProblem(await call('POST', '/api/session', {}, { payload: JSON.stringify({ name: 'x', password: 'y'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } }), 413);
    });
  });

  it('gives a user of agency B nothing of agency A from any route', async () => {
    const refA = refsA[0]!;
    const ids = await sql<{ kind: string; id: string }>`
      SELECT DISTINCT ON (e.kind) e.kind, e.id FROM entities e JOIN cases c ON c.id = e.case_id WHERE c.ref = ANY(${refsA}::text[]) ORDER BY e.kind, e.id`.execute(store.db);
    const foreign = new Map(ids.rows.map((row) => [row.kind, row.id]));
    const person = foreign.get('person')!;
    const foreignSource = (await sql<{ id: string }>`SELECT s.id FROM sources s JOIN cases c ON c.id = s.case_id WHERE c.ref = ${refA} LIMIT 1`.execute(store.db)).rows[0]!.id;
    const onlyForeign = (
      await sql<{ subject_id: string }>`
        SELECT sm.subject_id FROM subject_members sm JOIN cases c ON c.id = sm.case_id GROUP BY sm.subject_id HAVING bool_and(c.ref = ANY(${refsA}::text[]))`.execute(store.db)
    ).rows[0]!.subject_id;

    // Whatever names agency A's data outright: "no such thing", as for what does not exist.
    const notFound = [
      `/api/cases/${refA}`,
      `/api/cases/${refA}/sources/${foreignSource}/rejects`,
      `/api/cases/${refA}/similar`,
      `/api/cases/${refA}/media`,
      `/api/cases/${refA}/media-matches`,
      `/api/timeline/${refA}`,
      `/api/places/${refA}`,
      `/api/timeline/e${person}`,
      `/api/places/e${person}`,
      `/api/entities/${person}`,
      `/api/subjects/${onlyForeign}`,
      `/api/timeline/s${onlyForeign}`,
      `/api/media/${foreign.get('media')!}/view`,
      `/api/graph/neighbourhood?ref=e${person}`,
      `/api/graph/path?from=e${person}&to=e${person}`,
    ];
    for (const url of notFound) {
      const answer = await call('GET', url, bob);
      expectProblem(answer, 404);
      expect(foreignRefsIn((answer.body as { detail: string }).detail.replace(refA, '')), url).toEqual([]);
    }
    const own = (await sql<{ id: string }>`SELECT e.id FROM entities e JOIN cases c ON c.id = e.case_id WHERE c.ref = ${refsB[0]!} AND e.kind = 'person' LIMIT 1`.execute(store.db)).rows[0]!.id;
    expectProblem(await call('POST', '/api/match-decisions', bob, { json: { a: person, b: own, verdict: 'confirm' } }), 404);

    // Lists and analyses over "everything I may see": only agency B's cases, not a mention of A's.
    const people = truth.people.filter((p) => p.cases.every((ref) => refsA.includes(ref)));
    const contact = people.flatMap((p) => p.identifiers.filter((i) => i.type === 'email' || i.type === 'phone')).slice(0, 3).map((i) => i.value);
    const lists = [
      '/api/cases',
      '/api/stats',
      '/api/subjects?limit=500',
      `/api/subjects/${mixedSubject}`,
      `/api/timeline/s${mixedSubject}?limit=1000`,
      '/api/search?q=the&limit=200',
      `/api/search?q=${encodeURIComponent(`case:${refA}`)}`,
      ...contact.map((value) => `/api/search?q=${encodeURIComponent(value)}`),
      `/api/search?q=${encodeURIComponent(`~"${people[0]!.name}"`)}`,
      '/api/graph/communities?limit=10000',
      `/api/graph/communities?case=${refA}`,
      '/api/graph/central?limit=1000',
      '/api/graph/central?brokers=1&limit=1000',
      `/api/graph/neighbourhood?ref=s${mixedSubject}&hops=3`,
      `/api/cases/${refsB[0]!}/similar?min=0&limit=1000`,
      `/api/cases/${refsB[0]!}/media-matches?threshold=128`,
      '/api/hash-sets',
      '/api/jobs',
    ];
    let seen = 0;
    for (const url of lists) {
      const answer = await call('GET', url, bob);
      expect(answer.status, url).toBe(200);
      expect(foreignRefsIn(answer.body), url).toEqual([]);
      seen += JSON.stringify(answer.body).length;
    }
    expect(seen).toBeGreaterThan(10_000);
    const subject = (await call('GET', `/api/subjects/${mixedSubject}`, bob)).body as { members: { case: string }[] };
    expect(subject.members.length).toBeGreaterThan(0);
    for (const member of subject.members) expect(refsB).toContain(member.case);
    for (const format of ['csv', 'graphml']) {
      const all = await call('GET', `/api/exports?format=${format}`, bob);
      expect(all.status).toBe(200);
      expect(foreignRefsIn(all.raw.toString())).toEqual([]);
      const named = await call('GET', `/api/exports?format=${format}&case=${refA}`, bob);
      expect(foreignRefsIn(named.raw.toString().replaceAll(`crosslink-${refA}`, ''))).toEqual([]);
    }
  });

  it('sends security headers, and ingest progress as server-sent events over a real socket', async () => {
    const health = await call('GET', '/api/health');
    expect(health.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(health.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['referrer-policy']).toBe('no-referrer');
    expect(health.headers['cache-control']).toBe('no-store');

    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const events: { name: string; data: { id: string; status: string; records: number; phase: string | null } }[] = [];
    const stream = await fetch(`${base}/api/events`, { headers: { cookie: alice.cookie! }, signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffered = '';
      try {
        for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
          buffered += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffered.indexOf('\n\n')) >= 0) {
            const block = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            const name = /^event: (.+)$/m.exec(block)?.[1];
            const data = block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
            if (name) events.push({ name, data: JSON.parse(data) });
          }
        }
      } catch {
        // aborted
      }
    })();

    const ref = refsA[0]!;
    const form = new FormData();
    form.set('file', new Blob([chatExport('wombatlantern')]), 'WhatsApp Chat with Lantern Club.txt');
    const posted = await fetch(`${base}/api/cases/${ref}/sources`, { method: 'POST', body: form, headers: { cookie: alice.cookie!, 'x-csrf-token': alice.csrf! } });
    expect(posted.status).toBe(202);
    const { job } = (await posted.json()) as { job: { id: string } };
    const deadline = Date.now() + 60_000;
    while (!events.some((event) => event.data.id === job.id && event.data.status === 'complete') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await reading;
    const mine = events.filter((event) => event.data.id === job.id);
    expect(mine.every((event) => event.name === 'ingest')).toBe(true);
    expect(mine.map((event) => event.data.status)).toContain('running');
    expect(mine.at(-1)!.data).toMatchObject({ status: 'complete', records: 3 });

    // Without a session, no stream.
    expect((await fetch(`${base}/api/events`)).status).toBe(401);
  });

  it('describes every route in a valid OpenAPI 3.1 document derived from the model', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Crosslink API', version: expect.any(String) });
    expect(doc.components.securitySchemes).toMatchObject({ session: { type: 'apiKey', in: 'cookie', name: 'crosslink_session' }, bearer: { type: 'http', scheme: 'bearer' } });
    const documented = app.api.routes.filter((route) => route.documented && route.url.startsWith('/api/'));
    for (const route of documented) {
      const path = route.url.replace(/:([a-zA-Z]+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${route.url}`).toBeDefined();
    }
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
    expect(operations.length).toBe(documented.length);
    const schemas = new Set(Object.keys(doc.components.schemas));
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(50);
    for (const found of refs) {
      const target = /#\/components\/schemas\/([^"]+)"$/.exec(found);
      expect(target && schemas.has(target[1]!), found).toBe(true);
    }
    for (const { path, method, operation } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status)), where).toBe(true);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const parameters = operation.parameters ?? [];
      expect(parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name).sort(), where).toEqual(templated.sort());
      for (const parameter of parameters) {
        expect(['path', 'query', 'header', 'cookie'], where).toContain(parameter.in);
        expect(parameter.schema, `${where} ${parameter.name}`).toBeDefined();
        if (parameter.in === 'path') expect(parameter.required).toBe(true);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (/^[45]/.test(status)) expect(Object.keys(response.content ?? {}), `${where} ${status}`).toEqual(['application/problem+json']);
      }
    }
    const operationIds = operations.map(({ operation }) => operation.operationId);
    expect(operationIds.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(operationIds).size).toBe(operationIds.length);
    const uploadBody = doc.paths['/api/cases/{ref}/sources']!['post']!.requestBody as { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
    expect(Object.keys(uploadBody.content['multipart/form-data']!.schema.properties)).toContain('file');
    // The model's declaration, not a copy: kinds and each kind's properties.
    const components = doc.components.schemas as Record<string, { enum?: string[]; properties?: Record<string, unknown> }>;
    expect(components['EntityKind']!.enum).toEqual(ENTITY_KIND_NAMES);
    expect(Object.keys(components['PersonProperties']!.properties!)).toEqual(Object.keys(ENTITY_KINDS.person.properties));
    expect(Object.keys(components['MediaProperties']!.properties!)).toEqual(Object.keys(ENTITY_KINDS.media.properties));
    const docs = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('serving the web app', () => {
  it('sends its files, index.html for its own paths, and problems for unknown API paths', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'crosslink-web-'));
    const root = join(parent, 'dist');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(parent, 'secret.txt'), 'not for the web');
    // Serving files needs no database: a store that is never asked anything.
    const store = { backend: 'embedded', location: 'memory://', db: undefined, close: async () => undefined } as unknown as Store;
    const app = await buildServer(store, { webRoot: root });
    try {
      const index = await app.inject({ method: 'GET', url: '/' });
      expect([index.statusCode, index.body]).toEqual([200, '<!doctype html><title>app</title>']);
      expect(index.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      const deep = await app.inject({ method: 'GET', url: '/cases/HV-1/entities/e12?tab=records' });
      expect([deep.statusCode, deep.headers['content-type'], deep.body]).toEqual([200, 'text/html; charset=utf-8', '<!doctype html><title>app</title>']);
      const asset = await app.inject({ method: 'GET', url: '/assets/app-1234.js' });
      expect([asset.statusCode, asset.body]).toEqual([200, 'console.log(1)']);
      expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
      expect(asset.headers['cache-control']).toMatch(/immutable/);
      for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt']) {
        const escaped = await app.inject({ method: 'GET', url });
        expect(escaped.body, url).not.toContain('not for the web');
      }
      const api = await app.inject({ method: 'GET', url: '/api/nothing/here' });
      expect(api.statusCode).toBe(404);
      expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((await app.inject({ method: 'POST', url: '/somewhere' })).statusCode).toBe(404);
    } finally {
      await app.close();
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
