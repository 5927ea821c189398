/**
 * Hit notice references are 40 random bits (XL-7K3M-Q9TD, read over the phone): among a node's
 * hundreds of thousands of notices two meet now and then. A notice whose reference is taken gets a
 * new one instead of failing the whole push; a notice recorded before is still recorded only once.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activePeers } from '../../src/federation/index.ts';
import { newReferences, recordNotices, type NoticeCandidate } from '../../src/federation/notices.ts';
import { sharingCases } from '../../src/federation/policy.ts';
import { TestNode, meshOf } from './harness.ts';

describe('hit notice references', () => {
  let ca: TestNode;
  let uk: TestNode;

  beforeAll(async () => {
    ca = await TestNode.create('ca-northbridge');
    uk = await TestNode.create('uk-kingsbridge');
    await meshOf([ca, uk]);
    await ca.addCase({ agency: 'Northbridge Police', country: 'CA', ref: 'CA-1', sharing: 'hit-only', selectors: [['phone', '+14165550101'], ['email', 'a@example.org'], ['email', 'b@example.org']] });
  }, 120_000);
  afterAll(async () => {
    await ca?.close();
    await uk?.close();
  });

  it('reads well over the phone and does not repeat within a draw', () => {
    const references = newReferences(2_000);
    for (const reference of references.slice(0, 100)) expect(reference).toMatch(/^XL-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    // 2,000 of 2^40: a repeat here would be one chance in about 550,000.
    expect(new Set(references).size).toBe(references.length);
  });

  it('gives a notice whose reference is taken a new one, and records a notice only once', async () => {
    const [peer] = await activePeers(ca.store.db);
    const ids = (await sql<{ id: string }>`SELECT id::text AS id FROM identifiers ORDER BY id`.execute(ca.store.db)).rows.map((row) => row.id);
    const holders = await sharingCases(ca.store.db, ids);
    expect(holders).toHaveLength(3);
    const tag = (n: number) => Buffer.alloc(16, n);
    const rows = async () => (await sql<{ reference: string }>`SELECT reference FROM federation_notices ORDER BY reference`.execute(ca.store.db)).rows.map((row) => row.reference);

    const first: NoticeCandidate[] = [{ holder: holders[0]!, reference: 'XL-AAAA-AAAA', tag: tag(1) }];
    expect((await ca.store.db.transaction().execute((trx) => recordNotices(trx, peer!, first))).size).toBe(1);

    const batch: NoticeCandidate[] = [
      // the same notice again (peer, tag and case): not recorded twice
      { holder: holders[0]!, reference: 'XL-BBBB-BBBB', tag: tag(1) },
      // a reference taken by a recorded notice
      { holder: holders[1]!, reference: 'XL-AAAA-AAAA', tag: tag(2) },
      // two notices drawing the same reference in one batch
      { holder: holders[2]!, reference: 'XL-CCCC-CCCC', tag: tag(3) },
      { holder: holders[1]!, reference: 'XL-CCCC-CCCC', tag: tag(4) },
    ];
    const recorded = await ca.store.db.transaction().execute((trx) => recordNotices(trx, peer!, batch));
    expect(batch.map((candidate) => recorded.has(candidate))).toEqual([false, true, true, true]);
    expect(batch[1]!.reference).not.toBe('XL-AAAA-AAAA');
    const references = [first[0]!, ...batch.slice(1)].map((candidate) => candidate.reference);
    expect(new Set(references).size).toBe(4);
    expect(await rows()).toEqual([...references].sort());
  });
});
