/**
 * API speed (issue 9): an entity's page lists the records it takes part in as actor, target or
 * room, newest last, by page, and counts them. One index per role, ordered as the page is
 * (occurred_at, then id), so each page is three short ordered index scans merged rather than a
 * sort of every record; `case_id` is included so row-level security's case check is answered from
 * the index (index-only scans for the count). Target had no index at all (a full scan per page).
 * The older single-column actor and room indexes are prefixes of the new ones and go.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Each carries the earlier roles' columns too: a record is listed under its first role only.
  const roles: [string, string][] = [
    ['actor', 'case_id'],
    ['target', 'case_id, actor_id'],
    ['room', 'case_id, actor_id, target_id'],
  ];
  for (const [role, carried] of roles) {
    const column = sql.id(`${role}_id`);
    await sql`CREATE INDEX ${sql.id(`records_${role}_time_idx`)} ON records (${column}, occurred_at, id) INCLUDE (${sql.raw(carried)}) WHERE ${column} IS NOT NULL`.execute(db);
  }
  await sql`DROP INDEX IF EXISTS records_actor_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS records_room_idx`.execute(db);
}
