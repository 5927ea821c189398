/**
 * API speed (issue 9): `crosslink_visible_cases()`, which every row-level security policy calls
 * once per table a statement reads (an entity page's statements touch a dozen tables), is computed
 * once per statement and kept for the rest of it.
 *
 * As a SQL function that cannot be inlined (it is SECURITY DEFINER) its query was parsed, planned
 * and run at every call: 136 µs each, measured in a loop of 1,000 on the medium world, against 9 µs
 * to read the kept array back. The array is kept in two transaction-local settings, keyed by the
 * acting user and the statement's start time (statement_timestamp(): one value for a whole
 * top-level statement, functions and triggers included, and a new one for the next). So a grant,
 * a revocation or a disabled user still counts from the next statement on, as before; within a
 * statement, a trigger on case_members forgets the kept array, so a statement that grants and then
 * reads (a case opened by a function) sees the grant as it did. VOLATILE, not STABLE: the planner
 * evaluates a stable function while planning (for estimates), under an older snapshot, and its
 * result would then be kept for the statement; a volatile one it leaves alone, and each call reads
 * with the current snapshot. The policies call it in an uncorrelated sub-select, still once per
 * statement and table; plans are unchanged (checked with EXPLAIN on the medium world).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const schema = (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]!.schema;
  const definer = sql.raw(`SECURITY DEFINER SET search_path = ${JSON.stringify(schema)}, pg_temp`);
  await sql`CREATE OR REPLACE FUNCTION crosslink_visible_cases() RETURNS bigint[] LANGUAGE plpgsql VOLATILE ${definer} AS $$
    DECLARE
      key text := coalesce(crosslink_acting_user()::text, '') || '@' || statement_timestamp()::text;
      cases bigint[];
    BEGIN
      IF current_setting('crosslink.visible_key', true) = key THEN
        RETURN current_setting('crosslink.visible_cases')::bigint[];
      END IF;
      cases := (SELECT coalesce(array_agg(m.case_id ORDER BY m.case_id), '{}')
                FROM case_members m JOIN users u ON u.id = m.user_id
                WHERE m.user_id = crosslink_acting_user() AND m.revoked_at IS NULL AND u.disabled_at IS NULL);
      PERFORM set_config('crosslink.visible_cases', cases::text, true), set_config('crosslink.visible_key', key, true);
      RETURN cases;
    END $$`.execute(db);
  await sql`CREATE FUNCTION crosslink_forget_visible_cases() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM set_config('crosslink.visible_key', '', true);
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER case_members_forget_visible AFTER INSERT OR UPDATE OR DELETE ON case_members FOR EACH STATEMENT EXECUTE FUNCTION crosslink_forget_visible_cases()`.execute(db);
}
