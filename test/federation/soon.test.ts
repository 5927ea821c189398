/**
 * New data reaches the other nodes without waiting for the periodic round: the store announces a
 * completed source, a sharing policy or a registration (store/notify.ts, migration 0022), and a
 * node listening runs a round soon after (sync.ts syncSoon, as `crosslink federation serve` does).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalAdmin } from '../../src/access/index.ts';
import { coalescer } from '../../src/federation/coalesce.ts';
import { deliverSoon, setCasePolicy, syncAll, syncSoon, type DeliverSoon, type SyncSoon } from '../../src/federation/index.ts';
import { ingestSource } from '../../src/ingest/index.ts';
import { listen, NEW_DATA_CHANNEL, type Listening } from '../../src/store/index.ts';
import { TestNode, meshOf } from './harness.ts';
import { hitsOn, waitFor } from './helpers.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('coalescer', () => {
  it('runs a burst of requests once, and once more for requests during the run', async () => {
    const runs: string[] = [];
    let release: () => void = () => undefined;
    const soon = coalescer(async (key) => {
      runs.push(key);
      if (key === 'a' && runs.filter((run) => run === 'a').length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    for (let i = 0; i < 5; i++) soon.later('a', 10);
    soon.later('b', 10);
    await waitFor(() => runs.length === 2);
    expect([...runs].sort()).toEqual(['a', 'b']);
    // 'a' is still in its first run: three more requests for it wait, then run once.
    for (let i = 0; i < 3; i++) soon.later('a', 0);
    await pause(50);
    expect(runs.filter((key) => key === 'a')).toHaveLength(1);
    release();
    await waitFor(() => runs.filter((key) => key === 'a').length === 2);
    await pause(50);
    expect(runs.filter((key) => key === 'a')).toHaveLength(2);
    await soon.stop();
  });

  it('runs nothing after stop, and keeps going after a failed run', async () => {
    let runs = 0;
    const soon = coalescer(async () => {
      runs++;
      throw new Error('peer down');
    });
    soon.later('a', 0);
    await waitFor(() => runs === 1);
    soon.later('a', 0);
    await waitFor(() => runs === 2);
    soon.later('a', 20);
    await soon.stop();
    await pause(60);
    expect(runs).toBe(2);
  });
});

for (const backend of ['embedded', 'postgres'] as const) {
  describe(`a new source's hits without a manual sync (${backend})`, () => {
    let ca: TestNode;
    let uk: TestNode;
    let rounds: SyncSoon;
    let deliveries: DeliverSoon;
    let listening: Listening;
    let folder: string;
    const told: number[] = [];
    const failures: string[] = [];

    beforeAll(async () => {
      ca = await TestNode.create('ca-northbridge', backend);
      uk = await TestNode.create('uk-kingsbridge', backend);
      await meshOf([ca, uk]);
      await ca.addCase({ agency: 'Northbridge Police', country: 'CA', ref: 'CA-1', sharing: 'hit-only', selectors: [['email', 'only.ca@example.org']] });
      await uk.addCase({ agency: 'Kingsbridge Constabulary', country: 'GB', ref: 'UK-1', sharing: 'hit-only', selectors: [['email', 'dana.reed@example.org']] });
      // Yesterday's rounds: each node has pushed what it held then.
      await syncAll(uk.node, { actor: 'test' });
      await syncAll(ca.node, { actor: 'test' });
      // The Canadian node as `crosslink federation serve` runs it: rounds on new data, notices delivered soon.
      deliveries = deliverSoon(() => ca.node, { delayMs: 50 });
      ca.node = { ...ca.node, onQueued: (peerId) => deliveries.kick(peerId) };
      rounds = syncSoon(() => ca.node, {
        delayMs: 50,
        actor: 'test',
        onRound: (reports) => failures.push(...reports.flatMap((report) => (report.error ? [report.error] : []))),
        onError: (error) => failures.push(error.message),
      });
      listening = await listen(ca.store, NEW_DATA_CHANNEL, () => {
        told.push(Date.now());
        rounds.kick();
      });
      folder = mkdtempSync(join(tmpdir(), 'crosslink-soon-'));
    }, 180_000);
    afterAll(async () => {
      await listening?.stop();
      await rounds?.stop();
      await deliveries?.stop();
      await ca?.close();
      await uk?.close();
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    it('tells a listener when a source completes, and the hit is on both nodes soon after', async () => {
      const chat = join(folder, 'WhatsApp Chat with Sam.txt');
      writeFileSync(chat, ['12/03/2024, 14:05 - Sam: new number, same me', '12/03/2024, 14:06 - Sam: write to dana.reed@example.org about the bikes', ''].join('\n'));
      const before = told.length;
      await ingestSource(ca.store, chat, { caseRef: 'CA-1', actor: 'test', secret: Buffer.alloc(32, 1) });
      expect(await waitFor(() => told.length > before)).toBe(true);
      expect(await waitFor(async () => (await hitsOn(ca)).length > 0 && (await hitsOn(uk)).length > 0)).toBe(true);
      expect((await hitsOn(ca)).map((hit) => `${hit.selector} <- ${hit.from}`)).toEqual(['email:dana.reed@example.org <- uk-kingsbridge']);
      expect((await hitsOn(uk)).map((hit) => `${hit.selector} <- ${hit.from}`)).toEqual(['email:dana.reed@example.org <- ca-northbridge']);
      expect(failures).toEqual([]);
    }, 120_000);

    it('tells it when a sharing policy changes, once per transaction, and not for a rollback', async () => {
      const admin = (await ensureLocalAdmin(ca.store.db)).user;
      const before = told.length;
      await setCasePolicy(ca.store.db, admin, 'CA-1', 'all', null);
      expect(await waitFor(() => told.length === before + 1)).toBe(true);
      await ca.store.db
        .transaction()
        .execute(async (trx) => {
          await setCasePolicy(trx, admin, 'CA-1', 'hit-only', null);
          throw new Error('changed my mind');
        })
        .catch(() => undefined);
      await pause(300);
      expect(told).toHaveLength(before + 1);
    }, 60_000);
  });
}

describe('a round that could not reach a peer', () => {
  let ca: TestNode;
  let uk: TestNode;
  let rounds: SyncSoon;
  const failures: string[] = [];

  beforeAll(async () => {
    ca = await TestNode.create('ca-northbridge');
    uk = await TestNode.create('uk-kingsbridge');
    await meshOf([ca, uk]);
    await ca.addCase({ agency: 'Northbridge Police', country: 'CA', ref: 'CA-1', sharing: 'hit-only', selectors: [['phone', '+14165550101']] });
    await uk.addCase({ agency: 'Kingsbridge Constabulary', country: 'GB', ref: 'UK-1', sharing: 'hit-only', selectors: [['phone', '+14165550101']] });
    await syncAll(uk.node, { actor: 'test' });
    rounds = syncSoon(() => ca.node, { actor: 'test', onRound: (reports) => failures.push(...reports.flatMap((report) => (report.error ? [report.error] : []))) });
  }, 120_000);
  afterAll(async () => {
    await rounds?.stop();
    await ca?.close();
    await uk?.close();
  });

  it('is tried again after the back-off, not only at the next periodic round', async () => {
    uk.tap.rules = [{ path: /./, mode: 'down' }];
    rounds.now();
    expect(await waitFor(() => failures.length > 0)).toBe(true);
    expect(failures[0]).toMatch(/cannot reach|closed|reset|socket/i);
    uk.tap.rules = [];
    // The first back-off is 2 s (outbox.ts); nothing else runs a round here.
    expect(await waitFor(async () => (await hitsOn(ca)).length > 0, 15_000)).toBe(true);
    expect((await hitsOn(ca)).map((hit) => `${hit.selector} <- ${hit.from}`)).toEqual(['phone:+14165550101 <- uk-kingsbridge']);
  }, 60_000);
});
