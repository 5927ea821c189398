/**
 * The federation tables as Kysely sees them (migrations 0012 and 0014), reached through `federationDb(db)` so
 * the store's own schema needs no change to be read with them.
 */
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Database } from '../store/index.ts';

type Id = Generated<string>;
type Moment = ColumnType<Date, Date | string | undefined, Date | string>;
type OptionalMoment = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, T | string, T | string>;

export interface NodeTable {
  singleton: ColumnType<boolean, boolean | undefined, never>;
  name: string;
  agency: ColumnType<string, string | undefined, string>;
  contact: Json<Record<string, string>>;
  public_key: string;
  private_key: Buffer;
  tls: Json<Record<string, string>>;
  created_at: ColumnType<Date, never, never>;
}

export interface PeerTable {
  id: Id;
  name: string;
  url: string;
  public_key: string;
  psi_key: Buffer;
  daily_budget: ColumnType<number, number | undefined, number>;
  added_by: string;
  added_at: ColumnType<Date, never, never>;
  removed_at: OptionalMoment;
}

export interface OutboxTable {
  id: Id;
  peer_id: string;
  message_id: string;
  kind: string;
  body: Json<Record<string, unknown>>;
  created_at: ColumnType<Date, never, never>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Moment;
  delivered_at: OptionalMoment;
  last_error: string | null;
}

export interface CasePolicyTable {
  case_id: string;
  agency_id: string;
  sharing: string;
  types: string[] | null;
  /** The database's default, the acting user's name (which row-level security checks). */
  set_by: ColumnType<string, never, string>;
  set_at: ColumnType<Date, never, Date>;
}

export interface HitTable {
  id: Id;
  peer_id: string;
  reference: string;
  identifier_id: string;
  agency_id: string;
  case_id: string;
  notice: Json<Record<string, unknown>>;
  received_at: ColumnType<Date, never, never>;
}

export interface NoticeTable {
  reference: string;
  peer_id: string;
  tag: Buffer;
  identifier_id: string;
  agency_id: string;
  case_id: string;
  created_at: ColumnType<Date, never, never>;
}

// A type, not an interface: Kysely's withTables wants an index signature, which only type aliases imply.
export type FederationTables = {
  federation_node: NodeTable;
  federation_peers: PeerTable;
  federation_nonces: { peer_id: string; nonce: string; expires_at: Moment };
  federation_inbox: { peer_id: string; message_id: string; kind: string; received_at: ColumnType<Date, never, never> };
  federation_outbox: OutboxTable;
  federation_budget: { peer_id: string; day: string; used: ColumnType<string, number | undefined, number> };
  federation_mine: { peer_id: string; identifier_id: string; tag: Buffer; exchanged_at: ColumnType<Date, never, never> };
  federation_theirs: { peer_id: string; tag: Buffer; received_at: ColumnType<Date, never, never> };
  federation_matches: { peer_id: string; tag: Buffer; identifier_id: string; found_at: ColumnType<Date, never, never> };
  federation_case_policy: CasePolicyTable;
  federation_notices: NoticeTable;
  federation_hits: HitTable;
  // Migration 0014: PDQ near matching, deconfliction across nodes, hash-set exchange.
  federation_pdq_sent: { peer_id: string; identifier_id: string; sent_at: ColumnType<Date, never, never> };
  federation_pdq_matches: { peer_id: string; tag: Buffer; distance: number };
  federation_dx_mine: { peer_id: string; registration_id: string; digest: Buffer; tag: Buffer; exchanged_at: ColumnType<Date, never, never> };
  federation_dx_theirs: { peer_id: string; tag: Buffer; received_at: ColumnType<Date, never, never> };
  federation_dx_matches: { peer_id: string; tag: Buffer; registration_id: string; found_at: ColumnType<Date, never, never> };
  federation_dx_sent: { reference: string; peer_id: string; tag: Buffer; registration_id: string; created_at: ColumnType<Date, never, never> };
  federation_dx_received: { peer_id: string; reference: string; registration_id: string; alert_id: string; received_at: ColumnType<Date, never, never> };
  federation_hashset_shares: { set_id: string; scheme: string; shared_by: string; shared_at: ColumnType<Date, never, never> };
  federation_hashset_sent: { peer_id: string; set_id: string; entries: number; sent_at: ColumnType<Date, never, never> };
  federation_hashset_received: {
    set_id: string;
    peer_id: string;
    node: string;
    remote_set: string;
    scheme: string;
    parts_received: ColumnType<number, number | undefined, number>;
    received_at: ColumnType<Date, never, never>;
  };
};

export type FederationDatabase = Database & FederationTables;

export function federationDb(db: Kysely<Database>): Kysely<FederationDatabase>;
export function federationDb(db: Transaction<Database>): Transaction<FederationDatabase>;
export function federationDb(db: Kysely<Database> | Transaction<Database>): Kysely<FederationDatabase> {
  return db.withTables<FederationTables>();
}
