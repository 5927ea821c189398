/**
 * Three agencies' nodes on loopback — two on PGlite directories, one on PostgreSQL when a server
 * answers — each with its own store, clock and endpoint, and a wire tap in front of each:
 *
 * - the selectors they share produce hit notices on exactly the right nodes and cases, carrying the
 *   sharing case's contact (and, under `all`, its case reference) — and nothing for a case that
 *   shares nothing or a type a case does not share;
 * - what crossed the wire holds no selector in the clear, as a plain or keyed hash, or as H(x);
 * - both sides audit every exchange; investigators see the hits of their own cases only;
 * - sync is incremental; a node that shares nothing learns nothing and tells nothing;
 * - a peer that is down loses nothing and catches up; a notice whose answer was lost is retried
 *   after its back-off and applied once.
 */
import { createHash, createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, createToken, ensureLocalAdmin, grantCase, withUser } from '../../src/access/index.ts';
import { buildServer } from '../../src/api/index.ts';
import { backoffMs, listFederatedHits, listPeers, syncAll, type SyncReport } from '../../src/federation/index.ts';
import { hashedSelector } from '../../src/federation/psi.ts';
import { federationDb } from '../../src/federation/tables.ts';
import { BACKENDS } from '../backends.ts';
import { TestNode, meshOf } from './harness.ts';
import { hitsOn, round, summary } from './helpers.ts';

const P1 = '+14165550123';
const E1 = 'sam.rowe@example.com';
const E2 = 'quinn.marlowe@example.org';
const X1 = '+447700900555';
const HANDLE = 'dark_falcon77@telegram';

const CA_CONTACT = { officer: 'Duty desk', phone: '+14165550100', email: 'desk@northbridge.example' };
const UK_CONTACT = { officer: 'Referrals', phone: '+442079460000', email: 'referrals@kingsbridge.example' };
const US_CONTACT = { officer: 'Watch commander', phone: '+12025550100', email: 'watch@eastport.example' };

describe('three nodes on loopback', () => {
  let ca: TestNode;
  let uk: TestNode;
  let us: TestNode;
  let nodes: TestNode[];
  const firstRounds: SyncReport[] = [];

  beforeAll(async () => {
    ca = await TestNode.create('ca-northbridge');
    uk = await TestNode.create('uk-kingsbridge');
    us = await TestNode.create('us-eastport', 'postgres');
    nodes = [ca, uk, us];
    await meshOf(nodes);
    await ca.addCase({
      agency: 'Northbridge Police',
      country: 'CA',
      contact: CA_CONTACT,
      ref: 'CA-1',
      officer: 'Det. Sgt. Moreau',
      sharing: 'all',
      selectors: [
        ['phone', P1],
        ['email', E1],
        ['phone', '+14165550999'],
        ['handle', HANDLE],
      ],
    });
    await uk.addCase({
      agency: 'Kingsbridge Constabulary',
      country: 'GB',
      contact: UK_CONTACT,
      ref: 'UK-1',
      officer: 'DS Patel',
      sharing: 'hit-only',
      selectors: [
        ['phone', P1],
        ['email', E2],
        ['phone', '+442079460123'],
      ],
    });
    // A case that shares nothing, holding selectors the other nodes share.
    await uk.addCase({
      agency: 'Kingsbridge Constabulary',
      country: 'GB',
      ref: 'UK-2',
      selectors: [
        ['email', E1],
        ['phone', X1],
      ],
    });
    await us.addCase({
      agency: 'Eastport PD',
      country: 'US',
      contact: US_CONTACT,
      ref: 'US-1',
      officer: 'Det. Alvarez',
      sharing: 'all',
      types: ['email', 'phone'],
      selectors: [
        ['phone', P1],
        ['email', E1],
        ['email', E2],
        ['phone', X1],
        ['handle', HANDLE],
      ],
    });
    firstRounds.push(...(await round(nodes)), ...(await round(nodes)));
  });

  afterAll(async () => {
    for (const node of nodes ?? []) await node?.close();
  });

  it('finds the shared selectors and puts hit notices on exactly the right cases of every node', async () => {
    expect(firstRounds.filter((report) => report.error)).toEqual([]);
    if (BACKENDS.some((backend) => backend.name === 'postgres')) expect(us.backend).toBe('postgres');
    expect(summary(await hitsOn(ca))).toEqual([`CA-1 email:${E1} <- us-eastport`, `CA-1 phone:${P1} <- uk-kingsbridge`, `CA-1 phone:${P1} <- us-eastport`]);
    expect(summary(await hitsOn(uk))).toEqual([`UK-1 email:${E2} <- us-eastport`, `UK-1 phone:${P1} <- ca-northbridge`, `UK-1 phone:${P1} <- us-eastport`]);
    expect(summary(await hitsOn(us))).toEqual(
      [`US-1 email:${E1} <- ca-northbridge`, `US-1 email:${E2} <- uk-kingsbridge`, `US-1 phone:${P1} <- ca-northbridge`, `US-1 phone:${P1} <- uk-kingsbridge`].sort(),
    );
    // Everything queued was delivered.
    for (const node of nodes) expect((await listPeers(node.store.db)).map((peer) => peer.pending)).toEqual([0, 0]);
  });

  it('says in a notice who to call and nothing else: the case reference and officer only where the case shares all', async () => {
    const fromUk = (await hitsOn(ca)).find((hit) => hit.from === 'uk-kingsbridge')!.notice;
    expect(fromUk).toEqual({
      node: 'uk-kingsbridge',
      reference: expect.stringMatching(/^XL-[0-9A-Z]{4}-[0-9A-Z]{4}$/),
      tag: expect.stringMatching(/^[0-9a-f]{32}$/),
      agency: { name: 'Kingsbridge Constabulary', country: 'GB' },
      contact: UK_CONTACT,
    });
    const fromUs = (await hitsOn(ca)).find((hit) => hit.from === 'us-eastport' && hit.selector === `email:${E1}`)!.notice;
    expect(fromUs).toMatchObject({ agency: { name: 'Eastport PD', country: 'US' }, contact: { ...US_CONTACT, officer: 'Det. Alvarez' }, case: { ref: 'US-1', officer: 'Det. Alvarez' } });
    // The reference leads the sending node back to its case (what it looks up when the other agency calls).
    const reference = fromUs['reference'] as string;
    const sent = await federationDb(us.store.db).selectFrom('federation_notices as n').innerJoin('cases as c', 'c.id', 'n.case_id').select('c.ref').where('n.reference', '=', reference).executeTakeFirst();
    expect(sent?.ref).toBe('US-1');
  });

  it('keeps a case that shares nothing, and a type a case does not share, out of it entirely', async () => {
    // UK-2 holds E1 and X1, which CA and US share: neither side hears of it.
    for (const node of nodes) {
      expect((await hitsOn(node)).filter((hit) => hit.case === 'UK-2' || hit.selector === `phone:${X1}` || hit.selector.startsWith('handle:'))).toEqual([]);
    }
    expect((await hitsOn(ca)).filter((hit) => hit.from === 'uk-kingsbridge' && hit.selector === `email:${E1}`)).toEqual([]);
    // What UK pushed: its sharing case's three selectors, nothing of UK-2's.
    const ukSent = await federationDb(uk.store.db).selectFrom('federation_mine as m').innerJoin('identifiers as i', 'i.id', 'm.identifier_id').select(['i.type', 'i.value']).distinct().execute();
    expect(ukSent.map((row) => `${row.type}:${row.value}`).sort()).toEqual([`email:${E2}`, 'phone:+442079460123', `phone:${P1}`].sort());
  });

  it('sends nothing a wire tap could turn back into a selector', async () => {
    const wire = nodes.map((node) => node.tap.text()).join('\n');
    expect(wire.length).toBeGreaterThan(10_000);
    const selectors = [`phone:${P1}`, `email:${E1}`, `email:${E2}`, `phone:${X1}`, `handle:${HANDLE}`, 'phone:+14165550999', 'phone:+442079460123'];
    const keys = (await Promise.all(nodes.map((node) => federationDb(node.store.db).selectFrom('federation_peers').select('psi_key').execute()))).flat().map((row) => row.psi_key);
    for (const selector of selectors) {
      const value = selector.slice(selector.indexOf(':') + 1);
      expect(wire.includes(value), selector).toBe(false);
      const digests = [selector, value].flatMap((text) => [createHash('sha256').update(text).digest(), createHash('md5').update(text).digest(), ...keys.map((key) => createHmac('sha256', key).update(text).digest())]);
      digests.push(Buffer.from(hashedSelector(selector)));
      for (const digest of digests) {
        for (const form of [digest.toString('hex'), digest.toString('base64'), digest.toString('base64url'), digest.subarray(0, 16).toString('hex')]) expect(wire.includes(form), `${selector} as a hash`).toBe(false);
      }
    }
  });

  it('audits every exchange on both sides, and never with a selector', async () => {
    for (const node of nodes) {
      const entries = await node.store.db.selectFrom('audit_log').select(['action', 'details']).where('action', 'like', 'federation.%').execute();
      const actions = new Set(entries.map((entry) => entry.action));
      for (const action of ['federation.push', 'federation.answer', 'federation.notice.queued', 'federation.notice.received', 'federation.hit']) expect(actions, `${node.name}: ${action}`).toContain(action);
      const text = JSON.stringify(entries);
      for (const value of [P1, E1, E2, X1]) expect(text.includes(value)).toBe(false);
    }
    const pushed = await ca.store.db.selectFrom('audit_log').select('details').where('action', '=', 'federation.push').where('target', '=', 'uk-kingsbridge').execute();
    expect(pushed.map((entry) => entry.details['selectors'])).toEqual([4]);
    const answered = await uk.store.db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'federation.answer').where('target', '=', 'ca-northbridge').execute();
    expect(answered).toEqual([{ actor: 'peer:ca-northbridge', details: expect.objectContaining({ peer: 'ca-northbridge', selectors: 4 }) }]);
  });

  it('shows investigators the hits of their own cases only, from the CLI functions and the API', async () => {
    const admin = (await ensureLocalAdmin(ca.store.db)).user;
    const member = await addUser(ca.store.db, admin, { name: 'moreau', role: 'analyst', agency: 'Northbridge Police' });
    const outsider = await addUser(ca.store.db, admin, { name: 'other', role: 'analyst', agency: 'Northbridge Police' });
    await grantCase(ca.store.db, admin, 'CA-1', 'moreau');
    const seen = await withUser(ca.store, { id: member.id, name: member.name }, (trx) => listFederatedHits(trx));
    expect(seen.map((hit) => `${hit.case} ${hit.identifier.type}:${hit.identifier.value} ${hit.node}`).sort()).toEqual([
      `CA-1 email:${E1} us-eastport`,
      `CA-1 phone:${P1} uk-kingsbridge`,
      `CA-1 phone:${P1} us-eastport`,
    ]);
    expect(await withUser(ca.store, { id: outsider.id, name: outsider.name }, (trx) => listFederatedHits(trx))).toEqual([]);

    const api = await buildServer(ca.store);
    try {
      const token = (await createToken(ca.store.db, admin, 'moreau')).token;
      const answer = await api.inject({ method: 'GET', url: '/api/federation/hits', headers: { authorization: `Bearer ${token}` } });
      expect(answer.statusCode).toBe(200);
      const hits = answer.json() as { case: string; reference: string; contact: Record<string, string>; otherCase: unknown }[];
      expect(hits).toHaveLength(3);
      expect(hits.find((hit) => hit.otherCase === null)?.contact).toEqual(UK_CONTACT);
      expect((await api.inject({ method: 'GET', url: '/api/federation/hits' })).statusCode).toBe(401);
      // The node-to-node endpoint on the API server: authenticated by signature, not by a session.
      expect((await api.inject({ method: 'POST', url: '/api/federation/psi', headers: { authorization: `Bearer ${token}` }, payload: {} })).statusCode).toBe(401);
    } finally {
      await api.close();
    }
  });

  it('sends only what was added since the last exchange', async () => {
    const quiet = await syncAll(uk.node, { actor: 'test' });
    expect(quiet.map((report) => report.pushed)).toEqual([0, 0]);
    // A new source in UK-1 mentions E1, which CA and US share.
    await uk.addSelectors(await uk.scopeOf('UK-1'), [['email', E1]]);
    const reports = await syncAll(uk.node, { actor: 'test' });
    expect(reports.map((report) => [report.peer, report.pushed, report.matches])).toEqual([
      ['ca-northbridge', 1, 1],
      ['us-eastport', 1, 1],
    ]);
    await round(nodes);
    expect(summary(await hitsOn(uk)).filter((line) => line.includes(E1))).toEqual([`UK-1 email:${E1} <- ca-northbridge`, `UK-1 email:${E1} <- us-eastport`]);
    expect(summary(await hitsOn(ca)).filter((line) => line.includes(E1))).toEqual([`CA-1 email:${E1} <- uk-kingsbridge`, `CA-1 email:${E1} <- us-eastport`]);
  });

  it('loses nothing while a peer is down, and catches up when it is back', async () => {
    const P7 = '+14165550777';
    await ca.addSelectors(await ca.scopeOf('CA-1'), [['phone', P7]]);
    await uk.addSelectors(await uk.scopeOf('UK-1'), [['phone', P7]]);
    await uk.stop();
    const whileDown = (await syncAll(ca.node, { actor: 'test' })).find((report) => report.peer === 'uk-kingsbridge')!;
    expect(whileDown.error).toMatch(/cannot reach|broke off|socket|ECONNRESET/i);
    expect(whileDown.pushed).toBe(0);
    await uk.start();
    await round([uk, ca, uk]);
    expect(summary(await hitsOn(uk)).filter((line) => line.includes(P7))).toEqual([`UK-1 phone:${P7} <- ca-northbridge`]);
    expect(summary(await hitsOn(ca)).filter((line) => line.includes(P7))).toEqual([`CA-1 phone:${P7} <- uk-kingsbridge`]);
  });

  it('retries a notice whose answer was lost after its back-off, and the peer applies it once', async () => {
    const P8 = '+14165550888';
    await ca.addSelectors(await ca.scopeOf('CA-1'), [['phone', P8]]);
    await uk.addSelectors(await uk.scopeOf('UK-1'), [['phone', P8]]);
    await syncAll(uk.node, { actor: 'test', peer: 'ca-northbridge' });
    // UK applies CA's notice, but the answer never reaches CA; then UK crashes and comes back.
    const applied = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM federation_inbox`.execute(uk.store.db)).rows[0]!.n);
    const appliedBefore = await applied();
    uk.tap.rules = [{ path: /notices/, mode: 'lose-answer' }];
    const before = Date.now();
    const lost = (await syncAll(ca.node, { actor: 'test', peer: 'uk-kingsbridge' }))[0]!;
    const after = Date.now();
    expect(lost).toMatchObject({ pushed: 1, matches: 1, notices: 1, delivered: 0, pending: 1 });
    const queued = await federationDb(ca.store.db).selectFrom('federation_outbox').select(['attempts', 'next_attempt_at']).where('delivered_at', 'is', null).executeTakeFirstOrThrow();
    expect(queued.attempts).toBe(1);
    expect(queued.next_attempt_at.getTime()).toBeGreaterThanOrEqual(before + backoffMs(1) - 5);
    expect(queued.next_attempt_at.getTime()).toBeLessThanOrEqual(after + backoffMs(1) + 5);
    uk.tap.rules = [];
    await uk.restart();
    const p8Hits = async () => (await hitsOn(uk)).filter((hit) => hit.selector === `phone:${P8}`);
    expect(await p8Hits()).toHaveLength(1);
    // Until the back-off has run out on CA's clock, the message waits; then it goes, and is acknowledged.
    ca.clockOffset = queued.next_attempt_at.getTime() - 1000 - Date.now();
    expect((await syncAll(ca.node, { actor: 'test', peer: 'uk-kingsbridge' }))[0]).toMatchObject({ delivered: 0, pending: 1 });
    ca.clockOffset = Math.max(0, queued.next_attempt_at.getTime() + 500 - Date.now());
    expect((await syncAll(ca.node, { actor: 'test', peer: 'uk-kingsbridge' }))[0]).toMatchObject({ delivered: 1, pending: 0 });
    ca.clockOffset = 0;
    // One message, delivered twice, applied once.
    expect(await p8Hits()).toHaveLength(1);
    expect(await applied()).toBe(appliedBefore + 1);
  });
});

describe('a node that shares nothing', () => {
  let ca: TestNode;
  let quiet: TestNode;

  beforeAll(async () => {
    ca = await TestNode.create('ca-northbridge');
    quiet = await TestNode.create('au-quiet');
    await meshOf([ca, quiet]);
    await ca.addCase({ agency: 'Northbridge Police', country: 'CA', ref: 'CA-1', sharing: 'all', selectors: [['phone', P1], ['email', E1]] });
    // The same selectors, in a case nobody decided to share.
    await quiet.addCase({ agency: 'Quiet Bay Police', country: 'AU', ref: 'AU-1', selectors: [['phone', P1], ['email', E1]] });
    for (let i = 0; i < 2; i++) await round([ca, quiet]);
  });
  afterAll(async () => {
    await ca?.close();
    await quiet?.close();
  });

  it('learns nothing and tells nothing', async () => {
    const count = async (node: TestNode, table: 'federation_mine' | 'federation_theirs' | 'federation_matches' | 'federation_hits' | 'federation_outbox') =>
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(node.store.db)).rows[0]!.n);
    // The quiet node pushed nothing, so CA holds nothing of it, found nothing and sent nothing…
    expect(await count(quiet, 'federation_mine')).toBe(0);
    expect(await count(ca, 'federation_theirs')).toBe(0);
    expect(await count(ca, 'federation_matches')).toBe(0);
    expect(await count(ca, 'federation_hits')).toBe(0);
    // …and the quiet node holds CA's two tags, which match nothing of its own: it learnt nothing.
    expect(await count(quiet, 'federation_theirs')).toBe(2);
    expect(await count(quiet, 'federation_matches')).toBe(0);
    expect(await count(quiet, 'federation_hits')).toBe(0);
    expect(await count(quiet, 'federation_outbox')).toBe(0);
  });
});
