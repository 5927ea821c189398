/**
 * Reads' audit entries written together (api/audit-queue.ts), on every backend: concurrent
 * appends all land, in the order they were made, each with the time it was made, on an intact
 * chain; a batch that fails fails every request in it and leaves the chain whole for the next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditQueue } from '../../src/api/audit-queue.ts';
import { appendAuditBatch, verifyAudit, type Store } from '../../src/store/index.ts';
import { BACKENDS } from '../backends.ts';

describe.each(BACKENDS)('the audit queue on $name', (backend) => {
  let store: Store;

  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  const entries = (action: string) => store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

  it('appends concurrent reads in the order made, with their own times, on an intact chain', async () => {
    const queue = new AuditQueue(store.db, 7);
    const made: Date[] = [];
    const appends = Array.from({ length: 40 }, (_, i) => {
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i));
      made.push(at);
      return queue.append({ actor: i % 2 ? 'alice' : 'bob', action: 'test.read', target: `e${i}`, details: { i }, at });
    });
    await Promise.all(appends);
    await queue.idle();
    const rows = await entries('test.read');
    expect(rows.map((row) => row.target)).toEqual(Array.from({ length: 40 }, (_, i) => `e${i}`));
    expect(rows.map((row) => row.at.getTime())).toEqual(made.map((at) => at.getTime()));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(await verifyAudit(store.db)).toMatchObject({ ok: true });
  });

  it('fails every request of a batch that cannot be written, and appends the next ones on the same chain', async () => {
    const queue = new AuditQueue(store.db);
    // The first is written at once; the two queued while it is written go together as the next
    // batch, where the unknown case fails the whole insert.
    const alone = queue.append({ actor: 'alice', action: 'test.batch', target: 'alone' });
    const good = queue.append({ actor: 'alice', action: 'test.batch', target: 'good' });
    const bad = queue.append({ actor: 'alice', action: 'test.batch', target: 'bad', caseId: '987654321' });
    const settled = await Promise.allSettled([alone, good, bad]);
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect((await entries('test.batch')).map((row) => row.target)).toEqual(['alone']);
    await queue.append({ actor: 'alice', action: 'test.batch', target: 'after' });
    expect((await entries('test.batch')).map((row) => row.target)).toEqual(['alone', 'after']);
    expect(await verifyAudit(store.db)).toMatchObject({ ok: true });
  });

  it('chains a batch in the order given', async () => {
    const written = await appendAuditBatch(store.db, [
      { actor: 'bob', action: 'test.order', target: 'a' },
      { actor: 'bob', action: 'test.order', target: 'b' },
      { actor: 'bob', action: 'test.order', target: 'c' },
    ]);
    expect(written.map((row) => row.target)).toEqual(['a', 'b', 'c']);
    expect(written[1]!.prev_hash).toBe(written[0]!.hash);
    expect(written[2]!.prev_hash).toBe(written[1]!.hash);
    expect(await verifyAudit(store.db)).toMatchObject({ ok: true });
  });
});
