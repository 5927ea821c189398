/**
 * The audit log under attack, on every backend: an edited, deleted, inserted or reordered row is
 * found and named; a truncated tail is found against a head recorded earlier. And searching it:
 * auditors and administrators see every entry, everyone else their own.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAudit, verifyAuditLog } from '../../src/access/index.ts';
import { appendAudit, appendAuditIn, auditHash, verifyAudit, type AuditVerification, type Database, type Store } from '../../src/store/index.ts';
import { BACKENDS } from '../backends.ts';
import { twoAgencies, type TwoAgencies } from './fixtures.ts';

class Rollback extends Error {}

/** Tampers as the owner would have to (append-only triggers off), verifies, and undoes it all. */
async function tampered(store: Store, tamper: (trx: Transaction<Database>) => Promise<void>): Promise<AuditVerification> {
  let verification: AuditVerification | undefined;
  await store.db
    .transaction()
    .execute(async (trx) => {
      await sql`SELECT set_config('crosslink.maintenance', 'on', true)`.execute(trx);
      await tamper(trx);
      verification = await verifyAudit(trx);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return verification!;
}

const rowsOf = (db: Kysely<Database>) => db.selectFrom('audit_log').selectAll().orderBy('id').execute();

describe.each(BACKENDS)('the audit log on $name', (backend) => {
  let store: Store;
  let world: TwoAgencies;
  let ids: string[];

  beforeAll(async () => {
    store = await backend.open();
    world = await twoAgencies(store);
    for (let i = 0; i < 12; i++) {
      await appendAudit(store.db, { actor: i % 2 ? 'alice' : 'bob', action: i % 3 ? 'search' : 'case.grant', caseId: i % 4 ? world.cases.a1.id : world.cases.b1.id, details: { i, text: `query ${i}` } });
      // A transaction that rolls back leaves a gap in the ids, as real failures do: room for a forged row.
      if (i === 5) await store.db.transaction().execute(async (trx) => {
        await appendAuditIn(trx, { actor: 'bob', action: 'search' });
        throw new Rollback();
      }).catch(() => undefined);
    }
    ids = (await rowsOf(store.db)).map((row) => row.id);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('verifies while intact', async () => {
    expect(await verifyAudit(store.db)).toEqual({ ok: true, rows: ids.length });
  });

  it('finds an edited row, whichever column changed', async () => {
    const target = ids[8]!;
    for (const change of [{ details: { i: 99 } }, { actor: 'mallory' }, { action: 'nothing' }, { at: new Date('2020-01-01T00:00:00Z') }, { case_id: world.cases.a2.id }, { target: 'x' }]) {
      const result = await tampered(store, async (trx) => {
        await trx.updateTable('audit_log').set(change as never).where('id', '=', target).execute();
      });
      expect(result, JSON.stringify(change)).toMatchObject({ ok: false, rows: 8, brokenAt: { id: target, reason: expect.stringMatching(/edited/) } });
    }
  });

  it('finds a deleted row at the row after it', async () => {
    for (const index of [0, 4, 10]) {
      const result = await tampered(store, async (trx) => {
        await trx.deleteFrom('audit_log').where('id', '=', ids[index]!).execute();
      });
      expect(result).toMatchObject({ ok: false, rows: index, brokenAt: { id: ids[index + 1], reason: expect.stringMatching(/removed or inserted/) } });
    }
  });

  it('finds an inserted row: a careless forgery at itself, a careful one at the row after it', async () => {
    const rows = await rowsOf(store.db);
    const gap = rows.findIndex((row, index) => index > 0 && BigInt(row.id) - BigInt(rows[index - 1]!.id) > 1n);
    expect(gap, 'the set-up leaves a gap in the ids').toBeGreaterThan(0);
    const before = rows[gap - 1]!;
    const forgedId = (BigInt(before.id) + 1n).toString();
    const entry = { at: new Date(before.at.getTime() + 1), actor: 'mallory', action: 'search', agency_id: null, case_id: null, target: null, details: { text: 'never happened' } };
    const insert = (hash: string) => async (trx: Transaction<Database>) => {
      await sql`INSERT INTO audit_log (id, at, actor, action, details, prev_hash, hash) OVERRIDING SYSTEM VALUE
                VALUES (${forgedId}, ${entry.at}, ${entry.actor}, ${entry.action}, ${JSON.stringify(entry.details)}::jsonb, ${before.hash}, ${hash})`.execute(trx);
    };
    expect(await tampered(store, insert(randomBytes(32).toString('hex')))).toMatchObject({ ok: false, brokenAt: { id: forgedId, reason: expect.stringMatching(/edited/) } });
    expect(await tampered(store, insert(auditHash(before.hash, entry)))).toMatchObject({ ok: false, brokenAt: { id: rows[gap]!.id, reason: expect.stringMatching(/removed or inserted/) } });
  });

  it('finds two rows swapped, at the first of them', async () => {
    const rows = await rowsOf(store.db);
    for (const [x, y] of [[2, 3], [1, 9]] as const) {
      const [first, second] = [rows[x]!, rows[y]!];
      const result = await tampered(store, async (trx) => {
        // Ids are generated always: a reorder moves every other column (hashes last: they are unique).
        const move = (from: typeof first, to: typeof first) =>
          trx.updateTable('audit_log').set({ at: from.at, actor: from.actor, action: from.action, agency_id: from.agency_id, case_id: from.case_id, target: from.target, details: from.details, prev_hash: from.prev_hash, hash: randomBytes(32).toString('hex') } as never).where('id', '=', to.id).execute();
        await move(first, second);
        await move(second, first);
        await trx.updateTable('audit_log').set({ hash: first.hash } as never).where('id', '=', second.id).execute();
        await trx.updateTable('audit_log').set({ hash: second.hash } as never).where('id', '=', first.id).execute();
      });
      expect(result).toMatchObject({ ok: false, rows: x, brokenAt: { id: rows[x]!.id } });
    }
  });

  it('finds a truncated tail against a head recorded earlier, and lets only auditors and administrators verify', async () => {
    await expect(verifyAuditLog(store.db, world.users.b)).rejects.toThrow(/only auditors and administrators/);
    const first = await verifyAuditLog(store.db, world.users.auditor);
    expect(first).toMatchObject({ ok: true, head: { id: ids.at(-1), hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const head = first.head!;
    await appendAudit(store.db, { actor: 'bob', action: 'search' });
    expect(await verifyAuditLog(store.db, world.users.auditor, { head: head.hash })).toMatchObject({ ok: true, headFound: true });
    await expect(verifyAuditLog(store.db, world.users.auditor, { head: 'abc' })).rejects.toThrow(/not a SHA-256 hash/);

    // Cut the log back to before the recorded head: the chain that is left is consistent, but the head is gone.
    await store.db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('crosslink.maintenance', 'on', true)`.execute(trx);
      await trx.deleteFrom('audit_log').where('id', '>=', head.id).execute();
    });
    expect(await verifyAudit(store.db)).toMatchObject({ ok: true });
    const cut = await verifyAuditLog(store.db, world.admin, { head: head.hash });
    expect(cut).toMatchObject({ ok: false, headFound: false, brokenAt: { reason: expect.stringMatching(/recorded head is no longer in the chain/) } });
  });

  it('searches by actor, action, case and time; non-auditors only their own entries', async () => {
    const all = await searchAudit(store.db, world.users.auditor, { limit: 1000 });
    expect(all.length).toBeGreaterThan(5);
    expect(all.map((entry) => Number(entry.id))).toEqual([...all.map((entry) => Number(entry.id))].sort((a, b) => b - a));
    const alices = await searchAudit(store.db, world.users.auditor, { actor: 'ALICE' });
    expect(alices.length).toBeGreaterThan(0);
    expect(alices.every((entry) => entry.actor === 'alice')).toBe(true);
    const grants = await searchAudit(store.db, world.users.auditor, { action: 'case.' });
    expect(grants.length).toBeGreaterThan(0);
    expect(grants.every((entry) => entry.action.startsWith('case.'))).toBe(true);
    const exact = await searchAudit(store.db, world.users.auditor, { action: 'search' });
    expect(exact.every((entry) => entry.action === 'search')).toBe(true);
    const inB = await searchAudit(store.db, world.users.auditor, { caseRef: 'b-1' });
    expect(inB.length).toBeGreaterThan(0);
    expect(inB.every((entry) => entry.case === 'B-1')).toBe(true);
    const future = await searchAudit(store.db, world.users.auditor, { from: new Date(Date.now() + 86_400_000) });
    expect(future).toEqual([]);
    const past = await searchAudit(store.db, world.users.auditor, { to: new Date('2000-01-01') });
    expect(past).toEqual([]);
    const own = await searchAudit(store.db, world.users.b, { limit: 1000 });
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((entry) => entry.actor === 'bob')).toBe(true);
    expect(await searchAudit(store.db, world.users.b, { actor: 'alice' })).toEqual([]);
  });

  // Last: its entries would change the counts the tests above check.
  it('keeps one chain when many connections append at once, each entry with its own content', async () => {
    const before = (await rowsOf(store.db)).length;
    const details = Array.from({ length: 24 }, (_, i) => ({ i, text: `säm ${i} "quoted" \\ ${'x'.repeat(i * 40)}` }));
    await Promise.all(details.map((detail, i) => (i % 3 === 0 ? appendAudit(store.db, { actor: 'carol', action: 'concurrent', details: detail }) : store.db.transaction().execute((trx) => appendAuditIn(trx, { actor: 'carol', action: 'concurrent', details: detail })))));
    const rows = await rowsOf(store.db);
    expect(rows.length).toBe(before + details.length);
    expect(new Set(rows.map((row) => row.prev_hash)).size).toBe(rows.length);
    expect(rows.filter((row) => row.action === 'concurrent').map((row) => row.details).sort((a, b) => Number(a['i']) - Number(b['i']))).toEqual(details);
    expect(await verifyAudit(store.db)).toEqual({ ok: true, rows: rows.length });
  });
});
