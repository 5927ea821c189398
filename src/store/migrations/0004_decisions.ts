/** Analysts' match decisions (confirm / reject a pair), append-only: the latest per pair counts. */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE match_decisions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_a bigint NOT NULL REFERENCES entities (id),
    entity_b bigint NOT NULL REFERENCES entities (id),
    verdict text NOT NULL CHECK (verdict IN ('confirm', 'reject')),
    decided_by text NOT NULL,
    decided_at timestamptz NOT NULL DEFAULT now(),
    CHECK (entity_a < entity_b)
  )`.execute(db);
  await sql`CREATE INDEX match_decisions_pair_idx ON match_decisions (entity_a, entity_b, id)`.execute(db);
  await sql`CREATE TRIGGER match_decisions_append_only BEFORE UPDATE OR DELETE ON match_decisions
    FOR EACH ROW EXECUTE FUNCTION crosslink_append_only()`.execute(db);
}
