/**
 * Federation's further exchanges (issue 10, second landing): PDQ near matches across nodes,
 * deconfliction registrations compared across nodes, and categorised hash sets exchanged.
 *
 * - PDQ: a node remembers which of its shared PDQ values it has sent to each peer (the incremental
 *   sync's state); a near match found by either side becomes a row of `federation_matches` under a
 *   random tag both sides hold, so hit notices work exactly as for selectors.
 * - Deconfliction: registrations' selectors go through the same private set intersection as case
 *   selectors, in a separate domain ("deconfliction:" before the selector) and separate tables, so a
 *   registration's tag is unlinkable to the same selector's tag in case data. Like `mine`/`theirs`/
 *   `matches` of 0012; the notices carry a contact, and become deconfliction alerts (0010).
 * - Hash sets: which categorised sets this node shares (and under which region's category scheme),
 *   what it sent to whom, and for a set received, the node it came from and that node's scheme.
 *
 * All owner-only: the application role gets no grant (users see the results through the tables
 * they already read: federation_hits, deconfliction_alerts, hash_sets).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';

async function executeAll(db: Kysely<unknown>, statements: RawBuilder<unknown>[]): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await executeAll(db, [
    // Our PDQ values (identifiers of type pdq that a case shares) already sent to a peer.
    sql`CREATE TABLE federation_pdq_sent (
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      identifier_id bigint NOT NULL REFERENCES identifiers (id),
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (peer_id, identifier_id)
    )`,
    // The Hamming distance of each PDQ near match (its tag is in federation_matches).
    sql`CREATE TABLE federation_pdq_matches (
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      tag bytea NOT NULL CHECK (length(tag) = 16),
      distance integer NOT NULL CHECK (distance BETWEEN 0 AND 256),
      PRIMARY KEY (peer_id, tag)
    )`,

    // Registration selectors exchanged with a peer. `digest` is SHA-256 of the selector, kept here
    // only to know what was sent (it never leaves the node); `tag` is the PSI tag of H(x)^ab.
    sql`CREATE TABLE federation_dx_mine (
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      registration_id bigint NOT NULL REFERENCES deconfliction_registrations (id) ON DELETE CASCADE,
      digest bytea NOT NULL CHECK (length(digest) = 32),
      tag bytea NOT NULL CHECK (length(tag) = 16),
      exchanged_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (peer_id, registration_id, digest)
    )`,
    sql`CREATE INDEX federation_dx_mine_tag_idx ON federation_dx_mine (peer_id, tag)`,
    sql`CREATE TABLE federation_dx_theirs (
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      tag bytea NOT NULL CHECK (length(tag) = 16),
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (peer_id, tag)
    )`,
    sql`CREATE TABLE federation_dx_matches (
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      tag bytea NOT NULL,
      registration_id bigint NOT NULL REFERENCES deconfliction_registrations (id) ON DELETE CASCADE,
      found_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (peer_id, tag, registration_id)
    )`,
    // Conflict notices sent (one per peer, tag and registration of ours), and received (each became
    // a deconfliction alert on the registration it is about).
    sql`CREATE TABLE federation_dx_sent (
      reference text PRIMARY KEY,
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      tag bytea NOT NULL,
      registration_id bigint NOT NULL REFERENCES deconfliction_registrations (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (peer_id, tag, registration_id)
    )`,
    sql`CREATE TABLE federation_dx_received (
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      reference text NOT NULL,
      registration_id bigint NOT NULL REFERENCES deconfliction_registrations (id) ON DELETE CASCADE,
      alert_id bigint NOT NULL REFERENCES deconfliction_alerts (id) ON DELETE CASCADE,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (peer_id, reference, registration_id)
    )`,

    // Categorised hash sets this node offers its peers, with the category scheme their categories follow.
    sql`CREATE TABLE federation_hashset_shares (
      set_id bigint PRIMARY KEY REFERENCES hash_sets (id),
      scheme text NOT NULL CHECK (scheme ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
      shared_by text NOT NULL,
      shared_at timestamptz NOT NULL DEFAULT now()
    )`,
    sql`CREATE TABLE federation_hashset_sent (
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      set_id bigint NOT NULL REFERENCES hash_sets (id),
      entries integer NOT NULL,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (peer_id, set_id)
    )`,
    // A set received from a peer: which node it came from, its id there, and the scheme of its categories.
    sql`CREATE TABLE federation_hashset_received (
      set_id bigint PRIMARY KEY REFERENCES hash_sets (id),
      peer_id bigint NOT NULL REFERENCES federation_peers (id),
      node text NOT NULL,
      remote_set text NOT NULL,
      scheme text NOT NULL,
      parts_received integer NOT NULL DEFAULT 0,
      received_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (peer_id, remote_set)
    )`,
  ]);
}
