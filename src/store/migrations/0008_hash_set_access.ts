/**
 * What the application role may do with hash sets and categorisations. They hold hashes, numbers
 * and categories only — never case content — so every user may read them (a hit against a VICS
 * set is the point of importing one); rows are only ever added. Categorisations are append-only
 * (the latest per hash counts), so the role gets no UPDATE or DELETE.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`GRANT SELECT, INSERT ON hash_sets, hash_set_entries, media_categories TO crosslink_app`.execute(db);
  await sql`GRANT UPDATE (entries) ON hash_sets TO crosslink_app`.execute(db);
}
