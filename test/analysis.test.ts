/**
 * Link analysis over the demo world on every backend: similar cases against the ground truth's
 * truly connected cases (precision@5), explanations, the visible-case limit, timelines with their
 * source lines, places, and paths between two records of one person.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPaths, loadProjection, places, similarCases, timeline } from '../src/analysis/index.ts';
import { generateWorld, loadWorld, type GroundTruth } from '../src/demo/index.ts';
import { runResolution } from '../src/resolve/index.ts';
import type { Store } from '../src/store/index.ts';
import { BACKENDS } from './backends.ts';

const secret = Buffer.alloc(32, 9);
const dir = mkdtempSync(join(tmpdir(), 'crosslink-analysis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(BACKENDS)('analysis on $name', (backend) => {
  let store: Store;
  let truth: GroundTruth;
  const connected = () => new Set(truth.connectedCases.map((pair) => [...pair].sort().join('|')));

  beforeAll(async () => {
    const world = join(dir, backend.name);
    await generateWorld({ seed: 11, scale: 'small', out: world });
    truth = JSON.parse(readFileSync(join(world, 'ground-truth.json'), 'utf8')) as GroundTruth;
    store = await backend.open();
    await loadWorld(store, world, { actor: 'test', secret });
    await runResolution(store, { actor: 'test' });
  }, 300_000);
  afterAll(async () => {
    await store?.close();
  });

  it('ranks truly connected cases first (precision@5 ≥ 0.9), each result explained', async () => {
    const truePairs = connected();
    let precisionSum = 0;
    let ranked = 0;
    for (const { ref } of truth.cases) {
      const results = await similarCases(store.db, ref, { limit: 5 });
      for (const result of results) {
        expect(result.reasons.length).toBeGreaterThan(0);
        expect(result.case).not.toBe(ref);
      }
      const scores = results.map((result) => result.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      if (results.length === 0) continue;
      ranked++;
      precisionSum += results.filter((result) => truePairs.has([ref, result.case].sort().join('|'))).length / results.length;
    }
    expect(ranked).toBeGreaterThanOrEqual(Math.ceil(truth.cases.length / 2));
    expect(precisionSum / ranked).toBeGreaterThanOrEqual(0.9);
  });

  it('never lists a case for shared IP addresses, shops, rooms or time alone', async () => {
    for (const { ref } of truth.cases) {
      for (const result of await similarCases(store.db, ref, { limit: 50 })) {
        expect(result.shared.some((item) => !['time', 'merchant', 'chat_room'].includes(item.what) && item.type !== 'ip')).toBe(true);
      }
    }
  });

  it('sees only the visible cases', async () => {
    const cases = await store.db.selectFrom('cases').select(['id', 'ref']).orderBy('id').execute();
    const visible = cases.slice(0, 3).map((row) => row.id);
    const projection = await loadProjection(store.db, { visibleCaseIds: visible });
    const refs = new Set(cases.slice(0, 3).map((row) => row.ref));
    for (const node of projection.data.nodes) if (node.caseRef) expect(refs.has(node.caseRef)).toBe(true);
    for (const edge of projection.data.edges) if (edge.caseRef) expect(refs.has(edge.caseRef)).toBe(true);
    const results = await similarCases(store.db, cases[0]!.ref, { visibleCaseIds: visible, limit: 50 });
    for (const result of results) expect(refs.has(result.case)).toBe(true);
    await expect(similarCases(store.db, cases[5]!.ref, { visibleCaseIds: visible })).rejects.toThrow(/no case/);
  });

  it('gives a case timeline in time order with each record’s source and line', async () => {
    const ref = truth.cases[0]!.ref;
    const first = await timeline(store.db, ref, { limit: 50 });
    const expected = await sql<{ n: string }>`SELECT count(*) AS n FROM records r JOIN cases c ON c.id = r.case_id WHERE c.ref = ${ref}`.execute(store.db);
    expect(first.total).toBe(Number(expected.rows[0]!.n));
    const times = first.entries.map((entry) => entry.at ?? '9999');
    expect(times).toEqual([...times].sort());
    for (const entry of first.entries) {
      expect(entry.case).toBe(ref);
      expect(entry.source.file).not.toBe('');
    }
    const next = await timeline(store.db, ref, { limit: 50, offset: 50 });
    expect(next.entries[0]?.record).not.toBe(first.entries[0]?.record);
  });

  it('gives a subject’s records across cases and their places', async () => {
    const multi = await sql<{ subject_id: string; cases: string }>`
      SELECT subject_id, count(DISTINCT case_id) AS cases FROM subject_members GROUP BY subject_id HAVING count(DISTINCT case_id) > 1 ORDER BY subject_id LIMIT 1`.execute(store.db);
    const subject = multi.rows[0]!.subject_id;
    const result = await timeline(store.db, `s${subject}`);
    expect(new Set(result.entries.map((entry) => entry.case)).size).toBeGreaterThan(1);
    expect(result.entries.every((entry) => entry.kind === 'arrest' || entry.kind === 'transaction' || entry.kind === 'sighting')).toBe(true);
    const found = await places(store.db, `s${subject}`);
    expect(found.some((place) => place.from === 'address')).toBe(true);
  });

  it('finds a path between two records of one person in two cases, with evidence for every step', async () => {
    const multi = await sql<{ a: string; b: string }>`
      SELECT min(entity_id) AS a, max(entity_id) AS b FROM subject_members GROUP BY subject_id HAVING count(DISTINCT case_id) > 1 ORDER BY 1 LIMIT 1`.execute(store.db);
    const { a, b } = multi.rows[0]!;
    const projection = await loadProjection(store.db);
    const paths = findPaths(projection, `e${a}`, `e${b}`, 3);
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) for (const step of path.steps) expect(step.evidence.length).toBeGreaterThan(0);
    const lengths = paths.map((path) => path.length);
    expect(lengths).toEqual([...lengths].sort((x, y) => x - y));
  });
});
