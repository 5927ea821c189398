/**
 * Search over the demo world on every backend: words with ranked, highlighted snippets,
 * identifiers typed in any notation, fuzzy names, filters, and the visible-case limit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld, loadWorld, type GroundTruth } from '../src/demo/index.ts';
import { COUNT_LIMIT, parseQuery, search } from '../src/search/index.ts';
import type { Store } from '../src/store/index.ts';
import { BACKENDS } from './backends.ts';

const secret = Buffer.alloc(32, 9);
const dir = mkdtempSync(join(tmpdir(), 'crosslink-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(BACKENDS)('search on $name', (backend) => {
  let store: Store;
  let truth: GroundTruth;
  const run = (text: string, options: Parameters<typeof search>[2] = {}) => search(store.db, parseQuery(text, { region: 'US', secret }), options);

  beforeAll(async () => {
    const world = join(dir, backend.name);
    await generateWorld({ seed: 5, scale: 'small', out: world });
    truth = JSON.parse(readFileSync(join(world, 'ground-truth.json'), 'utf8')) as GroundTruth;
    store = await backend.open();
    await loadWorld(store, world, { actor: 'test', secret });
  }, 300_000);
  afterAll(async () => {
    await store?.close();
  });

  it('finds words, ranked, with the matches highlighted, and counts them all', async () => {
    const sample = await sql<{ word: string }>`
      SELECT w AS word FROM records, regexp_split_to_table(lower(text), '[^a-z]+') AS w
      WHERE kind = 'message' AND length(w) >= 6 GROUP BY w HAVING count(*) BETWEEN 5 AND 50 ORDER BY w LIMIT 1`.execute(store.db);
    const word = sample.rows[0]!.word;
    // A word as full-text sees it: between spaces or punctuation (not inside a URL path or an address).
    const pattern = String.raw`(^|[\s,.!?;:'"(])` + word + String.raw`([\s,.!?;:'")]|$)`;
    const expected = await sql<{ n: string }>`SELECT count(*) AS n FROM records WHERE lower(text) ~ ${pattern}`.execute(store.db);
    const result = await run(word, { limit: 200 });
    expect(result.records.total).toBe(Number(expected.rows[0]!.n));
    expect(result.records.hits.length).toBe(Math.min(200, result.records.total));
    for (const hit of result.records.hits) {
      expect(hit.snippet.toLowerCase()).toContain(`«${word}»`);
      expect(hit.source.line).toBeGreaterThan(0);
    }
    const scores = result.records.hits.map((hit) => hit.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const page2 = await run(word, { limit: 2, offset: 2 });
    expect(page2.records.hits.map((hit) => hit.id)).toEqual(result.records.hits.slice(2, 4).map((hit) => hit.id));
  });

  it(`stops counting a very common word at ${COUNT_LIMIT.toLocaleString('en')} ("more") and ranks the hits among the first found`, async () => {
    const common = await sql<{ word: string; n: string }>`
      SELECT w AS word, count(DISTINCT id) AS n FROM records, regexp_split_to_table(lower(text), '[^a-z]+') AS w
      WHERE kind = 'message' AND length(w) >= 3 GROUP BY w ORDER BY count(DISTINCT id) DESC LIMIT 1`.execute(store.db);
    expect(Number(common.rows[0]!.n)).toBeGreaterThan(COUNT_LIMIT);
    const result = await run(common.rows[0]!.word, { limit: 50 });
    expect(result.records).toMatchObject({ total: COUNT_LIMIT, more: true });
    expect(result.records.hits).toHaveLength(50);
    const scores = result.records.hits.map((hit) => hit.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // Paging stays consistent within the candidates.
    const page2 = await run(common.rows[0]!.word, { limit: 5, offset: 5 });
    expect(page2.records.hits.map((hit) => hit.id)).toEqual(result.records.hits.slice(5, 10).map((hit) => hit.id));
  });

  it('finds a phone typed in local notation, and an email in any case, in the right cases', async () => {
    const person = truth.people.find((p) => p.identifiers.some((i) => i.type === 'phone' && i.value.startsWith('+1')))!;
    const phone = person.identifiers.find((i) => i.type === 'phone' && i.value.startsWith('+1'))!.value;
    const local = `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;
    const result = await run(local);
    const hits = [...result.records.hits.map((hit) => hit.case), ...result.entities.map((hit) => hit.case)];
    expect(hits.length).toBeGreaterThan(0);
    for (const ref of hits) expect(person.cases).toContain(ref);

    const owner = truth.people.find((p) => p.identifiers.some((i) => i.type === 'email'))!;
    const email = owner.identifiers.find((i) => i.type === 'email')!.value;
    const lower = await run(email.toLowerCase());
    const upper = await run(email.toUpperCase());
    expect(lower.records.total + lower.entities.length).toBeGreaterThan(0);
    expect(upper).toEqual(lower);
  });

  it('finds a card by its number without the number reaching the query or the results', async () => {
    const holder = truth.people.find((p) => p.identifiers.some((i) => i.type === 'card'))!;
    const card = holder.identifiers.find((i) => i.type === 'card')!.value.replace(/\D/g, '');
    const spaced = card.replace(/(\d{4})(?=\d)/g, '$1 ');
    const query = parseQuery(spaced, { secret });
    expect(JSON.stringify(query)).not.toContain(card);
    const result = await search(store.db, query);
    expect(result.records.hits.some((hit) => hit.kind === 'transaction')).toBe(true);
    for (const hit of result.records.hits) expect(holder.cases).toContain(hit.case);
    expect(JSON.stringify(result)).not.toContain(card);
  });

  it('finds people and accounts by a misspelt name', async () => {
    const person = truth.people.find((p) => p.name.split(' ').length === 2 && p.name.length >= 10)!;
    const [first, last] = person.name.split(' ') as [string, string];
    const typo = `${first} ${last.slice(0, 2)}${last[3]}${last[2]}${last.slice(4)}`;
    const result = await run(`~"${typo}"`);
    expect(result.entities.slice(0, 10).map((hit) => hit.label.toLowerCase())).toContain(person.name.toLowerCase());
  });

  it('keeps to the visible cases and the filters', async () => {
    const ids = new Map((await store.db.selectFrom('cases').select(['id', 'ref']).execute()).map((row) => [row.ref, row.id]));
    const [first] = [...ids.keys()].sort();
    const word = 'the';
    const onlyOne = await run(word, { visibleCaseIds: [ids.get(first!)!], limit: 200 });
    expect(onlyOne.records.total).toBeGreaterThan(0);
    for (const hit of onlyOne.records.hits) expect(hit.case).toBe(first);
    const none = await run(word, { visibleCaseIds: [] });
    expect(none).toEqual({ records: { total: 0, more: false, hits: [] }, entities: [] });

    const filtered = await run(`${word} case:${first!.toLowerCase()} kind:message`, { limit: 200 });
    expect(filtered.records.total).toBe(onlyOne.records.total - (await run(`${word} case:${first} -kind:x`, {})).records.hits.filter((hit) => hit.kind !== 'message').length);
    for (const hit of filtered.records.hits) expect([hit.case, hit.kind]).toEqual([first, 'message']);
    const arrests = await run('kind:arrest', { limit: 200 });
    expect(arrests.records.total).toBeGreaterThan(0);
    for (const hit of arrests.records.hits) expect(hit.kind).toBe('arrest');
  });
});
