/** Search: trigram indexes for fuzzy names and handles (entity labels, identifier values). */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX entities_label_trgm_idx ON entities USING gin (lower(label) gin_trgm_ops)`.execute(db);
  await sql`CREATE INDEX identifiers_value_trgm_idx ON identifiers USING gin (value gin_trgm_ops)`.execute(db);
}
