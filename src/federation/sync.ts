/**
 * Incremental sync with peers: deliver what waits in the outbox, push every shared selector not yet
 * exchanged with the peer (in batches; `federation_mine` is the per-peer high-water mark, so only
 * what was added since the last exchange goes), then deliver the notices that produced. A peer that
 * is down fails the round and loses nothing: the next round starts where this one stopped.
 */
import type { FederationNode } from './node.ts';
import { deliverOutbox } from './outbox.ts';
import { activePeers, type Peer } from './peers.ts';
import { unsentSelectors } from './policy.ts';
import { pushSelectors } from './push.ts';

export interface SyncReport {
  peer: string;
  /** Selectors pushed this round, matches found and notices queued by them. */
  pushed: number;
  matches: number;
  notices: number;
  /** Outbox messages delivered this round, and still waiting after it. */
  delivered: number;
  pending: number;
  /** Why the round stopped early, if it did. */
  error?: string;
  seconds: number;
}

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
    const before = await deliverOutbox(node, peer, { all: options.deliverAll });
    report.delivered += before.delivered;
    let afterId = '0';
    for (;;) {
      const batch = await unsentSelectors(node.store.db, peer.id, afterId, node.batchSize);
      if (batch.length === 0) break;
      const outcome = await pushSelectors(node, peer, batch, actor);
      report.pushed += outcome.selectors;
      report.matches += outcome.matches;
      report.notices += outcome.notices;
      afterId = batch[batch.length - 1]!.id;
    }
    const after = await deliverOutbox(node, peer, { all: options.deliverAll });
    report.delivered += after.delivered;
    report.pending = after.pending;
    if (after.error && after.pending > 0) report.error = after.error;
  } catch (error) {
    report.error = (error as Error).message;
  }
  report.seconds = Math.round(performance.now() - started) / 1000;
  return report;
}

/** A round with every active peer, one after another (each peer's failure is its own). */
export async function syncAll(node: FederationNode, options: { actor?: string; deliverAll?: boolean; peer?: string } = {}): Promise<SyncReport[]> {
  const peers = (await activePeers(node.store.db)).filter((peer) => options.peer === undefined || peer.name.toLowerCase() === options.peer.toLowerCase());
  const reports: SyncReport[] = [];
  for (const peer of peers) reports.push(await syncPeer(node, peer, options));
  return reports;
}
