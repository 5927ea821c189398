/**
 * Planner statistics kept fresh by the work that changes the tables. PostgreSQL's autovacuum
 * analyzes a table once enough of it changed, but the embedded store (PGlite, one process, no
 * background workers) never does, and a server may run with autovacuum off. Without statistics the
 * planner guesses every table small and hashes whole tables where a few index probes would do:
 * finding the cases that share 5,000 matched identifiers took 86 ms beside 200,000 identifiers
 * unanalyzed, and 33 ms analyzed (EXPLAIN ANALYZE, one server).
 *
 * Staleness is read from the table's size on disk against the size its statistics were taken at,
 * not from the activity counters: PGlite does not always flush those, and the size never lies.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** A table is analyzed again once it has grown by more than this share since last time (autovacuum's default is a tenth of the rows). */
const GROWTH = 0.2;
/** Smaller tables are left alone: any plan is quick on a few pages. */
const MIN_PAGES = 16;

/**
 * ANALYZEs those of `tables` that were never analyzed or have grown by more than a fifth since, and
 * returns their names. A table the connection may not analyze (not its owner) is skipped by
 * PostgreSQL with a warning, not an error.
 */
export async function refreshStatistics(db: Kysely<Database>, tables: readonly string[]): Promise<string[]> {
  const rows = await sql<{ name: string; analyzed: boolean; pages_then: number; pages_now: string }>`
    SELECT c.relname AS name, c.reltuples >= 0 AS analyzed, c.relpages AS pages_then,
      pg_relation_size(c.oid) / current_setting('block_size')::int AS pages_now
    FROM pg_class c
    WHERE c.relname = ANY (${[...tables]}::text[]) AND c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace`.execute(db);
  const stale = rows.rows.filter((row) => {
    const now = Number(row.pages_now);
    return now >= MIN_PAGES && (!row.analyzed || now > (1 + GROWTH) * row.pages_then);
  });
  for (const { name } of stale) await sql`ANALYZE ${sql.table(name)}`.execute(db);
  return stale.map((row) => row.name);
}
