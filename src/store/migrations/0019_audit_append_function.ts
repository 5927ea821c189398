/**
 * API speed (issue 9): appending to the audit chain took five round trips — BEGIN, the lock, the
 * chain's head, the insert, COMMIT — for every read an API request audits (in batches, but at a
 * moderate rate a batch is mostly one entry). Each round trip on loopback costs both processes
 * CPU; at 200 searches a second these five were a third of all statements. This function does the
 * lock, the head and the chained hashes in one statement, which is its own transaction when no
 * other is open.
 *
 * Each row's hash stays what store/repositories/audit.ts computes and verifies: SHA-256 of the
 * previous hash, a newline and the row's canonical JSON, which the caller sends (its content does
 * not depend on the chain). SECURITY INVOKER: the insert is the caller's, under the caller's
 * policies (an acting user appends only as themself); the head is read through
 * crosslink_audit_head() as before.
 */
import { sql, type Kysely } from 'kysely';

/** store/repositories/audit.ts's AUDIT_LOCK ("cros"), as migration 0007 notes; a migration keeps its own copy. */
const AUDIT_LOCK = 0x6372_6f73;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE FUNCTION crosslink_audit_append(
      ats timestamptz[], actors text[], actions text[], agency_ids bigint[], case_ids bigint[], targets text[], details jsonb[], contents text[])
    RETURNS SETOF audit_log LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      previous text;
      previous_hashes text[] := '{}';
      hashes text[] := '{}';
    BEGIN
      -- Held until this transaction ends.
      PERFORM pg_advisory_xact_lock(${sql.lit(AUDIT_LOCK)});
      previous := coalesce((SELECT h.hash FROM crosslink_audit_head() h), repeat('0', 64));
      FOR i IN 1 .. coalesce(cardinality(contents), 0) LOOP
        previous_hashes := previous_hashes || previous;
        previous := encode(sha256(convert_to(previous || E'\n' || contents[i], 'UTF8')), 'hex');
        hashes := hashes || previous;
      END LOOP;
      RETURN QUERY
        INSERT INTO audit_log (at, actor, action, agency_id, case_id, target, details, prev_hash, hash)
        SELECT e.at, e.actor, e.action, e.agency_id, e.case_id, e.target, e.details, e.prev_hash, e.hash
        FROM unnest(ats, actors, actions, agency_ids, case_ids, targets, details, previous_hashes, hashes)
          WITH ORDINALITY AS e(at, actor, action, agency_id, case_id, target, details, prev_hash, hash, n)
        ORDER BY e.n
        RETURNING *;
    END $$`.execute(db);
}
