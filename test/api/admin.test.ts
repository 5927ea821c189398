/**
 * Administration over HTTP, on every backend: the agency directory, users (adding, disabling),
 * API tokens (issued once, listed without their secret, revoked), case membership, and a case's
 * records. Agency A's administrator manages A's users and nobody else's; a user of agency B gets
 * 404/403 and nothing of A; a plain analyst manages only their own tokens. Every answer is checked
 * against the server's own OpenAPI document, and every change is found in the audit log.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, createToken, ROLES } from '../../src/access/index.ts';
import { buildServer } from '../../src/api/index.ts';
import { ingestSource } from '../../src/ingest/index.ts';
import { RECORD_KIND_NAMES } from '../../src/model/index.ts';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.ts';
import { grant, twoAgencies, type TwoAgencies } from '../access/fixtures.ts';
import { BACKENDS, freshServerDatabase } from '../backends.ts';
import { openApiChecker, type OpenApiDocument } from './openapi-check.ts';

const secret = Buffer.alloc(32, 9);
const PASSWORD = 'a long synthetic test password';
const dir = mkdtempSync(join(tmpdir(), 'crosslink-api-admin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ALPHA_CSV = [
  'booking_id,full_name,birth_date,booking_time,charges,phone,email',
  'A-100,Jordan Example,1990-02-03,2024-05-01T10:00:00Z,shoplifting,+44 20 7946 0958,jordan.example@example.net',
  'A-101,Casey Sample,1988-11-12,2024-05-02T11:30:00Z,trespass,+44 20 7946 0959,casey.sample@example.net',
];
/** What agency A holds or is called that a user of agency B must not read in a refusal. */
const ALPHA_SIDE = ['Alpha Unit', 'A-100', 'Jordan Example', 'alpha-arrests.csv', 'jordan.example'];

type Who = 'admin' | 'amy' | 'bart' | 'ada' | 'alice' | 'bob' | 'bea' | 'otto';

interface Answer {
  status: number;
  body: unknown;
  type: string;
  headers: Record<string, unknown>;
}

describe.each(BACKENDS)('administration over HTTP on $name', (backend) => {
  let server: Awaited<ReturnType<typeof freshServerDatabase>>;
  let store: Store;
  let world: TwoAgencies;
  let app: FastifyInstance;
  let doc: OpenApiDocument;
  let checker: ReturnType<typeof openApiChecker>;
  const tokens = {} as Record<Who, string>;

  async function call(method: string, url: string, who: Who | { bearer: string } | { cookie: string; csrf?: string } | null, json?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (typeof who === 'string') headers['authorization'] = `Bearer ${tokens[who]}`;
    else if (who && 'bearer' in who) headers['authorization'] = `Bearer ${who.bearer}`;
    else if (who) {
      headers['cookie'] = who.cookie;
      if (who.csrf) headers['x-csrf-token'] = who.csrf;
    }
    const response = await app.inject({ method: method as 'GET', url, headers, ...(json !== undefined ? { payload: json as object } : {}) });
    const type = String(response.headers['content-type'] ?? '');
    const body = type.includes('json') ? (response.json() as unknown) : response.body;
    checker.check(method, url, response.statusCode, type, body);
    return { status: response.statusCode, body, type, headers: response.headers };
  }

  const expectOk = <T,>(answer: Answer, status = 200): T => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    return answer.body as T;
  };

  /** 404 or 403 as problem+json: its five fields, and nothing of agency A in them. */
  const expectRefused = (answer: Answer, statuses: number[], what: string, hidden: readonly string[] = []) => {
    expect(statuses, `${what}: ${answer.status} ${JSON.stringify(answer.body)}`).toContain(answer.status);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(Object.keys(answer.body as object).sort()).toEqual(['detail', 'instance', 'status', 'title', 'type']);
    const text = JSON.stringify(answer.body);
    for (const string of hidden) expect(text, `${what} reveals '${string}'`).not.toContain(string);
  };

  const auditActions = async (actor: string) =>
    (await store.db.selectFrom('audit_log').select(['action', 'target', 'details']).where('actor', '=', actor).orderBy('id').execute()).map((row) => ({ ...row, details: row.details as Record<string, unknown> }));

  beforeAll(async () => {
    server = backend.name === 'postgres' ? await freshServerDatabase() : undefined;
    store = await openStore(server?.url ?? 'memory://');
    await migrateToLatest(store.db);
    world = await twoAgencies(store);
    const { a: alice, b: bob } = world.users;
    await grant(world, 'A-1', alice);
    await grant(world, 'B-1', bob);
    await addUser(store.db, world.admin, { name: 'amy', role: 'admin', agency: 'Alpha Unit', password: PASSWORD });
    await addUser(store.db, world.admin, { name: 'bart', role: 'admin', agency: 'Bravo Unit' });
    const csv = join(dir, `${backend.name}-alpha-arrests.csv`);
    writeFileSync(csv, `${ALPHA_CSV.join('\n')}\n`);
    await ingestSource(store, csv, { actor: alice.name, secret, caseRef: 'A-1', format: 'arrests-csv', region: 'GB' });

    const names: Record<Who, string> = { admin: world.admin.name, amy: 'amy', bart: 'bart', ada: 'ada', alice: 'alice', bob: 'bob', bea: 'bea', otto: 'otto' };
    for (const [who, name] of Object.entries(names) as [Who, string][]) tokens[who] = (await createToken(store.db, world.admin, name, { label: 'admin tests' })).token;
    app = await buildServer(store, { cardSecret: secret, plainSerializer: true, settings: { uploadDir: join(dir, `uploads-${backend.name}`), loginsPerMinute: 1000 } });
    doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApiDocument;
    checker = openApiChecker(doc);
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await server?.drop();
  });

  describe('agencies', () => {
    interface AgencyView {
      name: string;
      country: string;
      kind: string | null;
      contact: { officer: string | null; phone: string | null; email: string | null };
    }

    it('lists the directory to every user, and lets only a node administrator add to it', async () => {
      for (const who of ['alice', 'bob', 'otto'] as const) {
        const agencies = expectOk<AgencyView[]>(await call('GET', '/api/agencies', who));
        expect(agencies.map((agency) => agency.name)).toEqual(expect.arrayContaining(['Alpha Unit', 'Bravo Unit']));
      }
      const alpha = expectOk<AgencyView[]>(await call('GET', '/api/agencies', 'alice')).find((agency) => agency.name === 'Alpha Unit');
      expect(alpha).toMatchObject({ country: 'CA', kind: null, contact: { officer: 'Det. A', phone: '+14165550100', email: null } });

      const added = expectOk<AgencyView>(await call('POST', '/api/agencies', 'admin', { name: 'Charlie Unit', country: 'au', kind: 'task-force', officer: 'Sgt C', email: 'c@charlie.example' }), 201);
      expect(added).toMatchObject({ name: 'Charlie Unit', country: 'AU', kind: 'task-force', contact: { officer: 'Sgt C', phone: null, email: 'c@charlie.example' } });
      expect(expectOk<AgencyView[]>(await call('GET', '/api/agencies', 'bob')).map((agency) => agency.name)).toContain('Charlie Unit');
      expect(await auditActions(world.admin.name)).toContainEqual(expect.objectContaining({ action: 'agency.add', target: 'Charlie Unit' }));

      expectRefused(await call('POST', '/api/agencies', 'admin', { name: 'charlie unit', country: 'AU' }), [409], 'a duplicate');
      expect((await call('POST', '/api/agencies', 'admin', { name: 'Delta Unit', country: 'Delta' })).status).toBe(400);
      // An agency's administrator, a supervisor and an analyst do not add agencies.
      for (const who of ['amy', 'ada', 'alice'] as const) expectRefused(await call('POST', '/api/agencies', who, { name: `Echo ${who}`, country: 'CA' }), [403], `${who} adding an agency`);
      expect(expectOk<AgencyView[]>(await call('GET', '/api/agencies', 'admin')).map((agency) => agency.name)).not.toContain('Echo amy');
    });

    it("lets an agency's administrator change its point of contact, and no one else's", async () => {
      const changed = expectOk<AgencyView>(await call('PUT', '/api/agencies/alpha%20unit/contact', 'amy', { phone: '+14165550199', email: 'desk@alpha.example' }));
      expect(changed.contact).toEqual({ officer: 'Det. A', phone: '+14165550199', email: 'desk@alpha.example' });
      // An empty field clears it.
      expect(expectOk<AgencyView>(await call('PUT', '/api/agencies/Alpha%20Unit/contact', 'amy', { email: '' })).contact.email).toBeNull();
      expect(await auditActions('amy')).toContainEqual(expect.objectContaining({ action: 'agency.contact', target: 'Alpha Unit' }));

      expectRefused(await call('PUT', '/api/agencies/Alpha%20Unit/contact', 'bart', { phone: '+1' }), [403], "another agency's administrator");
      expectRefused(await call('PUT', '/api/agencies/Alpha%20Unit/contact', 'alice', { phone: '+1' }), [403], 'an analyst of the agency');
      expectRefused(await call('PUT', '/api/agencies/Alpha%20Unit/contact', 'ada', { phone: '+1' }), [403], 'a supervisor of the agency');
      expectRefused(await call('PUT', '/api/agencies/No%20Such%20Unit/contact', 'admin', { phone: '+1' }), [404], 'an unknown agency');
      expect((await call('PUT', '/api/agencies/Alpha%20Unit/contact', 'amy', {})).status).toBe(400);
      expect(expectOk<AgencyView>(await call('PUT', '/api/agencies/Bravo%20Unit/contact', 'admin', { officer: 'DS B2' })).contact.officer).toBe('DS B2');
      const alpha = expectOk<AgencyView[]>(await call('GET', '/api/agencies', 'bob')).find((agency) => agency.name === 'Alpha Unit');
      expect(alpha?.contact.phone).toBe('+14165550199');
    });
  });

  describe('users', () => {
    interface UserView {
      id: string;
      name: string;
      role: string;
      agency: string | null;
      password: boolean;
      disabled: boolean;
    }

    it("lists the own agency's users to its members, and everyone to a node administrator and an auditor", async () => {
      const names = async (who: Who) => expectOk<UserView[]>(await call('GET', '/api/users', who)).map((user) => user.name);
      expect(await names('amy')).toEqual(expect.arrayContaining(['ada', 'alice', 'amy']));
      expect(await names('amy')).not.toContain('bob');
      expect(await names('bart')).not.toContain('alice');
      expect(await names('alice')).not.toContain('bart');
      expect(await names('admin')).toEqual(expect.arrayContaining(['alice', 'amy', 'bart', 'bob', 'otto']));
      expect(await names('otto')).toEqual(expect.arrayContaining(['alice', 'bob']));

      expect(expectOk<UserView>(await call('GET', '/api/users/ALICE', 'amy'))).toMatchObject({ name: 'alice', role: 'analyst', agency: 'Alpha Unit', disabled: false });
      expectRefused(await call('GET', '/api/users/alice', 'bart'), [404], "a user of another agency, to B's administrator", ALPHA_SIDE);
      expectRefused(await call('GET', '/api/users/alice', 'bob'), [404], "a user of another agency, to B's analyst", ALPHA_SIDE);
      expectRefused(await call('GET', '/api/users/nobody', 'admin'), [404], 'an unknown user');
      expect(await auditActions('amy')).toContainEqual(expect.objectContaining({ action: 'user.list' }));
    });

    it("lets an agency's administrator add users to their own agency only; a new user signs in", async () => {
      const andy = expectOk<UserView>(await call('POST', '/api/users', 'amy', { name: 'andy', role: 'analyst', password: PASSWORD }), 201);
      expect(andy).toMatchObject({ name: 'andy', role: 'analyst', agency: 'Alpha Unit', password: true, disabled: false });
      expect(JSON.stringify(andy)).not.toContain(PASSWORD);
      const session = await call('POST', '/api/session', null, { name: 'andy', password: PASSWORD });
      expect(session.status).toBe(200);
      expect(await auditActions('amy')).toContainEqual(expect.objectContaining({ action: 'user.add', target: 'andy' }));

      // Tokens only, no password.
      expect(expectOk<UserView>(await call('POST', '/api/users', 'amy', { name: 'tool.alpha', role: 'analyst', agency: 'Alpha Unit' }), 201).password).toBe(false);
      const brenda = expectOk<UserView>(await call('POST', '/api/users', 'admin', { name: 'brenda', role: 'supervisor', agency: 'Bravo Unit' }), 201);
      expect(brenda.agency).toBe('Bravo Unit');

      expectRefused(await call('POST', '/api/users', 'amy', { name: 'intruder', role: 'analyst', agency: 'Bravo Unit' }), [403], "adding to another agency");
      expectRefused(await call('POST', '/api/users', 'bart', { name: 'intruder', role: 'analyst', agency: 'Alpha Unit' }), [403], "adding to another agency", ['Det. A']);
      for (const who of ['alice', 'ada', 'otto'] as const) expectRefused(await call('POST', '/api/users', who, { name: `by.${who}`, role: 'analyst' }), [403], `${who} adding a user`);
      expectRefused(await call('POST', '/api/users', 'amy', { name: 'ANDY', role: 'analyst' }), [409], 'a name taken');
      expect((await call('POST', '/api/users', 'amy', { name: 'shorty', role: 'analyst', password: 'short' })).status).toBe(400);
      expect((await call('POST', '/api/users', 'amy', { name: 'chief', role: 'chief' })).status).toBe(400);
      expect((await call('POST', '/api/users', 'amy', { name: 'bad name!', role: 'analyst' })).status).toBe(400);
      const listed = expectOk<UserView[]>(await call('GET', '/api/users', 'admin')).map((user) => user.name);
      expect(listed).toEqual(expect.arrayContaining(['andy', 'brenda', 'tool.alpha']));
      expect(listed.filter((name) => name === 'intruder' || name.startsWith('by.'))).toEqual([]);
    });

    it("lets an agency's administrator disable its users: their tokens stop working; nobody else may", async () => {
      await call('POST', '/api/users', 'amy', { name: 'dora', role: 'analyst' });
      const dora = expectOk<{ token: string }>(await call('POST', '/api/users/dora/tokens', 'amy', { label: 'script' }), 201).token;
      expect((await call('GET', '/api/session', { bearer: dora })).status).toBe(200);

      expectRefused(await call('POST', '/api/users/dora/disable', 'bart'), [404], "another agency's administrator", ALPHA_SIDE);
      expectRefused(await call('POST', '/api/users/dora/disable', 'bob'), [404], "another agency's analyst", ALPHA_SIDE);
      expectRefused(await call('POST', '/api/users/dora/disable', 'alice'), [403], 'an analyst of the agency');
      expectRefused(await call('POST', '/api/users/dora/disable', 'ada'), [403], 'a supervisor of the agency');
      expect((await call('GET', '/api/session', { bearer: dora })).status).toBe(200);

      expect(expectOk<UserView>(await call('POST', '/api/users/dora/disable', 'amy'))).toMatchObject({ name: 'dora', disabled: true });
      expect((await call('GET', '/api/session', { bearer: dora })).status).toBe(401);
      expect(await auditActions('amy')).toContainEqual(expect.objectContaining({ action: 'user.disable', target: 'dora' }));
      // Disabled users get no new token either; and one does not lock oneself out.
      expectRefused(await call('POST', '/api/users/dora/tokens', 'amy', {}), [409], 'a token for a disabled user');
      expect((await call('POST', '/api/users/amy/disable', 'amy')).status).toBe(400);
      expectRefused(await call('POST', '/api/users/nobody/disable', 'admin'), [404], 'an unknown user');
      // A node administrator manages every agency's users.
      expect(expectOk<UserView>(await call('POST', '/api/users/brenda/disable', 'admin')).disabled).toBe(true);
    });

    it('refuses a change by session cookie without its CSRF token', async () => {
      const signedIn = await call('POST', '/api/session', null, { name: 'amy', password: PASSWORD });
      const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
      const csrf = (signedIn.body as { csrfToken: string }).csrfToken;
      expectRefused(await call('POST', '/api/users', { cookie }, { name: 'no.csrf', role: 'analyst' }), [403], 'no CSRF token');
      expect((await call('POST', '/api/users', { cookie, csrf }, { name: 'with.csrf', role: 'analyst' })).status).toBe(201);
    });
  });

  describe('API tokens', () => {
    interface TokenView {
      id: string;
      user: string;
      kind: string;
      label: string | null;
      revokedAt: string | null;
      expiresAt: string | null;
    }

    it('issues a token once, lists it without its secret, and revokes it at once', async () => {
      const issued = expectOk<{ id: string; token: string; user: string; expiresAt: string | null }>(await call('POST', '/api/users/alice/tokens', 'alice', { label: 'laptop', expiresInDays: 30 }), 201);
      expect(issued.user).toBe('alice');
      expect(issued.token).toMatch(/^cxt_/);
      expect(new Date(issued.expiresAt!).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
      expect(expectOk<{ user: { name: string } }>(await call('GET', '/api/session', { bearer: issued.token })).user.name).toBe('alice');

      const listed = await call('GET', '/api/users/alice/tokens', 'alice');
      expect(JSON.stringify(listed.body)).not.toContain(issued.token);
      expect(expectOk<TokenView[]>(listed).find((token) => token.id === issued.id)).toMatchObject({ user: 'alice', kind: 'token', label: 'laptop', revokedAt: null });

      const revoked = expectOk<TokenView>(await call('DELETE', `/api/users/alice/tokens/${issued.id}`, 'alice'));
      expect(revoked.revokedAt).not.toBeNull();
      expect((await call('GET', '/api/session', { bearer: issued.token })).status).toBe(401);
      const actions = (await auditActions('alice')).map((entry) => entry.action);
      expect(actions).toEqual(expect.arrayContaining(['token.create', 'token.list', 'token.revoke']));
      expect((await call('POST', '/api/users/alice/tokens', 'alice', { expiresInDays: 0 })).status).toBe(400);
    });

    it("lets an administrator manage their agency's users' tokens; an analyst only their own; nobody another agency's", async () => {
      const forAlice = expectOk<{ id: string; token: string }>(await call('POST', '/api/users/alice/tokens', 'amy', { label: 'issued by amy' }), 201);
      expect(expectOk<TokenView[]>(await call('GET', '/api/users/alice/tokens', 'amy')).map((token) => token.id)).toContain(forAlice.id);

      // Another agency's administrator and analyst: no such user.
      expectRefused(await call('GET', '/api/users/alice/tokens', 'bart'), [404], "another agency's administrator listing", ALPHA_SIDE);
      expectRefused(await call('POST', '/api/users/alice/tokens', 'bart', {}), [404], "another agency's administrator issuing", ALPHA_SIDE);
      expectRefused(await call('DELETE', `/api/users/alice/tokens/${forAlice.id}`, 'bart'), [404], "another agency's administrator revoking", ALPHA_SIDE);
      expectRefused(await call('DELETE', `/api/users/alice/tokens/${forAlice.id}`, 'bob'), [404], "another agency's analyst revoking", ALPHA_SIDE);
      // A colleague who does not manage users: refused.
      expectRefused(await call('GET', '/api/users/alice/tokens', 'ada'), [403], 'a supervisor listing a colleague’s tokens');
      expectRefused(await call('POST', '/api/users/ada/tokens', 'alice', {}), [403], 'an analyst issuing for a colleague');
      expectRefused(await call('DELETE', `/api/users/alice/tokens/${forAlice.id}`, 'ada'), [403], 'a supervisor revoking');
      expect((await call('GET', '/api/session', { bearer: forAlice.token })).status).toBe(200);

      // A path naming one user cannot revoke another's token.
      const bobs = expectOk<TokenView[]>(await call('GET', '/api/users/bob/tokens', 'bob'));
      expectRefused(await call('DELETE', `/api/users/amy/tokens/${bobs[0]!.id}`, 'amy'), [404], "another user's token under one's own name");
      expectRefused(await call('DELETE', `/api/users/alice/tokens/${bobs[0]!.id}`, 'amy'), [404], "B's token under an A user's name");
      expect((await call('GET', '/api/session', 'bob')).status).toBe(200);

      expect(expectOk<TokenView>(await call('DELETE', `/api/users/alice/tokens/${forAlice.id}`, 'amy')).revokedAt).not.toBeNull();
      expect((await call('GET', '/api/session', { bearer: forAlice.token })).status).toBe(401);
      expect(await auditActions('amy')).toContainEqual(expect.objectContaining({ action: 'token.revoke', target: 'alice' }));
    });
  });

  describe('case membership', () => {
    it("lets the agency's supervisor grant and revoke its cases; nobody of another agency learns of them", async () => {
      const members = expectOk<{ case: string; members: { user: string }[] }>(await call('GET', '/api/cases/A-1/members', 'ada'));
      expect(members.members.map((member) => member.user)).toContain('alice');

      const caseRefs = async (who: Who) => expectOk<{ ref: string }[]>(await call('GET', '/api/cases', who)).map((c) => c.ref);
      expect(await caseRefs('alice')).not.toContain('A-2');
      expect(expectOk(await call('PUT', '/api/cases/A-2/members/alice', 'ada'))).toEqual({ case: 'A-2', user: 'alice', granted: true });
      expect(expectOk(await call('PUT', '/api/cases/A-2/members/alice', 'ada'))).toEqual({ case: 'A-2', user: 'alice', granted: false });
      expect(await caseRefs('alice')).toContain('A-2');
      expect(expectOk(await call('DELETE', '/api/cases/A-2/members/alice', 'amy'))).toEqual({ case: 'A-2', user: 'alice', revoked: true });
      expect(await caseRefs('alice')).not.toContain('A-2');
      const actions = [...(await auditActions('ada')), ...(await auditActions('amy'))].map((entry) => entry.action);
      expect(actions).toEqual(expect.arrayContaining(['case.members', 'case.grant', 'case.revoke']));

      for (const who of ['bea', 'bart', 'bob'] as const) {
        expectRefused(await call('GET', '/api/cases/A-1/members', who), [404], `${who} reading A-1's members`, ALPHA_SIDE);
        expectRefused(await call('PUT', '/api/cases/A-1/members/bob', who), [404], `${who} granting A-1`, ALPHA_SIDE);
        expectRefused(await call('DELETE', '/api/cases/A-1/members/alice', who), [404], `${who} revoking A-1`, ALPHA_SIDE);
      }
      expectRefused(await call('PUT', '/api/cases/A-1/members/andy', 'alice'), [403], 'an analyst granting');
      expect(await caseRefs('bob')).toEqual(['B-1']);
    });
  });

  describe('records', () => {
    interface RecordPage {
      case: string;
      total: number;
      items: { id: string; kind: string; actor: string | null; source: { id: string; file: string; line: number | null } }[];
    }
    interface RecordView {
      id: string;
      kind: string;
      case: string;
      text: string | null;
      props: Record<string, unknown>;
      source: { file: string; line: number | null };
      actor: { id: string; label: string } | null;
      identifiers: { type: string; value: string }[];
    }

    it("lists a case's records by page and shows one with its source line, participants and identifiers", async () => {
      const page = expectOk<RecordPage>(await call('GET', '/api/cases/a-1/records', 'alice'));
      expect(page.case).toBe('A-1');
      expect(page.total).toBe(2);
      expect(page.items.map((item) => item.source.file)).toEqual([`${backend.name}-alpha-arrests.csv`, `${backend.name}-alpha-arrests.csv`]);
      expect(page.items.map((item) => item.source.line)).toEqual([2, 3]);
      expect(expectOk<RecordPage>(await call('GET', '/api/cases/A-1/records?limit=1&offset=1', 'alice')).items).toHaveLength(1);
      expect(expectOk<RecordPage>(await call('GET', '/api/cases/A-1/records?kind=message', 'alice')).total).toBe(0);
      expect(expectOk<RecordPage>(await call('GET', `/api/cases/A-1/records?kind=arrest&source=${page.items[0]!.source.id}`, 'alice')).total).toBe(2);
      expect((await call('GET', '/api/cases/A-1/records?kind=rumour', 'alice')).status).toBe(400);
      expect((await call('GET', '/api/cases/A-1/records?limit=5000', 'alice')).status).toBe(400);

      const first = page.items[0]!;
      const record = expectOk<RecordView>(await call('GET', `/api/records/r${first.id}`, 'alice'));
      expect(record).toMatchObject({ id: first.id, kind: 'arrest', case: 'A-1', source: { file: `${backend.name}-alpha-arrests.csv`, line: 2 } });
      expect(record.actor?.label).toBe(first.actor);
      expect(record.actor?.id).toMatch(/^e[0-9]+$/);
      expect(record.identifiers.map((identifier) => identifier.type)).toEqual(expect.arrayContaining(['email', 'phone']));
      expect(record.identifiers.find((identifier) => identifier.type === 'email')?.value).toMatch(/@example\.net$/);
      const audited = await auditActions('alice');
      expect(audited).toContainEqual(expect.objectContaining({ action: 'record.read', target: `r${first.id}` }));
      expect(audited).toContainEqual(expect.objectContaining({ action: 'record.list' }));
    });

    it('gives a user of another agency, and one not a member, nothing of the records', async () => {
      const page = expectOk<RecordPage>(await call('GET', '/api/cases/A-1/records', 'alice'));
      for (const who of ['bob', 'bea', 'bart', 'otto', 'ada'] as const) {
        expectRefused(await call('GET', `/api/records/${page.items[0]!.id}`, who), [404], `${who} reading an A-1 record`, ALPHA_SIDE);
        expectRefused(await call('GET', '/api/cases/A-1/records', who), [404], `${who} listing A-1's records`, ALPHA_SIDE);
      }
      expectRefused(await call('GET', '/api/records/999999999', 'alice'), [404], 'an unknown record');
    });
  });

  it('answers 401 without a credential on every new route', async () => {
    const routes = [
      ['GET', '/api/agencies'],
      ['POST', '/api/agencies'],
      ['PUT', '/api/agencies/Alpha%20Unit/contact'],
      ['GET', '/api/users'],
      ['POST', '/api/users'],
      ['GET', '/api/users/alice'],
      ['POST', '/api/users/alice/disable'],
      ['GET', '/api/users/alice/tokens'],
      ['POST', '/api/users/alice/tokens'],
      ['DELETE', '/api/users/alice/tokens/1'],
      ['GET', '/api/cases/A-1/members'],
      ['PUT', '/api/cases/A-1/members/bob'],
      ['DELETE', '/api/cases/A-1/members/alice'],
      ['GET', '/api/cases/A-1/records'],
      ['GET', '/api/records/1'],
    ];
    for (const [method, url] of routes) {
      const answer = await call(method!, url!, null);
      expect(answer.status, `${method} ${url}`).toBe(401);
      expect(answer.type).toMatch(/^application\/problem\+json/);
    }
  });

  it('describes the new routes in the OpenAPI 3.1 document, with schemas derived from the roles and the model', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const expected: Record<string, string[]> = {
      '/api/agencies': ['get', 'post'],
      '/api/agencies/{name}/contact': ['put'],
      '/api/users': ['get', 'post'],
      '/api/users/{name}': ['get'],
      '/api/users/{name}/disable': ['post'],
      '/api/users/{name}/tokens': ['get', 'post'],
      '/api/users/{name}/tokens/{id}': ['delete'],
      '/api/cases/{ref}/members': ['get'],
      '/api/cases/{ref}/members/{name}': ['put', 'delete'],
      '/api/cases/{ref}/records': ['get'],
      '/api/records/{id}': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(Object.keys(doc.paths[path] ?? {}).sort(), path).toEqual([...methods].sort());
      for (const method of methods) {
        const operation = doc.paths[path]![method]!;
        const where = `${method.toUpperCase()} ${path}`;
        expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        expect(Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status)), where).toBe(true);
        expect(operation.responses['401'], where).toBeDefined();
        for (const [status, response] of Object.entries(operation.responses)) {
          if (/^[45]/.test(status)) expect(Object.keys(response.content ?? {}), `${where} ${status}`).toEqual(['application/problem+json']);
        }
        const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
        expect((operation.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name).sort(), where).toEqual(templated.sort());
      }
    }
    const components = doc.components.schemas as Record<string, { properties?: Record<string, { enum?: string[]; $ref?: string }> }>;
    for (const name of ['Agency', 'UserAccount', 'Token', 'IssuedToken', 'CaseMembers', 'CaseMember', 'Grant', 'Revocation', 'RecordPage', 'RecordSummary', 'RecordView']) expect(components[name], name).toBeDefined();
    expect(components['UserAccount']!.properties!['role']!.enum).toEqual(Object.keys(ROLES));
    const kindFilter = doc.paths['/api/cases/{ref}/records']!['get']!.parameters!.find((parameter) => parameter.name === 'kind')!.schema as { enum: string[] };
    expect(kindFilter.enum).toEqual(RECORD_KIND_NAMES);
    // Every reference resolves.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const found of refs) {
      const target = /#\/components\/schemas\/([^"]+)"$/.exec(found);
      expect(target && target[1]! in doc.components.schemas, found).toBe(true);
    }
  });
});
