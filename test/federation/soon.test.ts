/**
 * Rounds kicked by queued notices (sync.ts syncSoon, what `crosslink federation serve` runs): the
 * node that answers a push and finds a match tells the pusher without anyone starting a round on
 * it, and a round asked for while one runs follows it instead of joining it (the running round
 * may have read its outbox already).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activePeers, syncAll, syncPeer, syncSoon, type SyncSoon } from '../../src/federation/index.ts';
import { federationDb } from '../../src/federation/tables.ts';
import { TestNode, meshOf } from './harness.ts';
import { hitsOn } from './helpers.ts';

describe('rounds kicked by queued notices', () => {
  let ca: TestNode;
  let uk: TestNode;
  let soon: SyncSoon;

  beforeAll(async () => {
    ca = await TestNode.create('ca-northbridge');
    uk = await TestNode.create('uk-kingsbridge');
    await meshOf([ca, uk]);
    await ca.addCase({ agency: 'Northbridge Police', country: 'CA', ref: 'CA-1', sharing: 'hit-only', selectors: [['phone', '+14165550101'], ['email', 'only.ca@example.org']] });
    await uk.addCase({ agency: 'Kingsbridge Constabulary', country: 'GB', ref: 'UK-1', sharing: 'hit-only', selectors: [['phone', '+14165550101'], ['email', 'only.uk@example.org']] });
    soon = syncSoon(() => uk.node, { delayMs: 50 });
    uk.onQueued = (peerId) => soon.kick(peerId);
  }, 120_000);
  afterAll(async () => {
    await soon?.stop();
    await ca?.close();
    await uk?.close();
  });

  it('delivers the notices a node queued while answering a push, with no round started on that node', async () => {
    // The UK pushes first (the Canadian node has not pushed yet: no match on either side) …
    await syncAll(uk.node, { actor: 'test' });
    expect(await hitsOn(ca)).toEqual([]);
    // … then only the Canadian node runs a round: the UK node finds the match while answering it,
    // queues its notice, and its kicked round delivers it (again after the back-off, should the
    // notice arrive before the Canadian node has recorded its own push and be refused for now).
    const [pushed] = await syncAll(ca.node, { actor: 'test' });
    expect(pushed!.error).toBeUndefined();
    expect((await hitsOn(uk)).map((hit) => hit.selector)).toEqual(['phone:+14165550101']);
    const deadline = Date.now() + 20_000;
    while ((await hitsOn(ca)).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await hitsOn(ca)).map((hit) => `${hit.selector} <- ${hit.from}`)).toEqual(['phone:+14165550101 <- uk-kingsbridge']);
  }, 60_000);

  it('tries again after the back-off when a kicked round could not deliver', async () => {
    await ca.addSelectors(await ca.scopeOf('CA-1'), [['phone', '+14165550202']]);
    await uk.addSelectors(await uk.scopeOf('UK-1'), [['phone', '+14165550202']]);
    await syncAll(uk.node, { actor: 'test' });
    // The Canadian node cannot be reached for notices when the UK's kicked round tries.
    ca.tap.rules = [{ path: /notices/, mode: 'down' }];
    await syncAll(ca.node, { actor: 'test' });
    const attempted = async () => (await federationDb(uk.store.db).selectFrom('federation_outbox').select('id').where('delivered_at', 'is', null).where('attempts', '>', 0).execute()).length > 0;
    const deadline = Date.now() + 20_000;
    while (!(await attempted()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await attempted()).toBe(true);
    ca.tap.rules = [];
    while (!(await hitsOn(ca)).some((hit) => hit.selector === 'phone:+14165550202') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await hitsOn(ca)).map((hit) => hit.selector).sort()).toEqual(['phone:+14165550101', 'phone:+14165550202']);
  }, 60_000);

  it('joins a running round, unless a fresh one is asked for: that one follows it, shared by every caller meanwhile', async () => {
    const [peer] = await activePeers(uk.store.db);
    const running = syncPeer(uk.node, peer!);
    expect(syncPeer(uk.node, peer!)).toBe(running);
    const fresh = syncPeer(uk.node, peer!, { fresh: true });
    expect(fresh).not.toBe(running);
    expect(syncPeer(uk.node, peer!, { fresh: true })).toBe(fresh);
    let freshEnded = false;
    void fresh.then(() => (freshEnded = true));
    await running;
    expect(freshEnded).toBe(false);
    expect((await fresh).error).toBeUndefined();
    // Once both ended, a call starts a round of its own again.
    const next = syncPeer(uk.node, peer!, { fresh: true });
    expect(next).not.toBe(fresh);
    await next;
  }, 60_000);
});
