/**
 * PDQ near matching across nodes. A PDQ hash is one-way already (it cannot be turned back into the
 * picture, and the values are 256 bits: no dictionary to try), so the PDQ values a case shares —
 * identifiers of type `pdq`, under the same per-case policy and type list as every selector — are
 * sent to a peer as they are. The peer matches each, turned and mirrored too, against the PDQ values
 * its own sharing cases hold, with the media issue's multi-index at Hamming distance ≤ 31 (kept
 * between pushes and caught up with the store: pdq-index.ts), and
 * answers with the matches only: which of the pushed values matched, the tag of each pair and its
 * distance — never its own values. Both sides then record the pair as a match under that tag and send
 * each other hit notices exactly as for selectors (notices.ts).
 *
 * The tag of a pair is SHA-256 of the two values (sorted), so both sides derive the same one: a
 * pair found twice (both sides pushing at once, or a push whose answer was lost and is sent again)
 * is one match, not two. Sync is incremental: only values not yet sent to the peer go
 * (`federation_pdq_sent`), and a pair is found when the later of its two values is pushed.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { hexToWords, isPdqHex, PDQ_MATCH_THRESHOLD, PDQ_MIN_QUALITY, PDQ_WORDS } from '../media/pdq/hamming.ts';
import { approximateDihedralWords, PDQ_DIHEDRAL_NAMES } from '../media/pdq/hash.ts';
import { appendAuditIn, type Database } from '../store/index.ts';
import { Rejection } from './envelope.ts';
import { stillThere, withPeerLock, type Match } from './matching.ts';
import type { FederationNode } from './node.ts';
import { queueNotices } from './notices.ts';
import { keptPdqIndex } from './pdq-index.ts';
import type { Peer } from './peers.ts';
import { sharedAfter } from './policy.ts';
import { spendBudget } from './push.ts';
import { shuffled, TAG_BYTES } from './psi.ts';
import { exchange } from './transport.ts';

/** Largest PDQ push a node answers (each value is queried in its 8 orientations). */
export const MAX_PDQ_PUSH = 10_000;
/** Matches one pushed value may produce: a value near hundreds of others is noise, not a lead. */
const MAX_MATCHES_PER_VALUE = 50;
const TAG_PREFIX = 'crosslink-federation-v1 pdq pair\n';

export interface PdqValue {
  id: string;
  value: string;
}

export interface PdqPushBody {
  hashes: string[];
}

export interface PdqReplyBody {
  /** `at`: index into the pushed hashes. */
  matches: { at: number; tag: string; distance: number }[];
}

/** The tag both nodes derive for a pair of PDQ values: order-free, so either side finding the pair gives the same. */
export function pdqPairTag(a: string, b: string): Buffer {
  const [low, high] = a <= b ? [a, b] : [b, a];
  return createHash('sha256').update(TAG_PREFIX).update(low).update('\n').update(high).digest().subarray(0, TAG_BYTES);
}

/**
 * PDQ values some case shares (policy and types), good enough to match: a value mentioned by a
 * media entity whose quality is known and below the media issue's minimum is left out (flat images
 * are near everything). `unsentTo`: only those not yet sent to that peer, after `afterId`, by id;
 * `ids`: only these (the kept index's candidates, pdq-index.ts).
 */
export async function sharedPdqValues(db: Kysely<Database>, options: { unsentTo?: string; afterId?: string; limit?: number; ids?: readonly string[] } = {}): Promise<PdqValue[]> {
  const rows = await sql<PdqValue>`
    SELECT i.id, i.value
    FROM ${options.ids === undefined ? sql`identifiers i` : sql`unnest(${[...options.ids]}::bigint[]) AS asked (id) JOIN identifiers i ON i.id = asked.id`}
    WHERE i.type = 'pdq' AND ${sharedAfter(options.afterId ?? '0')}
      AND NOT EXISTS (
        SELECT 1 FROM mentions m JOIN entities e ON e.id = m.entity_id
        WHERE m.identifier_id = i.id AND e.props ? 'pdq_quality' AND (e.props->>'pdq_quality')::int < ${PDQ_MIN_QUALITY})
      ${options.unsentTo === undefined ? sql`` : sql`AND NOT EXISTS (SELECT 1 FROM federation_pdq_sent s WHERE s.peer_id = ${options.unsentTo} AND s.identifier_id = i.id)`}
    ORDER BY i.id ${options.limit === undefined ? sql`` : sql`LIMIT ${options.limit}`}`.execute(db);
  return rows.rows;
}

/**
 * Records near matches with a peer (ours: `identifierId`), returning those new to this node. Under
 * withPeerLock: a value a purge removed since it was read is skipped (`stillThere`; no foreign key: migration 0023).
 */
async function recordPdqMatches(trx: Transaction<Database>, peerId: string, pairs: readonly (Match & { distance: number })[]): Promise<Match[]> {
  if (pairs.length === 0) return [];
  const hex = pairs.map((pair) => pair.tag.toString('hex'));
  await sql`
    INSERT INTO federation_pdq_matches (peer_id, tag, distance)
    SELECT ${peerId}, decode(t.tag, 'hex'), t.distance FROM unnest(${hex}::text[], ${pairs.map((pair) => pair.distance)}::int[]) AS t (tag, distance)
    ON CONFLICT DO NOTHING`.execute(trx);
  const found = await sql<{ tag: Buffer; identifier_id: string }>`
    INSERT INTO federation_matches (peer_id, tag, identifier_id)
    SELECT ${peerId}, decode(t.tag, 'hex'), t.id FROM unnest(${hex}::text[], ${pairs.map((pair) => pair.identifierId)}::bigint[]) AS t (tag, id)
    ${stillThere(sql`t.id`)}
    ON CONFLICT DO NOTHING
    RETURNING tag, identifier_id`.execute(trx);
  return found.rows.map((row) => ({ tag: row.tag, identifierId: row.identifier_id }));
}

export interface PdqPushOutcome {
  hashes: number;
  matches: number;
  notices: number;
}

/** Sends one batch of our PDQ values to the peer and records the near matches it answers with. */
export async function pushPdq(node: FederationNode, peer: Peer, values: readonly PdqValue[], actor: string): Promise<PdqPushOutcome> {
  const order = shuffled(values);
  const reply = (await exchange(node, peer, '/api/federation/pdq', 'pdq.push', 'pdq.reply', { hashes: order.map((value) => value.value) } satisfies PdqPushBody)) as unknown;
  const matches = parsePdqReply(reply, order.length, peer);
  const pairs = matches.map((match) => {
    const ours = order[match.at]!;
    const tag = Buffer.from(match.tag, 'hex');
    return { tag, identifierId: ours.id, distance: match.distance };
  });
  const outcome = await withPeerLock(node.store.db, peer.id, async (trx) => {
    await sql`
      INSERT INTO federation_pdq_sent (peer_id, identifier_id)
      SELECT ${peer.id}, id FROM unnest(${order.map((value) => value.id)}::bigint[]) AS id
      ON CONFLICT DO NOTHING`.execute(trx);
    const fresh = await recordPdqMatches(trx, peer.id, pairs);
    const notices = await queueNotices(trx, node, peer, fresh, actor);
    await appendAuditIn(trx, { actor, action: 'federation.pdq.push', target: peer.name, details: { peer: peer.name, hashes: order.length, matches: fresh.length, notices } });
    return { hashes: order.length, matches: fresh.length, notices };
  });
  if (outcome.notices > 0) node.onQueued(peer.id);
  return outcome;
}

/** A peer's answer, checked: each match names a pushed value, a tag and a distance within the threshold. */
function parsePdqReply(reply: unknown, pushed: number, peer: Peer): PdqReplyBody['matches'] {
  const matches = (reply as Partial<PdqReplyBody> | null)?.matches;
  const ok =
    Array.isArray(matches) &&
    matches.length <= pushed * MAX_MATCHES_PER_VALUE &&
    matches.every(
      (match) =>
        typeof match === 'object' &&
        match !== null &&
        Number.isInteger(match.at) &&
        match.at >= 0 &&
        match.at < pushed &&
        typeof match.tag === 'string' &&
        /^[0-9a-f]{32}$/.test(match.tag) &&
        Number.isInteger(match.distance) &&
        match.distance >= 0 &&
        match.distance <= PDQ_MATCH_THRESHOLD,
    );
  if (!ok) throw new Rejection('invalid-body', `${peer.name} answered a PDQ push with something that is not { matches: [{ at, tag, distance }] }`);
  return matches;
}

/** The 8 orientations of each value, packed for the index (a mirrored copy is the same picture). */
function variantsOf(hashes: readonly string[]): Uint32Array {
  const variants = new Uint32Array(hashes.length * 8 * PDQ_WORDS);
  hashes.forEach((hash, at) => {
    const words = hexToWords(hash);
    const turned = approximateDihedralWords(words);
    PDQ_DIHEDRAL_NAMES.forEach((name, v) => variants.set(name === 'orig' ? words : turned[name], (at * 8 + v) * PDQ_WORDS));
  });
  return variants;
}

/** Answers a peer's PDQ push: which of its values are near ours (≤ 31), as tags and distances only. */
export async function answerPdq(node: FederationNode, peer: Peer, body: unknown): Promise<PdqReplyBody> {
  const hashes = (body as Partial<PdqPushBody> | null)?.hashes;
  if (!Array.isArray(hashes) || hashes.length === 0 || hashes.length > MAX_PDQ_PUSH || !hashes.every((hash) => typeof hash === 'string' && isPdqHex(hash) && hash === hash.toLowerCase())) {
    throw new Rejection('invalid-body', `a PDQ push carries { hashes: [1 to ${MAX_PDQ_PUSH} PDQ values, 64 lowercase hex digits each] }`);
  }
  await spendBudget(node, peer, hashes.length);
  const near = (await keptPdqIndex(node, node.store.db)).near(variantsOf(hashes), PDQ_MATCH_THRESHOLD);
  const candidates = new Set(near.flatMap((found) => found.map((candidate) => candidate.identifierId)));
  const shared = new Set(candidates.size === 0 ? [] : (await sharedPdqValues(node.store.db, { ids: [...candidates] })).map((value) => value.id));
  const pairs = hashes.flatMap((hash, at) =>
    near[at]!
      .filter((own) => shared.has(own.identifierId))
      .slice(0, MAX_MATCHES_PER_VALUE)
      .map((own) => ({ at, tag: pdqPairTag(hash, own.value), identifierId: own.identifierId, distance: own.distance })),
  );
  const actor = `peer:${peer.name}`;
  const notices = await withPeerLock(node.store.db, peer.id, async (trx) => {
    const fresh = await recordPdqMatches(trx, peer.id, pairs);
    const queued = await queueNotices(trx, node, peer, fresh, actor);
    await appendAuditIn(trx, { actor, action: 'federation.pdq.answer', target: peer.name, details: { peer: peer.name, hashes: hashes.length, matches: pairs.length, notices: queued } });
    return queued;
  });
  if (notices > 0) node.onQueued(peer.id);
  return { matches: pairs.map((pair) => ({ at: pair.at, tag: pair.tag.toString('hex'), distance: pair.distance })) };
}

/** One sync step: every shared PDQ value not yet sent to the peer, in batches. */
export async function syncPdq(node: FederationNode, peer: Peer, actor: string): Promise<PdqPushOutcome> {
  const total: PdqPushOutcome = { hashes: 0, matches: 0, notices: 0 };
  const batch = Math.min(node.batchSize, MAX_PDQ_PUSH);
  let afterId = '0';
  for (;;) {
    const values = await sharedPdqValues(node.store.db, { unsentTo: peer.id, afterId, limit: batch });
    if (values.length === 0) return total;
    const outcome = await pushPdq(node, peer, values, actor);
    total.hashes += outcome.hashes;
    total.matches += outcome.matches;
    total.notices += outcome.notices;
    afterId = values[values.length - 1]!.id;
  }
}
