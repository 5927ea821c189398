/**
 * Federation speed (issue 10): the three tables a selector exchange writes a row to per selector —
 * our tags, the peer's tags, the matches — lose their foreign key to the peer. Each key cost a
 * lookup of the peer row per inserted row: 5,000 tags took 73 ms with it and 21 ms without
 * (measured side by side on one server), and a million selectors write three million such rows.
 * The key guarded against nothing here: peers are never deleted (removal sets removed_at), and
 * these rows are written only for a peer read from that table in the same sync. The other
 * federation tables, a row per hit, notice or message rather than per selector, keep theirs.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['federation_mine', 'federation_theirs', 'federation_matches']) {
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.id(`${table}_peer_id_fkey`)}`.execute(db);
  }
}
