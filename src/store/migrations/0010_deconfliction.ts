/**
 * Deconfliction registrations and alerts, and law-enforcement-controlled identities (issue 8).
 *
 * A unit registers the targets (an identifier, a subject) and the planned operations (a time
 * window at a place) of a case. When a registration meets another agency's — or a target is an
 * account another agency operates — each side gets an alert row of its own carrying the other
 * side's contact (agency, officer, phone, email) and nothing else: no case reference, no title,
 * no id of a row it could not read. Finding the other side means reading rows row-level security
 * hides from the acting user, so it happens in SECURITY DEFINER functions (as in 0007), and the
 * alerts are written by triggers: nobody can forge one, raise one twice, or read the other side's.
 *
 * Law-enforcement identities (undercover accounts, an arrested person's account used with lawful
 * authority) are readable only by users of the operating agency. Resolution and analysis learn
 * which selectors are police-operated from `crosslink_police_selectors()`: selectors and validity
 * windows only, never the officer or the authority, and to an acting user only those that occur in
 * the cases they may see — so nobody can list another agency's undercover accounts through it.
 *
 * Rows cascade with their case, so a retention purge (0011) that deletes a case takes them along.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';

const APP_ROLE = 'crosslink_app';

async function executeAll(db: Kysely<unknown>, statements: RawBuilder<unknown>[]): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const schema = (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]!.schema;
  const definer = sql.raw(`SECURITY DEFINER SET search_path = ${JSON.stringify(schema)}, pg_temp`);
  const app = sql.id(APP_ROLE);
  const owner = sql.raw('CURRENT_USER');
  const visibleCase = (column: string) => sql`${sql.ref(column)} IN (SELECT unnest(crosslink_visible_cases()))`;

  await executeAll(db, [
    // A case's own point of contact; without one, the case officer and the agency's contact stand in.
    // The hits work (0009) may have added it first: the same column either way.
    sql`ALTER TABLE cases ADD COLUMN IF NOT EXISTS contact jsonb NOT NULL DEFAULT '{}'`,

    sql`CREATE TABLE le_identities (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      agency_id bigint NOT NULL REFERENCES agencies (id),
      identifier_type text NOT NULL REFERENCES identifier_types (type),
      value text NOT NULL CHECK (length(value) > 0),
      -- As the officer typed it (for a card, the safe rendering).
      shown text NOT NULL,
      platform text,
      officer text NOT NULL CHECK (length(btrim(officer)) > 0),
      authority text NOT NULL CHECK (length(btrim(authority)) > 0),
      valid_from date NOT NULL,
      valid_to date,
      note text,
      added_by bigint REFERENCES users (id) DEFAULT crosslink_acting_user(),
      created_at timestamptz NOT NULL DEFAULT now(),
      retired_at timestamptz,
      retired_by bigint REFERENCES users (id),
      CHECK (valid_to IS NULL OR valid_to >= valid_from)
    )`,
    sql`CREATE UNIQUE INDEX le_identities_current_key ON le_identities (agency_id, identifier_type, value) WHERE retired_at IS NULL`,
    sql`CREATE INDEX le_identities_selector_idx ON le_identities (identifier_type, value)`,

    sql`CREATE TABLE deconfliction_registrations (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      agency_id bigint NOT NULL,
      case_id bigint NOT NULL,
      kind text NOT NULL CHECK (kind IN ('target', 'operation')),
      -- A target: an identifier (normalised as search does), or a subject.
      identifier_type text REFERENCES identifier_types (type),
      value text,
      shown text,
      subject_id bigint,
      -- An operation: what, when, and where (a place's text and/or a circle).
      operation text,
      starts_at timestamptz,
      ends_at timestamptz,
      place text,
      place_key text,
      latitude double precision CHECK (latitude BETWEEN -90 AND 90),
      longitude double precision CHECK (longitude BETWEEN -180 AND 180),
      radius_m double precision CHECK (radius_m >= 0),
      registered_by bigint REFERENCES users (id) DEFAULT crosslink_acting_user(),
      registered_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (case_id, agency_id) REFERENCES cases (id, agency_id) ON DELETE CASCADE,
      CHECK (kind <> 'target' OR ((identifier_type IS NOT NULL AND value IS NOT NULL) <> (subject_id IS NOT NULL))),
      CHECK (kind <> 'operation' OR (operation IS NOT NULL AND starts_at IS NOT NULL AND ends_at > starts_at
             AND (place_key IS NOT NULL OR (latitude IS NOT NULL AND longitude IS NOT NULL AND radius_m IS NOT NULL)))),
      CHECK ((latitude IS NULL) = (longitude IS NULL))
    )`,
    sql`CREATE UNIQUE INDEX deconfliction_target_identifier_key ON deconfliction_registrations (case_id, identifier_type, value) WHERE kind = 'target' AND value IS NOT NULL`,
    sql`CREATE UNIQUE INDEX deconfliction_target_subject_key ON deconfliction_registrations (case_id, subject_id) WHERE kind = 'target' AND subject_id IS NOT NULL`,
    sql`CREATE INDEX deconfliction_selector_idx ON deconfliction_registrations (identifier_type, value) WHERE kind = 'target'`,
    sql`CREATE INDEX deconfliction_subject_idx ON deconfliction_registrations (subject_id) WHERE kind = 'target'`,
    sql`CREATE INDEX deconfliction_operation_idx ON deconfliction_registrations (starts_at, ends_at) WHERE kind = 'operation'`,
    sql`CREATE INDEX deconfliction_case_idx ON deconfliction_registrations (case_id)`,

    // One row per recipient: a case's registration, or the operating agency's identity.
    sql`CREATE TABLE deconfliction_alerts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      agency_id bigint NOT NULL REFERENCES agencies (id),
      case_id bigint REFERENCES cases (id) ON DELETE CASCADE,
      registration_id bigint REFERENCES deconfliction_registrations (id) ON DELETE CASCADE,
      identity_id bigint REFERENCES le_identities (id),
      reason text NOT NULL CHECK (reason IN ('target', 'operation')),
      -- The other side only: {agency, officer, phone, email}.
      contact jsonb NOT NULL,
      raised_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((case_id IS NOT NULL AND registration_id IS NOT NULL) <> (identity_id IS NOT NULL))
    )`,
    sql`CREATE INDEX deconfliction_alerts_case_idx ON deconfliction_alerts (case_id)`,
    sql`CREATE INDEX deconfliction_alerts_registration_idx ON deconfliction_alerts (registration_id)`,
    sql`CREATE INDEX deconfliction_alerts_identity_idx ON deconfliction_alerts (identity_id)`,

    sql`CREATE OR REPLACE FUNCTION crosslink_acting_agency() RETURNS bigint LANGUAGE sql STABLE ${definer} AS
      $$ SELECT agency_id FROM users WHERE id = crosslink_acting_user() AND disabled_at IS NULL $$`,
    // Great-circle distance in metres (haversine, mean earth radius): enough to tell 50 m from 5 km.
    sql`CREATE FUNCTION crosslink_distance_m(lat1 float8, lon1 float8, lat2 float8, lon2 float8) RETURNS float8 LANGUAGE sql IMMUTABLE STRICT AS $$
      SELECT 2 * 6371008.8 * asin(least(1, sqrt(
        sin(radians(lat2 - lat1) / 2) ^ 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2))) $$`,

    // Contacts, the only thing an alert carries of the other side.
    sql`CREATE FUNCTION crosslink_case_contact(p_case bigint) RETURNS jsonb LANGUAGE sql STABLE ${definer} AS $$
      SELECT jsonb_build_object(
        'agency', a.name,
        'officer', coalesce(nullif(c.contact->>'officer', ''), nullif(c.officer, ''), nullif(a.contact->>'officer', '')),
        'phone', coalesce(nullif(c.contact->>'phone', ''), nullif(a.contact->>'phone', '')),
        'email', coalesce(nullif(c.contact->>'email', ''), nullif(a.contact->>'email', '')))
      FROM cases c JOIN agencies a ON a.id = c.agency_id WHERE c.id = p_case $$`,
    sql`CREATE FUNCTION crosslink_identity_contact(p_identity bigint) RETURNS jsonb LANGUAGE sql STABLE ${definer} AS $$
      SELECT jsonb_build_object('agency', a.name, 'officer', l.officer, 'phone', nullif(a.contact->>'phone', ''), 'email', nullif(a.contact->>'email', ''))
      FROM le_identities l JOIN agencies a ON a.id = l.agency_id WHERE l.id = p_identity $$`,

    sql`CREATE FUNCTION crosslink_le_identity_active(l le_identities) RETURNS boolean LANGUAGE sql STABLE AS $$
      SELECT l.retired_at IS NULL AND l.valid_from <= current_date AND (l.valid_to IS NULL OR l.valid_to >= current_date) $$`,

    // The identifiers a subject stands for: what its member entities mention (matchable kinds).
    sql`CREATE FUNCTION crosslink_subject_selectors(p_subject bigint) RETURNS TABLE (type text, value text) LANGUAGE sql STABLE ${definer} AS $$
      SELECT DISTINCT i.type, i.value FROM subject_members sm
      JOIN mentions m ON m.entity_id = sm.entity_id JOIN identifiers i ON i.id = m.identifier_id
      WHERE sm.subject_id = p_subject AND i.type NOT IN ('url', 'domain') $$`,

    // Every other agency's registration or active identity that a planned registration meets, with
    // that side's contact. For the triggers and the check below only: it returns foreign row ids.
    sql`CREATE FUNCTION crosslink_deconfliction_matches(
        p_agency bigint, p_kind text, p_type text, p_value text, p_subject bigint,
        p_starts timestamptz, p_ends timestamptz, p_place_key text, p_lat float8, p_lon float8, p_radius float8)
      RETURNS TABLE (reason text, registration_id bigint, identity_id bigint, case_id bigint, agency_id bigint, contact jsonb)
      LANGUAGE sql STABLE ${definer} AS $$
      WITH mine AS (
        SELECT p_type AS type, p_value AS value WHERE p_kind = 'target' AND p_value IS NOT NULL
        UNION
        SELECT s.type, s.value FROM crosslink_subject_selectors(p_subject) s WHERE p_kind = 'target' AND p_subject IS NOT NULL
      )
      SELECT 'target', r.id, NULL::bigint, r.case_id, r.agency_id, crosslink_case_contact(r.case_id)
      FROM deconfliction_registrations r
      WHERE p_kind = 'target' AND r.kind = 'target' AND r.agency_id <> p_agency
        AND ((p_subject IS NOT NULL AND r.subject_id = p_subject)
             OR (r.value IS NOT NULL AND (r.identifier_type, r.value) IN (SELECT type, value FROM mine))
             OR (r.subject_id IS NOT NULL AND EXISTS (
                   SELECT 1 FROM crosslink_subject_selectors(r.subject_id) s JOIN mine ON mine.type = s.type AND mine.value = s.value)))
      UNION ALL
      SELECT 'target', NULL, l.id, NULL, l.agency_id, crosslink_identity_contact(l.id)
      FROM le_identities l
      WHERE p_kind = 'target' AND l.agency_id <> p_agency AND crosslink_le_identity_active(l)
        AND (l.identifier_type, l.value) IN (SELECT type, value FROM mine)
      UNION ALL
      SELECT 'operation', r.id, NULL, r.case_id, r.agency_id, crosslink_case_contact(r.case_id)
      FROM deconfliction_registrations r
      WHERE p_kind = 'operation' AND r.kind = 'operation' AND r.agency_id <> p_agency
        AND r.starts_at < p_ends AND p_starts < r.ends_at
        AND ((r.place_key IS NOT NULL AND r.place_key = p_place_key)
             OR (r.latitude IS NOT NULL AND p_lat IS NOT NULL
                 AND crosslink_distance_m(r.latitude, r.longitude, p_lat, p_lon) <= r.radius_m + p_radius)) $$`,

    // A registration raises its alerts as it is written: one to its own case, one to the other side.
    sql`CREATE FUNCTION crosslink_registration_raise() RETURNS trigger LANGUAGE plpgsql ${definer} AS $$
    BEGIN
      WITH met AS (
        SELECT * FROM crosslink_deconfliction_matches(NEW.agency_id, NEW.kind, NEW.identifier_type, NEW.value, NEW.subject_id,
          NEW.starts_at, NEW.ends_at, NEW.place_key, NEW.latitude, NEW.longitude, NEW.radius_m)
      ), own AS (
        INSERT INTO deconfliction_alerts (agency_id, case_id, registration_id, reason, contact)
        SELECT NEW.agency_id, NEW.case_id, NEW.id, f.reason, f.contact FROM met f
      )
      INSERT INTO deconfliction_alerts (agency_id, case_id, registration_id, identity_id, reason, contact)
      SELECT f.agency_id, f.case_id, f.registration_id, f.identity_id, f.reason, crosslink_case_contact(NEW.case_id) FROM met f;
      RETURN NULL;
    END $$`,
    sql`CREATE TRIGGER deconfliction_registrations_raise AFTER INSERT ON deconfliction_registrations FOR EACH ROW EXECUTE FUNCTION crosslink_registration_raise()`,

    // An identity registered after another agency targeted the same selector alerts both as well.
    sql`CREATE FUNCTION crosslink_identity_raise() RETURNS trigger LANGUAGE plpgsql ${definer} AS $$
    BEGIN
      IF NOT crosslink_le_identity_active(NEW) THEN
        RETURN NULL;
      END IF;
      WITH met AS (
        SELECT * FROM crosslink_deconfliction_matches(NEW.agency_id, 'target', NEW.identifier_type, NEW.value, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
        WHERE registration_id IS NOT NULL
      ), own AS (
        INSERT INTO deconfliction_alerts (agency_id, identity_id, reason, contact)
        SELECT NEW.agency_id, NEW.id, f.reason, f.contact FROM met f
      )
      INSERT INTO deconfliction_alerts (agency_id, case_id, registration_id, reason, contact)
      SELECT f.agency_id, f.case_id, f.registration_id, f.reason, crosslink_identity_contact(NEW.id) FROM met f;
      RETURN NULL;
    END $$`,
    sql`CREATE TRIGGER le_identities_raise AFTER INSERT ON le_identities FOR EACH ROW EXECUTE FUNCTION crosslink_identity_raise()`,

    // What a registration would meet, for 'deconflict check': the other sides' contacts only, and
    // only for a case the caller may see. Writes nothing.
    sql`CREATE FUNCTION crosslink_deconfliction_check(
        p_case bigint, p_kind text, p_type text, p_value text, p_subject bigint,
        p_starts timestamptz, p_ends timestamptz, p_place_key text, p_lat float8, p_lon float8, p_radius float8)
      RETURNS TABLE (reason text, contact jsonb) LANGUAGE sql STABLE ${definer} AS $$
      SELECT f.reason, f.contact
      FROM cases c, crosslink_deconfliction_matches(c.agency_id, p_kind, p_type, p_value, p_subject, p_starts, p_ends, p_place_key, p_lat, p_lon, p_radius) f
      WHERE c.id = p_case AND c.id IN (SELECT unnest(crosslink_visible_cases()))
      ORDER BY f.reason, f.contact->>'agency', f.contact->>'officer' $$`,

    // Active police-operated selectors with their windows (see the header): all of them for the
    // node's own work (no acting user), else those occurring in the caller's visible cases.
    sql`CREATE FUNCTION crosslink_police_selectors() RETURNS TABLE (type text, value text, valid_from date, valid_to date) LANGUAGE sql STABLE ${definer} AS $$
      SELECT l.identifier_type, l.value, min(l.valid_from), CASE WHEN bool_or(l.valid_to IS NULL) THEN NULL ELSE max(l.valid_to) END
      FROM le_identities l
      WHERE crosslink_le_identity_active(l)
        AND (crosslink_acting_user() IS NULL OR EXISTS (
              SELECT 1 FROM identifiers i JOIN mentions m ON m.identifier_id = i.id
              WHERE i.type = l.identifier_type AND i.value = l.value AND m.case_id IN (SELECT unnest(crosslink_visible_cases()))))
      GROUP BY l.identifier_type, l.value $$`,
  ]);

  // Functions are executable by everyone unless revoked: these hand out foreign rows or write alerts.
  for (const name of [
    'crosslink_deconfliction_matches(bigint, text, text, text, bigint, timestamptz, timestamptz, text, float8, float8, float8)',
    'crosslink_case_contact(bigint)',
    'crosslink_identity_contact(bigint)',
    'crosslink_subject_selectors(bigint)',
    'crosslink_registration_raise()',
    'crosslink_identity_raise()',
  ]) {
    await sql`REVOKE ALL ON FUNCTION ${sql.raw(name)} FROM PUBLIC`.execute(db);
  }

  await executeAll(db, [
    sql`GRANT SELECT, INSERT ON le_identities, deconfliction_registrations TO ${app}`,
    sql`GRANT UPDATE (retired_at, retired_by) ON le_identities TO ${app}`,
    sql`GRANT SELECT ON deconfliction_alerts TO ${app}`,
    sql`GRANT USAGE, SELECT ON SEQUENCE le_identities_id_seq, deconfliction_registrations_id_seq TO ${app}`,
  ]);

  const secure = async (table: string, policies: RawBuilder<unknown>[]) => {
    await executeAll(db, [
      sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`,
      sql`ALTER TABLE ${sql.table(table)} FORCE ROW LEVEL SECURITY`,
      sql`CREATE POLICY crosslink_owner ON ${sql.table(table)} FOR ALL TO ${owner} USING (true) WITH CHECK (true)`,
      ...policies,
    ]);
  };
  const ownAgency = sql`agency_id = (SELECT crosslink_acting_agency())`;
  const mayOperate = sql`(SELECT crosslink_acting_role()) IN ('analyst', 'supervisor', 'admin')`;
  // Undercover accounts: the operating agency's users alone know them.
  await secure('le_identities', [
    sql`CREATE POLICY crosslink_own_agency ON le_identities FOR SELECT TO ${app} USING (${ownAgency})`,
    sql`CREATE POLICY crosslink_add ON le_identities FOR INSERT TO ${app} WITH CHECK (${ownAgency} AND ${mayOperate} AND added_by = (SELECT crosslink_acting_user()))`,
    sql`CREATE POLICY crosslink_retire ON le_identities FOR UPDATE TO ${app} USING (${ownAgency} AND ${mayOperate}) WITH CHECK (${ownAgency} AND retired_by = (SELECT crosslink_acting_user()))`,
  ]);
  await secure('deconfliction_registrations', [
    sql`CREATE POLICY crosslink_need_to_know ON deconfliction_registrations FOR SELECT TO ${app} USING (${visibleCase('case_id')})`,
    sql`CREATE POLICY crosslink_register ON deconfliction_registrations FOR INSERT TO ${app}
        WITH CHECK (${visibleCase('case_id')} AND registered_by = (SELECT crosslink_acting_user()))`,
  ]);
  // Each side reads its own alert rows: through its case, or through its agency's identity.
  await secure('deconfliction_alerts', [
    sql`CREATE POLICY crosslink_recipient ON deconfliction_alerts FOR SELECT TO ${app} USING (
          (case_id IS NOT NULL AND ${visibleCase('case_id')})
          OR (identity_id IS NOT NULL AND EXISTS (SELECT 1 FROM le_identities l WHERE l.id = deconfliction_alerts.identity_id)))`,
  ]);
}
