/**
 * The store's announcements of new data (store/notify.ts, migration 0022) on both backends: a
 * completed source notifies once, a failed one or a rolled-back completion does not; and on a
 * server, a listener whose connection is cut reconnects and calls back once for what it missed.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { addAgency, completeSource, listen, NEW_DATA_CHANNEL, openCase, registerSource, type Store } from '../src/store/index.ts';
import { BACKENDS } from './backends.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function newSource(store: Store): Promise<string> {
  const existing = await store.db.selectFrom('cases').select(['id', 'agency_id']).where('ref', '=', 'NB-1').executeTakeFirst();
  const scope = existing
    ? { agencyId: existing.agency_id, caseId: existing.id }
    : await (async () => {
        const agency = await addAgency(store.db, { name: 'Northbridge Police', country: 'CA' });
        const opened = await openCase(store.db, { ref: 'NB-1', agency: agency.name });
        return { agencyId: agency.id, caseId: opened.id };
      })();
  const { source } = await registerSource(store.db, scope, { sha256: randomBytes(32).toString('hex'), bytes: 1, originalName: 'photos', format: 'media-folder', ingestedBy: 'test' });
  return source.id;
}

for (const backend of BACKENDS) {
  describe(`new-data notifications (${backend.name})`, () => {
    const stores: Store[] = [];
    afterAll(async () => {
      for (const store of stores) await store.close();
    });

    it('come once for a completed source, and not for a failed one or a rollback', async () => {
      const store = await backend.open();
      stores.push(store);
      let told = 0;
      const listening = await listen(store, NEW_DATA_CHANNEL, () => told++);
      try {
        await completeSource(store.db, await newSource(store), { status: 'complete', records: 3, rejects: 0 });
        for (let i = 0; i < 100 && told === 0; i++) await pause(20);
        expect(told).toBe(1);
        await completeSource(store.db, await newSource(store), { status: 'failed', records: 0, rejects: 1 });
        const pending = await newSource(store);
        await store.db
          .transaction()
          .execute(async (trx) => {
            await completeSource(trx, pending, { status: 'complete', records: 1, rejects: 0 });
            throw new Error('rolled back');
          })
          .catch(() => undefined);
        await pause(300);
        expect(told).toBe(1);
      } finally {
        await listening.stop();
      }
    }, 60_000);

    if (backend.name === 'postgres') {
      it('reconnect after the connection is cut, calling back once for what was missed', async () => {
        const store = await backend.open();
        stores.push(store);
        let told = 0;
        const errors: string[] = [];
        const listening = await listen(store, NEW_DATA_CHANNEL, () => told++, (error) => errors.push(error.message));
        try {
          const cut = await sql<{ cut: boolean }>`
            SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity
            WHERE application_name = 'crosslink listen' AND datname = current_database()`.execute(store.db);
          expect(cut.rows.map((row) => row.cut)).toEqual([true]);
          for (let i = 0; i < 100 && errors.length === 0; i++) await pause(20);
          expect(errors.length).toBeGreaterThan(0);
          // Reconnected (after RECONNECT_MS, 5 s): one call for whatever happened meanwhile.
          for (let i = 0; i < 500 && told === 0; i++) await pause(20);
          expect(told).toBe(1);
          await completeSource(store.db, await newSource(store), { status: 'complete', records: 1, rejects: 0 });
          for (let i = 0; i < 100 && told === 1; i++) await pause(20);
          expect(told).toBe(2);
        } finally {
          await listening.stop();
        }
      }, 60_000);
    }
  });
}
