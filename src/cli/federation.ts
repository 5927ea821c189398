/**
 * `crosslink federation …`: what each case shares with other nodes (`policy`, `policies`, as the
 * acting user, under row-level security), exchanging with peers now (`sync`) or continuously with
 * the endpoint peers call (`serve`), and reading what came back (`hits`, `reference`).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  deliverSoon,
  findSentNotice,
  listCasePolicies,
  listExchangedHashSets,
  listFederatedHits,
  openFederationNode,
  parseSharing,
  parseTypes,
  requirePeer,
  setCasePolicy,
  shareHashSet,
  syncAll,
  syncPeer,
  syncSoon,
  type CasePolicyView,
  type FederatedHitView,
  type SharedHashSetView,
  type SyncReport,
} from '../federation/index.ts';
import { UserError } from '../model/index.ts';
import { appendAudit, listen, NEW_DATA_CHANNEL, type Store } from '../store/index.ts';
import { currentActor, currentPrincipal, withAdministration, withNodeWork, withStore, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';
import { parsePort } from './serve.ts';

function describePolicies(list: CasePolicyView[]): string {
  if (list.length === 0) return 'No cases that you may see.';
  return table(
    ['CASE', 'SHARING', 'TYPES', 'SET BY', 'SET AT'],
    list.map((policy) => [policy.case, policy.sharing, policy.types?.join(',') ?? (policy.sharing === 'none' ? '' : 'all'), policy.setBy, policy.setAt]),
  );
}

function describeSync(reports: SyncReport[]): string {
  if (reports.length === 0) return "No peers yet (add one with 'crosslink peer add').";
  return table(
    ['PEER', 'PUSHED', 'MATCHES', 'PDQ SENT/MATCHES', 'TARGETS SENT/CONFLICTS', 'HASH SETS', 'NOTICES', 'DELIVERED', 'PENDING', 'SECONDS', 'ERROR'],
    reports.map((report) => {
      const channels = report.channels;
      return [
        report.peer,
        report.pushed,
        report.matches,
        channels ? `${channels.pdq.hashes}/${channels.pdq.matches}` : '',
        channels ? `${channels.registrations.selectors}/${channels.registrations.conflicts}` : '',
        channels ? channels.hashSets.sets : '',
        report.notices + (channels ? channels.pdq.notices + channels.registrations.notices : 0),
        report.delivered,
        report.pending,
        report.seconds,
        report.error ?? '',
      ];
    }),
  );
}

function describeHashSets(sets: SharedHashSetView[]): string {
  if (sets.length === 0) return "No hash sets shared or received (share one with 'crosslink federation hashset share').";
  return table(
    ['SET', 'NAME', 'ENTRIES', 'DIRECTION', 'SCHEME', 'FROM NODE', 'AT'],
    sets.map((set) => [set.id, set.name, set.entries, set.direction, set.scheme, set.node ?? '', set.at]),
  );
}

function describeHits(hits: FederatedHitView[]): string {
  if (hits.length === 0) return 'No federated hits on your cases.';
  return table(
    ['CASE', 'IDENTIFIER', 'NODE', 'AGENCY', 'CONTACT', 'REFERENCE', 'RECEIVED'],
    hits.map((hit) => [
      hit.case,
      `${hit.identifier.type}:${hit.identifier.value}`,
      hit.node,
      `${hit.agency.name} (${hit.agency.country})`,
      [hit.contact.officer, hit.contact.phone, hit.contact.email].filter(Boolean).join(', '),
      hit.reference,
      hit.receivedAt,
    ]),
  );
}

function parseSeconds(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 1 || value > 86_400) throw new UserError(`${what} '${text}' must be a number of seconds from 1 to 86400`);
  return value;
}

interface ServeOptions extends OutputOptions {
  port: string;
  host: string;
  interval: string;
  tlsCert?: string;
  tlsKey?: string;
}

function readTls(certPath: string | undefined, keyPath: string | undefined): { cert: Buffer; key: Buffer } | undefined {
  if (!certPath && !keyPath) return undefined;
  if (!certPath || !keyPath) throw new UserError('HTTPS needs both a certificate and its key (--tls-cert and --tls-key, or crosslink node set)');
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new UserError(`cannot read the TLS ${what} ${path}: ${(error as Error).message}`, 'unavailable');
    }
  };
  return { cert: read(certPath, 'certificate'), key: read(keyPath, 'key') };
}

/**
 * Serves the endpoint peers call, and syncs with every peer every `interval` seconds — and soon
 * after new notices are queued, so a hit reaches the other node without waiting for the round.
 */
async function servePeers(store: Store, options: ServeOptions): Promise<void> {
  const port = parsePort(options.port);
  const interval = parseSeconds(options.interval, '--interval') * 1000;
  const { buildPeerServer } = await import('../api/routes/federation.ts');
  // A second after the first new notice for a peer, its outbox is delivered (failures are tried
  // again after the back-off, and the periodic round reports what still fails).
  const soon = deliverSoon(() => node);
  const node = await openFederationNode(store, { create: true, actor: 'federation', onQueued: (peerId) => soon.kick(peerId) });
  const tls = readTls(options.tlsCert ?? node.identity.tls.cert, options.tlsKey ?? node.identity.tls.key);
  const app = await buildPeerServer(node, { ...(tls ? { tls } : {}) });
  let address: string;
  try {
    address = await app.listen({ port, host: options.host });
  } catch (error) {
    await app.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UserError(`port ${port} on ${options.host} is already in use (choose another with --port)`, 'unavailable');
    throw error;
  }
  const line = { url: address, node: node.identity.name, publicKey: node.identity.publicKey, tls: tls !== undefined, interval: interval / 1000 };
  if (options.json) process.stdout.write(`${JSON.stringify(line)}\n`);
  else process.stdout.write(`Federation endpoint of node ${line.node} at ${address}${tls ? '' : ' (plain HTTP: put TLS in front, or crosslink node set --tls-cert/--tls-key)'}; syncing every ${line.interval} s. Ctrl-C stops.\n`);
  // Rounds one at a time: every `interval`, and soon after new data is written (a source
  // completed, a sharing policy or a registration changed), by this process or any other.
  const rounds = syncSoon(() => node, {
    actor: 'federation',
    onRound: (reports) => {
      for (const report of reports) if (report.error) process.stderr.write(`crosslink: sync with ${report.peer}: ${report.error}\n`);
    },
    onError: (error) => process.stderr.write(`crosslink: sync failed: ${error.message}\n`),
  });
  const listening = await listen(store, NEW_DATA_CHANNEL, () => rounds.kick(), (error) =>
    process.stderr.write(`crosslink: not told of new data (${error.message}); trying again, and syncing every ${interval / 1000} s meanwhile\n`),
  );
  const timer = setInterval(() => rounds.now(), interval);
  rounds.now();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(timer);
  await listening.stop();
  await rounds.stop();
  await soon.stop();
  await app.close();
}

export function registerFederation(program: Command): void {
  const federation = program.command('federation').description('find hits across other agencies’ nodes without handing over case files');

  federation
    .command('policy')
    .description('set what a case shares with other nodes: none (default), hit-only, or all (hits also name the case officer)')
    .argument('<case>', 'the case reference')
    .argument('<sharing>', 'none | hit-only | all')
    .option('--types <types>', 'only these identifier types, comma-separated (e.g. phone,email,sha256)')
    .option('--json', 'print the result as JSON')
    .action(async (caseRef: string, sharingText: string, options: OutputOptions & { types?: string }, command: Command) => {
      const sharing = parseSharing(sharingText);
      const types = parseTypes(options.types);
      const policy = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', (store) => setCasePolicy(store.db, currentPrincipal()!, caseRef, sharing, types));
      emit(options, policy, (view) => `Case ${view.case} now shares ${view.sharing === 'none' ? 'nothing' : `${view.sharing}${view.types ? ` (${view.types.join(', ')} only)` : ''}`} with other nodes.`);
    });

  federation
    .command('policies')
    .description('what each case you may see shares with other nodes')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions, command: Command) => {
      const policies = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', (store) => listCasePolicies(store.db));
      emit(options, policies, describePolicies);
    });

  federation
    .command('sync')
    .description('exchange new selectors with peers now, and deliver waiting hit notices')
    .option('--peer <name>', 'only this peer')
    .option('--retry-now', 'also retry messages whose back-off has not run out')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions & { peer?: string; retryNow?: boolean }, command: Command) => {
      const reports = await withNodeWork(command.optsWithGlobals<StoreOptions>(), 'federation', async (store, actor) => {
        const node = await openFederationNode(store, { create: true, actor: actor.name });
        if (options.peer !== undefined) return [await syncPeer(node, await requirePeer(store.db, options.peer), { actor: actor.name, deliverAll: options.retryNow })];
        return syncAll(node, { actor: actor.name, deliverAll: options.retryNow });
      });
      emit(options, reports, describeSync);
      if (reports.some((report) => report.error)) process.exitCode = 1;
    });

  federation
    .command('serve')
    .description('serve the endpoint peers call (HTTPS with the node’s certificate) and sync with them: every --interval seconds, and straight after new data is written (a source ingested, a sharing policy or a registration changed) by any process on this store')
    .option('--port <port>', 'port to listen on', '8443')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--interval <seconds>', 'seconds between periodic sync rounds with every peer (new data also starts one)', '60')
    .option('--tls-cert <file>', 'PEM certificate (default: the one set with crosslink node set)')
    .option('--tls-key <file>', 'PEM key of that certificate')
    .option('--json', 'print the address as JSON')
    .action(async (options: ServeOptions, command: Command) => {
      await withAdministration(command.optsWithGlobals<StoreOptions>(), async (store, actor) => {
        if (actor.role !== 'admin') throw new UserError('serving federation is the node’s work: only an administrator may start it', 'forbidden');
        await servePeers(store, options);
      });
    });

  const hashset = federation.command('hashset').description('categorised hash sets exchanged with peers (VICS JSON), categories kept in their region’s scheme');
  hashset
    .command('share')
    .description('offer a categorised hash set to every peer (sent at the next sync); its categories follow --scheme')
    .argument('<set>', "the hash set's id or name (see 'crosslink hashset list')")
    .requiredOption('--scheme <scheme>', 'the category scheme of its region, e.g. UK-CAID, US-VICS, CA-Default')
    .option('--json', 'print the result as JSON')
    .action(async (set: string, options: OutputOptions & { scheme: string }, command: Command) => {
      const shared = await withNodeWork(command.optsWithGlobals<StoreOptions>(), 'sharing a hash set with other nodes', (store, actor) => shareHashSet(store.db, actor.name, set, options.scheme));
      emit(options, shared, (view) => `Hash set ${view.name} (${view.entries} entries, scheme ${view.scheme}) will go to every peer at the next sync.`);
    });
  hashset
    .command('list')
    .description('hash sets this node shares, and those received from peers with their source node and scheme')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions, command: Command) => {
      const sets = await withNodeWork(command.optsWithGlobals<StoreOptions>(), 'listing exchanged hash sets', (store) => listExchangedHashSets(store.db));
      emit(options, sets, describeHashSets);
    });

  federation
    .command('hits')
    .description('hits other nodes reported on your cases: whom to call, and the reference to quote')
    .option('--case <ref>', 'only this case')
    .option('--limit <n>', 'at most this many (newest first)', '200')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions & { case?: string; limit: string }, command: Command) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw new UserError(`--limit '${options.limit}' must be a whole number from 1 to 5000`);
      const hits = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const found = await listFederatedHits(store.db, { ...(options.case ? { caseRef: options.case } : {}), limit });
        await appendAudit(store.db, { actor: currentActor(), action: 'federation.hits', details: { case: options.case, found: found.length } });
        return found;
      });
      emit(options, hits, describeHits);
    });

  federation
    .command('reference')
    .description('look up a reference another agency quotes when it calls about a hit or a conflict with a registration')
    .argument('<reference>', 'e.g. XL-7K3M-Q9TD')
    .option('--json', 'print the result as JSON')
    .action(async (reference: string, options: OutputOptions, command: Command) => {
      const found = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const notice = await findSentNotice(store.db, reference);
        await appendAudit(store.db, { actor: currentActor(), action: 'federation.reference', target: reference, details: { found: notice !== undefined } });
        return notice;
      });
      if (!found) throw new UserError(`no hit or conflict notice '${reference}' on a case you may see`, 'not_found');
      emit(options, found, (notice) =>
        notice.kind === 'hit'
          ? `${notice.reference}: case ${notice.case}, ${notice.identifier.type} ${notice.identifier.value} (sent ${notice.sentAt}).`
          : `${notice.reference}: a conflict with case ${notice.case}'s registration ${notice.registration} (sent ${notice.sentAt}; 'crosslink deconflict list --case ${notice.case}').`,
      );
    });
}
