/**
 * A sync of many batches (sync.ts keeps two pushes to a peer under way at once): every selector is
 * exchanged once, both sides find exactly the common ones, and a peer that goes away in the middle
 * of a round leaves nothing half-done — the next round sends only what is left.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncAll } from '../../src/federation/index.ts';
import { TestNode, meshOf } from './harness.ts';
import { hitsOn, round } from './helpers.ts';

const BATCH = 4;
const phone = (i: number) => `+1416555${String(1000 + i).padStart(4, '0')}`;

describe('a sync of many small batches', () => {
  let ca: TestNode;
  let uk: TestNode;

  const exchanged = async (node: TestNode) => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM federation_mine`.execute(node.store.db)).rows[0]!.n);
  const pushesAudited = async (node: TestNode) =>
    Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log WHERE action = 'federation.push'`.execute(node.store.db)).rows[0]!.n);

  beforeAll(async () => {
    ca = await TestNode.create('ca-northbridge', 'embedded', BATCH);
    uk = await TestNode.create('uk-kingsbridge', 'embedded', BATCH);
    await meshOf([ca, uk]);
    // 30 on each side, 10 of them common (phones 0–9).
    const selectors = (from: number) => Array.from({ length: 30 }, (_, k) => ['phone', phone(k < 10 ? k : from + k)] as [string, string]);
    await ca.addCase({ agency: 'Northbridge Police', country: 'CA', ref: 'CA-1', sharing: 'hit-only', selectors: selectors(100) });
    await uk.addCase({ agency: 'Kingsbridge Constabulary', country: 'GB', ref: 'UK-1', sharing: 'hit-only', selectors: selectors(200) });
  }, 120_000);
  afterAll(async () => {
    await ca?.close();
    await uk?.close();
  });

  it('exchanges each selector once and finds exactly the common ones on both sides', async () => {
    const first = await round([ca, uk, ca]);
    expect(first.filter((report) => report.error)).toEqual([]);
    expect(first.reduce((sum, report) => sum + report.pushed, 0)).toBe(60);
    expect(await exchanged(ca)).toBe(30);
    expect(await exchanged(uk)).toBe(30);
    expect(await pushesAudited(ca)).toBe(Math.ceil(30 / BATCH));
    const common = Array.from({ length: 10 }, (_, i) => `phone:${phone(i)}`).sort();
    expect((await hitsOn(ca)).map((hit) => hit.selector).sort()).toEqual(common);
    expect((await hitsOn(uk)).map((hit) => hit.selector).sort()).toEqual(common);
  });

  it('leaves nothing half-done when the peer goes away mid-round, and the next round sends only the rest', async () => {
    await ca.addSelectors(await ca.scopeOf('CA-1'), Array.from({ length: 40 }, (_, k) => ['phone', phone(300 + k)] as [string, string]));
    await uk.addSelectors(await uk.scopeOf('UK-1'), [['phone', phone(339)]]);
    const before = await exchanged(ca);
    // The peer stops once the first push of the round is stored: the rest fail.
    const rounding = syncAll(ca.node, { actor: 'test' });
    while ((await exchanged(ca)) === before) await new Promise((resolve) => setTimeout(resolve, 2));
    await uk.stop();
    const [broken] = await rounding;
    expect(broken!.error).toMatch(/cannot reach|broke off|socket|ECONNRESET/i);
    expect(broken!.pushed).toBeLessThan(40);
    await uk.start();
    const partly = await exchanged(ca);
    expect(partly - before).toBe(broken!.pushed);
    const after = await round([uk, ca, uk, ca]);
    expect(after.filter((report) => report.error)).toEqual([]);
    expect(await exchanged(ca)).toBe(before + 40);
    expect((await hitsOn(ca)).filter((hit) => hit.selector === `phone:${phone(339)}`)).toHaveLength(1);
    expect((await hitsOn(uk)).filter((hit) => hit.selector === `phone:${phone(339)}`)).toHaveLength(1);
  });
});
