/**
 * A federation node at work: the store's owner (federation is the node's own work across its
 * cases, as entity resolution is), its identity, and the settings of its exchanges. One object is
 * handed to the sync driver, the message handlers and the server.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../model/index.ts';
import type { Store } from '../store/index.ts';
import { ensureNodeIdentity, loadNodeIdentity, type NodeIdentity } from './identity.ts';
import { MAX_PUSH } from './push.ts';

export interface FederationOptions {
  /** The clock (tests move it to make messages stale or outbox retries due). */
  now?: () => Date;
  /** Selectors per PSI push: one HTTP round trip each. */
  batchSize?: number;
  /** Per HTTP request to a peer. */
  timeoutMs?: number;
  /** Who the audit log names for work this node starts on its own (periodic sync). */
  actor?: string;
  /** Certificates to trust for https:// peers (default: the node's configured CA file, else the system's). */
  ca?: Buffer;
  /** Told when a message was queued for a peer (the server delivers it soon rather than at the next round). */
  onQueued?: (peerId: string) => void;
}

export interface FederationNode {
  readonly store: Store;
  readonly identity: NodeIdentity;
  readonly batchSize: number;
  readonly timeoutMs: number;
  readonly actor: string;
  readonly ca: Buffer | undefined;
  now(): Date;
  onQueued(peerId: string): void;
}

export const DEFAULT_BATCH_SIZE = 5000;
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/**
 * The node over an owner store; with `create`, its identity is made on first use, otherwise a
 * node without one refuses (a server must not mint keys because a stranger knocked).
 */
export async function openFederationNode(store: Store, options: FederationOptions & { create?: boolean } = {}): Promise<FederationNode> {
  if (store.actingAs) throw new Error('federation runs as the node itself: open it over the owner store, not one acting as a user');
  const actor = options.actor ?? 'federation';
  const identity = options.create ? await ensureNodeIdentity(store.db, actor) : await loadNodeIdentity(store.db);
  if (!identity) throw new UserError("this node has no federation identity yet: run 'crosslink node show' (an administrator) to make one", 'unavailable');
  let ca = options.ca;
  if (!ca && identity.tls.ca) {
    try {
      ca = readFileSync(identity.tls.ca);
    } catch (error) {
      throw new UserError(`cannot read the trusted CA file ${identity.tls.ca}: ${(error as Error).message}`, 'unavailable');
    }
  }
  return {
    store,
    identity,
    // A peer answers at most MAX_PUSH points at once.
    batchSize: Math.max(1, Math.min(options.batchSize ?? DEFAULT_BATCH_SIZE, MAX_PUSH)),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    actor,
    ca,
    now: options.now ?? (() => new Date()),
    onQueued: options.onQueued ?? (() => undefined),
  };
}
