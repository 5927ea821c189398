/**
 * Loads a generated world into a store: its agencies and cases from the manifest. Re-running
 * adds only what is missing. Ingesting the world's files arrives with the ingest issue.
 */
import { addAgency, appendAudit, findAgency, findCase, openCase, type Store } from '../store/index.ts';
import { readManifest } from './manifest.ts';

export interface LoadResult {
  dir: string;
  agencies: { created: number; existing: number };
  cases: { created: number; existing: number };
  /** Files the manifest lists; ingestion (a later issue) reads them. */
  files: number;
  ingested: number;
}

export async function loadWorld(store: Store, dir: string, actor: string): Promise<LoadResult> {
  const manifest = await readManifest(dir);
  const result: LoadResult = { dir, agencies: { created: 0, existing: 0 }, cases: { created: 0, existing: 0 }, files: 0, ingested: 0 };
  for (const agency of manifest.agencies) {
    if (await findAgency(store.db, agency.name)) {
      result.agencies.existing++;
      continue;
    }
    const row = await addAgency(store.db, { name: agency.name, country: agency.country, kind: agency.kind, contact: agency.contact });
    await appendAudit(store.db, { actor, action: 'agency.add', agencyId: row.id, target: row.name, details: { from: 'demo' } });
    result.agencies.created++;
  }
  for (const entry of manifest.cases) {
    result.files += entry.files.length;
    if (await findCase(store.db, entry.ref)) {
      result.cases.existing++;
      continue;
    }
    const row = await openCase(store.db, { ref: entry.ref, agency: entry.agency, title: entry.title, officer: entry.officer });
    await appendAudit(store.db, { actor, action: 'case.open', agencyId: row.agency_id, caseId: row.id, target: row.ref, details: { from: 'demo' } });
    result.cases.created++;
  }
  return result;
}
