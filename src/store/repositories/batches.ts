/**
 * Bulk writes for ingestion: one batch of records, the entities and identifiers they name,
 * their mentions and rejects, and the source's progress — all in one transaction, so a crash
 * leaves either the whole batch or none of it. Rows go in through `unnest` of arrays: one
 * statement per table, whatever the batch size, with the same SQL on both backends.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { validateEntity, validateRecord, type Properties } from '../../model/index.ts';
import type { Database } from '../schema.ts';
import { appendAuditIn, type AuditEvent } from './audit.ts';
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
  /** Parser items (records + rejects) this batch covers: [firstItem, firstItem + items). */
  firstItem: number;
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
 * Writes one batch in two steps. First the entities and identifiers it names, committed on their
 * own (an entity without records is harmless, and every id in the caches is then a committed
 * one, which lets several writers share them). Then its records, mentions, rejects and its item
 * range, in one transaction: a crash leaves the whole batch or none of it.
 */
export async function appendBatch(
  db: Kysely<Database>,
  scope: CaseScope,
  sourceId: string,
  batch: IngestBatch,
  caches: { entities: IdCache; identifiers: IdCache },
): Promise<BatchOutcome> {
  for (const entity of batch.entities) validateEntity(entity.kind, entity.props);
  for (const record of batch.records) validateRecord(record.kind, record.props);
  caches.entities.trim();
  caches.identifiers.trim();
  // The ids this batch uses, from the caches or the database. New ones enter the shared caches
  // only after their transaction commits: another writer of this source may use a cached id at
  // once, and it must never be one that could still roll back. Lookups go to these maps, not the
  // caches, which another writer may trim meanwhile.
  const ids = { entities: new Map<string, string>(), identifiers: new Map<string, string>() };
  // Two short transactions (entities, then identifiers), each sorted, hold few locks at a time;
  // they are upserts only, so a deadlock with another writer is simply tried again.
  await retryOnDeadlock(() => db.transaction().execute((trx) => ensureEntities(trx, scope, batch.entities, caches.entities, ids.entities, sourceId)));
  await retryOnDeadlock(() => db.transaction().execute((trx) => internAll(trx, batch.mentions, caches.identifiers, ids.identifiers)));
  for (const [key, id] of ids.entities) caches.entities.set(key, id);
  for (const [key, id] of ids.identifiers) caches.identifiers.set(key, id);
  const entityId = (ref: EntityRef | undefined): string | null => {
    if (ref === undefined) return null;
    const id = ids.entities.get(ref);
    if (id === undefined) throw new Error(`batch refers to entity ${ref.replace('\u0000', ':')} it does not declare`);
    return id;
  };
  const identifierId = (mention: BatchMention): string => ids.identifiers.get(identifierKey(mention.type, mention.value))!;
  const write = (keepFirstOfRepeatedKeys: boolean) => db.transaction().execute(async (trx) => {
    const inserted = await insertRecords(trx, scope, sourceId, batch.records, entityId, keepFirstOfRepeatedKeys);
    const mentions = batch.mentions.filter((mention) => mention.record === undefined || inserted.has(mention.record));
    await insertMentions(trx, scope, sourceId, mentions, inserted, identifierId, entityId);
    await insertRejects(trx, scope, sourceId, batch.rejects);
    await trx.insertInto('source_batches').values({ source_id: sourceId, first_item: batch.firstItem, items: batch.items }).execute();
    await trx
      .updateTable('sources')
      .set((eb) => ({ record_count: eb('record_count', '+', inserted.size), reject_count: eb('reject_count', '+', batch.rejects.length) }))
      .where('id', '=', sourceId)
      .execute();
    return { records: inserted.size, duplicates: batch.records.length - inserted.size, rejects: batch.rejects.length, mentions: mentions.length };
  });
  // The usual case — keys unique within the source — takes the plain insert. A parser that
  // repeats a key (a damaged export) makes it fail; the batch is then written again keeping the
  // first record of each key.
  try {
    return await write(false);
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    return write(true);
  }
}

async function retryOnDeadlock(work: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt === 3) throw error;
    }
  }
}

/** The item ranges of a source already committed, in order: what a resumed run skips. */
export async function committedRanges(db: Kysely<Database>, sourceId: string): Promise<{ first: number; items: number }[]> {
  const rows = await db.selectFrom('source_batches').select(['first_item', 'items']).where('source_id', '=', sourceId).orderBy('first_item').execute();
  return rows.map((row) => ({ first: Number(row.first_item), items: row.items }));
}

async function ensureEntities(
  trx: Transaction<Database>,
  scope: CaseScope,
  entities: BatchEntity[],
  cache: IdCache,
  found: Map<string, string>,
  sourceId: string,
): Promise<void> {
  const wanted = new Map<EntityRef, BatchEntity>();
  for (const entity of entities) {
    const ref = entityRef(entity.kind, entity.key);
    const known = cache.get(ref);
    if (known === undefined) wanted.set(ref, entity);
    else found.set(ref, known);
  }
  if (wanted.size === 0) return;
  // Sorted, so that two writers inserting overlapping entities take their locks in one order.
  const list = [...wanted.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entity]) => entity);
  const inserted = await sql<{ id: string; kind: string; key: string }>`
    INSERT INTO entities (agency_id, case_id, kind, key, label, props, source_id)
    SELECT ${scope.agencyId}, ${scope.caseId}, u.kind, u.key, u.label, u.props::jsonb, ${sourceId}
    FROM unnest(${list.map((e) => e.kind)}::text[], ${list.map((e) => e.key)}::text[], ${list.map((e) => safeText(e.label))}::text[],
                ${list.map((e) => jsonText(e.props))}::text[]) AS u(kind, key, label, props)
    ON CONFLICT (case_id, kind, key) WHERE supersedes IS NULL DO NOTHING
    RETURNING id, kind, key`.execute(trx);
  for (const row of inserted.rows) {
    found.set(entityRef(row.kind, row.key), row.id);
    wanted.delete(entityRef(row.kind, row.key));
  }
  if (wanted.size === 0) return;
  const rest = [...wanted.values()];
  const existing = await sql<{ id: string; kind: string; key: string }>`
    SELECT e.id, e.kind, e.key FROM entities e
    JOIN unnest(${rest.map((e) => e.kind)}::text[], ${rest.map((e) => e.key)}::text[]) AS u(kind, key) ON e.kind = u.kind AND e.key = u.key
    WHERE e.case_id = ${scope.caseId} AND e.supersedes IS NULL`.execute(trx);
  for (const row of existing.rows) found.set(entityRef(row.kind, row.key), row.id);
}

async function insertRecords(
  trx: Transaction<Database>,
  scope: CaseScope,
  sourceId: string,
  records: BatchRecord[],
  entityId: (ref: EntityRef | undefined) => string | null,
  keepFirstOfRepeatedKeys: boolean,
): Promise<Map<number, string>> {
  const inserted = new Map<number, string>();
  if (records.length === 0) return inserted;
  // Ids are taken first so mentions can refer to records without a RETURNING round trip.
  const ids = await sql<{ id: string }>`SELECT nextval(pg_get_serial_sequence('records', 'id'))::text AS id FROM generate_series(1, ${records.length})`.execute(trx);
  const recordIds = ids.rows.map((row) => row.id);
  const rows = sql`
    SELECT u.id, ${scope.agencyId}::bigint, ${scope.caseId}::bigint, ${sourceId}::bigint, u.kind, u.key, u.occurred_at, u.line, u.byte_offset, u.text,
           u.props::jsonb, u.actor_id, u.room_id, u.target_id
    FROM unnest(${recordIds}::bigint[], ${records.map((r) => r.kind)}::text[], ${records.map((r) => safeText(r.key))}::text[],
                ${records.map((r) => (r.occurredAt ? r.occurredAt.toISOString() : null))}::timestamptz[],
                ${records.map((r) => r.line)}::integer[], ${records.map((r) => r.byteOffset)}::bigint[],
                ${records.map((r) => safeText(r.text))}::text[], ${records.map((r) => jsonText(r.props))}::text[],
                ${records.map((r) => entityId(r.actor))}::bigint[], ${records.map((r) => entityId(r.room))}::bigint[],
                ${records.map((r) => entityId(r.target))}::bigint[])
         AS u(id, kind, key, occurred_at, line, byte_offset, text, props, actor_id, room_id, target_id)`;
  const columns = sql`(id, agency_id, case_id, source_id, kind, key, occurred_at, line, byte_offset, text, props, actor_id, room_id, target_id)`;
  if (!keepFirstOfRepeatedKeys) {
    await sql`INSERT INTO records ${columns} OVERRIDING SYSTEM VALUE ${rows}`.execute(trx);
    recordIds.forEach((id, index) => inserted.set(index, id));
    return inserted;
  }
  const result = await sql<{ id: string }>`INSERT INTO records ${columns} OVERRIDING SYSTEM VALUE ${rows} ON CONFLICT (source_id, key) DO NOTHING RETURNING id::text AS id`.execute(trx);
  const stored = new Set(result.rows.map((row) => row.id));
  recordIds.forEach((id, index) => {
    if (stored.has(id)) inserted.set(index, id);
  });
  return inserted;
}

/** PostgreSQL text cannot hold NUL; a damaged source must still load, so NUL becomes U+FFFD. */
function safeText<T extends string | null | undefined>(text: T): T {
  return (typeof text === 'string' && text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text) as T;
}

/** JSON text for a jsonb column; NUL (which PostgreSQL text cannot hold) becomes U+FFFD. */
function jsonText(value: unknown): string {
  const text = JSON.stringify(value);
  // An escaped NUL is `\u0000` preceded by an even number of backslashes (an odd number would be
  // a literal backslash followed by the letters "u0000").
  return text.includes('\\u0000') ? text.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : text;
}

async function internAll(trx: Transaction<Database>, mentions: BatchMention[], cache: IdCache, found: Map<string, string>): Promise<void> {
  const wanted = new Map<string, BatchMention>();
  for (const mention of mentions) {
    const key = identifierKey(mention.type, mention.value);
    const known = cache.get(key);
    if (known === undefined) wanted.set(key, mention);
    else found.set(key, known);
  }
  if (wanted.size === 0) return;
  const list = [...wanted.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, mention]) => mention);
  // Through the definer function of migration 0009: an acting user cannot read a value that no
  // case it may see mentions yet, so it cannot look up the ids of the ones already known itself.
  const interned = await sql<{ id: string; type: string; value: string }>`
    SELECT id::text AS id, type, value
    FROM crosslink_intern_identifiers(${list.map((m) => m.type)}::text[], ${list.map((m) => m.value)}::text[], ${list.map((m) => m.display ?? null)}::text[])`.execute(trx);
  for (const row of interned.rows) found.set(identifierKey(row.type, row.value), row.id);
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
    FROM unnest(${rejects.map((r) => r.line)}::integer[], ${rejects.map((r) => safeText(r.reason))}::text[], ${rejects.map((r) => safeText(r.raw))}::text[]) AS u(line, reason, raw)`.execute(trx);
}

/** How many record ids a link keeps as its evidence; the rest are found through the records' actor and room. */
const EVIDENCE_LIMIT = 20;

/**
 * Ends a source's ingest: derives its links from the records (who posted where, who renamed to
 * whom, who paid which merchant) and marks it complete — in one transaction, so a crash before
 * the end leaves a source that a re-run finishes.
 */
export async function finaliseSource(db: Kysely<Database>, scope: CaseScope, sourceId: string, audit?: AuditEvent): Promise<{ links: number }> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT crosslink_check_source(${sourceId})`.execute(trx);
    // One pass over the source's records derives every link kind (who posted where, who renamed
    // to whom, who paid which merchant, which client was seen where).
    const result = await sql`
      WITH derived AS (
        SELECT r.actor_id, r.room_id, r.target_id, r.kind, r.props->>'event' AS event, r.id, r.occurred_at,
               CASE WHEN r.kind = 'transaction' THEN (r.props->>'amount')::numeric END AS amount
        FROM records r WHERE r.source_id = ${sourceId} AND r.actor_id IS NOT NULL
      ), pairs AS (
        SELECT 'member_of' AS link, actor_id AS a, room_id AS b, d.* FROM derived d WHERE room_id IS NOT NULL AND kind IN ('message', 'room_event')
        UNION ALL SELECT 'messaged', actor_id, room_id, d.* FROM derived d WHERE room_id IS NOT NULL AND kind = 'message'
        UNION ALL SELECT 'messaged', actor_id, target_id, d.* FROM derived d WHERE target_id IS NOT NULL AND kind = 'message'
        -- In a one-to-one conversation every message is to the other participant(s).
        UNION ALL SELECT 'messaged', d.actor_id, o.actor_id, d.* FROM derived d
          JOIN entities room ON room.id = d.room_id AND room.props->>'type' = 'direct'
          JOIN (SELECT DISTINCT room_id, actor_id FROM derived WHERE kind = 'message') o ON o.room_id = d.room_id AND o.actor_id <> d.actor_id
          WHERE d.kind = 'message' AND d.target_id IS NULL
        UNION ALL SELECT 'renamed_to', actor_id, target_id, d.* FROM derived d WHERE target_id IS NOT NULL AND kind = 'room_event' AND event = 'nick'
        UNION ALL SELECT 'paid', actor_id, target_id, d.* FROM derived d WHERE target_id IS NOT NULL AND kind = 'transaction'
        UNION ALL SELECT 'sighted_at', actor_id, target_id, d.* FROM derived d WHERE target_id IS NOT NULL AND kind = 'sighting'
        UNION ALL SELECT 'located_at', actor_id, target_id, d.* FROM derived d WHERE target_id IS NOT NULL AND kind = 'media'
      )
      INSERT INTO links (agency_id, case_id, kind, from_entity_id, to_entity_id, weight, evidence, props, first_seen, last_seen)
      SELECT ${scope.agencyId}, ${scope.caseId}, p.link, p.a, p.b, count(*), (array_agg(p.id ORDER BY p.id))[1:${EVIDENCE_LIMIT}],
             CASE p.link
               WHEN 'member_of' THEN jsonb_build_object('role', 'member')
               WHEN 'renamed_to' THEN '{}'::jsonb
               WHEN 'paid' THEN jsonb_build_object('count', count(*), 'total', coalesce(sum(p.amount), 0)::float8)
               ELSE jsonb_build_object('count', count(*))
             END,
             min(p.occurred_at), max(p.occurred_at)
      FROM pairs p
      JOIN entities fa ON fa.id = p.a
      JOIN entities fb ON fb.id = p.b
      WHERE p.a <> p.b AND (
        (p.link = 'member_of' AND fa.kind IN ('account', 'person') AND fb.kind = 'chat_room') OR
        (p.link = 'messaged' AND fa.kind = 'account' AND fb.kind IN ('chat_room', 'account')) OR
        (p.link = 'renamed_to' AND fa.kind = 'account' AND fb.kind = 'account') OR
        (p.link = 'paid' AND fa.kind IN ('person', 'account') AND fb.kind = 'merchant') OR
        (p.link = 'sighted_at' AND fa.kind = 'device' AND fb.kind IN ('device', 'location')) OR
        (p.link = 'located_at' AND fa.kind = 'media' AND fb.kind = 'location'))
      GROUP BY p.link, p.a, p.b`.execute(trx);
    await trx.updateTable('sources').set({ status: 'complete', completed_at: new Date() }).where('id', '=', sourceId).execute();
    if (audit) await appendAuditIn(trx, audit);
    return { links: Number(result.numAffectedRows ?? 0) };
  });
}
