/**
 * Federation speed (issue 10): the rows an exchange writes per selector, match, notice and hit —
 * `federation_mine`, `federation_matches`, `federation_notices`, `federation_hits` — lose their
 * foreign key to `identifiers`. The check locks the identifier's row (FOR KEY SHARE, a heap write
 * and a WAL record) for every row inserted: 5,000 rows into a `federation_mine` of a million took
 * 138–175 ms with the key and 55–65 ms without (psql on a quiet server, three times each). A
 * million-selector sync writes a million such rows on each node, and a day's 50,000 matches
 * 300,000 (a match, a notice and a hit on each side).
 *
 * What the keys guarded is kept in two other ways:
 * - A case purge keeps an identifier that one of these rows still refers to: retention.ts names the
 *   columns beside the foreign keys it reads from the catalog (UNKEYED_IDENTIFIER_REFERENCES).
 * - These rows are written only for identifiers that exist and are not being removed: every
 *   transaction that writes them takes IDENTIFIER_REMOVAL_LOCK shared (federation/matching.ts
 *   `withPeerLock`, notices.ts `receiveNotices`) and a purge exclusively, each first in its
 *   transaction (store/locks.ts); identifiers read before the lock are checked again under it.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['federation_mine', 'federation_matches', 'federation_notices', 'federation_hits']) {
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.id(`${table}_identifier_id_fkey`)}`.execute(db);
  }
}
