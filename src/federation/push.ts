/**
 * One PSI push, the protocol's only interactive step. The pushing node sends its new selectors
 * blinded with its scalar for the peer, H(x)^a, shuffled; the peer answers with each raised to its
 * own scalar, H(x)^ab, in the same order. The pusher keeps the tags of its selectors (`mine`); the
 * peer keeps the same tags, not knowing what they stand for (`theirs`). Each side then checks the
 * new tags against what the other pushed before, so the second of two nodes to push a selector
 * makes the hit appear on both — and a selector a node never pushes it never learns about.
 *
 * The answering side spends the peer's daily budget: what bounds a peer that pushes guesses.
 */
import { sql } from 'kysely';
import { appendAuditIn, refreshStatistics } from '../store/index.ts';
import { Rejection } from './envelope.ts';
import { MATCHING_TABLES, recordOwnExchange, recordPeerSelectors, withIdentifiersHeld, withPeerLock } from './matching.ts';
import type { FederationNode } from './node.ts';
import { applyNotices, parseNoticeMessage, queueNoticeMessages, type QueuedNoticeMessage } from './notices.ts';
import { holdBack, settleApplied } from './outbox.ts';
import type { Peer } from './peers.ts';
import type { Selector } from './policy.ts';
import { blindInParallel, reblindInParallel } from './points.ts';
import { pointCount, PSI_VERSION, PsiError, selectorOf, shuffled, tagsOf } from './psi.ts';
import { exchange } from './transport.ts';

/** Largest push a node answers: a bigger one is split by the sender (a batch is one HTTP body). */
export const MAX_PUSH = 50_000;

export interface PushBody {
  /** The PSI version both sides must speak (psi.ts): a node on another one refuses the push. */
  version: typeof PSI_VERSION;
  /**
   * Base64 of n × 32-byte X25519 u-coordinates. Named unlike version 1's `points` (ristretto255) so
   * that a version-1 node refuses a version-2 push as malformed instead of misreading it.
   */
  blinded: string;
  /**
   * In a reply only: the hit notices the answering node queued for the pusher while answering (its
   * own selectors among those pushed), each with its outbox message id. The pusher applies them
   * once it has recorded the push, so they cannot arrive before the matches they are about, and
   * then names the ids it stored (`hit.applied`), which settles the outbox's copies unsent. Those
   * copies are held back meanwhile (outbox.ts CARRIED_GRACE_MS); should the reply or the pusher's
   * word be lost, the outbox delivers them after all, and a pusher that has them already
   * acknowledges them as seen.
   */
  notices?: QueuedNoticeMessage[];
}

/**
 * Notice messages a reply carries at most (5,000 notices each): a push of MAX_PUSH selectors with
 * two sharing cases each. More, from a selector many cases hold, go by the outbox alone. A reply
 * with more than MAX_REPLY_MESSAGES is refused (room for a later version sending more).
 */
const REPLY_MESSAGES = 20;
const MAX_REPLY_MESSAGES = 100;
const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const APPLIED_PATH = '/api/federation/notices/applied';

/** A `hit.applied` message: the ids of the notice messages, carried by one reply, that the pusher has stored. */
export interface AppliedBody {
  ids: string[];
}

/** The notice messages a reply carries, strictly checked; a malformed one refuses the reply (and the push is tried again). */
function repliedNotices(reply: Partial<PushBody> | null, peer: Peer): QueuedNoticeMessage[] {
  const carried = reply?.notices;
  if (carried === undefined) return [];
  const refuse = () => new Rejection('invalid-body', `${peer.name}'s reply carries notices other than up to ${MAX_REPLY_MESSAGES} × { id: message id, message: hit notice message }`);
  if (!Array.isArray(carried) || carried.length > MAX_REPLY_MESSAGES) throw refuse();
  return carried.map((entry: unknown) => {
    const { id, message, ...rest } = (entry ?? {}) as Partial<QueuedNoticeMessage>;
    if (typeof id !== 'string' || !MESSAGE_ID.test(id) || Object.keys(rest).length > 0) throw refuse();
    return { id, message: parseNoticeMessage(message) };
  });
}

/** A push or reply of another PSI version is refused with a reason that says so. */
function checkVersion(body: unknown, who: string): void {
  const { version, points } = (body ?? {}) as { version?: unknown; points?: unknown };
  if (version === PSI_VERSION) return;
  const theirs = typeof version === 'string' ? version.slice(0, 60) : points !== undefined ? 'version 1 (ristretto255)' : 'no PSI version';
  throw new Rejection('invalid-body', `${who} speaks ${theirs}, this node ${PSI_VERSION}: both nodes must run the same PSI version`);
}

/** A push's selectors, shuffled and blinded for the peer: the arithmetic half, done ahead of the exchange (sync.ts pipelines it). */
export interface PreparedPush {
  order: Selector[];
  blinded: Buffer;
}

export async function preparePush(peer: Peer, selectors: readonly Selector[]): Promise<PreparedPush> {
  const order = shuffled(selectors);
  const blinded = await blindInParallel(
    order.map((selector) => selectorOf(selector.type, selector.value)),
    peer.psiKey,
  );
  return { order, blinded };
}

export interface PushOutcome {
  selectors: number;
  matches: number;
  notices: number;
  /**
   * The hit notices the reply carried, being stored: settles (never rejects) once they are. Not
   * waited for by the push itself, so that the next push need not wait for them either.
   */
  carried: Promise<void>;
}

/** Sends a prepared push and records what comes back. */
export async function completePush(node: FederationNode, peer: Peer, { order, blinded }: PreparedPush, actor: string): Promise<PushOutcome> {
  const reply = (await exchange(node, peer, '/api/federation/psi', 'psi.push', 'psi.reply', { version: PSI_VERSION, blinded: blinded.toString('base64') } satisfies PushBody)) as Partial<PushBody> | null;
  checkVersion(reply, `${peer.name}'s reply`);
  const doubled = typeof reply?.blinded === 'string' ? Buffer.from(reply.blinded, 'base64') : Buffer.alloc(0);
  if (doubled.length !== blinded.length) throw new Rejection('invalid-body', `${peer.name} answered ${Math.floor(doubled.length / 32)} points for ${order.length}`);
  const tags = tagsOf(doubled);
  const carried = repliedNotices(reply, peer);
  const { counts, found, sharing } = await withPeerLock(node.store.db, peer.id, async (trx) => {
    const matches = await recordOwnExchange(
      trx,
      peer.id,
      order.map((selector) => selector.id),
      tags,
    );
    const queued = await queueNoticeMessages(trx, node, peer, matches, actor);
    await appendAuditIn(trx, { actor, action: 'federation.push', target: peer.name, details: { peer: peer.name, selectors: order.length, matches: matches.length, notices: queued.count } });
    return {
      counts: { selectors: order.length, matches: matches.length, notices: queued.count },
      found: new Map(matches.map((match) => [match.tag.toString('hex'), match.identifierId])),
      sharing: queued.holders,
    };
  });
  if (counts.notices > 0) node.onQueued(peer.id);
  // The notices the reply carried, stored once the matches they are about are committed, in a
  // transaction of their own: outside the peer's lock, and while the next push goes ahead. They are
  // about this push's matches, found just now, so neither the matches nor their sharing cases need
  // looking up again. One that is not (found before, or never) is looked up. Should this fail, or a
  // notice be about a match not found, nothing is lost: the peer's outbox delivers the same messages.
  // Stored (or found stored before), each is named back to the peer, so that its outbox does not
  // send it again; should that word be lost, the outbox's copy comes later and is acknowledged as seen.
  const storing = async () => {
    const stored: string[] = [];
    for (const { id, message } of carried) {
      const fresh = message.notices.every((notice) => found.has(notice.tag));
      await withIdentifiersHeld(node.store.db, (trx) => applyNotices(trx, peer, id, message, fresh ? found : undefined, fresh ? sharing : undefined)).then(
        () => stored.push(id),
        () => undefined,
      );
    }
    if (stored.length > 0) await exchange(node, peer, APPLIED_PATH, 'hit.applied', 'ack', { ids: stored } satisfies AppliedBody).catch(() => undefined);
  };
  return { ...counts, carried: storing() };
}

/** Counts `count` selectors against the peer's budget for today (UTC), or refuses the push. */
export async function spendBudget(node: FederationNode, peer: Peer, count: number): Promise<void> {
  const day = node.now().toISOString().slice(0, 10);
  const refused = () => new Rejection('over-budget', `the push of ${count} selectors exceeds ${peer.name}'s budget of ${peer.dailyBudget} a day on this node: try again tomorrow`);
  if (count > peer.dailyBudget) throw refused();
  const spent = await sql<{ used: string }>`
    INSERT INTO federation_budget AS b (peer_id, day, used) VALUES (${peer.id}, ${day}::date, ${count})
    ON CONFLICT (peer_id, day) DO UPDATE SET used = b.used + excluded.used
    WHERE b.used + excluded.used <= ${peer.dailyBudget}
    RETURNING used`.execute(node.store.db);
  if (spent.rows.length === 0) throw refused();
}

/**
 * A pushed body's points raised to our scalar for the peer, in its order, after its version, its
 * encoding and the peer's daily budget are checked: the answering half of every PSI exchange
 * (selectors here, deconfliction registrations in deconfliction.ts).
 */
export async function reblindPushed(node: FederationNode, peer: Peer, body: unknown, what: string): Promise<{ count: number; doubled: Buffer }> {
  checkVersion(body, `${peer.name}'s ${what}`);
  const points = (body as Partial<PushBody>).blinded;
  if (typeof points !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(points)) throw new Rejection('invalid-body', `a ${what} carries { version: '${PSI_VERSION}', blinded: base64 of 32-byte X25519 u-coordinates }`);
  const packed = Buffer.from(points, 'base64');
  try {
    const count = pointCount(packed);
    if (count === 0 || count > MAX_PUSH) throw new PsiError(`a ${what} carries 1 to ${MAX_PUSH} points, not ${count}`);
    await spendBudget(node, peer, count);
    return { count, doubled: await reblindInParallel(packed, peer.psiKey) };
  } catch (error) {
    if (error instanceof PsiError) throw new Rejection('invalid-body', error.message);
    throw error;
  }
}

/** Answers a peer's push: its points raised to our scalar for it, in its order. */
export async function answerPush(node: FederationNode, peer: Peer, body: unknown): Promise<PushBody> {
  const { count, doubled } = await reblindPushed(node, peer, body, 'push');
  const actor = `peer:${peer.name}`;
  await refreshStatistics(node.store.db, MATCHING_TABLES);
  const queued = await withPeerLock(node.store.db, peer.id, async (trx) => {
    const matches = await recordPeerSelectors(trx, peer.id, tagsOf(doubled));
    const notices = await queueNoticeMessages(trx, node, peer, matches, actor);
    await holdBack(trx, peer.id, notices.messages.slice(0, REPLY_MESSAGES).map((queued) => queued.id), node.now());
    await appendAuditIn(trx, { actor, action: 'federation.answer', target: peer.name, details: { peer: peer.name, selectors: count, matches: matches.length, notices: notices.count } });
    return notices;
  });
  if (queued.count > 0) node.onQueued(peer.id);
  return { version: PSI_VERSION, blinded: doubled.toString('base64'), ...(queued.messages.length > 0 ? { notices: queued.messages.slice(0, REPLY_MESSAGES) } : {}) };
}

/**
 * A pusher's word that it has stored notice messages our replies carried: their outbox copies
 * count as delivered (outbox.ts settleApplied). At most MAX_REPLY_MESSAGES ids, as a reply carries.
 */
export async function receiveApplied(node: FederationNode, peer: Peer, body: unknown): Promise<{ settled: number }> {
  const { ids, ...rest } = (body ?? {}) as Partial<AppliedBody>;
  const valid = Array.isArray(ids) && ids.length > 0 && ids.length <= MAX_REPLY_MESSAGES && ids.every((id) => typeof id === 'string' && MESSAGE_ID.test(id)) && Object.keys(rest).length === 0;
  if (!valid) throw new Rejection('invalid-body', `a hit.applied message carries { ids: 1 to ${MAX_REPLY_MESSAGES} message ids } and nothing else`);
  return { settled: await settleApplied(node.store.db, peer.id, ids, node.now()) };
}
