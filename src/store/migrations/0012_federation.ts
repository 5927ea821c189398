/**
 * Federation between agencies' nodes (issue 10): node identity, peers, outboxes, private matching.
 *
 * Nothing here holds a selector in the clear, or anything a peer could turn back into one: what a
 * node keeps of an exchange is a 16-byte tag of a doubly blinded point (SHA-256 of H(x)^ab), which
 * only the two secret scalars together could recompute. The node's private key and the per-peer
 * PSI scalars are readable by the schema owner only (the application role gets no grant on them).
 * Sharing policies are set by members of a case and hit notices are read by them, under row-level
 * security like every other case table (see 0007_access.ts).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';

const APP_ROLE = 'crosslink_app';
const NAME = `'^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'`;
/** An Ed25519 public key: 32 bytes, base64url without padding. */
const PUBLIC_KEY = `'^[A-Za-z0-9_-]{43}$'`;

async function executeAll(db: Kysely<unknown>, statements: RawBuilder<unknown>[]): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await executeAll(db, [
    // This node: one row, made on first use. The private key (PKCS#8 DER) never leaves the owner.
    sql`CREATE TABLE federation_node (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      name text NOT NULL CHECK (name ~ ${sql.raw(NAME)}),
      agency text NOT NULL DEFAULT '',
      contact jsonb NOT NULL DEFAULT '{}',
      public_key text NOT NULL CHECK (public_key ~ ${sql.raw(PUBLIC_KEY)}),
      private_key bytea NOT NULL,
      -- Certificate, key and trusted CA paths for HTTPS between nodes.
      tls jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    )`,

    // Peers, added by exchanging public keys out of band. A removal keeps the row (the audit log and
    // hit notices name it); adding the same peer again makes a new row with fresh exchange state.
    sql`CREATE TABLE federation_peers (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name text NOT NULL CHECK (name ~ ${sql.raw(NAME)}),
      url text NOT NULL CHECK (url ~ '^https?://'),
      public_key text NOT NULL CHECK (public_key ~ ${sql.raw(PUBLIC_KEY)}),
      -- This node's secret PSI scalar for this peer (little-endian, reduced mod the group order).
      psi_key bytea NOT NULL CHECK (length(psi_key) = 32),
      -- Selectors per day this node blinds for the peer: what bounds a peer trying values one by one.
      daily_budget integer NOT NULL DEFAULT 2000000 CHECK (daily_budget >= 0),
      added_by text NOT NULL,
      added_at timestamptz NOT NULL DEFAULT now(),
      removed_at timestamptz
    )`,
    sql`CREATE UNIQUE INDEX federation_peers_name_key ON federation_peers (lower(name)) WHERE removed_at IS NULL`,
    sql`CREATE UNIQUE INDEX federation_peers_key_key ON federation_peers (public_key) WHERE removed_at IS NULL`,

    // Nonces seen, kept past the freshness window so that a replay inside it is recognised.
    sql`CREATE TABLE federation_nonces (
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      nonce text NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (peer_id, nonce)
    )`,
    sql`CREATE INDEX federation_nonces_expiry_idx ON federation_nonces (expires_at)`,

    // Messages applied, by the sender's message id: a second delivery is acknowledged, not applied.
    sql`CREATE TABLE federation_inbox (
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      message_id uuid NOT NULL,
      kind text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (peer_id, message_id)
    )`,

    // One-way messages to each peer, kept until the peer acknowledges them (retried with back-off).
    sql`CREATE TABLE federation_outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      message_id uuid NOT NULL UNIQUE,
      kind text NOT NULL,
      body jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      last_error text
    )`,
    sql`CREATE INDEX federation_outbox_due_idx ON federation_outbox (peer_id, next_attempt_at) WHERE delivered_at IS NULL`,

    // Selectors blinded for each peer per day.
    sql`CREATE TABLE federation_budget (
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      day date NOT NULL,
      used bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (peer_id, day)
    )`,

    // Our selectors already exchanged with a peer, with the tag of H(x)^ab: the incremental sync's
    // state (a selector not here for a peer is still to send).
    sql`CREATE TABLE federation_mine (
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      identifier_id bigint NOT NULL REFERENCES identifiers (id),
      tag bytea NOT NULL CHECK (length(tag) = 16),
      exchanged_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (peer_id, identifier_id)
    )`,
    sql`CREATE INDEX federation_mine_tag_idx ON federation_mine (peer_id, tag)`,
    // The peer's selectors, as tags of H(y)^ab only: what they are, this node cannot tell.
    sql`CREATE TABLE federation_theirs (
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      tag bytea NOT NULL CHECK (length(tag) = 16),
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (peer_id, tag)
    )`,
    // The intersection as this node knows it: a tag in both of the above.
    sql`CREATE TABLE federation_matches (
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      tag bytea NOT NULL,
      identifier_id bigint NOT NULL REFERENCES identifiers (id),
      found_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (peer_id, tag)
    )`,

    // What a case shares with other nodes: nothing (the default: no row), its hits, or its hits with
    // the case officer named; optionally only some identifier types.
    sql`CREATE TABLE federation_case_policy (
      case_id bigint PRIMARY KEY REFERENCES cases (id),
      agency_id bigint NOT NULL REFERENCES agencies (id),
      sharing text NOT NULL CHECK (sharing IN ('none', 'hit-only', 'all')),
      types text[] CHECK (types IS NULL OR cardinality(types) > 0),
      set_by text NOT NULL DEFAULT coalesce(crosslink_acting_name(), current_user),
      set_at timestamptz NOT NULL DEFAULT now()
    )`,

    // Notices this node sent: the reference a calling agency quotes, and the case it points to.
    sql`CREATE TABLE federation_notices (
      reference text PRIMARY KEY,
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      tag bytea NOT NULL,
      identifier_id bigint NOT NULL REFERENCES identifiers (id),
      agency_id bigint NOT NULL REFERENCES agencies (id),
      case_id bigint NOT NULL REFERENCES cases (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (peer_id, tag, case_id)
    )`,
    // Notices received: another node holds a selector one of our sharing cases holds. Who to call, never what they have.
    sql`CREATE TABLE federation_hits (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      reference text NOT NULL,
      identifier_id bigint NOT NULL REFERENCES identifiers (id),
      agency_id bigint NOT NULL REFERENCES agencies (id),
      case_id bigint NOT NULL REFERENCES cases (id),
      notice jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (peer_id, reference, case_id)
    )`,
    sql`CREATE INDEX federation_hits_case_idx ON federation_hits (case_id, received_at)`,
  ]);

  // Row-level security on the case-scoped tables, as 0007 does for case data; everything else is
  // the node's own (no grant: the application role cannot even read it).
  const app = sql.id(APP_ROLE);
  const visible = (column: string) => sql`${sql.ref(column)} IN (SELECT unnest(crosslink_visible_cases()))`;
  // Sharing a case with other countries' nodes is the decision of a supervisor or administrator who
  // is a member of the case, taken in their own name.
  const mayDecide = sql`(SELECT crosslink_acting_role()) IN ('supervisor', 'admin')`;
  const ownName = sql`set_by = (SELECT crosslink_acting_name())`;
  for (const table of ['federation_case_policy', 'federation_notices', 'federation_hits']) {
    await executeAll(db, [
      sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`,
      sql`ALTER TABLE ${sql.table(table)} FORCE ROW LEVEL SECURITY`,
      sql`CREATE POLICY crosslink_owner ON ${sql.table(table)} FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)`,
      sql`CREATE POLICY crosslink_read ON ${sql.table(table)} FOR SELECT TO ${app} USING (${visible('case_id')})`,
    ]);
  }
  await executeAll(db, [
    sql`CREATE POLICY crosslink_decide ON federation_case_policy FOR INSERT TO ${app} WITH CHECK (${visible('case_id')} AND ${mayDecide} AND ${ownName})`,
    sql`CREATE POLICY crosslink_change ON federation_case_policy FOR UPDATE TO ${app} USING (${visible('case_id')} AND ${mayDecide}) WITH CHECK (${visible('case_id')} AND ${mayDecide} AND ${ownName})`,
    sql`GRANT SELECT, INSERT, UPDATE ON federation_case_policy TO ${app}`,
    sql`GRANT SELECT ON federation_notices, federation_hits TO ${app}`,
  ]);
}
