/**
 * The database's shape as Kysely sees it: one interface per table. Ids are PostgreSQL
 * `bigint`s, which the driver returns as strings (exact beyond 2^53); treat them as opaque.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Id = Generated<string>;
/** Set by the database on insert; never written by the application. */
type CreatedAt = ColumnType<Date, never, never>;
type Json = ColumnType<Record<string, unknown>, Record<string, unknown> | undefined, never>;

export interface AgencyTable {
  id: Id;
  name: string;
  country: string;
  kind: string | null;
  contact: ColumnType<Record<string, unknown>, Record<string, unknown> | undefined, Record<string, unknown>>;
  created_at: CreatedAt;
}

export interface CaseTable {
  id: Id;
  agency_id: string;
  ref: string;
  title: string | null;
  officer: string | null;
  status: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
}

export interface SourceTable {
  id: Id;
  agency_id: string;
  case_id: string;
  sha256: string;
  bytes: string | number;
  original_name: string;
  format: string;
  origin: string | null;
  ingested_by: string;
  ingested_at: ColumnType<Date, Date | string | undefined, never>;
  status: ColumnType<string, string | undefined, string>;
  record_count: ColumnType<number, number | undefined, number>;
  reject_count: ColumnType<number, number | undefined, number>;
  completed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface RecordTable {
  id: Id;
  agency_id: string;
  case_id: string;
  source_id: string;
  kind: string;
  key: string;
  occurred_at: ColumnType<Date | null, Date | string | null | undefined, never>;
  line: number | null;
  byte_offset: string | number | null;
  text: string | null;
  props: Json;
  supersedes: string | null;
  actor_id: string | null;
  room_id: string | null;
  target_id: string | null;
  /** Generated from `text`; never written. */
  search: ColumnType<string, never, never>;
  created_at: CreatedAt;
}

export interface SourceRejectTable {
  id: Id;
  agency_id: string;
  case_id: string;
  source_id: string;
  line: number;
  reason: string;
  raw: string;
  created_at: CreatedAt;
}

export interface EntityTable {
  id: Id;
  agency_id: string;
  case_id: string;
  kind: string;
  key: string;
  label: string;
  props: Json;
  source_id: string | null;
  supersedes: string | null;
  created_at: CreatedAt;
}

export interface IdentifierTable {
  id: Id;
  type: string;
  value: string;
  display: string | null;
  created_at: CreatedAt;
}

export interface MentionTable {
  id: Id;
  agency_id: string;
  case_id: string;
  identifier_id: string;
  entity_id: string | null;
  record_id: string | null;
  source_id: string;
  line: number | null;
  byte_offset: string | number | null;
  role: string | null;
  created_at: CreatedAt;
}

export interface LinkTable {
  id: Id;
  agency_id: string;
  case_id: string;
  kind: string;
  from_entity_id: string;
  to_entity_id: string;
  weight: ColumnType<number, number | undefined, never>;
  evidence: ColumnType<string[], string[] | undefined, never>;
  props: Json;
  first_seen: ColumnType<Date | null, Date | string | null | undefined, never>;
  last_seen: ColumnType<Date | null, Date | string | null | undefined, never>;
  supersedes: string | null;
  created_at: CreatedAt;
}

export interface SubjectTable {
  id: Id;
  label: string | null;
  resolution_run: string | null;
  created_at: CreatedAt;
}

export interface SubjectMemberTable {
  subject_id: string;
  entity_id: string;
  agency_id: string;
  case_id: string;
  score: number;
  /** Written as JSON text: `pg` would send a JS array as a PostgreSQL array, not JSON. */
  reasons: ColumnType<unknown[], string | undefined, string>;
  created_at: CreatedAt;
}

export interface AuditTable {
  id: Id;
  at: ColumnType<Date, Date | string, never>;
  actor: string;
  action: string;
  agency_id: string | null;
  case_id: string | null;
  target: string | null;
  details: Json;
  prev_hash: string;
  hash: string;
}

export interface MediaSignalTable {
  entity_id: string;
  agency_id: string;
  case_id: string;
  signal: string;
  value: string;
  quality: number | null;
  computed_at: CreatedAt;
}
export interface MediaMatchTable {
  id: Id;
  signal: string;
  entity_a: string;
  case_a: string;
  entity_b: string;
  case_b: string;
  distance: number;
  found_at: CreatedAt;
}
export interface HashSetTable {
  id: Id;
  name: string;
  kind: 'categorised' | 'known_good';
  format: string;
  file_name: string;
  file_sha256: string;
  entries: ColumnType<number, number | undefined, number>;
  imported_by: string;
  imported_at: CreatedAt;
}
export interface HashSetEntryTable {
  set_id: string;
  md5: string | null;
  sha1: string | null;
  sha256: string | null;
  pdq: string | null;
  category: string | null;
  series: string | null;
  victim_identified: boolean | null;
  offender_identified: boolean | null;
}
export interface MediaCategoryTable {
  id: Id;
  agency_id: string;
  sha256: string;
  category: string;
  decided_by: string;
  decided_at: CreatedAt;
}
export interface Database {
  agencies: AgencyTable;
  cases: CaseTable;
  sources: SourceTable;
  records: RecordTable;
  source_rejects: SourceRejectTable;
  source_batches: { source_id: string; first_item: ColumnType<string, number, never>; items: number };
  entities: EntityTable;
  identifiers: IdentifierTable;
  mentions: MentionTable;
  links: LinkTable;
  subjects: SubjectTable;
  subject_members: SubjectMemberTable;
  audit_log: AuditTable;
  media_signals: MediaSignalTable;
  media_matches: MediaMatchTable;
  hash_sets: HashSetTable;
  hash_set_entries: HashSetEntryTable;
  media_categories: MediaCategoryTable;
  match_decisions: {
    id: Id;
    entity_a: string;
    entity_b: string;
    /** `withdrawn`: the analyst took their decision back (migration 0015); the pair counts as undecided. */
    verdict: 'confirm' | 'reject' | 'withdrawn';
    decided_by: string;
    decided_at: ColumnType<Date, never, never>;
  };
  entity_kinds: { kind: string; label: string };
  identifier_types: { type: string; label: string };
  link_kinds: { kind: string; label: string };
  record_kinds: { kind: string; label: string };
}

export type Agency = Selectable<AgencyTable>;
export type Case = Selectable<CaseTable>;
export type Source = Selectable<SourceTable>;
export type SourceReject = Selectable<SourceRejectTable>;
export type StoredRecord = Selectable<RecordTable>;
export type Entity = Selectable<EntityTable>;
export type Identifier = Selectable<IdentifierTable>;
export type Mention = Selectable<MentionTable>;
export type Link = Selectable<LinkTable>;
export type Subject = Selectable<SubjectTable>;
export type SubjectMember = Selectable<SubjectMemberTable>;
export type AuditEntry = Selectable<AuditTable>;
export type NewRecord = Insertable<RecordTable>;
export type NewEntity = Insertable<EntityTable>;
export type NewMention = Insertable<MentionTable>;
export type NewLink = Insertable<LinkTable>;
