/**
 * What a node keeps of its exchanges with a peer, and the intersection it finds in them. Per peer:
 * `mine` — our selectors already exchanged, each with the tag of H(x)^ab the peer computed for us;
 * `theirs` — tags of H(y)^ab for the peer's selectors, computed by us; `matches` — tags in both.
 * Either side adding to either table checks the new rows against the other table under a per-peer
 * lock, so two exchanges crossing each other cannot both miss their match.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { IDENTIFIER_REMOVAL_LOCK, type Database } from '../store/index.ts';
import { TAG_BYTES } from './psi.ts';

/** pg_advisory_xact_lock class of federation's per-peer lock: "fede". */
const PEER_LOCK = 0x6665_6465;

export interface Match {
  tag: Buffer;
  identifierId: string;
}

/**
 * The identifier removal lock, shared: taken first by every transaction that writes rows naming
 * identifiers without a foreign key (migration 0023), so that a purge waits for it (store/locks.ts).
 */
export const IDENTIFIERS_HELD = sql`pg_advisory_xact_lock_shared(${IDENTIFIER_REMOVAL_LOCK})`;

/**
 * A row for each row of the caller's whose identifier `id` still exists, by an index probe per row
 * (a LATERAL subquery, as `probe` below, for the same reason). Under IDENTIFIERS_HELD it skips an
 * identifier a purge removed after it was read.
 */
export const stillThere = (id: RawBuilder<unknown>) => sql`CROSS JOIN LATERAL (SELECT 1 FROM identifiers i WHERE i.id = ${id} OFFSET 0) AS still_there`;

/** Runs `work` in a transaction holding IDENTIFIERS_HELD (one that writes hits, say: they name our identifiers). */
export async function withIdentifiersHeld<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT ${IDENTIFIERS_HELD}`.execute(trx);
    return work(trx);
  });
}

/** Runs `work` in a transaction holding the peer's lock, and IDENTIFIERS_HELD (one statement for both). */
export async function withPeerLock<T>(db: Kysely<Database>, peerId: string, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${PEER_LOCK}, (${peerId}::bigint % 2147483647)::integer), ${IDENTIFIERS_HELD}`.execute(trx);
    return work(trx);
  });
}

/** Tags as hex text, for `decode(…, 'hex')` over an unnest of a text array. */
export const hex = (tags: readonly Buffer[]) => tags.map((tag) => tag.toString('hex'));

/**
 * Tags travel to PostgreSQL packed in one bytea (16 bytes each, sent binary) and are unpacked there
 * by position: a text array of hex took a string, an escape and a decode per tag on both sides and
 * twice the bytes on the socket, and in a node's CPU profile writing statements to the socket was
 * its largest single cost.
 */
function packed(tags: readonly Buffer[]): Buffer {
  for (const tag of tags) if (tag.length !== TAG_BYTES) throw new Error(`a tag is ${TAG_BYTES} bytes, not ${tag.length}`);
  return Buffer.concat(tags);
}

/** The n-th (from 1) tag of `packed`, a column holding the packed tags, in SQL. */
const nthTag = (n: RawBuilder<unknown>) => sql`substring(p.packed FROM ${sql.lit(TAG_BYTES)} * (${n}::int - 1) + 1 FOR ${sql.lit(TAG_BYTES)})`;

/** The packed tags as rows (tag, n), n counting from 1 in the order given. */
const tagRows = (tags: Buffer) =>
  sql`SELECT ${nthTag(sql`n`)} AS tag, n FROM (SELECT ${tags}::bytea AS packed) p, generate_series(1, length(p.packed) / ${sql.lit(TAG_BYTES)}) AS n`;

/**
 * The rows of `table` with the peer and the tag `tag` (a column of the caller's rows), as a LATERAL
 * subquery: one index probe per tag of a batch, whatever PostgreSQL knows of the table. Written as a
 * join or `tag IN (…)`, the planner, without statistics (autovacuum off, or PGlite, which has none),
 * hashed the peer's whole table for each batch: 140 ms a batch of 5,000 against 200,000 tags,
 * growing with the table, against 31 ms for the probes (EXPLAIN ANALYZE, one server). OFFSET 0
 * keeps the subquery from being flattened into such a join.
 */
function probe(table: 'federation_mine' | 'federation_theirs' | 'federation_matches', peerId: string, tag: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`SELECT x.* FROM ${sql.table(table)} x WHERE x.peer_id = ${peerId} AND x.tag = ${tag} OFFSET 0`;
}

function toMatches(rows: { tag: Buffer; identifier_id: string }[]): Match[] {
  return rows.map((row) => ({ tag: row.tag, identifierId: row.identifier_id }));
}

/**
 * The tables a round and an answer read by plan rather than by key: analyzed before a round's and
 * an answer's work when they have grown (store/statistics.ts), so that the work after a big ingest
 * or a big exchange is planned for the tables as they are. The answering side matters as much: in
 * a three-node mesh a node that has pushed everything keeps answering its two peers' pushes, and
 * its tag tables grew unanalyzed (a 20,000-selector background took 93 s to sync). Notices and
 * hits are not among them: the exchange only inserts into them, by key, and analyzing them was
 * the dearest of these (federation_hits, with its JSON notices, took 0.5–0.8 s a time).
 */
export const MATCHING_TABLES = ['identifiers', 'mentions', 'federation_mine', 'federation_theirs', 'federation_matches', 'federation_outbox'];

/**
 * Our selectors, exchanged: their tags (in the same order as the ids). Returns the matches they
 * make. One statement: the tags are recorded (a data-modifying WITH, run whether or not read) and
 * looked up in the peer's at once. Run under withPeerLock: an identifier a purge removed since it
 * was read is skipped (`stillThere`: `federation_mine` has no foreign key to check that).
 */
export async function recordOwnExchange(trx: Transaction<Database>, peerId: string, identifierIds: readonly string[], tags: readonly Buffer[]): Promise<Match[]> {
  if (identifierIds.length !== tags.length) throw new Error('one tag per identifier');
  if (identifierIds.length === 0) return [];
  const all = packed(tags);
  const found = await sql<{ tag: Buffer; identifier_id: string }>`
    WITH batch AS MATERIALIZED (
      SELECT t.id, ${nthTag(sql`t.n`)} AS tag FROM (SELECT ${all}::bytea AS packed) p, unnest(${[...identifierIds]}::bigint[]) WITH ORDINALITY AS t (id, n)
      ${stillThere(sql`t.id`)}),
    recorded AS (
      INSERT INTO federation_mine (peer_id, identifier_id, tag) SELECT ${peerId}, b.id, b.tag FROM batch b ON CONFLICT DO NOTHING)
    INSERT INTO federation_matches (peer_id, tag, identifier_id)
    SELECT ${peerId}, th.tag, b.id FROM batch b CROSS JOIN LATERAL (${probe('federation_theirs', peerId, sql`b.tag`)}) th
    ON CONFLICT DO NOTHING
    RETURNING tag, identifier_id`.execute(trx);
  return toMatches(found.rows);
}

/** The peer's selectors, as tags. Returns the matches they make with ours (one statement, as above). */
export async function recordPeerSelectors(trx: Transaction<Database>, peerId: string, tags: readonly Buffer[]): Promise<Match[]> {
  if (tags.length === 0) return [];
  const all = packed(tags);
  const found = await sql<{ tag: Buffer; identifier_id: string }>`
    WITH batch AS MATERIALIZED (${tagRows(all)}),
    recorded AS (
      INSERT INTO federation_theirs (peer_id, tag) SELECT ${peerId}, b.tag FROM batch b ON CONFLICT DO NOTHING)
    INSERT INTO federation_matches (peer_id, tag, identifier_id)
    SELECT ${peerId}, m.tag, m.identifier_id FROM batch b CROSS JOIN LATERAL (${probe('federation_mine', peerId, sql`b.tag`)}) m
    ON CONFLICT DO NOTHING
    RETURNING tag, identifier_id`.execute(trx);
  return toMatches(found.rows);
}

/** Of these tags, the ones this node has found in its intersection with the peer, with our identifier. */
export async function knownMatches(db: Kysely<Database>, peerId: string, tags: readonly Buffer[]): Promise<Match[]> {
  if (tags.length === 0) return [];
  const found = await sql<{ tag: Buffer; identifier_id: string }>`
    SELECT m.tag, m.identifier_id FROM (${tagRows(packed(tags))}) t
    CROSS JOIN LATERAL (${probe('federation_matches', peerId, sql`t.tag`)}) m`.execute(db);
  return toMatches(found.rows);
}
