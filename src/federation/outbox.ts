/**
 * The outbox per peer: one-way messages (hit notices) written in the same transaction as the work
 * that produced them, delivered in order, retried with exponential back-off until the peer
 * acknowledges them. Each keeps its message id across retries, so a delivery whose answer was lost
 * is recognised by the peer and not applied twice.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Database } from '../store/index.ts';
import { coalescer } from './coalesce.ts';
import type { MessageType } from './envelope.ts';
import type { FederationNode } from './node.ts';
import { activePeers, type Peer } from './peers.ts';
import { federationDb } from './tables.ts';
import { exchange, isPeerDown } from './transport.ts';

/** Where each kind of one-way message is delivered on the peer. */
const PATHS: Partial<Record<MessageType, string>> = {
  'hit.notice': '/api/federation/notices',
  'dx.notice': '/api/federation/deconfliction/notices',
  'hashset.offer': '/api/federation/hashsets',
};

export const FIRST_RETRY_MS = 2_000;
export const MAX_RETRY_MS = 60 * 60_000;

/** How long after the n-th failed attempt (n ≥ 1) the next one is due: 2 s, 4 s, 8 s … at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 30));
}

/**
 * How long the outbox holds back its copy of a notice message that a PSI reply carried (push.ts):
 * the pusher stores the carried copy and says so (`hit.applied`), which settles the outbox's copy
 * unsent; only a pusher that lost the reply, or whose word was lost, gets the copy, this much later.
 * Longer than a push takes to store its notices, with room to spare.
 */
export const CARRIED_GRACE_MS = 60_000;

export async function enqueue(trx: Transaction<Database>, peerId: string, kind: MessageType, body: Record<string, unknown>): Promise<string> {
  const messageId = randomUUID();
  await federationDb(trx).insertInto('federation_outbox').values({ peer_id: peerId, message_id: messageId, kind, body: JSON.stringify(body) }).execute();
  return messageId;
}

/** Holds back the outbox's copies of messages a reply carries, for CARRIED_GRACE_MS (in the transaction that queued them). */
export async function holdBack(trx: Transaction<Database>, peerId: string, messageIds: readonly string[], now: Date): Promise<void> {
  if (messageIds.length === 0) return;
  await federationDb(trx)
    .updateTable('federation_outbox')
    .set({ next_attempt_at: new Date(now.getTime() + CARRIED_GRACE_MS) })
    .where('peer_id', '=', peerId)
    .where('message_id', 'in', [...messageIds])
    .execute();
}

/**
 * The peer says it has stored these hit notice messages (carried by replies): they count as
 * delivered. Only the peer's own outbox is touched; a peer that claims a message it does not hold
 * only keeps it from itself. Returns how many were still waiting.
 */
export async function settleApplied(db: Kysely<Database>, peerId: string, messageIds: readonly string[], now: Date): Promise<number> {
  const settled = await federationDb(db)
    .updateTable('federation_outbox')
    .set({ delivered_at: now, last_error: null })
    .where('peer_id', '=', peerId)
    .where('kind', '=', 'hit.notice')
    .where('message_id', 'in', [...messageIds])
    .where('delivered_at', 'is', null)
    .executeTakeFirst();
  return Number(settled.numUpdatedRows);
}

/**
 * Records a one-way message from the peer as received: false when its id was seen before (a retry
 * whose acknowledgement was lost), which the caller acknowledges without applying it again. A
 * concurrent delivery of the same message waits on the first one's row, then finds it.
 */
export async function firstDelivery(trx: Transaction<Database>, peerId: string, messageId: string, kind: MessageType): Promise<boolean> {
  const row = await federationDb(trx)
    .insertInto('federation_inbox')
    .values({ peer_id: peerId, message_id: messageId, kind })
    .onConflict((oc) => oc.columns(['peer_id', 'message_id']).doNothing())
    .returning('message_id')
    .executeTakeFirst();
  return row !== undefined;
}

export interface Delivery {
  delivered: number;
  /** Still waiting (not yet due, or failed this time). */
  pending: number;
  /** The last failure, if any. */
  error?: string;
}

/**
 * Delivers the peer's due messages (with `all`, also those backing off after a failed attempt),
 * oldest first. A message the peer refuses waits for its next turn, backing off, while the others
 * go on. A copy held back because a reply carried it (`holdBack`) waits for its grace even with
 * `all`: the peer most likely has it, and will say so.
 */
export async function deliverOutbox(node: FederationNode, peer: Peer, options: { all?: boolean } = {}): Promise<Delivery> {
  const db = federationDb(node.store.db);
  const result: Delivery = { delivered: 0, pending: 0 };
  // Each message is tried at most once per round: the cursor moves past failures as well.
  let afterId = '0';
  for (;;) {
    const due = await db
      .selectFrom('federation_outbox')
      .select(['id', 'message_id', 'kind', 'body', 'attempts'])
      .where('peer_id', '=', peer.id)
      .where('delivered_at', 'is', null)
      .where('id', '>', afterId)
      .where((eb) => (options.all ? eb.or([eb('next_attempt_at', '<=', node.now()), eb('attempts', '>', 0)]) : eb('next_attempt_at', '<=', node.now())))
      .orderBy('id')
      .limit(200)
      .execute();
    if (due.length === 0) break;
    for (const message of due) {
      afterId = message.id;
      const path = PATHS[message.kind as MessageType];
      try {
        if (!path) throw new Error(`no delivery path for '${message.kind}' messages`);
        await exchange(node, peer, path, message.kind as MessageType, 'ack', message.body, { id: message.message_id });
        await db.updateTable('federation_outbox').set({ delivered_at: node.now(), attempts: message.attempts + 1, last_error: null }).where('id', '=', message.id).execute();
        result.delivered++;
      } catch (error) {
        const attempts = message.attempts + 1;
        result.error = (error as Error).message;
        await db
          .updateTable('federation_outbox')
          .set({ attempts, next_attempt_at: new Date(node.now().getTime() + backoffMs(attempts)), last_error: result.error.slice(0, 500) })
          .where('id', '=', message.id)
          .execute();
        // A peer that cannot be reached at all ends the round; the rest stays queued, in order.
        if (isPeerDown(error)) return { ...result, pending: await pendingMessages(node.store.db, peer.id) };
      }
    }
  }
  return { ...result, pending: await pendingMessages(node.store.db, peer.id) };
}

/** Messages waiting for a peer (all peers without one). */
export async function pendingMessages(db: Kysely<Database>, peerId?: string): Promise<number> {
  const row = await federationDb(db)
    .selectFrom('federation_outbox')
    .select(sql<string>`count(*)`.as('n'))
    .where('delivered_at', 'is', null)
    .$if(peerId !== undefined, (qb) => qb.where('peer_id', '=', peerId!))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface DeliverSoon {
  /** Something was queued for the peer: its outbox delivered shortly (bursts of calls share one delivery). */
  kick(peerId: string): void;
  /** No more deliveries: cancels those not started and waits for those under way. */
  stop(): Promise<void>;
}

/**
 * Outbox deliveries kicked by work that queued messages for a peer (a node's `onQueued`), `delayMs`
 * after the first of a burst, so that a hit notice reaches the other node without waiting for the
 * periodic round. Only the outbox: a round's pushes and exchanges keep their schedule (a whole
 * round per kick cost the day's benchmark more than it saved). One delivery per peer at a time;
 * a kick during one gets another after it, since that one may have read the outbox already. A
 * delivery that leaves messages waiting (refused for now, or the peer down) is tried again once
 * the back-off has passed, not only at the next periodic round.
 */
export function deliverSoon(node: () => FederationNode, options: { delayMs?: number; onDelivery?: (peerId: string, delivery: Delivery) => void } = {}): DeliverSoon {
  const delayMs = options.delayMs ?? 1000;
  const retries = new Map<string, number>();
  let stopped = false;

  const deliver = async (peerId: string) => {
    const current = node();
    const peer = (await activePeers(current.store.db)).find((candidate) => candidate.id === peerId);
    if (!peer || stopped) return;
    const delivery = await deliverOutbox(current, peer);
    options.onDelivery?.(peerId, delivery);
    if (delivery.pending === 0) {
      retries.delete(peerId);
      return;
    }
    const attempt = (retries.get(peerId) ?? 0) + 1;
    retries.set(peerId, attempt);
    deliveries.later(peerId, backoffMs(attempt));
  };
  const deliveries = coalescer((peerId) =>
    deliver(peerId).catch((error: unknown) => options.onDelivery?.(peerId, { delivered: 0, pending: 0, error: (error as Error).message })),
  );
  return {
    kick: (peerId) => deliveries.later(peerId, delayMs),
    stop() {
      stopped = true;
      return deliveries.stop();
    },
  };
}
