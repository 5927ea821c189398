/**
 * The cross-case match review queue over HTTP, on every backend, over the small demo world after a
 * resolution run: pairs of person records in two different cases, least certain first, both sides
 * shown; an analyst cleared for some cases gets only pairs whose both records sit in those cases;
 * a same / different decision takes a pair off the queue, an unsure one moves it to the user's
 * unsure list; the case pivot keeps to the case. Batches: decided in one request, all or nothing
 * (one record out of sight stores none of it), each pair audited; undo withdraws a batch, the pairs
 * come back, the history stays, and resolution treats a withdrawn decision as none.
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
import { latestDecisions, type Store } from '../../src/store/index.ts';
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
  items: Pair[];
}
interface Pair {
  a: Side;
  b: Side;
  probability: number;
  fields: { field: string; weight: number }[];
}
type Call = 'same' | 'different' | 'unsure';

/** How the store and the audit log name a pair: "low,high". */
const keyOf = (pair: Pair) => [pair.a.entity, pair.b.entity].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)).join(',');
const listed = (page: Review) => page.items.map(keyOf);

describe.each(BACKENDS)('the match review queue on $name', (backend) => {
  let store: Store;
  let app: FastifyInstance;
  let everything: string;
  let partial: string;
  let partialCases: Set<string>;
  let allCases: string[];
  let auditor: string;

  const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: object | object[]) => {
    const response = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    return { status: response.statusCode, body: response.json() as unknown };
  };
  const queue = async (token: string, query = '') => {
    const answer = await call('GET', `/api/match-review${query}`, token);
    expect(answer.status).toBe(200);
    return answer.body as Review;
  };

  const batch = (pairs: readonly (readonly [Pair | readonly [string, string], Call])[]) => ({
    decisions: pairs.map(([pair, decision]) => (Array.isArray(pair) ? { a: pair[0], b: pair[1], decision } : { a: (pair as Pair).a.entity, b: (pair as Pair).b.entity, decision })),
  });
  const decide = (token: string, pairs: Parameters<typeof batch>[0]) => call('POST', '/api/match-review/decisions', token, batch(pairs));
  const withdraw = (token: string, pairs: Parameters<typeof batch>[0]) => call('POST', '/api/match-review/decisions/withdraw', token, batch(pairs));
  /** Every decision row on a pair, oldest first: the store keeps them all. */
  const history = async (key: string) => {
    const [low, high] = key.split(',');
    return (await sql<{ verdict: string; decided_by: string }>`SELECT verdict, decided_by FROM match_decisions WHERE entity_a = ${low} AND entity_b = ${high} ORDER BY id`.execute(store.db)).rows;
  };
  const auditOf = async (key: string) =>
    (await sql<{ actor: string; action: string; details: Record<string, unknown> }>`SELECT actor, action, details FROM audit_log WHERE target = ${key} AND action LIKE 'match.%' ORDER BY id`.execute(store.db)).rows;
  const counts = async (actor: string) => {
    const row = (
      await sql<{ decisions: string; audited: string }>`
        SELECT (SELECT count(*) FROM match_decisions) AS decisions, (SELECT count(*) FROM audit_log WHERE actor = ${actor} AND action LIKE 'match.%') AS audited`.execute(store.db)
    ).rows[0]!;
    return { decisions: Number(row.decisions), audited: Number(row.audited) };
  };
  /** Person records of these cases, a few from each, by case. */
  const peopleIn = async (refs: readonly string[]) => {
    const rows = await sql<{ id: string; ref: string }>`
      SELECT id::text AS id, ref FROM (
        SELECT e.id, c.ref, row_number() OVER (PARTITION BY c.ref ORDER BY e.id) AS n
        FROM entities e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'person' AND c.ref = ANY (${[...refs]}::text[])) x
      WHERE n <= 4 ORDER BY ref, id`.execute(store.db);
    const byCase = new Map<string, string[]>();
    for (const row of rows.rows) byCase.set(row.ref, [...(byCase.get(row.ref) ?? []), row.id]);
    return [...byCase.values()];
  };
  const keyOfIds = (a: string, b: string) => (BigInt(a) < BigInt(b) ? `${a},${b}` : `${b},${a}`);

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
    allCases = truth.cases.map((entry) => entry.ref);
    const half = truth.cases.filter((_, index) => index % 2 === 0);
    partialCases = new Set(half.map((entry) => entry.ref));
    await addUser(store.db, admin, { name: 'some.cases', role: 'analyst', agency: agencies[0]! });
    for (const entry of half) await grantCase(store.db, admin, entry.ref, 'some.cases');
    everything = (await createToken(store.db, admin, 'all.cases')).token;
    partial = (await createToken(store.db, admin, 'some.cases')).token;
    await addUser(store.db, admin, { name: 'the.auditor', role: 'auditor', agency: agencies[0]! });
    auditor = (await createToken(store.db, admin, 'the.auditor')).token;
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

  it('decides a batch in one request, each pair audited in the user\'s name, and undo brings every pair back with its history kept', async () => {
    const before = await queue(everything, '?limit=200');
    const calls: Call[] = ['same', 'different', 'unsure'];
    const chosen = before.items.slice(0, 3).map((pair, index) => [pair, calls[index]!] as const);
    expect(chosen.length).toBeGreaterThanOrEqual(2);
    const decided = await decide(everything, chosen);
    expect(decided.status).toBe(201);
    const answer = decided.body as { batch: string; decidedBy: string; decisions: unknown[] };
    expect(answer.decidedBy).toBe('all.cases');
    expect(answer.decisions).toHaveLength(chosen.length);

    const after = await queue(everything, '?limit=200');
    expect(after.total).toBe(before.total - chosen.length);
    for (const [pair] of chosen) expect(listed(after)).not.toContain(keyOf(pair));
    const unsureList = listed(await queue(everything, '?status=unsure&limit=200'));
    for (const [pair, decision] of chosen) expect(unsureList.includes(keyOf(pair))).toBe(decision === 'unsure');
    const verdict = { same: 'confirm', different: 'reject' } as const;
    for (const [pair, decision] of chosen) {
      expect(await history(keyOf(pair))).toEqual(decision === 'unsure' ? [] : [{ verdict: verdict[decision], decided_by: 'all.cases' }]);
      // One audit entry per pair, in the user's name, naming the batch.
      const audited = await auditOf(keyOf(pair));
      expect(audited.map((row) => [row.actor, row.action, row.details['batch']])).toEqual([['all.cases', decision === 'unsure' ? 'match.unsure' : `match.${verdict[decision]}`, answer.batch]]);
    }

    // Undo: the calls are withdrawn (appended, not deleted) and the pairs are back in the open queue.
    const undone = await withdraw(everything, chosen);
    expect(undone.status).toBe(200);
    expect((undone.body as { withdrawnBy: string }).withdrawnBy).toBe('all.cases');
    const back = await queue(everything, '?limit=200');
    expect(back.total).toBe(before.total);
    expect(listed(back).sort()).toEqual(listed(before).sort());
    expect(listed(await queue(everything, '?status=unsure&limit=200'))).toEqual([]);
    for (const [pair, decision] of chosen) {
      expect((await history(keyOf(pair))).map((row) => row.verdict)).toEqual(decision === 'unsure' ? [] : [verdict[decision], 'withdrawn']);
      const audited = await auditOf(keyOf(pair));
      expect(audited).toHaveLength(2);
      expect(audited[1]).toMatchObject({ actor: 'all.cases', action: 'match.withdraw', details: { withdrawn: decision === 'unsure' ? 'unsure' : verdict[decision] } });
    }
    // Resolution reads no decision on them now.
    const counted = new Set((await latestDecisions(store.db)).map((decision) => `${decision.a},${decision.b}`));
    for (const [pair] of chosen) expect(counted.has(keyOf(pair))).toBe(false);

    // A second undo has nothing standing to take back: refused, and nothing appended.
    const stored = await counts('all.cases');
    expect((await withdraw(everything, chosen)).status).toBe(409);
    expect(await counts('all.cases')).toEqual(stored);
  });

  it('refuses a whole batch that reaches into a case the user may not see: 404, nothing stored, nothing audited', async () => {
    const [first, second] = await peopleIn([...partialCases]);
    const [hiddenPerson] = (await peopleIn(allCases.filter((ref) => !partialCases.has(ref))))[0]!;
    const visible = [first![0]!, second![0]!] as const;
    const before = await counts('some.cases');
    for (const refused of [
      [[visible, 'different'], [[first![1]!, hiddenPerson!], 'same']],
      [[[hiddenPerson!, second![1]!], 'unsure']],
    ] as const) {
      const answer = await decide(partial, refused);
      expect(answer.status).toBe(404);
      expect(JSON.stringify(answer.body)).toMatch(/nothing in the batch was stored/);
    }
    expect(await counts('some.cases')).toEqual(before);
    expect(await history(keyOfIds(...visible))).toEqual([]);

    // Malformed batches and auditors are refused before anything is looked at.
    expect((await decide(partial, [[visible, 'same'], [[visible[1], visible[0]], 'different']])).status).toBe(400);
    expect((await decide(partial, [[[visible[0], visible[0]], 'same']])).status).toBe(400);
    expect((await call('POST', '/api/match-review/decisions', partial, { decisions: [] })).status).toBe(400);
    const tooMany = Array.from({ length: 201 }, () => [visible, 'same'] as const);
    expect((await decide(partial, tooMany)).status).toBe(400);
    expect((await decide(auditor, [[visible, 'same']])).status).toBe(403);
    expect(await counts('some.cases')).toEqual(before);

    // The visible pair alone is stored: it was the hidden record that stopped the batch.
    expect((await decide(partial, [[visible, 'different']])).status).toBe(201);
    expect(await history(keyOfIds(...visible))).toEqual([{ verdict: 'reject', decided_by: 'some.cases' }]);
    expect((await withdraw(partial, [[[hiddenPerson!, visible[1]], 'different'], [visible, 'different']])).status).toBe(404);
    expect((await withdraw(partial, [[visible, 'different']])).status).toBe(200);
  });

  it("takes back only the user's own call while it still stands: not another analyst's, not one decided again since", async () => {
    const [first, second] = await peopleIn([...partialCases]);
    // Not the records the test before used: this pair starts with no decision.
    const pair = [first![1]!, second![1]!] as const;
    expect(pair.every(Boolean)).toBe(true);
    expect((await decide(everything, [[pair, 'same']])).status).toBe(201);
    expect((await withdraw(partial, [[pair, 'same']])).status).toBe(409);
    expect((await decide(partial, [[pair, 'different']])).status).toBe(201);
    // all.cases's "same" no longer counts: some.cases decided the pair again.
    expect((await withdraw(everything, [[pair, 'same']])).status).toBe(409);
    expect((await withdraw(partial, [[pair, 'different']])).status).toBe(200);
    expect((await history(keyOfIds(...pair))).map((row) => [row.verdict, row.decided_by])).toEqual([
      ['confirm', 'all.cases'],
      ['reject', 'some.cases'],
      ['withdrawn', 'some.cases'],
    ]);
  });

  it('takes a decided pair off the queue, and moves an unsure one to the unsure list', async () => {
    const before = await queue(everything);
    const [decided, unsure] = before.items;
    expect((await call('POST', '/api/match-decisions', everything, { a: decided!.a.entity, b: decided!.b.entity, verdict: 'reject' })).status).toBe(201);
    expect((await call('POST', '/api/match-review/unsure', everything, { a: unsure!.b.entity, b: unsure!.a.entity })).status).toBe(201);
    const after = await queue(everything, '?limit=200');
    expect(after.total).toBe(before.total - 2);
    expect(listed(after)).not.toContain(keyOf(decided!));
    expect(listed(after)).not.toContain(keyOf(unsure!));
    const mine = await queue(everything, '?status=unsure');
    expect(listed(mine)).toEqual([keyOf(unsure!)]);
    // Unsure is the user's own list: another analyst's open queue still holds the pair if they may see it.
    const other = await queue(partial, '?limit=200');
    const visibleToOther = partialCases.has(unsure!.a.case) && partialCases.has(unsure!.b.case);
    expect(listed(other).includes(keyOf(unsure!))).toBe(visibleToOther);
    // A record the user may not see cannot be marked, and the answer does not say it exists.
    const hidden = before.items.find((item) => !partialCases.has(item.a.case) || !partialCases.has(item.b.case))!;
    expect((await call('POST', '/api/match-review/unsure', partial, { a: hidden.a.entity, b: hidden.b.entity })).status).toBe(404);
  });

  it('resolution treats a withdrawn decision as none: a kept "different" splits its subject, a withdrawn one does not', async () => {
    // Two pairs of records that one subject each holds together, with no decision on them yet.
    const found = await sql<{ a: string; b: string; subject: string }>`
      SELECT DISTINCT ON (sm.subject_id) sm.entity_id::text AS a, sm.reason_with::text AS b, sm.subject_id::text AS subject
      FROM subject_members sm JOIN subject_members o ON o.entity_id = sm.reason_with AND o.subject_id = sm.subject_id
      WHERE NOT EXISTS (SELECT 1 FROM match_decisions d WHERE d.entity_a = least(sm.entity_id, sm.reason_with) AND d.entity_b = greatest(sm.entity_id, sm.reason_with))
      ORDER BY sm.subject_id, sm.entity_id LIMIT 2`.execute(store.db);
    const [kept, withdrawn] = found.rows.map((row) => [row.a, row.b] as const);
    expect(withdrawn).toBeDefined();
    expect((await decide(everything, [[kept!, 'different'], [withdrawn!, 'different']])).status).toBe(201);
    expect((await withdraw(everything, [[withdrawn!, 'different']])).status).toBe(200);
    const counted = (await latestDecisions(store.db)).map((decision) => `${decision.a},${decision.b}`);
    expect(counted).toContain(keyOfIds(...kept!));
    expect(counted).not.toContain(keyOfIds(...withdrawn!));

    await runResolution(store, { actor: 'test' });
    const subjectOf = async (id: string) => (await sql<{ subject_id: string }>`SELECT subject_id::text FROM subject_members WHERE entity_id = ${id}`.execute(store.db)).rows[0]?.subject_id;
    expect(await subjectOf(kept![0])).not.toBe(await subjectOf(kept![1]));
    expect(await subjectOf(withdrawn![0])).toBe(await subjectOf(withdrawn![1]));
  });
});
