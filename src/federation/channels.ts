/**
 * The exchanges a sync round makes after the selectors' private set intersection: PDQ values for
 * near matching, deconfliction registrations, and categorised hash sets. Each is incremental (only
 * what the peer has not had yet goes) and keeps its own state, so one that fails — a peer that does
 * not speak it yet, say — leaves the others' progress in place, does not stop the round's delivery
 * of queued notices, and is tried again next round.
 */
import { syncRegistrations, type DxOutcome } from './deconfliction.ts';
import { syncHashSets } from './hashsets.ts';
import type { FederationNode } from './node.ts';
import type { Peer } from './peers.ts';
import { syncPdq, type PdqPushOutcome } from './pdq.ts';

export interface ChannelsReport {
  pdq: PdqPushOutcome;
  registrations: DxOutcome;
  hashSets: { sets: number; entries: number };
  /** The first failure of a channel this round, if any (the others still ran). */
  error?: string;
}

export async function syncChannels(node: FederationNode, peer: Peer, actor: string): Promise<ChannelsReport> {
  const errors: string[] = [];
  const attempt = async <T>(what: string, work: () => Promise<T>, nothing: T): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      errors.push(`${what}: ${(error as Error).message}`);
      return nothing;
    }
  };
  const report: ChannelsReport = {
    pdq: await attempt('PDQ', () => syncPdq(node, peer, actor), { hashes: 0, matches: 0, notices: 0 }),
    registrations: await attempt('deconfliction', () => syncRegistrations(node, peer, actor), { selectors: 0, conflicts: 0, notices: 0 }),
    hashSets: await attempt('hash sets', () => syncHashSets(node, peer, actor), { sets: 0, entries: 0 }),
  };
  if (errors.length > 0) report.error = errors[0];
  return report;
}
