/**
 * Resolution runs: the model (m, u, prior) and threshold each run used, so that a later run can
 * resolve only the new records against the subjects already there with the same model. And
 * subject members without per-row foreign keys: they are derived data, written in bulk by every
 * run (a million rows; the checks were a third of a full run's time), each from a join with its
 * entity, which pins its entity, case and agency together (as 0002 does for mentions; entities
 * are append-only), in the same transaction as their subjects, which only runs delete, and only
 * once they are empty. A member row names its reason (run, pattern) instead of holding it.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE resolution_runs (
    id text PRIMARY KEY,
    number integer GENERATED ALWAYS AS IDENTITY UNIQUE,
    mode text NOT NULL CHECK (mode IN ('full', 'incremental')),
    threshold double precision NOT NULL CHECK (threshold > 0 AND threshold < 1),
    parameters jsonb NOT NULL,
    trained_on integer NOT NULL,
    people integer NOT NULL,
    resolved integer NOT NULL,
    actor text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
  )`.execute(db);
  await sql`CREATE INDEX resolution_runs_created_idx ON resolution_runs (created_at)`.execute(db);
  // A member's reason is mostly the field weights of its best pair's comparison pattern, which
  // thousands of pairs share: kept once per run and pattern, and joined when read, rather than
  // written as a JSON document into each of a million member rows (half a full run's writing).
  await sql`CREATE TABLE resolution_reasons (
    run integer NOT NULL REFERENCES resolution_runs (number),
    reason integer NOT NULL,
    fields jsonb NOT NULL,
    PRIMARY KEY (run, reason)
  )`.execute(db);
  await sql`ALTER TABLE subject_members
    ADD COLUMN reason_run integer,
    ADD COLUMN reason integer,
    ADD COLUMN reason_with bigint,
    ADD COLUMN reason_probability double precision`.execute(db);
  await sql`ALTER TABLE subject_members DROP CONSTRAINT subject_members_case_id_agency_id_fkey`.execute(db);
  await sql`ALTER TABLE subject_members DROP CONSTRAINT subject_members_entity_id_case_id_fkey`.execute(db);
  await sql`ALTER TABLE subject_members DROP CONSTRAINT subject_members_subject_id_fkey`.execute(db);
}
