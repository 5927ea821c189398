/**
 * Cross-agency hit notices (issue 8), and the leaks they close.
 *
 * A hit is a selector — an identifier, a subject, a picture — that the acting user met and that a
 * case they may not see also holds. Finding one means reading across every case, which the acting
 * role cannot do, so SECURITY DEFINER functions do it: they take only what the caller holds (the
 * values it typed, a subject it sees a member of, a case of its own), record the hit, and return
 * the notice — who to call — and nothing of the holding case (no ref, title, record, entity or
 * label). The same seeker, holding case and selector make one hit, counted. The holding case's
 * members read the hits on it, with who looked and how to reach them, under row-level security;
 * the seeker reads their own only through `crosslink_hits_raised`, which never names the case.
 *
 * Closed here as well: the identifier dictionary, readable in full by any acting user, now shows a
 * value only where a visible case mentions it (ingestion interns through a definer function); and
 * a subject's label and a member's reasons, which may come from a member in a case the reader may
 * not see, are read through functions that keep to the visible members.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';

const APP_ROLE = 'crosslink_app';
/** PDQ_MATCH_THRESHOLD (src/media/pdq/hamming.ts): a caller may ask for less, never for more. */
const PDQ_THRESHOLD = 31;
/** PDQ_MIN_QUALITY: flat or featureless pictures are never matched. */
const PDQ_MIN_QUALITY = 50;

async function executeAll(db: Kysely<unknown>, statements: RawBuilder<unknown>[]): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const schema = (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]!.schema;
  // SECURITY DEFINER functions must not resolve names through a schema the caller controls.
  const definer = sql.raw(`SECURITY DEFINER SET search_path = ${JSON.stringify(schema)}, pg_temp`);
  const app = sql.id(APP_ROLE);
  const owner = sql.raw('CURRENT_USER');
  // What a notice carries, for every raise function: the hit, what the seeker asked in their own
  // words, and the holding case's point of contact (the case's own, else its agency's).
  const notice = sql.raw(`hit bigint, kind text, about text, agency text, country text, officer text, phone text, email text`);

  await executeAll(db, [
    // The case officer's own line, for hit notices; the agency's contact stands in when empty.
    sql`ALTER TABLE cases ADD COLUMN contact jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(contact) = 'object')`,

    sql`CREATE TABLE hits (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('identifier', 'subject', 'media')),
      -- Who looked, as they were then: the holding officer calls them back.
      seeker_id bigint NOT NULL REFERENCES users (id),
      seeker_name text NOT NULL,
      seeker_agency_id bigint REFERENCES agencies (id),
      -- The seeker's side, in their own words (never granted to the holding case's members).
      seeker_case_id bigint REFERENCES cases (id),
      seeker_label text NOT NULL,
      holder_case_id bigint NOT NULL REFERENCES cases (id),
      -- What was met: i<identifier>, s<subject>, e<the seeker's own media entity>.
      selector text NOT NULL,
      identifier_id bigint REFERENCES identifiers (id),
      -- Resolution runs replace subjects: the number is kept, not a reference.
      subject_id bigint,
      -- The holding case's own entities the hit touched (subject members, pictures).
      holder_entities bigint[] NOT NULL DEFAULT '{}',
      count integer NOT NULL DEFAULT 1 CHECK (count > 0),
      first_seen timestamptz NOT NULL DEFAULT now(),
      last_seen timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT hits_once UNIQUE (seeker_id, holder_case_id, kind, selector)
    )`,
    sql`CREATE INDEX hits_holder_idx ON hits (holder_case_id, last_seen)`,

    sql`ALTER TABLE hits ENABLE ROW LEVEL SECURITY`,
    sql`ALTER TABLE hits FORCE ROW LEVEL SECURITY`,
    sql`CREATE POLICY crosslink_owner ON hits FOR ALL TO ${owner} USING (true) WITH CHECK (true)`,
    // The holding case's members read the hits on it; nobody writes them but the functions below.
    sql`CREATE POLICY crosslink_holder ON hits FOR SELECT TO ${app} USING (holder_case_id IN (SELECT unnest(crosslink_visible_cases())))`,
    sql`GRANT SELECT (id, kind, seeker_name, seeker_agency_id, holder_case_id, identifier_id, subject_id, holder_entities, count, first_seen, last_seen) ON hits TO ${app}`,

    // Who is asking: an active user (the owner, acting for nobody, sees every case and meets no hit).
    sql`CREATE FUNCTION crosslink_seeker() RETURNS TABLE (id bigint, name text, agency_id bigint) LANGUAGE sql STABLE ${definer} AS $$
      SELECT id, name, agency_id FROM users WHERE id = crosslink_acting_user() AND disabled_at IS NULL $$`,

    // The acting user's own hits as notices: never the holding case's ref, title or data.
    sql`CREATE FUNCTION crosslink_hits_raised(only_hits bigint[] DEFAULT NULL, seeker_case bigint DEFAULT NULL)
      RETURNS TABLE (${notice}, count integer, first_seen timestamptz, last_seen timestamptz) LANGUAGE sql STABLE ${definer} AS $$
      SELECT h.id, h.kind, h.seeker_label, a.name, a.country,
             coalesce(nullif(c.officer, ''), a.contact->>'officer'),
             coalesce(c.contact->>'phone', a.contact->>'phone'), coalesce(c.contact->>'email', a.contact->>'email'),
             h.count, h.first_seen, h.last_seen
      FROM hits h JOIN cases c ON c.id = h.holder_case_id JOIN agencies a ON a.id = c.agency_id
      WHERE h.seeker_id = crosslink_acting_user()
        AND (only_hits IS NULL OR h.id = ANY (only_hits))
        AND (seeker_case IS NULL OR h.seeker_case_id = seeker_case)
      ORDER BY h.last_seen DESC, h.id DESC $$`,

    // Identifiers the caller typed — (type, value) pairs, or a handle name on any platform — held by cases it may not see.
    sql`CREATE FUNCTION crosslink_raise_identifier_hits(types text[], vals text[], labels text[]) RETURNS TABLE (${notice})
      LANGUAGE plpgsql VOLATILE ${definer} AS $$
      #variable_conflict use_column
      DECLARE
        visible bigint[] := crosslink_visible_cases();
        raised bigint[];
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM crosslink_seeker()) THEN RETURN; END IF;
        WITH asked AS (
          SELECT * FROM unnest(types, vals, labels) AS a(type, value, label)
        ), found AS (
          SELECT DISTINCT ON (i.id, m.case_id) i.id AS identifier_id, m.case_id, a.label
          FROM asked a
          JOIN identifiers i ON i.type = a.type
            AND (i.value = a.value OR (a.type = 'handle' AND strpos(a.value, '@') = 0 AND starts_with(i.value, a.value || '@')))
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
      END $$`,

    // A subject the caller sees a member of (never a bare id to probe), with members in cases it may not see.
    sql`CREATE FUNCTION crosslink_raise_subject_hits(subject bigint) RETURNS TABLE (${notice})
      LANGUAGE plpgsql VOLATILE ${definer} AS $$
      #variable_conflict use_column
      DECLARE
        visible bigint[] := crosslink_visible_cases();
        raised bigint[];
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM crosslink_seeker()) THEN RETURN; END IF;
        IF NOT EXISTS (SELECT 1 FROM subject_members sm WHERE sm.subject_id = subject AND sm.case_id = ANY (visible)) THEN RETURN; END IF;
        WITH found AS (
          SELECT sm.case_id, array_agg(sm.entity_id ORDER BY sm.entity_id) AS entities
          FROM subject_members sm WHERE sm.subject_id = subject AND NOT (sm.case_id = ANY (visible))
          GROUP BY sm.case_id
        ), upserted AS (
          INSERT INTO hits AS h (kind, seeker_id, seeker_name, seeker_agency_id, seeker_label, holder_case_id, selector, subject_id, holder_entities)
          SELECT 'subject', s.id, s.name, s.agency_id, 'subject s' || subject, f.case_id, 's' || subject, subject, f.entities
          FROM found f CROSS JOIN crosslink_seeker() s
          ON CONFLICT ON CONSTRAINT hits_once
            DO UPDATE SET count = h.count + 1, last_seen = now(), holder_entities = EXCLUDED.holder_entities
          RETURNING h.id
        )
        SELECT array_agg(id) INTO raised FROM upserted;
        IF raised IS NULL THEN RETURN; END IF;
        RETURN QUERY SELECT r.hit, r.kind, r.about, r.agency, r.country, r.officer, r.phone, r.email FROM crosslink_hits_raised(raised) r ORDER BY r.hit;
      END $$`,

    // The media of a case the caller sees, against pictures in cases it may not see: the same file,
    // a near-identical picture the node's matcher recorded, or one it never compared (an acting
    // matcher sees only its own cases), compared here bit by bit (upright; turned or mirrored
    // copies are found when the node's matcher recorded them).
    sql`CREATE FUNCTION crosslink_raise_media_hits(target_case bigint, threshold integer) RETURNS TABLE (${notice})
      LANGUAGE plpgsql VOLATILE ${definer} AS $$
      #variable_conflict use_column
      DECLARE
        visible bigint[] := crosslink_visible_cases();
        limit_bits integer := least(greatest(coalesce(threshold, ${sql.lit(PDQ_THRESHOLD)}), 0), ${sql.lit(PDQ_THRESHOLD)});
        raised bigint[];
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM crosslink_seeker()) OR NOT (target_case = ANY (visible)) THEN RETURN; END IF;
        WITH mine AS (
          SELECT e.id, e.key, e.label, e.props->>'pdq' AS pdq, coalesce((e.props->>'pdq_quality')::int, 0) AS quality
          FROM entities e
          WHERE e.case_id = target_case AND e.kind = 'media' AND e.supersedes IS NULL
            AND NOT EXISTS (SELECT 1 FROM hash_set_entries h JOIN hash_sets s ON s.id = h.set_id AND s.kind = 'known_good'
                            WHERE h.sha256 = e.props->>'sha256' OR h.md5 = e.props->>'md5' OR h.sha1 = e.props->>'sha1')
        ), pairs AS (
          SELECT m.id AS mine, o.id AS other, o.case_id
          FROM mine m JOIN entities o ON o.kind = 'media' AND o.key = m.key AND o.supersedes IS NULL
          WHERE NOT (o.case_id = ANY (visible))
          UNION
          SELECT m.id, CASE WHEN mm.entity_a = m.id THEN mm.entity_b ELSE mm.entity_a END, CASE WHEN mm.entity_a = m.id THEN mm.case_b ELSE mm.case_a END
          FROM mine m JOIN media_matches mm ON (mm.entity_a = m.id OR mm.entity_b = m.id) AND mm.distance <= limit_bits
          WHERE NOT ((CASE WHEN mm.entity_a = m.id THEN mm.case_b ELSE mm.case_a END) = ANY (visible))
          UNION
          SELECT m.id, s.entity_id, s.case_id
          FROM mine m JOIN media_signals s ON s.signal = 'pdq' AND s.quality >= ${sql.lit(PDQ_MIN_QUALITY)} AND NOT (s.case_id = ANY (visible))
          WHERE m.quality >= ${sql.lit(PDQ_MIN_QUALITY)} AND m.pdq ~* '^[0-9a-f]{64}$' AND s.value ~* '^[0-9a-f]{64}$'
            AND bit_count(('x' || m.pdq)::bit(256) # ('x' || s.value)::bit(256)) <= limit_bits
        ), found AS (
          SELECT p.mine, p.case_id, array_agg(DISTINCT p.other) AS entities FROM pairs p GROUP BY p.mine, p.case_id
        ), upserted AS (
          INSERT INTO hits AS h (kind, seeker_id, seeker_name, seeker_agency_id, seeker_case_id, seeker_label, holder_case_id, selector, holder_entities)
          SELECT 'media', s.id, s.name, s.agency_id, target_case, m.label || ' (e' || m.id || ')', f.case_id, 'e' || f.mine, f.entities
          FROM found f JOIN mine m ON m.id = f.mine CROSS JOIN crosslink_seeker() s
          ON CONFLICT ON CONSTRAINT hits_once
            DO UPDATE SET count = h.count + 1, last_seen = now(), holder_entities = EXCLUDED.holder_entities
          RETURNING h.id
        )
        SELECT array_agg(id) INTO raised FROM upserted;
        IF raised IS NULL THEN RETURN; END IF;
        RETURN QUERY SELECT r.hit, r.kind, r.about, r.agency, r.country, r.officer, r.phone, r.email FROM crosslink_hits_raised(raised) r ORDER BY r.hit;
      END $$`,
  ]);

  // The identifier dictionary: a value is seen only where a visible case mentions it (the
  // mentions' own policy applies inside). Ingestion interns values it cannot see yet through
  // crosslink_intern_identifiers, which answers ids only, never whether or where a value is held.
  await executeAll(db, [
    sql`ALTER TABLE identifiers ENABLE ROW LEVEL SECURITY`,
    sql`ALTER TABLE identifiers FORCE ROW LEVEL SECURITY`,
    sql`CREATE POLICY crosslink_owner ON identifiers FOR ALL TO ${owner} USING (true) WITH CHECK (true)`,
    sql`CREATE POLICY crosslink_need_to_know ON identifiers FOR SELECT TO ${app}
        USING (EXISTS (SELECT 1 FROM mentions m WHERE m.identifier_id = identifiers.id AND m.case_id IN (SELECT unnest(crosslink_visible_cases()))))`,
    sql`REVOKE INSERT ON identifiers FROM ${app}`,
    // Sorted, one statement to insert and one to read: a value another session committed in
    // between is found by the second (READ COMMITTED takes a new snapshot per statement).
    sql`CREATE FUNCTION crosslink_intern_identifiers(types text[], vals text[], displays text[])
      RETURNS TABLE (id bigint, type text, value text) LANGUAGE plpgsql VOLATILE ${definer} AS $$
      #variable_conflict use_column
      BEGIN
        IF crosslink_acting_user() IS NOT NULL AND coalesce(crosslink_acting_role(), 'auditor') = 'auditor' THEN
          RAISE EXCEPTION 'only analysts, supervisors and administrators ingest' USING ERRCODE = '42501';
        END IF;
        INSERT INTO identifiers (type, value, display)
        SELECT DISTINCT ON (u.type, u.value) u.type, u.value, u.display
        FROM unnest(types, vals, displays) AS u(type, value, display)
        ORDER BY u.type, u.value
        ON CONFLICT ON CONSTRAINT identifiers_type_value_key DO NOTHING;
        RETURN QUERY SELECT i.id, i.type, i.value FROM identifiers i
          JOIN (SELECT DISTINCT u.type, u.value FROM unnest(types, vals) AS u(type, value)) u ON i.type = u.type AND i.value = u.value;
      END $$`,
  ]);

  // A subject's stored label is the first member's name, and that member may sit in a case the
  // reader may not see. The application reads no label itself, only this: the stored label when
  // every member is visible or a visible member carries it, else a visible member's name, else
  // nothing. The owner (acting for nobody) gets the stored label.
  await executeAll(db, [
    sql`REVOKE SELECT ON subjects FROM ${app}`,
    sql`GRANT SELECT (id, resolution_run, created_at) ON subjects TO ${app}`,
    sql`CREATE FUNCTION crosslink_subject_label(subject bigint) RETURNS text LANGUAGE sql STABLE ${definer} AS $$
      WITH visible AS (
        SELECT crosslink_acting_user() IS NULL AS everything, crosslink_visible_cases() AS cases
      ), seen AS (
        SELECT e.id, e.label, e.props->>'full_name' AS full_name
        FROM subject_members sm JOIN entities e ON e.id = sm.entity_id, visible v
        WHERE sm.subject_id = subject AND (v.everything OR sm.case_id = ANY (v.cases))
      )
      SELECT CASE
        WHEN (SELECT everything FROM visible)
          OR NOT EXISTS (SELECT 1 FROM subject_members sm, visible v WHERE sm.subject_id = subject AND NOT (sm.case_id = ANY (v.cases)))
          OR EXISTS (SELECT 1 FROM seen WHERE seen.label = s.label OR seen.full_name = s.label) THEN s.label
        ELSE (SELECT coalesce(nullif(seen.full_name, ''), seen.label) FROM seen ORDER BY seen.id LIMIT 1)
      END
      FROM subjects s WHERE s.id = subject $$`,
  ]);

  // A member's reasons name the record it was compared with, which may sit in a case the reader
  // may not see: such a reference reads as null (invoker's rights, as above).
  await sql`CREATE FUNCTION crosslink_visible_reasons(reasons jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(CASE
             WHEN jsonb_typeof(r) = 'object' AND r ? 'with' AND jsonb_typeof(r->'with') <> 'null'
                  AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.id::text = r->>'with') THEN jsonb_set(r, '{with}', 'null')
             ELSE r END ORDER BY ordinal), '[]')
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(reasons) = 'array' THEN reasons ELSE '[]' END) WITH ORDINALITY AS x(r, ordinal) $$`.execute(db);
}
