/**
 * The cross-case match review queue over HTTP, on every backend, over the small demo world after a
 * resolution run: pairs of person records in two different cases, least certain first, both sides
 * shown; an analyst cleared for some cases gets only pairs whose both records sit in those cases;
 * a same / different decision takes a pair off the queue, an unsure one moves it to the user's
 * unsure list; the case pivot keeps to the case.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, createToken, ensureLocalAdmin, grantCase } from '../../src/access/index.ts';
import { buildServer } from '../../src/api/index.ts';
import { generateWorld, loadWorld, type GroundTruth } from '../../src/demo/index.ts';
import { runResolution } from '../../src/resolve/index.ts';
import type { Store } from '../../src/store/index.ts';
import { BACKENDS } from '../backends.ts';

const secret = Buffer.alloc(32, 3);
const dir = mkdtempSync(join(tmpdir(), 'crosslink-match-review-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let generated: Promise<GroundTruth> | undefined;
const world = () =>
  (generated ??= generateWorld({ seed: 7, scale: 'small', out: join(dir, 'world') }).then(() => JSON.parse(readFileSync(join(dir, 'world', 'ground-truth.json'), 'utf8')) as GroundTruth));

interface Side {
  entity: string;
  label: string;
  case: string;
  agency: string;
  attributes: { name: string; value: string }[];
  identifiers: { type: string; value: string }[];
}
interface Review {
  threshold: number | null;
  total: number;
  cases: { ref: string; pairs: number }[];
  items: { a: Side; b: Side; probability: number; fields: { field: string; weight: number }[] }[];
}

describe.each(BACKENDS)('the match review queue on $name', (backend) => {
  let store: Store;
  let app: FastifyInstance;
  let everything: string;
  let partial: string;
  let partialCases: Set<string>;

  const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: object) => {
    const response = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    return { status: response.statusCode, body: response.json() as unknown };
  };
  const queue = async (token: string, query = '') => {
    const answer = await call('GET', `/api/match-review${query}`, token);
    expect(answer.status).toBe(200);
    return answer.body as Review;
  };

  beforeAll(async () => {
    const truth = await world();
    store = await backend.open();
    await loadWorld(store, join(dir, 'world'), { actor: 'test', secret });
    await runResolution(store, { actor: 'test' });
    const admin = (await ensureLocalAdmin(store.db)).user;
    const agencies = [...new Set(truth.cases.map((entry) => entry.agency))];
    await addUser(store.db, admin, { name: 'all.cases', role: 'analyst', agency: agencies[0]! });
    for (const entry of truth.cases) await grantCase(store.db, admin, entry.ref, 'all.cases');
    // Half the cases, from more than one agency, so that some cross-case pairs reach into cases this user may not see.
    const half = truth.cases.filter((_, index) => index % 2 === 0);
    partialCases = new Set(half.map((entry) => entry.ref));
    await addUser(store.db, admin, { name: 'some.cases', role: 'analyst', agency: agencies[0]! });
    for (const entry of half) await grantCase(store.db, admin, entry.ref, 'some.cases');
    everything = (await createToken(store.db, admin, 'all.cases')).token;
    partial = (await createToken(store.db, admin, 'some.cases')).token;
    app = await buildServer(store, { cardSecret: secret, settings: { uploadDir: join(dir, `uploads-${backend.name}`) } });
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('lists cross-case pairs least certain first, with both records side by side and the reasons', async () => {
    const page = await queue(everything, '?limit=200');
    expect(page.threshold).toBeGreaterThan(0);
    expect(page.total).toBeGreaterThan(0);
    const probabilities = page.items.map((item) => item.probability);
    expect(probabilities).toEqual([...probabilities].sort((x, y) => x - y));
    for (const item of page.items) {
      expect(item.a.case).not.toBe(item.b.case);
      expect(item.probability).toBeGreaterThanOrEqual(page.threshold! - 1e-9);
      expect(item.fields.length).toBeGreaterThan(0);
      expect(item.a.attributes.length + item.a.identifiers.length).toBeGreaterThan(0);
    }
    // The stored pairs are the ones the queue offers: each item is a member and the record it was matched with.
    const first = page.items[0]!;
    const stored = await sql<{ n: string }>`
      SELECT count(*) AS n FROM subject_members WHERE (entity_id = ${first.a.entity} AND reason_with = ${first.b.entity}) OR (entity_id = ${first.b.entity} AND reason_with = ${first.a.entity})`.execute(store.db);
    expect(Number(stored.rows[0]!.n)).toBeGreaterThan(0);
  });

  it('gives an analyst cleared for some cases only pairs whose both records are in those cases', async () => {
    const all = await queue(everything, '?limit=200');
    const some = await queue(partial, '?limit=200');
    const inside = all.items.filter((item) => partialCases.has(item.a.case) && partialCases.has(item.b.case));
    expect(inside.length).toBeLessThan(all.items.length);
    expect(some.total).toBe(inside.length);
    for (const item of some.items) {
      expect(partialCases.has(item.a.case)).toBe(true);
      expect(partialCases.has(item.b.case)).toBe(true);
    }
    for (const facet of some.cases) expect(partialCases.has(facet.ref)).toBe(true);
  });

  it('pivots by case: every pair has a record in the chosen case, on the left', async () => {
    const all = await queue(everything);
    const busiest = all.cases[0]!;
    const pivoted = await queue(everything, `?case=${encodeURIComponent(busiest.ref)}&limit=200`);
    expect(pivoted.total).toBe(busiest.pairs);
    for (const item of pivoted.items) expect(item.a.case).toBe(busiest.ref);
    expect((await call('GET', '/api/match-review?case=NO-SUCH-CASE', everything)).status).toBe(404);
  });

  it('takes a decided pair off the queue, and moves an unsure one to the unsure list', async () => {
    const before = await queue(everything);
    const [decided, unsure] = before.items;
    expect((await call('POST', '/api/match-decisions', everything, { a: decided!.a.entity, b: decided!.b.entity, verdict: 'reject' })).status).toBe(201);
    expect((await call('POST', '/api/match-review/unsure', everything, { a: unsure!.b.entity, b: unsure!.a.entity })).status).toBe(201);
    const after = await queue(everything, '?limit=200');
    expect(after.total).toBe(before.total - 2);
    const listed = (page: Review) => page.items.map((item) => [item.a.entity, item.b.entity].sort().join());
    expect(listed(after)).not.toContain([decided!.a.entity, decided!.b.entity].sort().join());
    expect(listed(after)).not.toContain([unsure!.a.entity, unsure!.b.entity].sort().join());
    const mine = await queue(everything, '?status=unsure');
    expect(listed(mine)).toEqual([[unsure!.a.entity, unsure!.b.entity].sort().join()]);
    // Unsure is the user's own list: another analyst's open queue still holds the pair if they may see it.
    const other = await queue(partial, '?limit=200');
    const visibleToOther = partialCases.has(unsure!.a.case) && partialCases.has(unsure!.b.case);
    expect(listed(other).includes([unsure!.a.entity, unsure!.b.entity].sort().join())).toBe(visibleToOther);
    // A record the user may not see cannot be marked, and the answer does not say it exists.
    const hidden = before.items.find((item) => !partialCases.has(item.a.case) || !partialCases.has(item.b.case))!;
    expect((await call('POST', '/api/match-review/unsure', partial, { a: hidden.a.entity, b: hidden.b.entity })).status).toBe(404);
  });
});
