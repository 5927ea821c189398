/**
 * An analyst may take back a match decision (undo on the review screen). Decisions stay
 * append-only, so a withdrawal is one more row on the pair, verdict `withdrawn`: the latest row
 * still counts, and a latest `withdrawn` means no decision (resolution and the review queue read
 * it so). No new table: retention already purges match decisions through their entities.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE match_decisions
    DROP CONSTRAINT match_decisions_verdict_check,
    ADD CONSTRAINT match_decisions_verdict_check CHECK (verdict IN ('confirm', 'reject', 'withdrawn'))`.execute(db);
}
