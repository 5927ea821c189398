/**
 * Retention and purge (issue 8). A case keeps its data until its retention date (cases.retain_until,
 * 0007), which only a supervisor or administrator of the owning agency sets, through
 * `crosslink_set_retention`; `crosslink purge` (src/access/retention.ts) then removes the case's
 * data as the owner under `crosslink.maintenance` and keeps the cases row as a tombstone marked
 * `purged_at`, so the audit rows that name the case (one of them the purge itself) still resolve.
 * A purged case takes no new sources and no further changes.
 *
 * Also: appending to the audit log now reads the chain's head through the SECURITY DEFINER
 * `crosslink_audit_head()` (store/repositories/audit.ts), so the read policy no longer needs the
 * exception that showed the head row to whoever held the audit lock.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';

const APP_ROLE = 'crosslink_app';

/** Raised for a case the caller may not set or that does not exist: the same words for both. */
const NO_CASE_ERRCODE = 'CX003';
/** Raised for a change to, or evidence into, a purged case. */
const PURGED_ERRCODE = 'CX004';

export async function up(db: Kysely<unknown>): Promise<void> {
  const schema = (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]!.schema;
  const definer = sql.raw(`SECURITY DEFINER SET search_path = ${JSON.stringify(schema)}, pg_temp`);
  const app = sql.lit(APP_ROLE);
  const statements: RawBuilder<unknown>[] = [
    sql`ALTER TABLE cases ADD COLUMN purged_at timestamptz`,
    sql`CREATE INDEX cases_retain_until_idx ON cases (retain_until) WHERE retain_until IS NOT NULL AND purged_at IS NULL`,
    // A purge removes a case's entities: without these, the foreign-key check of every removed
    // entity would scan these (small, rarely written) tables once per entity.
    sql`CREATE INDEX media_matches_a_idx ON media_matches (entity_a)`,
    sql`CREATE INDEX match_decisions_b_idx ON match_decisions (entity_b)`,

    // Acting connections change neither the retention date (only through crosslink_set_retention,
    // which checks who asks) nor the purge mark; nobody changes a purged case outside maintenance.
    sql`CREATE FUNCTION crosslink_case_retention_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('crosslink.maintenance', true) = 'on' THEN
        RETURN NEW;
      END IF;
      IF TG_OP = 'UPDATE' AND OLD.purged_at IS NOT NULL THEN
        RAISE EXCEPTION 'case % was purged on %: it no longer changes', OLD.ref, OLD.purged_at::date USING ERRCODE = ${sql.lit(PURGED_ERRCODE)};
      END IF;
      IF current_user = ${app} AND (
           (TG_OP = 'INSERT' AND NEW.purged_at IS NOT NULL) OR
           (TG_OP = 'UPDATE' AND (NEW.retain_until, NEW.purged_at) IS DISTINCT FROM (OLD.retain_until, OLD.purged_at))) THEN
        RAISE EXCEPTION 'a case''s retention date is set with crosslink case retain, and only a purge marks it purged' USING ERRCODE = '42501';
      END IF;
      RETURN NEW;
    END $$`,
    sql`CREATE TRIGGER cases_retention_guard BEFORE INSERT OR UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION crosslink_case_retention_guard()`,

    // Every piece of evidence arrives through a source: a purged case takes none.
    sql`CREATE FUNCTION crosslink_case_purged_at(target bigint) RETURNS timestamptz LANGUAGE sql STABLE ${definer} AS
      $$ SELECT purged_at FROM cases WHERE id = target $$`,
    sql`CREATE FUNCTION crosslink_source_into_live_case() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE purged timestamptz := crosslink_case_purged_at(NEW.case_id);
    BEGIN
      IF purged IS NOT NULL AND current_setting('crosslink.maintenance', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION 'the case was purged on % (its retention date had passed): nothing more is added to it', purged::date USING ERRCODE = ${sql.lit(PURGED_ERRCODE)};
      END IF;
      RETURN NEW;
    END $$`,
    sql`CREATE TRIGGER sources_into_live_case BEFORE INSERT ON sources FOR EACH ROW EXECUTE FUNCTION crosslink_source_into_live_case()`,

    // Supervisors and administrators of the owning agency, and node administrators, set a case's
    // retention date; they need not be members of it (as with grants). Anyone else, and a case
    // that does not exist, get the same answer, so the function tells nobody which cases exist.
    // NULL clears the date (a hold). Returns the case and the date it replaced.
    sql`CREATE FUNCTION crosslink_set_retention(case_ref text, until date)
      RETURNS TABLE (case_id bigint, agency_id bigint, ref text, agency text, previous date) LANGUAGE plpgsql ${definer} AS $$
    DECLARE
      target cases%ROWTYPE;
      actor users%ROWTYPE;
      before date;
    BEGIN
      SELECT * INTO actor FROM users WHERE id = crosslink_acting_user() AND disabled_at IS NULL;
      SELECT * INTO target FROM cases c WHERE lower(c.ref) = lower(btrim(case_ref)) FOR UPDATE;
      IF target.id IS NULL OR actor.id IS NULL
         OR NOT ((actor.role = 'admin' AND actor.agency_id IS NULL)
                 OR (actor.role IN ('supervisor', 'admin') AND actor.agency_id = target.agency_id)) THEN
        RAISE EXCEPTION 'no case ''%'' whose retention you may set (supervisors and administrators of the owning agency set it)', case_ref
          USING ERRCODE = ${sql.lit(NO_CASE_ERRCODE)};
      END IF;
      IF target.purged_at IS NOT NULL THEN
        RAISE EXCEPTION 'case % was purged on %: its retention no longer changes', target.ref, target.purged_at::date USING ERRCODE = ${sql.lit(PURGED_ERRCODE)};
      END IF;
      before := target.retain_until;
      UPDATE cases SET retain_until = until WHERE id = target.id;
      RETURN QUERY SELECT target.id, target.agency_id, target.ref, a.name, before FROM agencies a WHERE a.id = target.agency_id;
    END $$`,

    // The audit head is read through crosslink_audit_head(); the lock exception goes.
    sql`DROP POLICY crosslink_read ON audit_log`,
    sql`CREATE POLICY crosslink_read ON audit_log FOR SELECT TO ${sql.id(APP_ROLE)} USING (
          actor = (SELECT crosslink_acting_name()) OR (SELECT crosslink_acting_role()) IN ('auditor', 'admin'))`,
    sql`DROP FUNCTION crosslink_holds_audit_lock()`,
  ];
  for (const statement of statements) await statement.execute(db);
}
