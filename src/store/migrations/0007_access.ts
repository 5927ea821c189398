/**
 * Access: users, credentials and case membership, and need-to-know enforced by PostgreSQL itself.
 *
 * Acting connections run as the role `crosslink_app` (SET ROLE, never a superuser, never the table
 * owner) with `crosslink.user_id` naming the authenticated user. Every table holding case data has
 * row-level security ENABLEd and FORCEd; its policy admits a row only when its case is among
 * `crosslink_visible_cases()` — the cases the acting user is an active member of, read from
 * case_members at each statement (so a case opened or granted a moment ago, or a revocation, counts
 * at once on every pooled connection). A query that forgets its case filter still sees nothing
 * foreign. The schema owner keeps a policy of its own: migrations, maintenance and purges.
 *
 * Speed (bench/access.ts, medium world on PostgreSQL, a member of all 100 cases): word search
 * p50 was 2.0 s acting against 0.53 s as the owner with the first form of these policies, and is
 * 0.36 s against 0.28 s now, for two reasons. The policy is `case_id IN (SELECT unnest(…))`, a
 * hashed filter computed once per statement that leaves the choice of index to the query's own
 * conditions; `case_id = ANY ((SELECT …))` made the planner scan the case_id index over every
 * visible row first. And PostgreSQL uses an index for a condition under row-level security only
 * if its function is LEAKPROOF, which full-text match and trigram similarity are not declared to
 * be: every word search read every visible record. They are declared so here when the migration
 * runs as a superuser (always on PGlite; on a server without one, searches stay correct but slow).
 * That gives nothing away in our setting: LEAKPROOF guards against hostile SQL learning about
 * hidden rows from a function's errors, and hostile SQL on an acting connection could simply
 * RESET ROLE — these policies guard trusted code against its own mistakes, which it does not touch.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';

const APP_ROLE = 'crosslink_app';
/** pg_advisory_xact_lock key of the audit chain (src/store/repositories/audit.ts): 0x63726f73. */
const AUDIT_LOCK = 1668444019;

/** `(SELECT f())` rather than `f()`: computed once per statement, not once per row. */
const VISIBLE = sql.raw(`(SELECT crosslink_visible_cases())`);
/** A hashed filter (see the header): cheap per row, and it leaves the choice of index to the query. */
const visibleCase = (column: string) => sql`${sql.ref(column)} IN (SELECT unnest(crosslink_visible_cases()))`;

/** Tables whose rows each carry their own case_id: one policy shape for all. */
const CASE_TABLES = ['sources', 'records', 'source_rejects', 'entities', 'mentions', 'links', 'subject_members', 'media_signals'];

async function executeAll(db: Kysely<unknown>, statements: RawBuilder<unknown>[]): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const schema = (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]!.schema;
  // SECURITY DEFINER functions must not resolve names through a schema the caller controls.
  const definer = sql.raw(`SECURITY DEFINER SET search_path = ${JSON.stringify(schema)}, pg_temp`);

  await executeAll(db, [
    sql`CREATE TABLE users (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      -- NULL only for a node administrator (the local administrator that crosslink init creates).
      agency_id bigint REFERENCES agencies (id),
      name text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
      role text NOT NULL CHECK (role IN ('analyst', 'supervisor', 'auditor', 'admin')),
      password_hash text CHECK (password_hash LIKE '$argon2id$%'),
      failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
      locked_until timestamptz,
      disabled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (agency_id IS NOT NULL OR role = 'admin'),
      UNIQUE (id, agency_id)
    )`,
    sql`CREATE UNIQUE INDEX users_name_key ON users (lower(name))`,
    sql`CREATE INDEX users_agency_idx ON users (agency_id)`,

    // Sessions (after a password login) and API tokens: only the SHA-256 of the secret is kept.
    sql`CREATE TABLE credentials (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      user_id bigint NOT NULL REFERENCES users (id),
      kind text NOT NULL CHECK (kind IN ('session', 'token')),
      token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
      label text,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz
    )`,
    sql`CREATE INDEX credentials_user_idx ON credentials (user_id)`,

    // Who may see which case. A grant is a row; a revocation sets revoked_at on it (nothing else
    // changes, nothing is deleted outside maintenance), and a later grant is a new row.
    sql`CREATE TABLE case_members (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      case_id bigint NOT NULL REFERENCES cases (id),
      user_id bigint NOT NULL REFERENCES users (id),
      -- NULL: by the node itself (the local administrator's grants when a store is upgraded).
      granted_by bigint REFERENCES users (id),
      granted_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      revoked_by bigint REFERENCES users (id),
      CHECK (revoked_at IS NULL OR revoked_at >= granted_at)
    )`,
    sql`CREATE UNIQUE INDEX case_members_active_key ON case_members (user_id, case_id) WHERE revoked_at IS NULL`,
    sql`CREATE INDEX case_members_case_idx ON case_members (case_id)`,
    sql`CREATE FUNCTION crosslink_case_members_revoke_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('crosslink.maintenance', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
      END IF;
      IF TG_OP = 'UPDATE' AND OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
         AND (NEW.id, NEW.case_id, NEW.user_id, NEW.granted_by, NEW.granted_at) IS NOT DISTINCT FROM
             (OLD.id, OLD.case_id, OLD.user_id, OLD.granted_by, OLD.granted_at) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'case_members keeps every grant: % refused (a revocation only sets revoked_at)', TG_OP USING ERRCODE = 'CX001';
    END $$`,
    sql`CREATE TRIGGER case_members_revoke_only BEFORE UPDATE OR DELETE ON case_members FOR EACH ROW EXECUTE FUNCTION crosslink_case_members_revoke_only()`,

    // Who opened a case (its first member), and how long its data may be kept (purged in part 2).
    sql`ALTER TABLE cases ADD COLUMN created_by bigint REFERENCES users (id), ADD COLUMN retain_until date`,

    // The acting user: set only by trusted code (store/connect.ts actAs, access withUser).
    sql`CREATE FUNCTION crosslink_acting_user() RETURNS bigint LANGUAGE sql STABLE AS
      $$ SELECT nullif(current_setting('crosslink.user_id', true), '')::bigint $$`,
    sql`ALTER TABLE cases ALTER COLUMN created_by SET DEFAULT crosslink_acting_user()`,
    sql`CREATE FUNCTION crosslink_visible_cases() RETURNS bigint[] LANGUAGE sql STABLE ${definer} AS $$
      SELECT coalesce(array_agg(m.case_id ORDER BY m.case_id), '{}')
      FROM case_members m JOIN users u ON u.id = m.user_id
      WHERE m.user_id = crosslink_acting_user() AND m.revoked_at IS NULL AND u.disabled_at IS NULL $$`,
    sql`CREATE FUNCTION crosslink_acting_role() RETURNS text LANGUAGE sql STABLE ${definer} AS
      $$ SELECT role FROM users WHERE id = crosslink_acting_user() AND disabled_at IS NULL $$`,
    sql`CREATE FUNCTION crosslink_acting_name() RETURNS text LANGUAGE sql STABLE ${definer} AS
      $$ SELECT name FROM users WHERE id = crosslink_acting_user() AND disabled_at IS NULL $$`,
    // Analysts, supervisors and administrators open cases for their own agency; a node
    // administrator (no agency) for any. Auditors open none.
    sql`CREATE FUNCTION crosslink_may_open_case(agency bigint) RETURNS boolean LANGUAGE sql STABLE ${definer} AS $$
      SELECT coalesce((SELECT role IN ('analyst', 'supervisor', 'admin') AND (agency_id = agency OR (role = 'admin' AND agency_id IS NULL))
                       FROM users WHERE id = crosslink_acting_user() AND disabled_at IS NULL), false) $$`,
    // The opener of a case becomes its first member, in the same statement.
    sql`CREATE FUNCTION crosslink_case_opened() RETURNS trigger LANGUAGE plpgsql ${definer} AS $$
    BEGIN
      IF crosslink_acting_user() IS NOT NULL THEN
        INSERT INTO case_members (case_id, user_id, granted_by) VALUES (NEW.id, crosslink_acting_user(), crosslink_acting_user());
      END IF;
      RETURN NULL;
    END $$`,
    sql`CREATE TRIGGER cases_opener_is_member AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION crosslink_case_opened()`,

    // Subjects carry no case; what a caller sees of one is its members in visible cases.
    sql`CREATE FUNCTION crosslink_subject_is_empty(subject bigint) RETURNS boolean LANGUAGE sql STABLE ${definer} AS
      $$ SELECT NOT EXISTS (SELECT 1 FROM subject_members WHERE subject_id = subject) $$`,
    sql`CREATE FUNCTION crosslink_subject_within(subject bigint, visible bigint[]) RETURNS boolean LANGUAGE sql STABLE ${definer} AS
      $$ SELECT NOT EXISTS (SELECT 1 FROM subject_members WHERE subject_id = subject AND NOT (case_id = ANY (visible))) $$`,

    // The audit chain's head, for appending without being able to read other users' rows.
    sql`CREATE FUNCTION crosslink_audit_head() RETURNS TABLE (id bigint, hash text) LANGUAGE sql STABLE ${definer} AS
      $$ SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1 $$`,
    sql`CREATE FUNCTION crosslink_holds_audit_lock() RETURNS boolean LANGUAGE sql STABLE AS $$
      SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                     AND classid = 0 AND objid = ${sql.lit(AUDIT_LOCK)} AND objsubid = 1) $$`,
  ]);

  // Roles are cluster-wide: many databases (tests) may race to create it; the loser carries on.
  await sql`DO $$
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${sql.lit(APP_ROLE)}) THEN
      CREATE ROLE ${sql.id(APP_ROLE)} NOLOGIN;
    END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END $$`.execute(db);
  // A non-superuser owner must be a member to SET ROLE; a superuser needs nothing (and may not GRANT to itself).
  await sql`DO $$
  BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT pg_has_role(current_user, ${sql.lit(APP_ROLE)}, 'MEMBER') THEN
      EXECUTE format('GRANT %I TO %I', ${sql.lit(APP_ROLE)}, current_user);
    END IF;
  END $$`.execute(db);

  // See the header: lets full-text and trigram conditions use their indexes under the policies.
  await sql`DO $$
  BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
      ALTER FUNCTION ts_match_vq(tsvector, tsquery) LEAKPROOF;
      ALTER FUNCTION similarity_op(text, text) LEAKPROOF;
    END IF;
  END $$`.execute(db);

  const app = sql.id(APP_ROLE);
  const owner = sql.raw('CURRENT_USER');
  // Privileges: what the application may do at all. New tables get none until a migration grants them (fail closed).
  await executeAll(db, [
    sql`GRANT USAGE ON SCHEMA ${sql.id(schema)} TO ${app}`,
    sql`GRANT SELECT ON entity_kinds, identifier_types, link_kinds, record_kinds TO ${app}`,
    sql`GRANT SELECT, INSERT ON identifiers TO ${app}`,
    sql`GRANT SELECT, INSERT, UPDATE ON agencies, cases, sources TO ${app}`,
    sql`GRANT SELECT, INSERT ON records, source_rejects, source_batches, entities, mentions, links, match_decisions, audit_log TO ${app}`,
    sql`GRANT SELECT, INSERT, UPDATE, DELETE ON media_signals, media_matches, subjects, subject_members TO ${app}`,
    sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${sql.id(schema)} TO ${app}`,
  ]);
  // Resolution's bookkeeping (0005: runs and their models, the field comparisons members cite) holds
  // no case data; reading subjects joins it. Resolution itself is the node's work, run as the owner.
  for (const table of ['resolution_runs', 'resolution_reasons']) {
    await sql`DO $$ BEGIN
      IF to_regclass(${sql.lit(table)}) IS NOT NULL THEN EXECUTE ${sql.lit(`GRANT SELECT ON ${table} TO ${APP_ROLE}`)}; END IF;
    END $$`.execute(db);
  }

  // Row-level security. Each table: ENABLE + FORCE, the owner's own policy, and the application's.
  const secure = async (table: string, policies: RawBuilder<unknown>[]) => {
    await executeAll(db, [
      sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`,
      sql`ALTER TABLE ${sql.table(table)} FORCE ROW LEVEL SECURITY`,
      sql`CREATE POLICY crosslink_owner ON ${sql.table(table)} FOR ALL TO ${owner} USING (true) WITH CHECK (true)`,
      ...policies,
    ]);
  };
  for (const table of CASE_TABLES) {
    await secure(table, [sql`CREATE POLICY crosslink_need_to_know ON ${sql.table(table)} FOR ALL TO ${app} USING (${visibleCase('case_id')}) WITH CHECK (${visibleCase('case_id')})`]);
  }
  await secure('cases', [
    // The opener sees the row it is inserting (RETURNING) before the membership trigger has run.
    sql`CREATE POLICY crosslink_read ON cases FOR SELECT TO ${app} USING (${visibleCase('id')} OR created_by = (SELECT crosslink_acting_user()))`,
    sql`CREATE POLICY crosslink_open ON cases FOR INSERT TO ${app} WITH CHECK (crosslink_may_open_case(agency_id) AND created_by = (SELECT crosslink_acting_user()))`,
    sql`CREATE POLICY crosslink_update ON cases FOR UPDATE TO ${app} USING (${visibleCase('id')}) WITH CHECK (${visibleCase('id')})`,
  ]);
  await secure('agencies', [
    // The directory of agencies (names, contacts for hit notices) is for everyone; administrators change it.
    sql`CREATE POLICY crosslink_read ON agencies FOR SELECT TO ${app} USING (true)`,
    sql`CREATE POLICY crosslink_add ON agencies FOR INSERT TO ${app} WITH CHECK ((SELECT crosslink_acting_role()) = 'admin')`,
    sql`CREATE POLICY crosslink_update ON agencies FOR UPDATE TO ${app} USING ((SELECT crosslink_acting_role()) = 'admin')`,
  ]);
  // A source's resume ranges: visible through the source (whose own policy applies inside).
  const throughSource = sql`EXISTS (SELECT 1 FROM sources s WHERE s.id = source_batches.source_id)`;
  await secure('source_batches', [sql`CREATE POLICY crosslink_need_to_know ON source_batches FOR ALL TO ${app} USING (${throughSource}) WITH CHECK (${throughSource})`]);
  // A media match joins two cases: seen only by whoever may see both.
  const bothCases = sql`${visibleCase('case_a')} AND ${visibleCase('case_b')}`;
  await secure('media_matches', [sql`CREATE POLICY crosslink_need_to_know ON media_matches FOR ALL TO ${app} USING (${bothCases}) WITH CHECK (${bothCases})`]);
  // A match decision names two entities: seen only by whoever may see both.
  const bothEntities = sql`EXISTS (SELECT 1 FROM entities e WHERE e.id = match_decisions.entity_a) AND EXISTS (SELECT 1 FROM entities e WHERE e.id = match_decisions.entity_b)`;
  await secure('match_decisions', [sql`CREATE POLICY crosslink_need_to_know ON match_decisions FOR ALL TO ${app} USING (${bothEntities}) WITH CHECK (${bothEntities})`]);
  await secure('subjects', [
    // Visible with a visible member; an empty subject (being written, before its members) too.
    sql`CREATE POLICY crosslink_read ON subjects FOR SELECT TO ${app}
        USING (EXISTS (SELECT 1 FROM subject_members m WHERE m.subject_id = subjects.id) OR crosslink_subject_is_empty(id))`,
    sql`CREATE POLICY crosslink_add ON subjects FOR INSERT TO ${app} WITH CHECK (true)`,
    // A resolution run replaces subjects; it may not delete one that also holds members it cannot see.
    sql`CREATE POLICY crosslink_replace ON subjects FOR DELETE TO ${app} USING (crosslink_subject_within(id, ${VISIBLE}))`,
    sql`CREATE POLICY crosslink_update ON subjects FOR UPDATE TO ${app} USING (crosslink_subject_within(id, ${VISIBLE}))`,
  ]);
  await secure('audit_log', [
    // Auditors and administrators read the whole log; everyone else the rows they wrote. Appending
    // reads the chain's head under the audit lock, so the head row is readable while that lock is held.
    sql`CREATE POLICY crosslink_read ON audit_log FOR SELECT TO ${app} USING (
          actor = (SELECT crosslink_acting_name())
          OR (SELECT crosslink_acting_role()) IN ('auditor', 'admin')
          OR (id = (SELECT h.id FROM crosslink_audit_head() h) AND (SELECT crosslink_holds_audit_lock())))`,
    // Nobody writes in another user's name.
    sql`CREATE POLICY crosslink_append ON audit_log FOR INSERT TO ${app} WITH CHECK (actor = (SELECT crosslink_acting_name()))`,
  ]);
}
