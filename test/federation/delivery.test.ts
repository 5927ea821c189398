/**
 * How a hit notice reaches the other node soon: the node answering a push carries the notices it
 * queued in its reply (push.ts), the pusher says it stored them, and the outbox's copies, held back
 * meanwhile, are settled unsent (or, should that word be lost, sent later and acknowledged as seen);
 * deliveries kicked by queued messages (outbox.ts deliverSoon, what `crosslink federation serve`
 * runs) send the rest, one per burst of kicks, and try again after the back-off when they could not.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activePeers, deliverSoon, syncAll, type DeliverSoon, type Delivery } from '../../src/federation/index.ts';
import { CARRIED_GRACE_MS, enqueue } from '../../src/federation/outbox.ts';
import { APPLIED_PATH } from '../../src/federation/push.ts';
import { federationDb } from '../../src/federation/tables.ts';
import { exchange } from '../../src/federation/transport.ts';
import { TestNode, meshOf } from './harness.ts';
import { hitsOn, waitFor } from './helpers.ts';

describe('hit notice delivery', () => {
  let ca: TestNode;
  let uk: TestNode;
  let soon: DeliverSoon;
  const deliveries: Delivery[] = [];
  const undelivered = async (node: TestNode) =>
    federationDb(node.store.db).selectFrom('federation_outbox').select(['message_id', 'attempts']).where('delivered_at', 'is', null).execute();
  /** A notice queued on the UK node outside any push, about the match both nodes found in the first test; returns the peer id. */
  const queueNotice = async (reference: string): Promise<string> => {
    const [caPeer] = await activePeers(uk.store.db);
    const { tag } = await federationDb(uk.store.db).selectFrom('federation_notices').select('tag').executeTakeFirstOrThrow();
    const notice = { reference, tag: Buffer.from(tag).toString('hex'), agency: { name: 'Kingsbridge Constabulary', country: 'GB' }, contact: {} };
    await uk.store.db.transaction().execute((trx) => enqueue(trx, caPeer!.id, 'hit.notice', { node: 'uk-kingsbridge', notices: [notice] }));
    return caPeer!.id;
  };

  beforeAll(async () => {
    ca = await TestNode.create('ca-northbridge');
    uk = await TestNode.create('uk-kingsbridge');
    await meshOf([ca, uk]);
    await ca.addCase({ agency: 'Northbridge Police', country: 'CA', ref: 'CA-1', sharing: 'hit-only', selectors: [['phone', '+14165550101'], ['email', 'only.ca@example.org']] });
    await uk.addCase({ agency: 'Kingsbridge Constabulary', country: 'GB', ref: 'UK-1', sharing: 'hit-only', selectors: [['phone', '+14165550101'], ['email', 'only.uk@example.org']] });
    soon = deliverSoon(() => uk.node, { delayMs: 50, onDelivery: (_peer, delivery) => deliveries.push(delivery) });
  }, 120_000);
  afterAll(async () => {
    await soon?.stop();
    await ca?.close();
    await uk?.close();
  });

  const sent = (tap: TestNode['tap'], type: string) => tap.text().split(`"type":"${type}"`).length - 1;

  it('gives the pusher the answering node’s hits in the reply, and sends them only once', async () => {
    // The UK pushes first (no match on either side yet) …
    await syncAll(uk.node, { actor: 'test' });
    expect(await hitsOn(ca)).toEqual([]);
    // … then only the Canadian node runs a round: the UK finds the match while answering and
    // queues its notice, and the Canadian node has it when its round ends, with no UK round.
    const [pushed] = await syncAll(ca.node, { actor: 'test' });
    expect(pushed!.error).toBeUndefined();
    expect((await hitsOn(uk)).map((hit) => hit.selector)).toEqual(['phone:+14165550101']);
    expect((await hitsOn(ca)).map((hit) => `${hit.selector} <- ${hit.from}`)).toEqual(['phone:+14165550101 <- uk-kingsbridge']);
    // The Canadian node said it stored the notice: the UK's outbox copy is settled, never sent.
    expect(sent(uk.tap, 'hit.applied')).toBe(1);
    expect(await undelivered(uk)).toEqual([]);
    const [next] = await syncAll(uk.node, { actor: 'test' });
    expect(next).toMatchObject({ delivered: 0, pending: 0 });
    expect(sent(ca.tap, 'hit.notice')).toBe(0);
    expect(await hitsOn(ca)).toHaveLength(1);
  }, 60_000);

  it('delivers what was queued when kicked, and tries again after the back-off when it could not', async () => {
    const caPeer = await queueNotice('XL-TEST-0001');
    // The Canadian node cannot be reached for notices when the kicked delivery tries …
    ca.tap.rules = [{ path: /notices/, mode: 'down' }];
    soon.kick(caPeer);
    expect(await waitFor(async () => (await undelivered(uk)).some((message) => message.attempts > 0))).toBe(true);
    expect(await hitsOn(ca)).toHaveLength(1);
    // … and can again: the next delivery, after the back-off, sends it.
    ca.tap.rules = [];
    expect(await waitFor(async () => (await undelivered(uk)).length === 0)).toBe(true);
    expect((await hitsOn(ca)).map((hit) => hit.selector)).toEqual(['phone:+14165550101', 'phone:+14165550101']);
  }, 60_000);

  it('sends what a burst of kicks queued in one delivery', async () => {
    deliveries.length = 0;
    const peers = [];
    for (const reference of ['XL-TEST-0002', 'XL-TEST-0003', 'XL-TEST-0004']) peers.push(await queueNotice(reference));
    for (const peer of peers) soon.kick(peer);
    expect(await waitFor(async () => deliveries.length > 0 && (await undelivered(uk)).length === 0)).toBe(true);
    expect(deliveries).toEqual([{ delivered: 3, pending: 0 }]);
    expect(await hitsOn(ca)).toHaveLength(5);
  }, 60_000);

  it('sends the outbox’s copy after the grace when the pusher’s word is lost, and it changes nothing', async () => {
    await uk.addCase({ agency: 'Kingsbridge Constabulary', country: 'GB', ref: 'UK-2', sharing: 'hit-only', selectors: [['email', 'both.later@example.org']] });
    await ca.addCase({ agency: 'Northbridge Police', country: 'CA', ref: 'CA-2', sharing: 'hit-only', selectors: [['email', 'both.later@example.org']] });
    await syncAll(uk.node, { actor: 'test' });
    const noticesBefore = sent(ca.tap, 'hit.notice');
    uk.tap.rules = [{ path: /applied/, mode: 'down' }];
    await syncAll(ca.node, { actor: 'test' });
    uk.tap.rules = [];
    expect(await hitsOn(ca)).toHaveLength(6);
    // Held back: not sent in the UK's next round …
    expect(await syncAll(uk.node, { actor: 'test' })).toMatchObject([{ delivered: 0, pending: 1 }]);
    expect(sent(ca.tap, 'hit.notice')).toBe(noticesBefore);
    // … but once the grace has passed; the Canadian node has it already and stores nothing twice.
    uk.clockOffset = CARRIED_GRACE_MS + 1000;
    try {
      expect(await syncAll(uk.node, { actor: 'test' })).toMatchObject([{ delivered: 1, pending: 0 }]);
    } finally {
      uk.clockOffset = 0;
    }
    expect(sent(ca.tap, 'hit.notice')).toBe(noticesBefore + 1);
    expect(await hitsOn(ca)).toHaveLength(6);
  }, 60_000);

  it('takes a pusher’s word only in its exact shape, and only about what waits for that pusher', async () => {
    const [ukPeer] = await activePeers(ca.store.db);
    const say = (body: unknown) => exchange(ca.node, ukPeer!, APPLIED_PATH, 'hit.applied', 'ack', body);
    for (const body of [{}, { ids: [] }, { ids: ['not-an-id'] }, { ids: [randomUUID()], more: 1 }, { ids: Array.from({ length: 101 }, () => randomUUID()) }]) {
      await expect(say(body)).rejects.toThrow(/refused the message \(400\).*hit\.applied/);
    }
    // A message the UK queued for the Canadian node, waiting: a word about another id settles
    // nothing; about this one, it settles it, once.
    await queueNotice('XL-TEST-0005');
    const [waiting] = await undelivered(uk);
    expect(await say({ ids: [randomUUID()] })).toEqual({ settled: 0 });
    expect(await undelivered(uk)).toHaveLength(1);
    expect(await say({ ids: [waiting!.message_id] })).toEqual({ settled: 1 });
    expect(await undelivered(uk)).toEqual([]);
    expect(await say({ ids: [waiting!.message_id] })).toEqual({ settled: 0 });
  }, 60_000);
});
