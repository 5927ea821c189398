/**
 * `crosslink node show|set` and `crosslink peer add|list|remove|budget`: this node's federation
 * identity (its public key is what another agency's administrator adds), and the nodes it exchanges
 * with. The node's administrators' work: it runs as the store's owner, who alone holds the keys.
 */
import type { Command } from 'commander';
import {
  addPeer,
  ensureNodeIdentity,
  listPeers,
  nodeView,
  parseBudget,
  removePeer,
  setPeerBudget,
  updateNodeIdentity,
  type NodeView,
  type PeerView,
} from '../federation/index.ts';
import { withNodeWork, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

function describeNode(node: NodeView): string {
  const contact = Object.entries(node.contact).map(([field, value]) => `${field} ${value}`).join(', ');
  return [
    `Node        ${node.name}${node.agency ? ` (${node.agency})` : ''}`,
    `Public key  ${node.publicKey}`,
    `Fingerprint ${node.fingerprint}   (read it to the other administrator when you exchange keys)`,
    `Contact     ${contact || '— (set one: crosslink node set --officer … --phone … --email …)'}`,
    `TLS         ${node.tls.cert ? `certificate ${node.tls.cert}` : 'none (plain HTTP)'}${node.tls.ca ? `; trusts ${node.tls.ca}` : ''}`,
  ].join('\n');
}

interface NodeSetOptions extends OutputOptions {
  name?: string;
  agency?: string;
  officer?: string;
  phone?: string;
  email?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

export function registerPeer(program: Command): void {
  const node = program.command('node').description("this node's federation identity (an Ed25519 key pair, a name, an agency, a contact)");

  node
    .command('show')
    .description('print this node’s public key (made on first use) to give to other nodes’ administrators')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions, command: Command) => {
      const view = await withNodeWork(command.optsWithGlobals<StoreOptions>(), 'federation', async (store, actor) => nodeView(await ensureNodeIdentity(store.db, actor.name)));
      emit(options, view, describeNode);
    });

  node
    .command('set')
    .description('name this node, say which agency runs it and whom peers call, and where its TLS files are')
    .option('--name <name>', 'the node’s name, e.g. ca-rcmp-nccec')
    .option('--agency <agency>', 'the agency that runs the node')
    .option('--officer <name>', 'the node’s point of contact')
    .option('--phone <phone>', 'their phone')
    .option('--email <email>', 'their email')
    .option('--tls-cert <file>', 'PEM certificate for `crosslink federation serve` (HTTPS)')
    .option('--tls-key <file>', 'PEM private key of that certificate')
    .option('--tls-ca <file>', 'PEM certificates to trust for peers’ https:// URLs')
    .option('--json', 'print the result as JSON')
    .action(async (options: NodeSetOptions, command: Command) => {
      const view = await withNodeWork(command.optsWithGlobals<StoreOptions>(), 'federation', async (store, actor) =>
        nodeView(
          await updateNodeIdentity(store.db, actor.name, {
            name: options.name,
            agency: options.agency,
            contact: { officer: options.officer, phone: options.phone, email: options.email },
            tls: { cert: options.tlsCert, key: options.tlsKey, ca: options.tlsCa },
          }),
        ),
      );
      emit(options, view, describeNode);
    });

  const peer = program.command('peer').description('other agencies’ nodes this node exchanges selectors with');

  peer
    .command('add')
    .description('add a peer by the public key its administrator gave you out of band')
    .argument('<name>', 'a name for the peer, e.g. uk-nca')
    .argument('<url>', 'where its federation endpoint listens, e.g. https://nca.example.org:8443')
    .requiredOption('--key <public-key>', "the peer's public key, as 'crosslink node show' prints it there")
    .option('--budget <selectors>', 'selectors a day this node blinds for the peer (bounds guessing)')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, url: string, options: OutputOptions & { key: string; budget?: string }, command: Command) => {
      const budget = options.budget === undefined ? undefined : parseBudget(options.budget);
      const added = await withNodeWork(command.optsWithGlobals<StoreOptions>(), 'federation', async (store, actor) => {
        await ensureNodeIdentity(store.db, actor.name);
        await addPeer(store.db, actor.name, { name, url, key: options.key, ...(budget !== undefined ? { budget } : {}) });
        return (await listPeers(store.db)).find((view) => view.name.toLowerCase() === name.trim().toLowerCase())!;
      });
      emit(options, added, (view) => `Added peer ${view.name} at ${view.url} (fingerprint ${view.fingerprint}; ${view.dailyBudget} selectors a day).`);
    });

  peer
    .command('list')
    .description('list peers, with what has been exchanged and what waits to be delivered')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions, command: Command) => {
      const peers = await withNodeWork(command.optsWithGlobals<StoreOptions>(), 'federation', (store) => listPeers(store.db));
      emit(options, peers, (list: PeerView[]) =>
        list.length === 0
          ? "No peers yet (add one with 'crosslink peer add NAME URL --key KEY')."
          : table(
              ['NAME', 'URL', 'FINGERPRINT', 'SENT', 'RECEIVED', 'MATCHES', 'PENDING', 'LAST ERROR'],
              list.map((view) => [view.name, view.url, view.fingerprint, view.exchanged, view.received, view.matches, view.pending, view.lastError ?? '']),
            ),
      );
    });

  peer
    .command('remove')
    .description('stop exchanging with a peer (its messages are refused from now on)')
    .argument('<name>', 'the peer')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, options: OutputOptions, command: Command) => {
      await withNodeWork(command.optsWithGlobals<StoreOptions>(), 'federation', (store, actor) => removePeer(store.db, actor.name, name));
      emit(options, { removed: name }, () => `Removed peer ${name}.`);
    });

  peer
    .command('budget')
    .description('change how many selectors a day this node blinds for a peer')
    .argument('<name>', 'the peer')
    .argument('<selectors>', 'selectors a day')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, selectors: string, options: OutputOptions, command: Command) => {
      const budget = parseBudget(selectors);
      await withNodeWork(command.optsWithGlobals<StoreOptions>(), 'federation', (store, actor) => setPeerBudget(store.db, actor.name, name, budget));
      emit(options, { peer: name, dailyBudget: budget }, () => `Peer ${name} may now push ${budget} selectors a day.`);
    });
}
