/**
 * API speed (issue 9): `crosslink_visible_cases()`, which every row-level security policy calls
 * once per table a statement reads, becomes PL/pgSQL. As a SQL function that cannot be inlined
 * (it is SECURITY DEFINER), its query was parsed and planned again at every call — about 0.4 ms,
 * and an entity page makes a dozen calls. PL/pgSQL keeps the plan of its query for the session.
 * Same result, same semantics: read from case_members at each call, so grants and revocations
 * count at once.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const schema = (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]!.schema;
  const definer = sql.raw(`SECURITY DEFINER SET search_path = ${JSON.stringify(schema)}, pg_temp`);
  await sql`CREATE OR REPLACE FUNCTION crosslink_visible_cases() RETURNS bigint[] LANGUAGE plpgsql STABLE ${definer} AS $$
    BEGIN
      RETURN (SELECT coalesce(array_agg(m.case_id ORDER BY m.case_id), '{}')
              FROM case_members m JOIN users u ON u.id = m.user_id
              WHERE m.user_id = crosslink_acting_user() AND m.revoked_at IS NULL AND u.disabled_at IS NULL);
    END $$`.execute(db);
}
