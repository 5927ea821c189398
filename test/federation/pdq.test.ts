/**
 * PDQ near matching across nodes (three on loopback, one on PostgreSQL when a server answers):
 *
 * - a PDQ value a case shares finds, on another node, the values of that node's sharing cases
 *   within distance 31 — also turned or mirrored — and hit notices land on both sides, carrying
 *   who to call; a value 40 bits away, a case that shares nothing and a case whose types leave PDQ
 *   out produce nothing;
 * - only shared PDQ values cross the wire (never the unshared ones), and the answer names matches
 *   by tag and distance, not by value;
 * - sync is incremental, and a pair found by both sides at once is one match (one tag);
 * - the answering node keeps its index between pushes: a value stored since is found, and a case
 *   that stops sharing stops matching.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalAdmin } from '../../src/access/index.ts';
import { hexToWords, wordsToHex } from '../../src/media/pdq/hamming.ts';
import { approximateDihedralWords } from '../../src/media/pdq/hash.ts';
import { setCasePolicy, syncAll } from '../../src/federation/index.ts';
import { pdqPairTag } from '../../src/federation/pdq.ts';
import { federationDb } from '../../src/federation/tables.ts';
import { TestNode, meshOf } from './harness.ts';
import { hitsOn, round, summary } from './helpers.ts';

/** `hash` with `bits` distinct bits flipped (the first ones of a random order). */
function flipped(hash: string, bits: number): string {
  const words = hexToWords(hash);
  const order = [...Array(256).keys()].sort(() => Math.random() - 0.5).slice(0, bits);
  for (const bit of order) words[bit >> 5]! ^= 1 << (bit & 31);
  return wordsToHex(words);
}

const randomPdq = () => randomBytes(32).toString('hex');

describe('PDQ near matching across nodes', () => {
  const base = randomPdq();
  const near = flipped(base, 12);
  const far = flipped(base, 40);
  const turned = wordsToHex(approximateDihedralWords(hexToWords(base)).rot90);
  const unshared = flipped(base, 3);
  const other = randomPdq();
  let ca: TestNode;
  let uk: TestNode;
  let us: TestNode;
  let nodes: TestNode[];

  beforeAll(async () => {
    ca = await TestNode.create('ca-northbridge');
    uk = await TestNode.create('uk-kingsbridge', 'postgres');
    us = await TestNode.create('us-eastport');
    nodes = [ca, uk, us];
    await meshOf(nodes);
    await ca.addCase({ agency: 'Northbridge Police', country: 'CA', ref: 'CA-1', contact: { officer: 'Duty desk', phone: '+14165550100' }, sharing: 'hit-only', selectors: [['pdq', base], ['pdq', other]] });
    await uk.addCase({ agency: 'Kingsbridge Constabulary', country: 'GB', ref: 'UK-1', contact: { officer: 'Referrals' }, sharing: 'all', officer: 'DS Patel', selectors: [['pdq', near], ['pdq', far]] });
    // Nobody decided to share UK-2; UK-3 shares phones only.
    await uk.addCase({ agency: 'Kingsbridge Constabulary', country: 'GB', ref: 'UK-2', selectors: [['pdq', unshared]] });
    await uk.addCase({ agency: 'Kingsbridge Constabulary', country: 'GB', ref: 'UK-3', sharing: 'all', types: ['phone'], selectors: [['pdq', flipped(base, 5)]] });
    await us.addCase({ agency: 'Eastport PD', country: 'US', ref: 'US-1', contact: { email: 'watch@eastport.example' }, sharing: 'hit-only', selectors: [['pdq', turned]] });
    for (let i = 0; i < 2; i++) expect((await round(nodes)).filter((report) => report.error)).toEqual([]);
  });

  afterAll(async () => {
    for (const node of nodes ?? []) await node?.close();
  });

  it('puts hit notices on both sides of every pair within distance 31, turned and mirrored included', async () => {
    expect(summary(await hitsOn(ca))).toEqual([`CA-1 pdq:${base} <- uk-kingsbridge`, `CA-1 pdq:${base} <- us-eastport`]);
    // `near` and `turned` are the same picture too (12 bits from base, and base turned).
    expect(summary(await hitsOn(uk))).toEqual([`UK-1 pdq:${near} <- ca-northbridge`, `UK-1 pdq:${near} <- us-eastport`]);
    expect(summary(await hitsOn(us))).toEqual([`US-1 pdq:${turned} <- ca-northbridge`, `US-1 pdq:${turned} <- uk-kingsbridge`]);
    // The notice says whom to call, as for any selector; UK-1 shares `all`, so its reference too.
    const fromUk = (await hitsOn(ca)).find((hit) => hit.from === 'uk-kingsbridge')!.notice;
    expect(fromUk).toMatchObject({ node: 'uk-kingsbridge', agency: { name: 'Kingsbridge Constabulary', country: 'GB' }, contact: { officer: 'DS Patel' }, case: { ref: 'UK-1' } });
    // Both sides hold the pair under the same tag, with its distance.
    const tag = pdqPairTag(base, near);
    for (const [node, peer] of [[ca, 'uk-kingsbridge'], [uk, 'ca-northbridge']] as const) {
      const rows = await federationDb(node.store.db)
        .selectFrom('federation_pdq_matches as m')
        .innerJoin('federation_peers as p', 'p.id', 'm.peer_id')
        .select(['m.tag', 'm.distance'])
        .where('p.name', '=', peer)
        .execute();
      expect(rows.map((row) => [row.tag.toString('hex'), row.distance])).toEqual([[tag.toString('hex'), 12]]);
    }
    for (const node of nodes) expect((await round([node])).filter((report) => report.error)).toEqual([]);
  });

  it('sends only the PDQ values cases share, and answers with tags and distances, never values', async () => {
    const wire = nodes.map((node) => node.tap.text()).join('\n');
    // Shared values travel as they are (one-way already)…
    for (const value of [base, near, far, turned, other]) expect(wire.includes(value), value).toBe(true);
    // …those of a case that shares nothing, or shares other types only, never do.
    expect(wire.includes(unshared)).toBe(false);
    const uk3 = await uk.store.db.selectFrom('identifiers').select('value').where('type', '=', 'pdq').execute();
    const sent = new Set([base, near, far, turned, other]);
    for (const row of uk3) if (!sent.has(row.value)) expect(wire.includes(row.value), row.value).toBe(false);
  });

  it('pushes only new values, and finds a pair once however often it is pushed', async () => {
    const quiet = await syncAll(ca.node, { actor: 'test' });
    expect(quiet.map((report) => report.channels?.pdq.hashes)).toEqual([0, 0]);
    const later = flipped(other, 20);
    await us.addSelectors(await us.scopeOf('US-1'), [['pdq', later]]);
    const reports = await syncAll(us.node, { actor: 'test' });
    expect(reports.map((report) => [report.peer, report.channels?.pdq.hashes, report.channels?.pdq.matches])).toEqual([
      ['ca-northbridge', 1, 1],
      ['uk-kingsbridge', 1, 0],
    ]);
    // UK pushing its values to US again (as after a lost answer) finds nothing new.
    await federationDb(uk.store.db).deleteFrom('federation_pdq_sent').execute();
    const again = await syncAll(uk.node, { actor: 'test', peer: 'ca-northbridge' });
    expect(again[0]!.channels?.pdq).toEqual({ hashes: 2, matches: 0, notices: 0 });
    await round(nodes);
    expect(summary(await hitsOn(ca))).toEqual([`CA-1 pdq:${base} <- uk-kingsbridge`, `CA-1 pdq:${base} <- us-eastport`, `CA-1 pdq:${other} <- us-eastport`].sort());
    expect(summary(await hitsOn(us))).toEqual([`US-1 pdq:${later} <- ca-northbridge`, `US-1 pdq:${turned} <- ca-northbridge`, `US-1 pdq:${turned} <- uk-kingsbridge`].sort());
    expect(summary(await hitsOn(uk))).toEqual([`UK-1 pdq:${near} <- ca-northbridge`, `UK-1 pdq:${near} <- us-eastport`]);
  });

  it('keeps its index between pushes: a value stored since is found, a case that stops sharing stops matching', async () => {
    const admin = (await ensureLocalAdmin(uk.store.db)).user;
    const push = async (value: string) => {
      await ca.addSelectors(await ca.scopeOf('CA-1'), [['pdq', value]]);
      return (await syncAll(ca.node, { actor: 'test', peer: 'uk-kingsbridge' }))[0]!.channels?.pdq;
    };
    // UK's index was built while answering the pushes above; this value is stored after it.
    const ukLater = randomPdq();
    await uk.addSelectors(await uk.scopeOf('UK-1'), [['pdq', ukLater]]);
    expect(await push(flipped(ukLater, 10))).toEqual({ hashes: 1, matches: 1, notices: 1 });
    // UK-1 stops sharing: what its values would match, nothing is answered any more.
    await setCasePolicy(uk.store.db, admin, 'UK-1', 'none');
    expect(await push(flipped(ukLater, 6))).toEqual({ hashes: 1, matches: 0, notices: 0 });
    await setCasePolicy(uk.store.db, admin, 'UK-1', 'all');
  });

  it('loses nothing when the PDQ exchange fails, and lets the rest of the round go on', async () => {
    const fresh = flipped(other, 8);
    await ca.addSelectors(await ca.scopeOf('CA-1'), [['pdq', fresh], ['phone', '+14165550444']]);
    uk.tap.rules = [{ path: /\/pdq$/, mode: 'down' }];
    const failed = (await syncAll(ca.node, { actor: 'test', peer: 'uk-kingsbridge' }))[0]!;
    expect(failed.error).toMatch(/^PDQ: /);
    // The selectors' exchange and the other channels went ahead.
    expect([failed.pushed, failed.channels?.pdq.hashes, failed.channels?.registrations.selectors]).toEqual([1, 0, 0]);
    uk.tap.rules = [];
    const retried = (await syncAll(ca.node, { actor: 'test', peer: 'uk-kingsbridge' }))[0]!;
    expect([retried.error, retried.channels?.pdq.hashes]).toEqual([undefined, 1]);
  });
});
