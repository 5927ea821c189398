/**
 * Media signals and matches. A perceptual hash is a signal of a media entity (one row per entity
 * and signal type); a match is a pair of media entities — in the same case or in two — whose
 * signals are within the type's threshold. Matches join cases, so each side keeps its own case
 * (row-level security needs both). Hash sets hold numbers and hashes only — never content: Project
 * VIC/VICS sets with categories, known-good (NSRL-style) lists whose files are left out of review
 * and matching, and the agency's own categorisations (append-only: the latest per hash counts).
 * Also an index for "the same room / merchant in other cases".
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE media_signals (
    entity_id bigint NOT NULL REFERENCES entities (id),
    agency_id bigint NOT NULL,
    case_id bigint NOT NULL,
    signal text NOT NULL,
    value text NOT NULL,
    quality integer,
    computed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entity_id, signal),
    FOREIGN KEY (case_id, agency_id) REFERENCES cases (id, agency_id)
  )`.execute(db);
  await sql`CREATE INDEX media_signals_value_idx ON media_signals (signal, value)`.execute(db);
  await sql`CREATE INDEX media_signals_case_idx ON media_signals (case_id)`.execute(db);
  await sql`CREATE TABLE media_matches (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    signal text NOT NULL,
    entity_a bigint NOT NULL REFERENCES entities (id),
    case_a bigint NOT NULL REFERENCES cases (id),
    entity_b bigint NOT NULL REFERENCES entities (id),
    case_b bigint NOT NULL REFERENCES cases (id),
    distance integer NOT NULL,
    found_at timestamptz NOT NULL DEFAULT now(),
    CHECK (entity_a < entity_b),
    UNIQUE (signal, entity_a, entity_b)
  )`.execute(db);
  await sql`CREATE INDEX media_matches_b_idx ON media_matches (entity_b)`.execute(db);
  await sql`CREATE INDEX media_matches_cases_idx ON media_matches (case_a, case_b)`.execute(db);
  await sql`CREATE TABLE hash_sets (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('categorised', 'known_good')),
    format text NOT NULL,
    file_name text NOT NULL,
    file_sha256 text NOT NULL,
    entries integer NOT NULL DEFAULT 0,
    imported_by text NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (file_sha256, kind)
  )`.execute(db);
  await sql`CREATE TABLE hash_set_entries (
    set_id bigint NOT NULL REFERENCES hash_sets (id),
    md5 text,
    sha1 text,
    sha256 text,
    pdq text,
    category text,
    series text,
    victim_identified boolean,
    offender_identified boolean,
    CHECK (md5 IS NOT NULL OR sha1 IS NOT NULL OR sha256 IS NOT NULL OR pdq IS NOT NULL)
  )`.execute(db);
  await sql`CREATE INDEX hash_set_entries_md5_idx ON hash_set_entries (md5) WHERE md5 IS NOT NULL`.execute(db);
  await sql`CREATE INDEX hash_set_entries_sha1_idx ON hash_set_entries (sha1) WHERE sha1 IS NOT NULL`.execute(db);
  await sql`CREATE INDEX hash_set_entries_sha256_idx ON hash_set_entries (sha256) WHERE sha256 IS NOT NULL`.execute(db);
  await sql`CREATE INDEX hash_set_entries_set_idx ON hash_set_entries (set_id)`.execute(db);
  await sql`CREATE TABLE media_categories (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES agencies (id),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    category text NOT NULL,
    decided_by text NOT NULL,
    decided_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE INDEX media_categories_hash_idx ON media_categories (sha256, id)`.execute(db);
  await sql`CREATE TRIGGER media_categories_append_only BEFORE UPDATE OR DELETE ON media_categories
    FOR EACH ROW EXECUTE FUNCTION crosslink_append_only()`.execute(db);
  await sql`CREATE INDEX entities_kind_key_idx ON entities (kind, key) WHERE supersedes IS NULL`.execute(db);
}
