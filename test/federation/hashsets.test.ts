/**
 * Hash-set exchange between nodes (three on loopback, one on PostgreSQL when a server answers): a
 * categorised set a node shares reaches every peer as VICS JSON — in parts when large, each applied
 * once — and is stored there with its source node and the category scheme of its region, its
 * categories exactly as the source decided them. Known-good lists and sets received from a peer are
 * not shared on; a node that shares no set sends none.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listExchangedHashSets, shareHashSet, syncAll } from '../../src/federation/index.ts';
import { importHashSet } from '../../src/media/index.ts';
import { parseJson, runCliInProcess } from '../cli.ts';
import { TestNode, meshOf } from './harness.ts';
import { round } from './helpers.ts';

const folder = mkdtempSync(join(tmpdir(), 'crosslink-fed-hashsets-'));
const sha = (text: string, algorithm = 'sha256') => createHash(algorithm).update(text).digest('hex');

/** A VICS 2.0 file of `count` items with categories from `categories`, in turn. */
function vicsFile(name: string, count: number, categories: (string | number)[]): { path: string; sha256: string[] } {
  const sha256 = Array.from({ length: count }, () => randomBytes(32).toString('hex'));
  const value = sha256.map((hash, i) => ({ MediaID: i + 1, Category: categories[i % categories.length], MD5: sha(hash, 'md5').toUpperCase(), AlternativeHashes: [{ HashName: 'SHA256', HashValue: hash.toUpperCase() }] }));
  const path = join(folder, name);
  writeFileSync(path, JSON.stringify({ '@odata.context': 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media', value }));
  return { path, sha256 };
}

async function entriesOn(node: TestNode, setName: string): Promise<{ sha256: string; category: string | null }[]> {
  return node.store.db
    .selectFrom('hash_set_entries as e')
    .innerJoin('hash_sets as s', 's.id', 'e.set_id')
    .select(['e.sha256', 'e.category'])
    .where('s.name', '=', setName)
    .orderBy('e.sha256')
    .execute() as Promise<{ sha256: string; category: string | null }[]>;
}

describe('hash-set exchange between nodes', () => {
  let ca: TestNode;
  let uk: TestNode;
  let us: TestNode;
  let nodes: TestNode[];
  const caSet = vicsFile('ca.json', 5_003, [1, 2, 3]);
  const ukSet = vicsFile('uk.json', 4, ['A', 'B', 'C']);

  beforeAll(async () => {
    ca = await TestNode.create('ca-northbridge');
    uk = await TestNode.create('uk-kingsbridge', 'postgres');
    us = await TestNode.create('us-eastport');
    nodes = [ca, uk, us];
    await meshOf(nodes);
    await importHashSet(ca.store.db, caSet.path, { name: 'NB categorised', actor: 'test' });
    await importHashSet(uk.store.db, ukSet.path, { name: 'KB CAID export', actor: 'test' });
    await shareHashSet(ca.store.db, 'test', 'NB categorised', 'CA-Default');
    await shareHashSet(uk.store.db, 'test', 'KB CAID export', 'UK-CAID');
    // US imports a set too, but shares none.
    await importHashSet(us.store.db, vicsFile('us.json', 3, [1]).path, { name: 'EP local', actor: 'test' });
    for (let i = 0; i < 2; i++) expect((await round(nodes)).filter((report) => report.error)).toEqual([]);
  });

  afterAll(async () => {
    for (const node of nodes ?? []) await node?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('stores a shared set on every peer, with its source node and scheme, categories as the source decided', async () => {
    const onUs = await listExchangedHashSets(us.store.db);
    expect(onUs.map((set) => [set.direction, set.name, set.node, set.scheme, set.entries])).toEqual([
      ['received', 'KB CAID export (from uk-kingsbridge)', 'uk-kingsbridge', 'UK-CAID', 4],
      ['received', 'NB categorised (from ca-northbridge)', 'ca-northbridge', 'CA-Default', 5_003],
    ]);
    const ukEntries = await entriesOn(us, 'KB CAID export (from uk-kingsbridge)');
    expect(ukEntries).toEqual(ukSet.sha256.map((hash, i) => ({ sha256: hash, category: ['A', 'B', 'C'][i % 3]! })).sort((a, b) => a.sha256.localeCompare(b.sha256)));
    const caOnUk = await entriesOn(uk, 'NB categorised (from ca-northbridge)');
    expect(caOnUk).toHaveLength(5_003);
    expect(new Set(caOnUk.map((entry) => entry.category))).toEqual(new Set(['1', '2', '3']));
    expect((await listExchangedHashSets(ca.store.db)).map((set) => [set.direction, set.name, set.scheme])).toEqual([
      ['shared', 'NB categorised', 'CA-Default'],
      ['received', 'KB CAID export (from uk-kingsbridge)', 'UK-CAID'],
    ]);
    // US shared nothing: no peer holds its set.
    for (const node of [ca, uk]) expect((await listExchangedHashSets(node.store.db)).some((set) => set.name.startsWith('EP local'))).toBe(false);
  });

  it('sends a set once, in parts, and applies each part once', async () => {
    const again = await syncAll(ca.node, { actor: 'test' });
    expect(again.map((report) => report.channels?.hashSets)).toEqual([{ sets: 0, entries: 0 }, { sets: 0, entries: 0 }]);
    const parts = await uk.store.db.selectFrom('audit_log').select('details').where('action', '=', 'federation.hashset.received').where('target', '=', 'ca-northbridge').execute();
    expect(parts.map((entry) => [entry.details['part'], entry.details['parts']]).sort()).toEqual([[1, 2], [2, 2]]);
  });

  it('shares neither known-good lists nor sets received from a peer', async () => {
    await expect(shareHashSet(us.store.db, 'test', 'NB categorised (from ca-northbridge)', 'US-VICS')).rejects.toThrow(/came from ca-northbridge/);
    const knownGood = join(folder, 'nsrl.csv');
    writeFileSync(knownGood, `"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"\n"${sha('x', 'sha1').toUpperCase()}","${sha('x', 'md5').toUpperCase()}","00000000","a.dll",1,1,"1",""\n`);
    await importHashSet(us.store.db, knownGood, { name: 'NSRL', actor: 'test' });
    await expect(shareHashSet(us.store.db, 'test', 'NSRL', 'US-VICS')).rejects.toThrow(/known-good/);
    await expect(shareHashSet(us.store.db, 'test', 'EP local', 'not a scheme!')).rejects.toThrow(/--scheme/);
  });

  it('lists and shares sets from the command line (an administrator’s work)', async (context) => {
    // The CLI opens the store itself: a PostgreSQL node's database can be opened twice, a PGlite directory cannot.
    if (uk.backend !== 'postgres') return context.skip();
    const env = { CROSSLINK_DB: uk.location, CROSSLINK_TOKEN: '' };
    const listed = await runCliInProcess(['federation', 'hashset', 'list', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(parseJson<{ name: string; direction: string; scheme: string; node: string | null }[]>(listed).map((set) => [set.direction, set.name, set.scheme, set.node])).toEqual([
      ['shared', 'KB CAID export', 'UK-CAID', null],
      ['received', 'NB categorised (from ca-northbridge)', 'CA-Default', 'ca-northbridge'],
    ]);
    const refused = await runCliInProcess(['federation', 'hashset', 'share', 'NB categorised (from ca-northbridge)', '--scheme', 'UK-CAID'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^crosslink: .*came from ca-northbridge/);
  });
});
