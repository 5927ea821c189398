/** Selectors for the federation benchmarks: loaded into a case that shares them (hit-only), as one source. */
import { randomBytes } from 'node:crypto';
import { federationDb } from '../../src/federation/tables.ts';
import { addAgency, appendMentions, ensureEntity, internIdentifiers, openCase, registerSource, type Store } from '../../src/store/index.ts';

/** Adds `selectors` ([type, value]) to case `ref` of `agency`, both made on first use, the case sharing hit-only. */
export async function loadSharedCase(store: Store, agency: string, ref: string, selectors: [string, string][]): Promise<void> {
  const db = store.db;
  const owner = await addAgency(db, { name: agency, country: 'CA' }).catch(async () => await db.selectFrom('agencies').selectAll().where('name', '=', agency).executeTakeFirstOrThrow());
  const existing = await db.selectFrom('cases').select(['id', 'agency_id']).where('ref', '=', ref).executeTakeFirst();
  const opened = existing ?? (await openCase(db, { ref, agency }));
  const scope = { agencyId: owner.id, caseId: opened.id };
  if (!existing) await federationDb(db).insertInto('federation_case_policy').values({ case_id: opened.id, agency_id: owner.id, sharing: 'hit-only', types: null }).execute();
  const { source } = await registerSource(db, scope, { sha256: randomBytes(32).toString('hex'), bytes: selectors.length, originalName: 'bench.txt', format: 'text', ingestedBy: 'bench' });
  const entity = await ensureEntity(db, scope, { kind: 'person', key: `bench-${source.id}`, label: 'Bench person', sourceId: source.id });
  for (let start = 0; start < selectors.length; start += 5000) {
    const ids = await internIdentifiers(
      db,
      selectors.slice(start, start + 5000).map(([type, value]) => ({ type, value })),
    );
    await appendMentions(
      db,
      scope,
      [...ids.values()].map((identifierId) => ({ identifierId, sourceId: source.id, entityId: entity.id })),
    );
  }
}
