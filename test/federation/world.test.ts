/**
 * Three nodes loaded from one demo world split by agency (src/demo): Harbourview (CA) on one node,
 * Southern Cross (AU) on another (PostgreSQL when a server answers), Tri-River (US) and Northmoor
 * (GB) together on a third. Every case shares `all`. After sync, the federated hits — selectors in
 * the private set intersection and PDQ near matches — join exactly the pairs of cases the world's
 * ground truth says are connected (a person in both, or a near-duplicate picture) and held on two
 * different nodes: every such pair appears, on both nodes, and no other — but for pairs sharing a
 * selector by a coincidence the truth itself records (an IP two people were both given).
 */
import { readFileSync, mkdtempSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld, loadWorld, type GroundTruth } from '../../src/demo/index.ts';
import { federationDb } from '../../src/federation/tables.ts';
import { hammingDistance, PDQ_MATCH_THRESHOLD, PDQ_MIN_QUALITY, pdqDihedralFromFile } from '../../src/media/index.ts';
import { TestNode, meshOf } from './harness.ts';
import { round } from './helpers.ts';

const NODES = [
  { name: 'ca-harbourview', backend: 'embedded', agencies: ['Harbourview Police Service Sex Crimes Unit'] },
  { name: 'au-southern-cross', backend: 'postgres', agencies: ['Southern Cross Child Protection Centre'] },
  { name: 'us-gb-joint', backend: 'embedded', agencies: ['Tri-River Internet Crimes Task Force', 'Northmoor Online Safeguarding Unit'] },
] as const;

const folder = mkdtempSync(join(tmpdir(), 'crosslink-fed-world-'));
const world = join(folder, 'world');
/** Same card-token key on every node: card numbers match across nodes only then (docs/federation.md). */
const secret = Buffer.alloc(32, 9);

/** A world folder holding only these agencies' cases: its own manifest, the files linked. */
function slice(agencies: readonly string[], into: string): void {
  const manifest = JSON.parse(readFileSync(join(world, 'manifest.json'), 'utf8')) as { agencies: { name: string }[]; cases: { agency: string }[] };
  mkdirSync(into);
  for (const entry of readdirSync(world)) if (entry !== 'manifest.json' && entry !== 'ground-truth.json') symlinkSync(join(world, entry), join(into, entry));
  const kept = { ...manifest, agencies: manifest.agencies.filter((a) => agencies.includes(a.name)), cases: manifest.cases.filter((c) => agencies.includes(c.agency)) };
  writeFileSync(join(into, 'manifest.json'), JSON.stringify(kept));
}

const pair = (a: string, b: string) => (a < b ? `${a} ~ ${b}` : `${b} ~ ${a}`);

describe('three nodes loaded from one demo world split by agency', () => {
  let truth: GroundTruth;
  const nodes: TestNode[] = [];
  const nodeOfCase = new Map<string, string>();
  let coincidences = 0;
  const pairsByType: Record<string, number> = {};

  beforeAll(async () => {
    await generateWorld({ seed: 5, scale: 'small', out: world });
    truth = JSON.parse(readFileSync(join(world, 'ground-truth.json'), 'utf8')) as GroundTruth;
    for (const spec of NODES) {
      const node = await TestNode.create(spec.name, spec.backend);
      nodes.push(node);
      const dir = join(folder, spec.name);
      slice(spec.agencies, dir);
      await loadWorld(node.store, dir, { actor: 'test', secret });
      const cases = await node.store.db.selectFrom('cases').select(['id', 'agency_id', 'ref']).execute();
      for (const row of cases) nodeOfCase.set(row.ref, spec.name);
      await federationDb(node.store.db)
        .insertInto('federation_case_policy')
        .values(cases.map((row) => ({ case_id: row.id, agency_id: row.agency_id, sharing: 'all', types: null })))
        .execute();
    }
    await meshOf(nodes);
    for (let i = 0; i < 2; i++) expect((await round(nodes)).filter((report) => report.error)).toEqual([]);
  }, 600_000);

  afterAll(async () => {
    console.log(`world: ${coincidences} coincidental pair(s) besides the connected ones; pairs by type: ${JSON.stringify(pairsByType)}`);
    for (const node of nodes) await node.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('finds on both nodes every pair of cases the ground truth connects across nodes, and no other', async () => {
    const acrossNodes = ([a, b]: readonly [string, string]) => nodeOfCase.get(a) !== nodeOfCase.get(b);
    // Connected by the truth, across nodes: every one may show; those through a person must.
    const allowed = new Set(truth.connectedCases.filter(acrossNodes).map(([a, b]) => pair(a, b)));
    const required = new Set<string>();
    for (const person of truth.people) for (const a of person.cases) for (const b of person.cases) if (a !== b && acrossNodes([a, b])) required.add(pair(a, b));
    // Through a near-duplicate picture: must show where its PDQ distance, from the pixels, is within
    // the threshold with the media test's 4 bits of slack (the matcher turns hashes, not pixels).
    for (const [pathA, pathB] of truth.nearDuplicates) {
      const [a, b] = [pathA.split('/')[1]!, pathB.split('/')[1]!];
      if (!acrossNodes([a, b])) continue;
      const left = await pdqDihedralFromFile(join(world, pathA));
      const right = await pdqDihedralFromFile(join(world, pathB));
      const nearest = Math.min(...Object.values(right.hashes).map((hash) => hammingDistance(left.hashes.orig, hash)));
      if (left.quality >= PDQ_MIN_QUALITY && right.quality >= PDQ_MIN_QUALITY && nearest <= PDQ_MATCH_THRESHOLD - 4) required.add(pair(a, b));
    }
    expect(required.size).toBeGreaterThan(3);
    const expected = allowed;
    const seen = new Map<string, Set<string>>();
    const wrongSender: string[] = [];
    for (const node of nodes) {
      const hits = await federationDb(node.store.db)
        .selectFrom('federation_hits as h')
        .innerJoin('cases as c', 'c.id', 'h.case_id')
        .innerJoin('identifiers as i', 'i.id', 'h.identifier_id')
        .select(['c.ref', 'i.type', 'i.value', 'h.notice'])
        .execute();
      for (const hit of hits) {
        const notice = hit.notice as { node: string; case?: { ref: string } };
        const other = notice.case!.ref;
        if (nodeOfCase.get(other) !== notice.node) wrongSender.push(`${hit.ref} <- ${other} via ${notice.node}`);
        const key = pair(hit.ref, other);
        seen.set(key, (seen.get(key) ?? new Set()).add(`${node.name}:${hit.type}:${hit.value}`));
        pairsByType[hit.type] = (pairsByType[hit.type] ?? 0) + 1;
      }
    }
    expect(wrongSender).toEqual([]);
    const found = new Set(seen.keys());
    // A pair the truth does not connect may still share a selector by coincidence the truth records
    // (two people given the same address in the generator's small IP ranges): then every selector
    // behind that pair's hits must be one the truth has people of both cases use. Anything else is a false hit.
    const casesUsing = new Map<string, Set<string>>();
    for (const person of truth.people) for (const id of person.identifiers) for (const ref of person.cases) casesUsing.set(`${id.type}:${id.value}`, (casesUsing.get(`${id.type}:${id.value}`) ?? new Set()).add(ref));
    const unexplained = [...found]
      .filter((key) => !expected.has(key))
      .filter((key) => {
        const [a, b] = key.split(' ~ ') as [string, string];
        return [...seen.get(key)!].some((entry) => {
          const selector = entry.slice(entry.indexOf(':') + 1);
          return !(casesUsing.get(selector)?.has(a) && casesUsing.get(selector)?.has(b));
        });
      });
    expect({ missing: [...required].filter((key) => !found.has(key)), unexplained }).toEqual({ missing: [], unexplained: [] });
    coincidences = [...found].filter((key) => !expected.has(key)).length;
    // Each pair is known on both of its nodes.
    for (const [key, where] of seen) {
      const [a, b] = key.split(' ~ ') as [string, string];
      const holders = new Set([...where].map((entry) => entry.split(':')[0]));
      expect(holders.size, key).toBe(2);
      expect([...holders].sort(), key).toEqual([nodeOfCase.get(a)!, nodeOfCase.get(b)!].sort());
    }
  });
});
