/** Sources: one ingested file or batch, with its chain of custody, and the records it yielded. */
import type { Kysely } from 'kysely';
import { validateRecord, type Properties } from '../../model/index.ts';
import type { Database, Source, StoredRecord } from '../schema.ts';

/** Where a case-data row belongs; every evidence insert takes one. */
export interface CaseScope {
  agencyId: string;
  caseId: string;
}

export interface NewSource {
  sha256: string;
  bytes: number;
  originalName: string;
  format: string;
  origin?: string;
  ingestedBy: string;
}

/**
 * Registers a source, or returns the one already registered for the same bytes in this case:
 * `created` tells a re-run (nothing to add) from a first ingest.
 */
export async function registerSource(db: Kysely<Database>, scope: CaseScope, input: NewSource): Promise<{ source: Source; created: boolean }> {
  const inserted = await db
    .insertInto('sources')
    .values({
      agency_id: scope.agencyId,
      case_id: scope.caseId,
      sha256: input.sha256.toLowerCase(),
      bytes: input.bytes,
      original_name: input.originalName,
      format: input.format,
      origin: input.origin ?? null,
      ingested_by: input.ingestedBy,
    })
    .onConflict((oc) => oc.columns(['case_id', 'sha256']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { source: inserted, created: true };
  const existing = await db
    .selectFrom('sources')
    .selectAll()
    .where('case_id', '=', scope.caseId)
    .where('sha256', '=', input.sha256.toLowerCase())
    .executeTakeFirstOrThrow();
  return { source: existing, created: false };
}

export async function completeSource(
  db: Kysely<Database>,
  sourceId: string,
  outcome: { status: 'complete' | 'failed'; records: number; rejects: number },
): Promise<void> {
  await db
    .updateTable('sources')
    .set({ status: outcome.status, record_count: outcome.records, reject_count: outcome.rejects, completed_at: new Date() })
    .where('id', '=', sourceId)
    .execute();
}

export interface NewRecordInput {
  kind: string;
  key: string;
  occurredAt?: Date | null;
  line?: number | null;
  byteOffset?: number | null;
  text?: string | null;
  props?: Properties;
}

/**
 * Appends records of one source. A record whose (source, key) is already stored is skipped,
 * which makes a re-run after a crash add only what was missing. Returns the rows inserted.
 */
export async function appendRecords(db: Kysely<Database>, scope: CaseScope, sourceId: string, records: NewRecordInput[]): Promise<StoredRecord[]> {
  if (records.length === 0) return [];
  for (const record of records) validateRecord(record.kind, record.props ?? {});
  return db
    .insertInto('records')
    .values(
      records.map((record) => ({
        agency_id: scope.agencyId,
        case_id: scope.caseId,
        source_id: sourceId,
        kind: record.kind,
        key: record.key,
        occurred_at: record.occurredAt ?? null,
        line: record.line ?? null,
        byte_offset: record.byteOffset ?? null,
        text: record.text ?? null,
        props: record.props ?? {},
      })),
    )
    .onConflict((oc) => oc.columns(['source_id', 'key']).doNothing())
    .returningAll()
    .execute();
}
