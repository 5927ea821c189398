/**
 * API speed (issue 9): `crosslink_raise_identifier_hits`, run on every search that names an
 * identifier, found the asked identifiers with one join condition `value = asked OR (a handle name
 * AND value starts with it)`. The OR kept PostgreSQL from the (type, value) key: it read every
 * identifier of the asked type and filtered them (518 phones for one phone in the medium world,
 * 1.8 ms of a search's 6 ms, and growing with the store). Now an exact value is found by key, and
 * only a bare handle name (no platform) looks further, among handles. And its statements keep one
 * plan: PostgreSQL re-planned them for every call (0.9 ms), as it does a statement whose parameters
 * might change the best plan, though here they never do.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const schema = (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]!.schema;
  const definer = sql.raw(`SECURITY DEFINER SET search_path = ${JSON.stringify(schema)}, pg_temp`);
  await sql`CREATE OR REPLACE FUNCTION crosslink_raise_identifier_hits(types text[], vals text[], labels text[])
    RETURNS TABLE (hit bigint, kind text, about text, agency text, country text, officer text, phone text, email text)
    LANGUAGE plpgsql VOLATILE ${definer} SET plan_cache_mode = force_generic_plan AS $$
    #variable_conflict use_column
    DECLARE
      visible bigint[] := crosslink_visible_cases();
      raised bigint[];
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM crosslink_seeker()) THEN RETURN; END IF;
      WITH asked AS (
        SELECT * FROM unnest(types, vals, labels) AS a(type, value, label)
      ), matched AS (
        SELECT i.id, a.label FROM asked a JOIN identifiers i ON i.type = a.type AND i.value = a.value
        UNION ALL
        SELECT i.id, a.label FROM asked a JOIN identifiers i ON i.type = 'handle' AND starts_with(i.value, a.value || '@')
        WHERE a.type = 'handle' AND strpos(a.value, '@') = 0
      ), found AS (
        SELECT DISTINCT ON (i.id, m.case_id) i.id AS identifier_id, m.case_id, i.label
        FROM matched i
        JOIN mentions m ON m.identifier_id = i.id
        WHERE NOT (m.case_id = ANY (visible))
        ORDER BY i.id, m.case_id
      ), upserted AS (
        INSERT INTO hits AS h (kind, seeker_id, seeker_name, seeker_agency_id, seeker_label, holder_case_id, selector, identifier_id)
        SELECT 'identifier', s.id, s.name, s.agency_id, f.label, f.case_id, 'i' || f.identifier_id, f.identifier_id
        FROM found f CROSS JOIN crosslink_seeker() s
        ON CONFLICT ON CONSTRAINT hits_once
          DO UPDATE SET count = h.count + 1, last_seen = now(), seeker_label = EXCLUDED.seeker_label
        RETURNING h.id
      )
      SELECT array_agg(id) INTO raised FROM upserted;
      IF raised IS NULL THEN RETURN; END IF;
      RETURN QUERY SELECT r.hit, r.kind, r.about, r.agency, r.country, r.officer, r.phone, r.email FROM crosslink_hits_raised(raised) r ORDER BY r.hit;
    END $$`.execute(db);
}
