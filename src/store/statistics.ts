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
/**
 * From this size on (8 MB), once it has doubled instead. ANALYZE reads a sample of fixed size
 * (30,000 rows), so on a big table each one costs about the same however little it grew, and a
 * million-selector exchange analyzed each tag table about a dozen times past this size. Below it,
 * plans change with size and the fifth stays: waiting for tables to double from the start slowed
 * three nodes' first rounds, 20,000 selectors each, from 17 s to 65 s (docs/benchmarks.md, stop 20).
 */
const LARGE_PAGES = 1024;
const LARGE_GROWTH = 1;
/** Smaller tables are left alone: any plan is quick on a few pages. */
const MIN_PAGES = 16;

/**
 * ANALYZEs those of `tables` that were never analyzed or have grown by more than a fifth since (a
 * large one: doubled), and returns their names. A table the connection may not analyze (not its owner) is skipped by
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
    const growth = row.pages_then >= LARGE_PAGES ? LARGE_GROWTH : GROWTH;
    return now >= MIN_PAGES && (!row.analyzed || now > (1 + growth) * row.pages_then);
  });
  for (const { name } of stale) await sql`ANALYZE ${sql.table(name)}`.execute(db);
  return stale.map((row) => row.name);
}
