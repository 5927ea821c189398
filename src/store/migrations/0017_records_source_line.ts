/**
 * The evidence viewer (issue 9) reads a source's records by page in line order: without an index
 * on (source_id, line) each page sorted every record of the source, and a chat export may hold a
 * hundred thousand. Ordered as the viewer's default page (line, then id), `case_id` carried so
 * row-level security's check is answered from the index.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX records_source_line_idx ON records (source_id, line, id) INCLUDE (case_id)`.execute(db);
}
