/**
 * Ingestion: records name their actor, room and target entities (timelines and link aggregation
 * read these), a full-text vector, per-source progress for resuming after a crash, and the
 * rejects report.
 */
import { sql, type Kysely } from 'kysely';

const STATEMENTS = [
  sql`ALTER TABLE records
    ADD COLUMN actor_id bigint,
    ADD COLUMN room_id bigint,
    ADD COLUMN target_id bigint,
    ADD CONSTRAINT records_actor_fk FOREIGN KEY (actor_id, case_id) REFERENCES entities (id, case_id),
    ADD CONSTRAINT records_room_fk FOREIGN KEY (room_id, case_id) REFERENCES entities (id, case_id),
    ADD CONSTRAINT records_target_fk FOREIGN KEY (target_id, case_id) REFERENCES entities (id, case_id)`,
  // 'simple': chats mix languages, and handles and place names must not be stemmed away.
  sql`ALTER TABLE records ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(text, ''))) STORED`,
  sql`CREATE INDEX records_search_idx ON records USING gin (search)`,
  sql`CREATE INDEX records_actor_idx ON records (actor_id) WHERE actor_id IS NOT NULL`,
  sql`CREATE INDEX records_room_idx ON records (room_id) WHERE room_id IS NOT NULL`,

  // Items (records and rejects) of the source committed so far: a re-run after a crash skips them.
  sql`ALTER TABLE sources ADD COLUMN progress_items bigint NOT NULL DEFAULT 0`,

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
