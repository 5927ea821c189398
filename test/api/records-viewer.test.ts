/**
 * What the evidence viewer reads, over HTTP on every backend: a source's overview (kinds, rooms,
 * participants), its records by page with participants, properties and identifiers — an identifier
 * found in a message tied to the entity that holds it, not to the message's writer — the page that
 * holds a given record, one room's records, a long text marked as cut, and transactions sorted by
 * amount across pages with the card masked. Nothing of it for a user who may not see the case.
 * Every answer is checked against the server's own OpenAPI document; reads are in the audit log.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/access/index.ts';
import { buildServer } from '../../src/api/index.ts';
import { ingestSource } from '../../src/ingest/index.ts';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.ts';
import { grant, twoAgencies, type TwoAgencies } from '../access/fixtures.ts';
import { BACKENDS, freshServerDatabase } from '../backends.ts';
import { openApiChecker, type OpenApiDocument } from './openapi-check.ts';

const secret = Buffer.alloc(32, 5);
const dir = mkdtempSync(join(tmpdir(), 'crosslink-api-viewer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LONG = `a long weather report ${'with drizzle and sunny spells '.repeat(25)}the end`;
/** Two rooms; a phone and an @handle in the text; one message longer than a page shows. */
const CHAT_CSV = [
  'Timestamp,From,Channel,Message,Platform',
  '2024-05-01 10:00:00,GreenThumb,#gardening,text me on +1 416 555 0123 about the seeds,irc',
  '2024-05-01 10:01:00,Rainy,#weather,rain later,irc',
  `2024-05-01 10:02:00,Rainy,#weather,${LONG},irc`,
  '2024-05-01 10:03:00,Rainy,#gardening,@GreenThumb the tomatoes are up,irc',
  '2024-05-01 10:04:00,GreenThumb,#gardening,lovely,irc',
];
const TRANSACTIONS_CSV = [
  'key,card_number,time,amount,currency,merchant,mcc,merchant_country,ip,email,phone',
  'TX-1,4111111111111111,2024-05-02T09:00:00Z,12.50,CAD,Seed Shop,5261,CA,,,+14165550123',
  'TX-2,4111111111111111,2024-05-03T09:00:00Z,250.00,CAD,Garden Centre,5261,CA,,,',
  'TX-3,4111111111111111,2024-05-04T09:00:00Z,3.99,CAD,Corner Cafe,5814,CA,,,',
  'TX-4,4111111111111111,2024-05-05T09:00:00Z,99.95,CAD,Tool Hire,7394,CA,,,',
  'TX-5,4111111111111111,2024-05-06T09:00:00Z,40.00,CAD,Bakery,5462,CA,,,',
];

type Who = 'alice' | 'bob';

interface Party {
  id: string;
  kind: string;
  label: string;
}
interface Identifier {
  id: string;
  type: string;
  value: string;
  display: string | null;
  role: string | null;
  entity: string | null;
}
interface Summary {
  id: string;
  kind: string;
  occurredAt: string | null;
  text: string | null;
  truncated: boolean;
  props: Record<string, unknown>;
  parties: { actor: Party | null; target: Party | null; room: Party | null };
  identifiers: Identifier[];
  source: { id: string; file: string; line: number | null };
}
interface Page {
  case: string;
  total: number;
  limit: number;
  offset: number;
  sort: string;
  desc: boolean;
  items: Summary[];
}
interface Overview {
  case: string;
  source: { id: string; file: string; format: string; status: string };
  records: number;
  kinds: { kind: string; records: number }[];
  rooms: { total: number; items: { room: Party | null; records: number; first: string | null; last: string | null }[] };
  participants: { total: number; items: { entity: Party; records: number }[] };
}

describe.each(BACKENDS)('the evidence viewer over HTTP on $name', (backend) => {
  let server: Awaited<ReturnType<typeof freshServerDatabase>>;
  let store: Store;
  let world: TwoAgencies;
  let app: FastifyInstance;
  let checker: ReturnType<typeof openApiChecker>;
  const tokens = {} as Record<Who, string>;
  let chatSource: string;
  let transactionSource: string;

  async function call(url: string, who: Who | null): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = who ? { authorization: `Bearer ${tokens[who]}` } : {};
    const response = await app.inject({ method: 'GET', url, headers });
    const type = String(response.headers['content-type'] ?? '');
    const body = type.includes('json') ? (response.json() as unknown) : response.body;
    checker.check('GET', url, response.statusCode, type, body);
    return { status: response.statusCode, body };
  }

  async function ok<T>(url: string, who: Who = 'alice'): Promise<T> {
    const answer = await call(url, who);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as T;
  }

  const records = (query: string) => ok<Page>(`/api/cases/A-1/records?${query}`);

  beforeAll(async () => {
    server = backend.name === 'postgres' ? await freshServerDatabase() : undefined;
    store = await openStore(server?.url ?? 'memory://');
    await migrateToLatest(store.db);
    world = await twoAgencies(store);
    await grant(world, 'A-1', world.users.a);
    await grant(world, 'B-1', world.users.b);
    const chat = join(dir, `${backend.name}-garden-chat.csv`);
    const transactions = join(dir, `${backend.name}-transactions.csv`);
    writeFileSync(chat, `${CHAT_CSV.join('\n')}\n`);
    writeFileSync(transactions, `${TRANSACTIONS_CSV.join('\n')}\n`);
    const options = { actor: 'alice', secret, caseRef: 'A-1', region: 'CA', timezone: 'UTC' };
    chatSource = (await ingestSource(store, chat, { ...options, format: 'chat-csv' })).source;
    transactionSource = (await ingestSource(store, transactions, { ...options, format: 'transactions-csv' })).source;
    for (const who of ['alice', 'bob'] as const) tokens[who] = (await createToken(store.db, world.admin, who, { label: 'viewer tests' })).token;
    app = await buildServer(store, { cardSecret: secret, plainSerializer: true, settings: { uploadDir: join(dir, `uploads-${backend.name}`) } });
    checker = openApiChecker((await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApiDocument);
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await server?.drop();
  });

  it("outlines a source: its kinds, its rooms and its participants, most records first", async () => {
    const overview = await ok<Overview>(`/api/cases/a-1/sources/${chatSource}/overview`);
    expect(overview).toMatchObject({ case: 'A-1', source: { id: chatSource, file: `${backend.name}-garden-chat.csv`, format: 'chat-csv', status: 'complete' }, records: 5 });
    expect(overview.kinds).toEqual([{ kind: 'message', records: 5 }]);
    expect(overview.rooms.total).toBe(2);
    expect(overview.rooms.items.map((item) => [item.room?.label, item.records])).toEqual([
      ['#gardening', 3],
      ['#weather', 2],
    ]);
    expect(overview.rooms.items[0]).toMatchObject({ room: { kind: 'chat_room' }, first: '2024-05-01T10:00:00.000Z', last: '2024-05-01T10:04:00.000Z' });
    expect(overview.participants.total).toBe(2);
    expect(overview.participants.items.map((item) => [item.entity.label, item.records])).toEqual([
      ['Rainy', 3],
      ['GreenThumb', 2],
    ]);
    const transactions = await ok<Overview>(`/api/cases/A-1/sources/${transactionSource}/overview`);
    expect(transactions.kinds).toEqual([{ kind: 'transaction', records: 5 }]);
    expect(transactions.rooms.items).toEqual([{ room: null, records: 5, first: '2024-05-02T09:00:00.000Z', last: '2024-05-06T09:00:00.000Z' }]);
  });

  it('pages a chat source in line order with each message’s room, writer and identifiers', async () => {
    const first = await records(`source=${chatSource}&limit=2`);
    expect(first).toMatchObject({ case: 'A-1', total: 5, limit: 2, offset: 0, sort: 'line', desc: false });
    expect(first.items.map((item) => item.source.line)).toEqual([2, 3]);
    const all = await records(`source=${chatSource}`);
    expect(all.items.map((item) => [item.parties.room?.label, item.parties.actor?.label])).toEqual([
      ['#gardening', 'GreenThumb'],
      ['#weather', 'Rainy'],
      ['#weather', 'Rainy'],
      ['#gardening', 'Rainy'],
      ['#gardening', 'GreenThumb'],
    ]);
    expect(all.items[0]!.props).toMatchObject({ platform: 'irc', room: '#gardening', sender: 'GreenThumb' });
    expect(all.items[0]!.parties.actor).toMatchObject({ id: expect.stringMatching(/^e\d+$/), kind: 'account' });

    // The phone in GreenThumb's message belongs to the card holder of the transactions (a column
    // of theirs), not to GreenThumb who wrote it down.
    const phone = all.items[0]!.identifiers.find((identifier) => identifier.type === 'phone')!;
    expect(phone).toMatchObject({ value: '+14165550123', role: 'in_text', entity: expect.stringMatching(/^e\d+$/) });
    const purchase = (await records(`source=${transactionSource}`)).items.find((item) => item.props['merchant'] === 'Seed Shop')!;
    expect(purchase.identifiers.find((identifier) => identifier.type === 'phone')?.entity).toBe(phone.entity);
    expect(phone.entity).not.toBe(all.items[0]!.parties.actor!.id);

    // "@GreenThumb", written by Rainy, is GreenThumb's account.
    const greeting = all.items[3]!;
    const handle = greeting.identifiers.find((identifier) => identifier.type === 'handle' && identifier.role === 'in_text')!;
    expect(handle.entity).toBe(all.items[0]!.parties.actor!.id);
    expect(handle.entity).not.toBe(greeting.parties.actor!.id);
  });

  it('marks a text cut at 500 characters, and the record itself has all of it', async () => {
    const long = (await records(`source=${chatSource}`)).items.find((item) => item.truncated)!;
    expect(long.text).toHaveLength(500);
    expect(LONG.startsWith(long.text!)).toBe(true);
    expect((await records(`source=${chatSource}`)).items.filter((item) => item.truncated)).toHaveLength(1);
    const whole = await ok<{ text: string; identifiers: Identifier[] }>(`/api/records/r${long.id}`);
    expect(whole.text).toBe(LONG);
  });

  it("answers the page that holds a record, and one room's records", async () => {
    const all = await records(`source=${chatSource}`);
    const fourth = all.items[3]!;
    const page = await records(`source=${chatSource}&limit=2&offset=0&record=r${fourth.id}`);
    expect(page.offset).toBe(2);
    expect(page.items.map((item) => item.id)).toContain(fourth.id);
    // A record of another source is not among these.
    const purchase = (await records(`source=${transactionSource}&limit=1`)).items[0]!;
    expect((await call(`/api/cases/A-1/records?source=${chatSource}&record=${purchase.id}`, 'alice')).status).toBe(404);

    const weather = all.items[1]!.parties.room!;
    const inRoom = await records(`source=${chatSource}&room=${weather.id}`);
    expect(inRoom.total).toBe(2);
    expect(inRoom.items.every((item) => item.parties.room?.id === weather.id)).toBe(true);
    expect((await records(`source=${chatSource}&room=none`)).total).toBe(0);
    expect((await records(`source=${transactionSource}&room=none`)).total).toBe(5);
  });

  it('sorts transactions by amount and by merchant across pages, with the card masked', async () => {
    const amounts: number[] = [];
    for (let offset = 0; offset < 5; offset += 2) {
      const page = await records(`source=${transactionSource}&sort=amount&desc=1&limit=2&offset=${offset}`);
      expect(page).toMatchObject({ sort: 'amount', desc: true, total: 5 });
      amounts.push(...page.items.map((item) => item.props['amount'] as number));
    }
    expect(amounts).toEqual([250, 99.95, 40, 12.5, 3.99]);
    const byMerchant = await records(`source=${transactionSource}&sort=merchant`);
    expect(byMerchant.items.map((item) => item.props['merchant'])).toEqual(['Bakery', 'Corner Cafe', 'Garden Centre', 'Seed Shop', 'Tool Hire']);
    const card = byMerchant.items[0]!.identifiers.find((identifier) => identifier.type === 'card')!;
    expect(card.display).toBe('411111…1111');
    expect(byMerchant.items[0]!.props).toMatchObject({ currency: 'CAD', card_bin: '411111', card_last4: '1111' });
    expect(JSON.stringify(byMerchant)).not.toContain('4111111111111111');
    expect((await call('/api/cases/A-1/records?sort=shoe_size', 'alice')).status).toBe(400);
  });

  it('gives a user who may not see the case nothing, and audits what was read', async () => {
    for (const url of [`/api/cases/A-1/sources/${chatSource}/overview`, `/api/cases/A-1/records?source=${chatSource}`]) {
      const answer = await call(url, 'bob');
      expect(answer.status).toBe(404);
      expect(JSON.stringify(answer.body)).not.toContain('garden');
    }
    // A source of the case, asked for under another case, does not exist there.
    expect((await call(`/api/cases/B-1/sources/${chatSource}/overview`, 'bob')).status).toBe(404);
    expect((await call(`/api/cases/A-1/sources/999999/overview`, 'alice')).status).toBe(404);
    expect((await call(`/api/cases/A-1/sources/${chatSource}/overview`, null)).status).toBe(401);

    const audited = await store.db.selectFrom('audit_log').select(['action', 'details']).where('actor', '=', 'alice').execute();
    expect(audited).toContainEqual(expect.objectContaining({ action: 'source.overview', details: { source: chatSource } }));
    expect(audited).toContainEqual(expect.objectContaining({ action: 'record.list', details: expect.objectContaining({ source: chatSource, record: expect.any(String) }) }));
  });
});
