/**
 * Incremental sync with peers: deliver what waits in the outbox, push every shared selector not yet
 * exchanged with the peer (in batches; `federation_mine` is the per-peer high-water mark, so only
 * what was added since the last exchange goes), then deliver the notices that produced. A peer that
 * is down fails the round and loses nothing: the next round starts where this one stopped.
 */
import { refreshStatistics } from '../store/index.ts';
import { syncChannels, type ChannelsReport } from './channels.ts';
import type { FederationNode } from './node.ts';
import { backoffMs, deliverOutbox } from './outbox.ts';
import { activePeers, type Peer } from './peers.ts';
import { unsentSelectors } from './policy.ts';
import { completePush, preparePush, type PreparedPush, type PushOutcome } from './push.ts';

export interface SyncReport {
  peer: string;
  /** Selectors pushed this round, matches found and notices queued by them. */
  pushed: number;
  matches: number;
  notices: number;
  /** Outbox messages delivered this round, and still waiting after it. */
  delivered: number;
  pending: number;
  /** PDQ values, deconfliction registrations and hash sets exchanged this round (channels.ts). */
  channels?: ChannelsReport;
  /** Why the round stopped early, if it did. */
  error?: string;
  seconds: number;
}

/**
 * The tables a round reads by plan rather than by key: analyzed at the start of a round when they
 * have grown (store/statistics.ts), so that a round after a big ingest or a big exchange is planned
 * for the tables as they are.
 */
const ROUND_TABLES = ['identifiers', 'mentions', 'federation_mine', 'federation_theirs', 'federation_matches', 'federation_notices', 'federation_hits', 'federation_outbox'];

/** Pushes to one peer under way at once in a round (see runRound). */
const PUSHES_IN_FLIGHT = 2;

// One round per peer at a time in this process: a periodic round and one kicked by new notices
// would otherwise push the same selectors twice (harmless, but twice the work).
const running = new Map<string, Promise<SyncReport>>();
/** The round promised to start once the running one ends (see `fresh`), shared by every caller that asked meanwhile. */
const following = new Map<string, Promise<SyncReport>>();

export interface SyncOptions {
  actor?: string;
  /** Every waiting outbox message, not only those due (a retry now, ignoring the back-off). */
  deliverAll?: boolean;
  /**
   * A round that starts after this call: when one is already running, another follows it. Without
   * it, a caller joins the running round, which may have read its outbox before the caller queued
   * something and would leave that waiting for the next periodic round.
   */
  fresh?: boolean;
}

export function syncPeer(node: FederationNode, peer: Peer, options: SyncOptions = {}): Promise<SyncReport> {
  const key = `${node.identity.publicKey}/${peer.id}`;
  const current = running.get(key);
  if (current && !options.fresh) return current;
  if (current) {
    let next = following.get(key);
    if (!next) {
      next = current
        .catch(() => undefined)
        .then(() => {
          following.delete(key);
          return syncPeer(node, peer, options);
        });
      following.set(key, next);
    }
    return next;
  }
  const round = runRound(node, peer, options).finally(() => running.delete(key));
  running.set(key, round);
  return round;
}

export interface SyncSoon {
  /** Something was queued for the peer: a round with it shortly (bursts of calls share one). */
  kick(peerId: string): void;
  /** No more rounds: cancels those not started and waits for those under way. */
  stop(): Promise<void>;
}

/**
 * Rounds kicked by work that queued messages for a peer (a node's `onQueued`), `delayMs` after the
 * first of a burst, so that a hit notice reaches the other node without waiting for the periodic
 * round. A kick while a round with that peer runs gets a round after it (`fresh`). A round that
 * leaves messages waiting is followed by another once the outbox's back-off has passed: a notice
 * that crossed the peer's own push is refused until the peer has recorded that push (notices.ts),
 * typically for a second or two, and must not wait for the next periodic round.
 */
export function syncSoon(node: () => FederationNode, options: { delayMs?: number; onReport?: (report: SyncReport) => void } = {}): SyncSoon {
  const delayMs = options.delayMs ?? 1000;
  const timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  const retries = new Map<string, number>();
  const rounds = new Set<Promise<void>>();
  let stopped = false;
  const roundWith = async (peerId: string) => {
    const current = node();
    const peer = (await activePeers(current.store.db)).find((candidate) => candidate.id === peerId);
    if (!peer || stopped) return;
    const report = await syncPeer(current, peer, { fresh: true });
    options.onReport?.(report);
    if (report.pending === 0) {
      retries.delete(peerId);
      return;
    }
    const attempt = (retries.get(peerId) ?? 0) + 1;
    retries.set(peerId, attempt);
    later(peerId, backoffMs(attempt));
  };
  const start = (peerId: string) => {
    const round = roundWith(peerId)
      .catch((error: unknown) => options.onReport?.({ peer: `#${peerId}`, pushed: 0, matches: 0, notices: 0, delivered: 0, pending: 0, error: (error as Error).message, seconds: 0 }))
      .finally(() => rounds.delete(round));
    rounds.add(round);
  };
  /** A round with the peer in `ms`, unless one is due sooner already. */
  const later = (peerId: string, ms: number) => {
    if (stopped) return;
    const due = Date.now() + ms;
    const scheduled = timers.get(peerId);
    if (scheduled && scheduled.due <= due) return;
    if (scheduled) clearTimeout(scheduled.timer);
    const timer = setTimeout(() => {
      timers.delete(peerId);
      start(peerId);
    }, ms);
    timer.unref();
    timers.set(peerId, { timer, due });
  };
  return {
    kick: (peerId) => later(peerId, delayMs),
    async stop() {
      stopped = true;
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...rounds]);
    },
  };
}

async function runRound(node: FederationNode, peer: Peer, options: SyncOptions): Promise<SyncReport> {
  const started = performance.now();
  const actor = options.actor ?? node.actor;
  const report: SyncReport = { peer: peer.name, pushed: 0, matches: 0, notices: 0, delivered: 0, pending: 0, seconds: 0 };
  try {
    await refreshStatistics(node.store.db, ROUND_TABLES);
    const before = await deliverOutbox(node, peer, { all: options.deliverAll });
    report.delivered += before.delivered;
    // Pipelined: the next batch is read and blinded (worker threads) while earlier ones are in
    // flight, and up to PUSHES_IN_FLIGHT pushes are under way at once, so that the peer answering
    // (and storing) one batch overlaps with this node storing the one before. One push at a time
    // left both cores idle for most of each batch (docs/benchmarks.md, federation).
    const inFlight: Promise<PushOutcome>[] = [];
    const tally = (outcome: PushOutcome) => {
      report.pushed += outcome.selectors;
      report.matches += outcome.matches;
      report.notices += outcome.notices;
    };
    try {
      let next = prepareBatch(node, peer, '0');
      for (;;) {
        const prepared = await next;
        if (!prepared) break;
        next = prepareBatch(node, peer, prepared.lastId);
        // Should a push fail, the round ends and the batch being prepared is dropped unsent.
        next.catch(() => undefined);
        const push = completePush(node, peer, prepared, actor);
        push.catch(() => undefined); // awaited below, in order; this only keeps a failure from going unhandled meanwhile
        inFlight.push(push);
        if (inFlight.length >= PUSHES_IN_FLIGHT) tally(await inFlight.shift()!);
      }
      while (inFlight.length > 0) tally(await inFlight.shift()!);
    } finally {
      // A failed push ends the round only once the others have settled: nothing of this round
      // may still be writing when the next one starts.
      await Promise.allSettled(inFlight);
    }
    report.channels = await syncChannels(node, peer, actor);
    const after = await deliverOutbox(node, peer, { all: options.deliverAll });
    report.delivered += after.delivered;
    report.pending = after.pending;
    if (after.error && after.pending > 0) report.error = after.error;
    if (!report.error && report.channels.error) report.error = report.channels.error;
  } catch (error) {
    report.error = (error as Error).message;
  }
  report.seconds = Math.round(performance.now() - started) / 1000;
  return report;
}

/** The next batch of unsent selectors after `afterId`, blinded for the peer; undefined when none is left. */
async function prepareBatch(node: FederationNode, peer: Peer, afterId: string): Promise<(PreparedPush & { lastId: string }) | undefined> {
  const batch = await unsentSelectors(node.store.db, peer.id, afterId, node.batchSize);
  if (batch.length === 0) return undefined;
  return { ...(await preparePush(peer, batch)), lastId: batch[batch.length - 1]!.id };
}

/** A round with every active peer, one after another (each peer's failure is its own). */
export async function syncAll(node: FederationNode, options: SyncOptions & { peer?: string } = {}): Promise<SyncReport[]> {
  const peers = (await activePeers(node.store.db)).filter((peer) => options.peer === undefined || peer.name.toLowerCase() === options.peer.toLowerCase());
  const reports: SyncReport[] = [];
  for (const peer of peers) reports.push(await syncPeer(node, peer, options));
  return reports;
}
