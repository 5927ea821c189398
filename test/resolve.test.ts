/**
 * Resolution over the store on every backend: labelled person records loaded through the arrest
 * CSV mapping become subjects that match the labels; analysts' decisions survive re-runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSource } from '../src/ingest/index.ts';
import { runResolution } from '../src/resolve/index.ts';
import { addAgency, listSubjects, openCase, recordDecision, type Store } from '../src/store/index.ts';
import { BACKENDS } from './backends.ts';

const FAKE_1000 = fileURLToPath(new URL('../../shared/testdata/er/fake_1000.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'crosslink-resolve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pairwise(clusters: string[][]): Set<string> {
  const pairs = new Set<string>();
  for (const cluster of clusters) {
    const sorted = [...cluster].sort();
    for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < sorted.length; j++) pairs.add(`${sorted[i]}|${sorted[j]}`);
  }
  return pairs;
}

describe.each(BACKENDS)('resolution on $name', (backend) => {
  let store: Store;
  const truth = new Map<string, string>();

  beforeAll(async () => {
    store = await backend.open();
    await addAgency(store.db, { name: 'Harbour Unit', country: 'GB' });
    await openCase(store.db, { ref: 'HB-1', agency: 'Harbour Unit' });
    const mapping = join(dir, `${backend.name}.mapping.json`);
    writeFileSync(mapping, JSON.stringify({ kind: 'arrests', fields: { key: 'unique_id', first_name: 'first_name', last_name: 'surname', birth_date: 'dob', city: 'city', email: 'email' }, dateFormat: 'yyyy-MM-dd' }));
    const { loadMapping } = await import('../src/ingest/index.ts');
    const report = await ingestSource(store, FAKE_1000, { caseRef: 'HB-1', mapping: await loadMapping(mapping), actor: 'test', secret: Buffer.alloc(32, 1) });
    expect(report).toMatchObject({ format: 'arrests-csv', records: 1000, rejects: 0 });
    const rows = await store.db.selectFrom('records').select(['key', 'props']).where('source_id', '=', report.source).execute();
    for (const row of rows) truth.set(row.key, String(row.props['cluster']));
  }, 300_000);
  afterAll(async () => {
    await store?.close();
  });

  it('finds the labelled people with high precision, each member with its score and reasons', async () => {
    const report = await runResolution(store, { actor: 'test' });
    expect(report).toMatchObject({ people: 1000 });
    const subjects = await listSubjects(store.db);
    expect(subjects.reduce((sum, subject) => sum + subject.members.length, 0)).toBe(1000);
    const predicted = pairwise(subjects.map((subject) => subject.members.map((member) => member.key)));
    const groups = new Map<string, string[]>();
    for (const [key, cluster] of truth) groups.set(cluster, [...(groups.get(cluster) ?? []), key]);
    const actual = pairwise([...groups.values()]);
    let hits = 0;
    for (const pair of predicted) if (actual.has(pair)) hits++;
    const precision = hits / predicted.size;
    const recall = hits / actual.size;
    expect(precision).toBeGreaterThanOrEqual(0.97);
    expect((2 * precision * recall) / (precision + recall)).toBeGreaterThanOrEqual(0.94);
    const linked = subjects.find((subject) => subject.members.length > 2)!;
    for (const member of linked.members) {
      expect(member.score).toBeGreaterThan(0.5);
      expect(member.reasons).toEqual([expect.objectContaining({ with: expect.any(String), fields: expect.arrayContaining([expect.objectContaining({ field: expect.any(String), weight: expect.any(Number) })]) })]);
    }
  });

  it('keeps analysts’ decisions across runs: a rejected pair is split, a confirmed pair is joined', async () => {
    const subjects = await listSubjects(store.db);
    const pairSubject = subjects.find((subject) => subject.members.length === 2)!;
    const [a, b] = pairSubject.members.map((member) => member.entity) as [string, string];
    const singles = subjects.filter((subject) => subject.members.length === 1).slice(0, 2).map((subject) => subject.members[0]!.entity) as [string, string];
    await recordDecision(store.db, a, b, 'reject', 'analyst.one');
    await recordDecision(store.db, singles[0], singles[1], 'confirm', 'analyst.one');
    for (let run = 0; run < 2; run++) {
      await runResolution(store, { actor: 'test' });
      const after = await listSubjects(store.db);
      const subjectOf = (entity: string) => after.find((subject) => subject.members.some((member) => member.entity === entity))!.id;
      expect(subjectOf(a)).not.toBe(subjectOf(b));
      expect(subjectOf(singles[0])).toBe(subjectOf(singles[1]));
    }
    await expect(recordDecision(store.db, a, a, 'confirm', 'x')).rejects.toThrow(/two different entities/);
    await expect(recordDecision(store.db, a, '999999999', 'confirm', 'x')).rejects.toThrow(/no person entity 999999999/);
  });
});
