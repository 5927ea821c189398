/**
 * Bulk writes for ingestion: one batch of records, the entities and identifiers they name,
 * their mentions and rejects, and the source's progress — all in one transaction, so a crash
 * leaves either the whole batch or none of it. Rows go in through `unnest` of arrays: one
 * statement per table, whatever the batch size, with the same SQL on both backends.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { validateEntity, validateRecord, type Properties } from '../../model/index.ts';
import type { Database } from '../schema.ts';
import { identifierKey } from './identifiers.ts';
import type { CaseScope } from './sources.ts';

/** `kind` NUL `key`: how a batch refers to an entity before it has an id. */
export type EntityRef = string;
export const entityRef = (kind: string, key: string): EntityRef => `${kind}\u0000${key}`;

export interface BatchEntity {
  kind: string;
  key: string;
  label: string;
  props: Properties;
}

export interface BatchRecord {
  kind: string;
  key: string;
  line: number | null;
  byteOffset: number | null;
  occurredAt: Date | null;
  text: string | null;
  props: Properties;
  actor?: EntityRef;
  room?: EntityRef;
  target?: EntityRef;
}

export interface BatchMention {
  type: string;
  value: string;
  display?: string;
  /** Index into the batch's records. */
  record?: number;
  entity?: EntityRef;
  line: number | null;
  byteOffset: number | null;
  role: string;
}

export interface BatchReject {
  line: number;
  reason: string;
  raw: string;
}

export interface IngestBatch {
  entities: BatchEntity[];
  records: BatchRecord[];
  mentions: BatchMention[];
  rejects: BatchReject[];
  /** Parser items (records + rejects) this batch covers; added to the source's progress. */
  items: number;
}

export interface BatchOutcome {
  records: number;
  /** Records whose key the source already held (a parser that repeats a key). */
  duplicates: number;
  rejects: number;
  mentions: number;
}

/** Ids of entities and identifiers already known, kept across batches of one ingest. */
export class IdCache {
  private readonly entries = new Map<string, string>();
  constructor(private readonly limit = 500_000) {}
  get(key: string): string | undefined {
    return this.entries.get(key);
  }
  set(key: string, id: string): void {
    this.entries.set(key, id);
  }
  /** Simple bound, applied between batches: forget everything and refill from the database. */
  trim(): void {
    if (this.entries.size >= this.limit) this.entries.clear();
  }
}

/**
 * Writes one batch. On an error the transaction rolls back and the caches may name rows that
 * do not exist: the ingest must stop (and a re-run resumes from the source's progress).
 */
export async function appendBatch(
  db: Kysely<Database>,
  scope: CaseScope,
  sourceId: string,
  batch: IngestBatch,
  caches: { entities: IdCache; identifiers: IdCache },
): Promise<BatchOutcome> {
  caches.entities.trim();
  caches.identifiers.trim();
  for (const entity of batch.entities) validateEntity(entity.kind, entity.props);
  for (const record of batch.records) validateRecord(record.kind, record.props);
  return db.transaction().execute(async (trx) => {
    await ensureEntities(trx, scope, sourceId, batch.entities, caches.entities);
    const entityId = (ref: EntityRef | undefined): string | null => {
      if (ref === undefined) return null;
      const id = caches.entities.get(ref);
      if (id === undefined) throw new Error(`batch refers to entity ${ref.replace('\u0000', ':')} it does not declare`);
      return id;
    };
    const inserted = await insertRecords(trx, scope, sourceId, batch.records, entityId);
    await internAll(trx, batch.mentions, caches.identifiers);
    const identifierId = (mention: BatchMention): string => caches.identifiers.get(identifierKey(mention.type, mention.value))!;
    const mentions = batch.mentions.filter((mention) => mention.record === undefined || inserted.has(mention.record));
    await insertMentions(trx, scope, sourceId, mentions, inserted, identifierId, entityId);
    await insertRejects(trx, scope, sourceId, batch.rejects);
    await trx
      .updateTable('sources')
      .set((eb) => ({
        progress_items: sql`progress_items + ${batch.items}`,
        record_count: eb('record_count', '+', inserted.size),
        reject_count: eb('reject_count', '+', batch.rejects.length),
      }))
      .where('id', '=', sourceId)
      .execute();
    return { records: inserted.size, duplicates: batch.records.length - inserted.size, rejects: batch.rejects.length, mentions: mentions.length };
  });
}

async function ensureEntities(trx: Transaction<Database>, scope: CaseScope, sourceId: string, entities: BatchEntity[], cache: IdCache): Promise<void> {
  const wanted = new Map<EntityRef, BatchEntity>();
  for (const entity of entities) {
    const ref = entityRef(entity.kind, entity.key);
    if (cache.get(ref) === undefined) wanted.set(ref, entity);
  }
  if (wanted.size === 0) return;
  const list = [...wanted.values()];
  const inserted = await sql<{ id: string; kind: string; key: string }>`
    INSERT INTO entities (agency_id, case_id, kind, key, label, props, source_id)
    SELECT ${scope.agencyId}, ${scope.caseId}, u.kind, u.key, u.label, u.props::jsonb, ${sourceId}
    FROM unnest(${list.map((e) => e.kind)}::text[], ${list.map((e) => e.key)}::text[], ${list.map((e) => e.label)}::text[],
                ${list.map((e) => JSON.stringify(e.props))}::text[]) AS u(kind, key, label, props)
    ON CONFLICT (case_id, kind, key) WHERE supersedes IS NULL DO NOTHING
    RETURNING id, kind, key`.execute(trx);
  for (const row of inserted.rows) {
    cache.set(entityRef(row.kind, row.key), row.id);
    wanted.delete(entityRef(row.kind, row.key));
  }
  if (wanted.size === 0) return;
  const rest = [...wanted.values()];
  const existing = await sql<{ id: string; kind: string; key: string }>`
    SELECT e.id, e.kind, e.key FROM entities e
    JOIN unnest(${rest.map((e) => e.kind)}::text[], ${rest.map((e) => e.key)}::text[]) AS u(kind, key) ON e.kind = u.kind AND e.key = u.key
    WHERE e.case_id = ${scope.caseId} AND e.supersedes IS NULL`.execute(trx);
  for (const row of existing.rows) cache.set(entityRef(row.kind, row.key), row.id);
}

async function insertRecords(
  trx: Transaction<Database>,
  scope: CaseScope,
  sourceId: string,
  records: BatchRecord[],
  entityId: (ref: EntityRef | undefined) => string | null,
): Promise<Map<number, string>> {
  const inserted = new Map<number, string>();
  if (records.length === 0) return inserted;
  // Ids are taken first so mentions can refer to records without relying on RETURNING order.
  const ids = await sql<{ id: string }>`SELECT nextval(pg_get_serial_sequence('records', 'id'))::text AS id FROM generate_series(1, ${records.length})`.execute(trx);
  const recordIds = ids.rows.map((row) => row.id);
  const result = await sql<{ id: string }>`
    INSERT INTO records (id, agency_id, case_id, source_id, kind, key, occurred_at, line, byte_offset, text, props, actor_id, room_id, target_id)
    OVERRIDING SYSTEM VALUE
    SELECT u.id, ${scope.agencyId}, ${scope.caseId}, ${sourceId}, u.kind, u.key, u.occurred_at, u.line, u.byte_offset, u.text, u.props::jsonb,
           u.actor_id, u.room_id, u.target_id
    FROM unnest(${recordIds}::bigint[], ${records.map((r) => r.kind)}::text[], ${records.map((r) => r.key)}::text[],
                ${records.map((r) => (r.occurredAt ? r.occurredAt.toISOString() : null))}::timestamptz[],
                ${records.map((r) => r.line)}::integer[], ${records.map((r) => r.byteOffset)}::bigint[],
                ${records.map((r) => r.text)}::text[], ${records.map((r) => JSON.stringify(r.props))}::text[],
                ${records.map((r) => entityId(r.actor))}::bigint[], ${records.map((r) => entityId(r.room))}::bigint[],
                ${records.map((r) => entityId(r.target))}::bigint[])
         AS u(id, kind, key, occurred_at, line, byte_offset, text, props, actor_id, room_id, target_id)
    ON CONFLICT (source_id, key) DO NOTHING
    RETURNING id::text AS id`.execute(trx);
  const stored = new Set(result.rows.map((row) => row.id));
  recordIds.forEach((id, index) => {
    if (stored.has(id)) inserted.set(index, id);
  });
  return inserted;
}

async function internAll(trx: Transaction<Database>, mentions: BatchMention[], cache: IdCache): Promise<void> {
  const wanted = new Map<string, BatchMention>();
  for (const mention of mentions) {
    const key = identifierKey(mention.type, mention.value);
    if (cache.get(key) === undefined) wanted.set(key, mention);
  }
  if (wanted.size === 0) return;
  const list = [...wanted.values()];
  const inserted = await sql<{ id: string; type: string; value: string }>`
    INSERT INTO identifiers (type, value, display)
    SELECT * FROM unnest(${list.map((m) => m.type)}::text[], ${list.map((m) => m.value)}::text[], ${list.map((m) => m.display ?? null)}::text[])
    ON CONFLICT (type, value) DO NOTHING
    RETURNING id, type, value`.execute(trx);
  for (const row of inserted.rows) {
    cache.set(identifierKey(row.type, row.value), row.id);
    wanted.delete(identifierKey(row.type, row.value));
  }
  if (wanted.size === 0) return;
  const rest = [...wanted.values()];
  const existing = await sql<{ id: string; type: string; value: string }>`
    SELECT i.id, i.type, i.value FROM identifiers i
    JOIN unnest(${rest.map((m) => m.type)}::text[], ${rest.map((m) => m.value)}::text[]) AS u(type, value) ON i.type = u.type AND i.value = u.value`.execute(trx);
  for (const row of existing.rows) cache.set(identifierKey(row.type, row.value), row.id);
}

async function insertMentions(
  trx: Transaction<Database>,
  scope: CaseScope,
  sourceId: string,
  mentions: BatchMention[],
  records: Map<number, string>,
  identifierId: (mention: BatchMention) => string,
  entityId: (ref: EntityRef | undefined) => string | null,
): Promise<void> {
  if (mentions.length === 0) return;
  await sql`
    INSERT INTO mentions (agency_id, case_id, identifier_id, entity_id, record_id, source_id, line, byte_offset, role)
    SELECT ${scope.agencyId}, ${scope.caseId}, u.identifier_id, u.entity_id, u.record_id, ${sourceId}, u.line, u.byte_offset, u.role
    FROM unnest(${mentions.map(identifierId)}::bigint[], ${mentions.map((m) => entityId(m.entity))}::bigint[],
                ${mentions.map((m) => (m.record === undefined ? null : records.get(m.record)!))}::bigint[],
                ${mentions.map((m) => m.line)}::integer[], ${mentions.map((m) => m.byteOffset)}::bigint[], ${mentions.map((m) => m.role)}::text[])
         AS u(identifier_id, entity_id, record_id, line, byte_offset, role)`.execute(trx);
}

async function insertRejects(trx: Transaction<Database>, scope: CaseScope, sourceId: string, rejects: BatchReject[]): Promise<void> {
  if (rejects.length === 0) return;
  await sql`
    INSERT INTO source_rejects (agency_id, case_id, source_id, line, reason, raw)
    SELECT ${scope.agencyId}, ${scope.caseId}, ${sourceId}, u.line, u.reason, u.raw
    FROM unnest(${rejects.map((r) => r.line)}::integer[], ${rejects.map((r) => r.reason)}::text[], ${rejects.map((r) => r.raw)}::text[]) AS u(line, reason, raw)`.execute(trx);
}

/** How many record ids a link keeps as its evidence; the rest are found through the records' actor and room. */
const EVIDENCE_LIMIT = 20;

/**
 * Ends a source's ingest: derives its links from the records (who posted where, who renamed to
 * whom, who paid which merchant) and marks it complete — in one transaction, so a crash before
 * the end leaves a source that a re-run finishes.
 */
export async function finaliseSource(db: Kysely<Database>, scope: CaseScope, sourceId: string): Promise<{ links: number }> {
  return db.transaction().execute(async (trx) => {
    const derive = async (kind: string, fromKinds: string[], toKinds: string[], filter: ReturnType<typeof sql>, target: 'room_id' | 'target_id', props: ReturnType<typeof sql>) => {
      const result = await sql`
        INSERT INTO links (agency_id, case_id, kind, from_entity_id, to_entity_id, weight, evidence, props, first_seen, last_seen)
        SELECT ${scope.agencyId}, ${scope.caseId}, ${kind}, r.actor_id, r.${sql.ref(target)}, count(*),
               (array_agg(r.id ORDER BY r.id))[1:${EVIDENCE_LIMIT}], ${props}, min(r.occurred_at), max(r.occurred_at)
        FROM records r
        JOIN entities a ON a.id = r.actor_id
        JOIN entities b ON b.id = r.${sql.ref(target)}
        WHERE r.source_id = ${sourceId} AND r.actor_id <> r.${sql.ref(target)}
          AND a.kind = ANY(${fromKinds}::text[]) AND b.kind = ANY(${toKinds}::text[]) AND ${filter}
        GROUP BY r.actor_id, r.${sql.ref(target)}`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    };
    let links = 0;
    links += await derive('member_of', ['account', 'person'], ['chat_room'], sql`r.kind IN ('message', 'room_event')`, 'room_id', sql`jsonb_build_object('role', 'member')`);
    links += await derive('messaged', ['account'], ['chat_room'], sql`r.kind = 'message'`, 'room_id', sql`jsonb_build_object('count', count(*))`);
    links += await derive('messaged', ['account'], ['account'], sql`r.kind = 'message'`, 'target_id', sql`jsonb_build_object('count', count(*))`);
    links += await derive('renamed_to', ['account'], ['account'], sql`r.kind = 'room_event' AND r.props->>'event' = 'nick'`, 'target_id', sql`'{}'::jsonb`);
    links += await derive(
      'paid',
      ['person', 'account'],
      ['merchant'],
      sql`r.kind = 'transaction'`,
      'target_id',
      sql`jsonb_build_object('count', count(*), 'total', coalesce(sum((r.props->>'amount')::numeric), 0)::float8)`,
    );
    links += await derive('sighted_at', ['device'], ['device', 'location'], sql`r.kind = 'sighting'`, 'target_id', sql`jsonb_build_object('count', count(*))`);
    await trx.updateTable('sources').set({ status: 'complete', completed_at: new Date() }).where('id', '=', sourceId).execute();
    return { links };
  });
}
