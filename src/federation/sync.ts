/**
 * Incremental sync with peers: deliver what waits in the outbox, push every shared selector not yet
 * exchanged with the peer (in batches; `federation_mine` is the per-peer high-water mark, so only
 * what was added since the last exchange goes), then deliver the notices that produced. A peer that
 * is down fails the round and loses nothing: the next round starts where this one stopped.
 */
import { refreshStatistics } from '../store/index.ts';
import { syncChannels, type ChannelsReport } from './channels.ts';
import { coalescer } from './coalesce.ts';
import { MATCHING_TABLES } from './matching.ts';
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

/** Pushes to one peer under way at once in a round (see runRound). */
const PUSHES_IN_FLIGHT = 2;

// One round per peer at a time in this process: a periodic round and one kicked by new notices
// would otherwise push the same selectors twice (harmless, but twice the work).
const running = new Map<string, Promise<SyncReport>>();

export function syncPeer(node: FederationNode, peer: Peer, options: { actor?: string; deliverAll?: boolean } = {}): Promise<SyncReport> {
  const key = `${node.identity.publicKey}/${peer.id}`;
  const current = running.get(key);
  if (current) return current;
  const round = runRound(node, peer, options).finally(() => running.delete(key));
  running.set(key, round);
  return round;
}

async function runRound(node: FederationNode, peer: Peer, options: { actor?: string; deliverAll?: boolean }): Promise<SyncReport> {
  const started = performance.now();
  const actor = options.actor ?? node.actor;
  const report: SyncReport = { peer: peer.name, pushed: 0, matches: 0, notices: 0, delivered: 0, pending: 0, seconds: 0 };
  try {
    await refreshStatistics(node.store.db, MATCHING_TABLES);
    const before = await deliverOutbox(node, peer, { all: options.deliverAll });
    report.delivered += before.delivered;
    // Pipelined: the next batch is read and blinded (worker threads) while earlier ones are in
    // flight, and up to PUSHES_IN_FLIGHT pushes are under way at once, so that the peer answering
    // (and storing) one batch overlaps with this node storing the one before. One push at a time
    // left both cores idle for most of each batch (docs/benchmarks.md, federation).
    const inFlight: Promise<PushOutcome>[] = [];
    const storingCarried: Promise<void>[] = [];
    const tally = (outcome: PushOutcome) => {
      report.pushed += outcome.selectors;
      report.matches += outcome.matches;
      report.notices += outcome.notices;
      storingCarried.push(outcome.carried);
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
      for (const push of await Promise.allSettled(inFlight)) if (push.status === 'fulfilled') storingCarried.push(push.value.carried);
      await Promise.all(storingCarried);
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
export async function syncAll(node: FederationNode, options: { actor?: string; deliverAll?: boolean; peer?: string } = {}): Promise<SyncReport[]> {
  const peers = (await activePeers(node.store.db)).filter((peer) => options.peer === undefined || peer.name.toLowerCase() === options.peer.toLowerCase());
  const reports: SyncReport[] = [];
  for (const peer of peers) reports.push(await syncPeer(node, peer, options));
  return reports;
}

export interface SyncSoon {
  /** New data: a round with every peer `delayMs` (250 ms) from the first kick of a burst. */
  kick(): void;
  /** A round now, or straight after the one under way (the periodic round). */
  now(): void;
  /** No more rounds: cancels those not started and waits for the one under way. */
  stop(): Promise<void>;
}

/**
 * Rounds with every peer, one at a time, on two triggers: the periodic timer (`now`) and new data
 * (`kick`: a source completed, a case's sharing policy or a deconfliction registration changed;
 * store/notify.ts), so that a new source's hits reach the other nodes in seconds rather than at
 * the next periodic round. A burst of kicks (a folder of files) shares one round, and a kick
 * during a round gets another after it, since that one may have read its selectors already. A
 * round in which a peer failed is tried again after the back-off (a peer that was down at start-up
 * is reached when it comes up, not an interval later).
 */
export function syncSoon(
  node: () => FederationNode,
  options: { delayMs?: number; actor?: string; onRound?: (reports: SyncReport[]) => void; onError?: (error: Error) => void } = {},
): SyncSoon {
  // Short: a notification comes once per completed source, not per batch, and a kick during a
  // round gets one more round after it, so a folder of files still costs a round per few files.
  const delayMs = options.delayMs ?? 250;
  // Rounds in a row in which some peer failed (down, refusing): the next is tried after the
  // outbox's back-off rather than only at the next periodic round.
  let failedRounds = 0;
  const rounds = coalescer(async () => {
    let failed = true;
    try {
      const reports = await syncAll(node(), { actor: options.actor ?? 'federation' });
      failed = reports.some((report) => report.error !== undefined);
      options.onRound?.(reports);
    } catch (error) {
      options.onError?.(error as Error);
    }
    failedRounds = failed ? failedRounds + 1 : 0;
    if (failed) rounds.later('round', backoffMs(failedRounds));
  });
  return { kick: () => rounds.later('round', delayMs), now: () => rounds.later('round', 0), stop: () => rounds.stop() };
}
