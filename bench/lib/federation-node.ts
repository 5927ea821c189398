/**
 * One federation node of bench/federation.ts in a process of its own, as a real deployment runs
 * it: its own store, its own peer endpoint on loopback, its own event loop (and, embedded, its own
 * PGlite). The parent drives it over IPC: { id, op, ...args } in, { id, result } or { id, error } out.
 */
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { buildPeerServer } from '../../src/api/routes/federation.ts';
import { addPeer, deliverSoon, openFederationNode, syncAll, type FederationNode } from '../../src/federation/index.ts';
import { migrateToLatest, type Store } from '../../src/store/index.ts';
import { openBenchStore } from './common.ts';
import { loadSharedCase } from './shared-case.ts';

/** Which selectors to load: `count` from `from`; the first `common` the same on every node, the rest this node's own. */
export interface SelectorRange {
  prefix: string;
  from: number;
  count: number;
  common: number;
  /** These many (of the range) get `<bothPrefix><i>@both.example` instead (default prefix `new`): held by two nodes. */
  newBoth?: number;
  bothPrefix?: string;
}

export type Request =
  | { op: 'open'; name: string; backend: 'embedded' | 'postgres'; scratch: string; batchSize: number }
  | { op: 'addPeer'; name: string; url: string; key: string }
  | { op: 'load'; agency: string; ref: string; selectors: SelectorRange }
  | { op: 'sync' }
  | { op: 'count'; table: 'federation_matches' | 'federation_hits' }
  | { op: 'close' };

function selectorsOf({ prefix, from, count, common, newBoth = 0, bothPrefix = 'new' }: SelectorRange): [string, string][] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    if (k < newBoth) return ['email', `${bothPrefix}${k}@both.example`];
    return i < common ? ['email', `person${i}@shared.example`] : ['email', `person${i}@${prefix}.example`];
  });
}

let opened: { store: Store; drop: () => Promise<void> } | undefined;
let node: FederationNode | undefined;
let server: Awaited<ReturnType<typeof buildPeerServer>> | undefined;
// As `crosslink federation serve` does: a peer's outbox delivered a second after notices were queued for it.
const soon = deliverSoon(() => node!);

async function handle(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'open': {
      opened = await openBenchStore(request.backend, request.scratch, `fed${request.name}`);
      await migrateToLatest(opened.store.db);
      node = await openFederationNode(opened.store, { create: true, batchSize: request.batchSize, actor: 'bench', onQueued: (peerId) => soon.kick(peerId) });
      server = await buildPeerServer(node);
      await server.listen({ port: 0, host: '127.0.0.1' });
      return { url: `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`, key: node.identity.publicKey };
    }
    case 'addPeer':
      await addPeer(node!.store.db, 'bench', { name: request.name, url: request.url, key: request.key });
      return null;
    case 'load':
      await loadSharedCase(node!.store, request.agency, request.ref, selectorsOf(request.selectors));
      return null;
    case 'sync': {
      // Every waiting notice each round, not only those due: a notice refused because the peer had
      // not yet found the match (the two pushes crossed) goes again in the next round, not after its back-off.
      // A round may end with notices refused for now (that is its report's error); the parent
      // goes on until a round moves nothing, and reports what is still pending then.
      return syncAll(node!, { deliverAll: true });
    }
    case 'count':
      return Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(request.table)}`.execute(node!.store.db)).rows[0]!.n);
    case 'close':
      await soon.stop();
      await server?.close();
      await opened?.store.close();
      await opened?.drop();
      return null;
  }
}

process.on('message', (message: { id: number } & Request) => {
  handle(message).then(
    (result) => process.send!({ id: message.id, result }),
    (error: Error) => process.send!({ id: message.id, error: error.stack ?? error.message }),
  );
});
