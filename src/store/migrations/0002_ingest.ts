/**
 * Ingestion: records name their actor, room and target entities (timelines and link aggregation
 * read these), a full-text vector, per-source progress for resuming after a crash, and the
 * rejects report.
 */
import { sql, type Kysely } from 'kysely';

const STATEMENTS = [
  // No per-row foreign keys here: bulk ingest checks these references set-wise, once per source
  // (crosslink_check_source below), which costs a fraction of a per-row check.
  sql`ALTER TABLE records ADD COLUMN actor_id bigint, ADD COLUMN room_id bigint, ADD COLUMN target_id bigint`,
  // 'simple': chats mix languages, and handles and place names must not be stemmed away.
  sql`ALTER TABLE records ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(text, ''))) STORED`,
  sql`CREATE INDEX records_search_idx ON records USING gin (search)`,
  sql`CREATE INDEX records_actor_idx ON records (actor_id) WHERE actor_id IS NOT NULL`,
  sql`CREATE INDEX records_room_idx ON records (room_id) WHERE room_id IS NOT NULL`,

  // Ranges of parser items (records and rejects) committed so far: a re-run after a crash skips them.
  // Ranges, not a counter, because batches may commit out of order when several writers run.
  sql`CREATE TABLE source_batches (
    source_id bigint NOT NULL REFERENCES sources (id),
    first_item bigint NOT NULL,
    items integer NOT NULL CHECK (items > 0),
    PRIMARY KEY (source_id, first_item)
  )`,
  // Refuses to let a source complete while any of its records or mentions points at a record or
  // entity that does not exist or belongs to another case.
  sql`CREATE FUNCTION crosslink_check_source(source bigint) RETURNS void LANGUAGE plpgsql AS $$
  DECLARE bad bigint;
  BEGIN
    SELECT r.id INTO bad FROM records r
    WHERE r.source_id = source AND (
      (r.actor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = r.actor_id AND e.case_id = r.case_id)) OR
      (r.room_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = r.room_id AND e.case_id = r.case_id)) OR
      (r.target_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = r.target_id AND e.case_id = r.case_id)))
    LIMIT 1;
    IF bad IS NOT NULL THEN
      RAISE EXCEPTION 'record % of source % refers to an entity of another case or to none', bad, source USING ERRCODE = 'CX002';
    END IF;
    SELECT m.id INTO bad FROM mentions m
    WHERE m.source_id = source AND (
      (m.record_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM records r WHERE r.id = m.record_id AND r.case_id = m.case_id)) OR
      (m.entity_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = m.entity_id AND e.case_id = m.case_id)))
    LIMIT 1;
    IF bad IS NOT NULL THEN
      RAISE EXCEPTION 'mention % of source % refers to a record or entity of another case or to none', bad, source USING ERRCODE = 'CX002';
    END IF;
  END $$`,

  sql`CREATE TABLE source_rejects (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL,
    case_id bigint NOT NULL,
    source_id bigint NOT NULL,
    line integer NOT NULL,
    reason text NOT NULL,
    raw text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (case_id, agency_id) REFERENCES cases (id, agency_id),
    FOREIGN KEY (source_id, case_id) REFERENCES sources (id, case_id)
  )`,
  sql`CREATE INDEX source_rejects_source_idx ON source_rejects (source_id, line)`,
  sql`CREATE TRIGGER source_rejects_append_only BEFORE UPDATE OR DELETE ON source_rejects
      FOR EACH ROW EXECUTE FUNCTION crosslink_append_only()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await statement.execute(db);
}
