/**
 * Federation speed (issue 10): hit notices (sent) and federated hits (received), a row per match on
 * each node, checked four foreign keys per row — peer, identifier, agency and case — and the checks
 * were most of an insert: 5,000 notices took 134 ms with them and 50 ms without (EXPLAIN ANALYZE on
 * one server, side by side). The peer's key goes, as it went from the tag tables in 0020 (peers are
 * never deleted). The agency's and the case's become one key on (case, agency) to the case: one
 * check instead of two, and a stronger one (the agency named is the case's own). The identifier's
 * stays: a case purge keeps an identifier that something still refers to (access/retention.ts).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['federation_notices', 'federation_hits']) {
    const constraint = (column: string) => sql.id(`${table}_${column}_fkey`);
    await sql`ALTER TABLE ${sql.table(table)}
      DROP CONSTRAINT ${constraint('peer_id')},
      DROP CONSTRAINT ${constraint('agency_id')},
      DROP CONSTRAINT ${constraint('case_id')},
      ADD CONSTRAINT ${constraint('case_agency')} FOREIGN KEY (case_id, agency_id) REFERENCES cases (id, agency_id)`.execute(db);
  }
}
