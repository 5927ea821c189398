/**
 * Loads a generated world into a store: its agencies and cases from the manifest, then every
 * file into its case with the manifest's format, mapping, region and time zone. Re-running adds
 * only what is missing (sources already ingested are skipped).
 */
import { join } from 'node:path';
import { ingestSource, loadMapping, type IngestReport } from '../ingest/index.ts';
import { addAgency, appendAudit, findAgency, findCase, openCase, type Store } from '../store/index.ts';
import { readManifest } from './manifest.ts';

export interface LoadResult {
  dir: string;
  agencies: { created: number; existing: number };
  cases: { created: number; existing: number };
  /** Files the manifest lists. */
  files: number;
  /** Of those, ingested now, and skipped because they were already in the store. */
  ingested: number;
  skipped: number;
  records: number;
  rejects: number;
}

export interface LoadOptions {
  actor: string;
  /** Key for card-number tokens. */
  secret: Buffer;
  onProgress?: (progress: { phase: string; done: number; total: number }) => void;
  onSource?: (report: IngestReport) => void;
}

export async function loadWorld(store: Store, dir: string, options: LoadOptions): Promise<LoadResult> {
  const { actor } = options;
  const manifest = await readManifest(dir);
  const result: LoadResult = { dir, agencies: { created: 0, existing: 0 }, cases: { created: 0, existing: 0 }, files: 0, ingested: 0, skipped: 0, records: 0, rejects: 0 };
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
  // On a server, a few sources at once keep both the database and this process busy between one
  // source's round trips; the embedded database runs in this process, so one at a time.
  const jobs = manifest.cases.flatMap((entry) => entry.files.map((file) => ({ entry, file })));
  const parallel = store.backend === 'postgres' ? 3 : 1;
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { entry, file } = jobs[next++]!;
      const report = await ingestSource(store, join(dir, file.path), {
        caseRef: entry.ref,
        format: file.format,
        mapping: file.mapping ? await loadMapping(join(dir, file.mapping)) : undefined,
        region: file.region,
        timezone: file.timezone,
        network: file.network,
        locale: file.locale,
        actor,
        secret: options.secret,
      });
      options.onSource?.(report);
      if (report.skipped) result.skipped++;
      else result.ingested++;
      result.records += report.records;
      result.rejects += report.rejects;
      options.onProgress?.({ phase: 'ingesting', done: ++done, total: jobs.length });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return result;
}
