/**
 * Federation speed (issue 10): our exchanged selectors (`federation_mine`, a row per selector and
 * peer: a million rows for a million selectors) lose their foreign key to `identifiers`. The check
 * locks the identifier's row (FOR KEY SHARE) for every row inserted: 5,000 rows into a table of a
 * million took 138–175 ms with the key and 55–65 ms without (psql on a quiet server, three times
 * each), about 17 s of PostgreSQL's time per node in a million-selector sync.
 *
 * What the key guarded is kept in two other ways:
 * - A case purge keeps an identifier that an exchange still refers to: retention.ts names this
 *   column beside the foreign keys it reads from the catalog (UNKEYED_IDENTIFIER_REFERENCES).
 * - An exchange records only identifiers that exist, and never one being removed: it takes
 *   IDENTIFIER_REMOVAL_LOCK shared (federation/matching.ts, withPeerLock) and a purge exclusively,
 *   each first in its transaction (store/locks.ts).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE federation_mine DROP CONSTRAINT federation_mine_identifier_id_fkey`.execute(db);
}
