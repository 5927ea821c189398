/**
 * The foundation schema. Every case-data table carries agency_id and case_id, tied together by a
 * composite foreign key so a row can never claim one agency and another agency's case. Evidence
 * tables are append-only, enforced by triggers: a correction is a new row that supersedes.
 */
import { sql, type Kysely } from 'kysely';

const STATEMENTS = [
  sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`,

  // Lookup tables filled from src/model at every migrate (see syncModel), so the database refuses
  // a kind the model does not declare while new kinds need no migration.
  sql`CREATE TABLE entity_kinds (kind text PRIMARY KEY, label text NOT NULL)`,
  sql`CREATE TABLE identifier_types (type text PRIMARY KEY, label text NOT NULL)`,
  sql`CREATE TABLE link_kinds (kind text PRIMARY KEY, label text NOT NULL)`,
  sql`CREATE TABLE record_kinds (kind text PRIMARY KEY, label text NOT NULL)`,

  sql`CREATE TABLE agencies (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (length(btrim(name)) > 0),
    country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    kind text,
    contact jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE UNIQUE INDEX agencies_name_key ON agencies (lower(name))`,

  sql`CREATE TABLE cases (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES agencies (id),
    ref text NOT NULL CHECK (ref ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
    title text,
    officer text,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, agency_id)
  )`,
  sql`CREATE UNIQUE INDEX cases_ref_key ON cases (lower(ref))`,
  sql`CREATE INDEX cases_agency_idx ON cases (agency_id)`,

  // Chain of custody for every ingested file or batch.
  sql`CREATE TABLE sources (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL,
    case_id bigint NOT NULL,
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    bytes bigint NOT NULL CHECK (bytes >= 0),
    original_name text NOT NULL,
    format text NOT NULL,
    origin text,
    ingested_by text NOT NULL,
    ingested_at timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'ingesting' CHECK (status IN ('ingesting', 'complete', 'failed')),
    record_count integer NOT NULL DEFAULT 0,
    reject_count integer NOT NULL DEFAULT 0,
    completed_at timestamptz,
    FOREIGN KEY (case_id, agency_id) REFERENCES cases (id, agency_id),
    UNIQUE (case_id, sha256),
    UNIQUE (id, case_id),
    UNIQUE (id, case_id, agency_id)
  )`,

  sql`CREATE TABLE records (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL,
    case_id bigint NOT NULL,
    source_id bigint NOT NULL,
    kind text NOT NULL REFERENCES record_kinds (kind),
    key text NOT NULL,
    occurred_at timestamptz,
    line integer,
    byte_offset bigint,
    text text,
    props jsonb NOT NULL DEFAULT '{}',
    supersedes bigint REFERENCES records (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- One check covers both the case and the agency: the source's own key pins them together.
    FOREIGN KEY (source_id, case_id, agency_id) REFERENCES sources (id, case_id, agency_id),
    UNIQUE (source_id, key)
  )`,
  sql`CREATE INDEX records_case_time_idx ON records (case_id, occurred_at)`,
  // Small partial indexes on the self-references, so a deliberate purge does not scan the table per row.
  sql`CREATE INDEX records_supersedes_idx ON records (supersedes) WHERE supersedes IS NOT NULL`,

  sql`CREATE TABLE entities (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL,
    case_id bigint NOT NULL,
    kind text NOT NULL REFERENCES entity_kinds (kind),
    key text NOT NULL,
    label text NOT NULL,
    props jsonb NOT NULL DEFAULT '{}',
    source_id bigint REFERENCES sources (id),
    supersedes bigint REFERENCES entities (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (case_id, agency_id) REFERENCES cases (id, agency_id),
    UNIQUE (id, case_id)
  )`,
  // One original per (case, kind, key); corrections carry supersedes and may repeat the key.
  sql`CREATE UNIQUE INDEX entities_natural_key ON entities (case_id, kind, key) WHERE supersedes IS NULL`,
  sql`CREATE INDEX entities_case_kind_idx ON entities (case_id, kind)`,
  sql`CREATE INDEX entities_supersedes_idx ON entities (supersedes) WHERE supersedes IS NOT NULL`,

  // The dictionary of normalised selectors, shared by all cases; who holds one is in mentions.
  sql`CREATE TABLE identifiers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type text NOT NULL REFERENCES identifier_types (type),
    value text NOT NULL CHECK (length(value) > 0),
    display text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (type, value)
  )`,

  sql`CREATE TABLE mentions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL,
    case_id bigint NOT NULL,
    identifier_id bigint NOT NULL REFERENCES identifiers (id),
    entity_id bigint,
    record_id bigint,
    source_id bigint NOT NULL,
    line integer,
    byte_offset bigint,
    role text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (entity_id IS NOT NULL OR record_id IS NOT NULL),
    -- Mentions are written in bulk; that their record and entity are of the same case is checked
    -- once per source, set-wise, before the source completes (crosslink_check_source).
    FOREIGN KEY (source_id, case_id, agency_id) REFERENCES sources (id, case_id, agency_id)
  )`,
  sql`CREATE INDEX mentions_identifier_idx ON mentions (identifier_id, case_id)`,
  sql`CREATE INDEX mentions_case_idx ON mentions (case_id)`,
  sql`CREATE INDEX mentions_entity_idx ON mentions (entity_id) WHERE entity_id IS NOT NULL`,
  sql`CREATE INDEX mentions_record_idx ON mentions (record_id) WHERE record_id IS NOT NULL`,

  sql`CREATE TABLE links (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL,
    case_id bigint NOT NULL,
    kind text NOT NULL REFERENCES link_kinds (kind),
    from_entity_id bigint NOT NULL,
    to_entity_id bigint NOT NULL,
    weight real NOT NULL DEFAULT 1 CHECK (weight > 0),
    evidence bigint[] NOT NULL DEFAULT '{}',
    props jsonb NOT NULL DEFAULT '{}',
    first_seen timestamptz,
    last_seen timestamptz,
    supersedes bigint REFERENCES links (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (from_entity_id <> to_entity_id),
    FOREIGN KEY (case_id, agency_id) REFERENCES cases (id, agency_id),
    FOREIGN KEY (from_entity_id, case_id) REFERENCES entities (id, case_id),
    FOREIGN KEY (to_entity_id, case_id) REFERENCES entities (id, case_id)
  )`,
  sql`CREATE INDEX links_case_kind_idx ON links (case_id, kind)`,
  sql`CREATE INDEX links_from_idx ON links (from_entity_id)`,
  sql`CREATE INDEX links_to_idx ON links (to_entity_id)`,
  sql`CREATE INDEX links_supersedes_idx ON links (supersedes) WHERE supersedes IS NOT NULL`,

  // Subjects may span cases and agencies; each member row carries its own case, so what a
  // caller may see of a subject is exactly the members of the cases they may see.
  sql`CREATE TABLE subjects (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text,
    resolution_run text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE TABLE subject_members (
    subject_id bigint NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
    entity_id bigint NOT NULL,
    agency_id bigint NOT NULL,
    case_id bigint NOT NULL,
    score real NOT NULL CHECK (score >= 0 AND score <= 1),
    reasons jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject_id, entity_id),
    FOREIGN KEY (case_id, agency_id) REFERENCES cases (id, agency_id),
    FOREIGN KEY (entity_id, case_id) REFERENCES entities (id, case_id)
  )`,
  sql`CREATE INDEX subject_members_entity_idx ON subject_members (entity_id)`,
  sql`CREATE INDEX subject_members_case_idx ON subject_members (case_id)`,

  // Hash-chained: each row's hash covers the previous row's hash and its own content.
  sql`CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    agency_id bigint REFERENCES agencies (id),
    case_id bigint REFERENCES cases (id),
    target text,
    details jsonb NOT NULL DEFAULT '{}',
    prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
    hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
  )`,
  sql`CREATE INDEX audit_log_case_idx ON audit_log (case_id, at)`,

  // Append-only evidence. A deliberate purge (retention, court order) sets crosslink.maintenance.
  sql`CREATE FUNCTION crosslink_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF current_setting('crosslink.maintenance', true) = 'on' THEN
      RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION '% is append-only: % refused (a correction is a new row that supersedes)', TG_TABLE_NAME, TG_OP
      USING ERRCODE = 'CX001';
  END $$`,
  // A source's chain-of-custody columns never change; only its ingest progress does.
  sql`CREATE FUNCTION crosslink_source_custody() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF current_setting('crosslink.maintenance', true) = 'on' THEN
      RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' OR (NEW.agency_id, NEW.case_id, NEW.sha256, NEW.bytes, NEW.original_name, NEW.format,
        NEW.origin, NEW.ingested_by, NEW.ingested_at) IS DISTINCT FROM (OLD.agency_id, OLD.case_id, OLD.sha256,
        OLD.bytes, OLD.original_name, OLD.format, OLD.origin, OLD.ingested_by, OLD.ingested_at) THEN
      RAISE EXCEPTION 'sources keep their chain of custody: % of custody fields refused', TG_OP USING ERRCODE = 'CX001';
    END IF;
    RETURN NEW;
  END $$`,
  sql`CREATE TRIGGER sources_custody BEFORE UPDATE OR DELETE ON sources FOR EACH ROW EXECUTE FUNCTION crosslink_source_custody()`,
  ...['records', 'entities', 'identifiers', 'mentions', 'links', 'audit_log'].flatMap((table) => [
    sql`CREATE TRIGGER ${sql.raw(`${table}_append_only`)} BEFORE UPDATE OR DELETE ON ${sql.table(table)}
        FOR EACH ROW EXECUTE FUNCTION crosslink_append_only()`,
    sql`CREATE TRIGGER ${sql.raw(`${table}_no_truncate`)} BEFORE TRUNCATE ON ${sql.table(table)}
        FOR EACH STATEMENT EXECUTE FUNCTION crosslink_append_only()`,
  ]),
  sql`CREATE TRIGGER sources_no_truncate BEFORE TRUNCATE ON sources FOR EACH STATEMENT EXECUTE FUNCTION crosslink_append_only()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await statement.execute(db);
}
