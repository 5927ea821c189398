/**
 * Link analysis from the command line: `links`, `path`, `communities`, `central`, `similar`,
 * `timeline`, `places` and `export`. Each builds the projection of what the caller may see and
 * is audited as a read of case data.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { UserError } from '../model/index.ts';
import { appendAudit, type Store } from '../store/index.ts';
import { currentActor, withStore, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

const analysis = () => import('../analysis/index.ts');
const collect = (value: string, previous: string[]) => [...previous, value];

function positiveInteger(value: string, name: string, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) throw new UserError(`${name} '${value}' must be a whole number from 1 to ${max}`);
  return number;
}

function day(value: string | undefined, name: string, endOfDay = false): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime())) throw new UserError(`${name} '${value}' is not a date as YYYY-MM-DD`);
  return endOfDay ? new Date(date.getTime() + 86_400_000) : date;
}

async function audited<T>(store: Store, action: string, details: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
  const result = await work();
  await appendAudit(store.db, { actor: currentActor(), action, details });
  return result;
}

async function extractContext(store: Store, region: string | undefined) {
  const { resolveCardSecret } = await import('../ingest/index.ts');
  return { region: region?.toUpperCase() ?? 'US', secret: resolveCardSecret(store) };
}

interface GraphCommandOptions extends OutputOptions {
  case: string[];
  from?: string;
  to?: string;
  region?: string;
}

function projectionOptions(options: GraphCommandOptions) {
  return { caseRefs: options.case, from: day(options.from, '--from'), to: day(options.to, '--to', true) };
}

function withGraphOptions(command: Command): Command {
  return command
    .option('--case <ref>', 'only this case (repeatable)', collect, [])
    .option('--from <date>', 'only links seen on or after this day (YYYY-MM-DD)')
    .option('--to <date>', 'only links seen on or before this day (YYYY-MM-DD)')
    .option('--region <cc>', 'phone region for numbers typed without a country code', 'US')
    .option('--json', 'print the result as JSON');
}

export function registerAnalysis(program: Command): void {
  withGraphOptions(
    program
      .command('links')
      .description('the neighbourhood of an entity, subject or identifier: what it is linked to, n hops out')
      .argument('<ref>', 'e<id>, s<id>, i<id>, an identifier as typed (email, phone, card), @handle, or an exact name')
      .option('--hops <n>', 'how far out', '2')
      .option('--kind <kind>', 'only nodes of this kind (repeatable): person, account, identifier, subject …', collect, []),
  ).action(async (reference: string, options: GraphCommandOptions & { hops: string; kind: string[] }, command: Command) => {
    const hops = positiveInteger(options.hops, '--hops', 6);
    const { expandFromStore, findNodes } = await analysis();
    const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
      const found = await findNodes(store.db, reference, await extractContext(store, options.region));
      if (found.length === 0) throw new UserError(`nothing you may see is called '${reference}' (try e<id>, s<id>, an identifier, @handle or an exact name)`, 'not_found');
      const start = found.map((node) => node.id);
      return audited(store, 'analysis.links', { start, hops }, async () => ({
        start,
        ...(await expandFromStore(store.db, start, { hops, kinds: options.kind, ...projectionOptions(options) })),
      }));
    });
    emit(options, result, (r) => {
      const label = new Map(r.nodes.map((node) => [node.id, `${node.label}${node.caseRef ? ` [${node.caseRef}]` : ''}`]));
      const lines = [`${r.nodes.length} nodes, ${r.edges.length} links around ${r.start.map((id) => label.get(id) ?? id).join(', ')}${r.truncated ? ' (truncated)' : ''}`];
      lines.push(table(['ID', 'KIND', 'LABEL', 'CASE'], r.nodes.map((node) => [node.id, node.identifierType ?? node.kind, node.label, node.caseRef ?? ''])));
      if (r.hubs.length > 0) lines.push('', `Not expanded (hubs): ${r.hubs.map((hub) => `${label.get(hub.id) ?? hub.id} (${hub.degree} links)`).join(', ')}`);
      return lines.join('\n');
    });
  });

  withGraphOptions(
    program
      .command('path')
      .description('the shortest paths between two entities, strong evidence counting as short')
      .argument('<a>', 'from: e<id>, s<id>, i<id>, an identifier, @handle or an exact name')
      .argument('<b>', 'to')
      .option('--k <n>', 'how many paths', '3'),
  ).action(async (a: string, b: string, options: GraphCommandOptions & { k: string }, command: Command) => {
    const k = positiveInteger(options.k, '--k', 20);
    const { loadProjection, findOneNode, findPaths } = await analysis();
    const paths = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
      const context = await extractContext(store, options.region);
      const from = (await findOneNode(store.db, a, context)).id;
      const to = (await findOneNode(store.db, b, context)).id;
      const projection = await loadProjection(store.db, projectionOptions(options));
      return audited(store, 'analysis.path', { from, to, k }, async () => findPaths(projection, from, to, k));
    });
    emit(options, paths, (list) => {
      if (list.length === 0) return 'No path between them in what you may see.';
      return list
        .map((path, index) => {
          const steps = path.steps.map((step) => {
            const node = path.nodes.find((candidate) => candidate.id === step.to)!;
            const why = step.evidence.map((edge) => `${edge.kind}${edge.weight > 1 ? ` ×${edge.weight}` : ''}`).join(', ');
            return `  —[${why}]→ ${node.label}${node.caseRef ? ` [${node.caseRef}]` : ''}`;
          });
          const first = path.nodes[0]!;
          return [`Path ${index + 1} (length ${path.length}, ${path.steps.length} steps): ${first.label}${first.caseRef ? ` [${first.caseRef}]` : ''}`, ...steps].join('\n');
        })
        .join('\n\n');
    });
  });

  withGraphOptions(
    program
      .command('communities')
      .description('groups of people, accounts and identifiers that hang together (Louvain, deterministic for a seed)')
      .option('--seed <n>', 'random seed', '1')
      .option('--resolution <r>', 'higher finds more, smaller communities', '1')
      .option('--limit <n>', 'communities to list', '20'),
  ).action(async (options: GraphCommandOptions & { seed: string; resolution: string; limit: string }, command: Command) => {
    const seed = Number(options.seed);
    const resolution = Number(options.resolution);
    if (!Number.isInteger(seed)) throw new UserError(`--seed '${options.seed}' must be a whole number`);
    if (!(resolution > 0)) throw new UserError(`--resolution '${options.resolution}' must be a positive number`);
    const limit = positiveInteger(options.limit, '--limit', 10_000);
    const { loadProjection, detectCommunities } = await analysis();
    const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
      const projection = await loadProjection(store.db, projectionOptions(options));
      return audited(store, 'analysis.communities', { seed, resolution }, async () => {
        const found = detectCommunities(projection, { seed, resolution });
        return { modularity: Math.round(found.modularity * 1000) / 1000, count: found.communities.length, communities: found.communities.slice(0, limit) };
      });
    });
    emit(options, result, (r) =>
      [
        `${r.count} communities (modularity ${r.modularity})`,
        table(['ID', 'SIZE', 'CASES', 'LEADING MEMBERS'], r.communities.map((c) => [c.id, c.size, c.cases.join(', '), c.leading.slice(0, 4).map((m) => m.label).join(', ')])),
      ].join('\n'),
    );
  });

  withGraphOptions(
    program
      .command('central')
      .description('the most central people, accounts and subjects (PageRank, betweenness, degree); --brokers for who bridges groups')
      .option('--kind <kind>', 'rank only this kind (repeatable)', collect, [])
      .option('--limit <n>', 'how many', '25')
      .option('--brokers', 'rank who bridges communities, cases and agencies instead'),
  ).action(async (options: GraphCommandOptions & { kind: string[]; limit: string; brokers?: boolean }, command: Command) => {
    const limit = positiveInteger(options.limit, '--limit', 10_000);
    const { loadProjection, centrality, detectCommunities, findBrokers } = await analysis();
    const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
      const projection = await loadProjection(store.db, projectionOptions(options));
      if (options.brokers) return audited(store, 'analysis.brokers', { limit }, async () => ({ brokers: await findBrokers(projection, detectCommunities(projection), { limit }) }));
      return audited(store, 'analysis.central', { limit }, async () => ({ central: await centrality(projection, { kinds: options.kind, limit }) }));
    });
    emit(options, result, (r) =>
      'brokers' in r
        ? table(['ID', 'KIND', 'LABEL', 'SCORE', 'WHY'], r.brokers.map((b) => [b.id, b.kind, b.label, b.score, b.reason]))
        : table(['ID', 'KIND', 'LABEL', 'CASE', 'PAGERANK', 'BETWEENNESS', 'DEGREE'], r.central.map((c) => [c.id, c.kind, c.label, c.caseRef ?? '', c.pagerank, c.betweenness, c.degree])),
    );
  });

  program
    .command('similar')
    .description('other cases ranked by what they share with this one, with reasons')
    .argument('<case>', 'case reference')
    .option('--limit <n>', 'how many', '10')
    .option('--json', 'print as JSON: [{ case, score, reasons }], best first')
    .action(async (caseRef: string, options: OutputOptions & { limit: string }, command: Command) => {
      const limit = positiveInteger(options.limit, '--limit', 1000);
      const { similarCases } = await analysis();
      const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', (store) =>
        audited(store, 'analysis.similar', { case: caseRef }, () => similarCases(store.db, caseRef, { limit })),
      );
      emit(options, result, (list) =>
        list.length === 0 ? `No other case you may see shares enough with ${caseRef}.` : list.map((item) => `${item.case} (${item.agency}) — score ${item.score}\n${item.reasons.map((reason) => `  · ${reason}`).join('\n')}`).join('\n'),
      );
    });

  program
    .command('timeline')
    .description('every record of a case, subject or entity in time order, with its source and line')
    .argument('<ref>', 'case reference, s<id> (subject) or e<id> (entity)')
    .option('--from <date>', 'on or after this day (YYYY-MM-DD)')
    .option('--to <date>', 'on or before this day (YYYY-MM-DD)')
    .option('--limit <n>', 'entries per page', '100')
    .option('--offset <n>', 'entries to skip', '0')
    .option('--json', 'print the result as JSON')
    .action(async (reference: string, options: OutputOptions & { from?: string; to?: string; limit: string; offset: string }, command: Command) => {
      const limit = positiveInteger(options.limit, '--limit', 1000);
      const offset = Number(options.offset);
      if (!Number.isInteger(offset) || offset < 0) throw new UserError(`--offset '${options.offset}' must be a whole number ≥ 0`);
      const { timeline } = await analysis();
      const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', (store) =>
        audited(store, 'analysis.timeline', { of: reference }, () => timeline(store.db, reference, { from: day(options.from, '--from'), to: day(options.to, '--to', true), limit, offset })),
      );
      emit(options, result, (r) =>
        [
          `${r.of.label}: ${r.total.toLocaleString('en')} records${r.total > r.entries.length ? ` (showing ${offset + 1}–${offset + r.entries.length})` : ''}`,
          ...r.entries.map((e) => `${e.at?.slice(0, 16).replace('T', ' ') ?? '(no time)      '}  ${e.case}  ${e.kind.padEnd(11)} ${e.actor ?? ''}${e.target ? ` → ${e.target}` : ''}${e.room ? ` in ${e.room}` : ''}  ${(e.text ?? '').replace(/\s+/g, ' ').slice(0, 80)}  (${e.source.file}:${e.source.line ?? '?'})`),
        ].join('\n'),
      );
    });

  program
    .command('places')
    .description('places of a case, subject or entity: location entities, photo positions (EXIF), addresses')
    .argument('<ref>', 'case reference, s<id> (subject) or e<id> (entity)')
    .option('--json', 'print the result as JSON')
    .action(async (reference: string, options: OutputOptions, command: Command) => {
      const { places } = await analysis();
      const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', (store) => audited(store, 'analysis.places', { of: reference }, () => places(store.db, reference)));
      emit(options, result, (list) =>
        list.length === 0 ? 'No places.' : table(['FROM', 'PLACE', 'LAT', 'LON', 'CASE'], list.map((p) => [p.from, p.label, p.latitude ?? '', p.longitude ?? '', p.case])),
      );
    });

  program
    .command('export')
    .description('write the link chart of cases for other tools: GraphML, GEXF (Gephi), i2 Analyst\'s Notebook CSV, followthemoney (Aleph), CSV')
    .option('--case <ref>', 'only this case (repeatable; default every case you may see)', collect, [])
    .requiredOption('--format <name>', 'graphml, gexf, i2, ftm or csv')
    .requiredOption('--out <file>', 'file to write')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions & { case: string[]; format: string; out: string }, command: Command) => {
      const { exportFormat } = await import('../export/index.ts');
      const format = exportFormat(options.format);
      const { loadProjection } = await analysis();
      const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const projection = await loadProjection(store.db, { caseRefs: options.case });
        const out = createWriteStream(options.out);
        // `once` rejects with the stream's error (no such folder, no permission): one clear line.
        await once(out, 'open').catch((error: NodeJS.ErrnoException) => {
          throw new UserError(`cannot write ${options.out} (${error.code ?? error.message})`);
        });
        await format.write(projection.data, out);
        out.end();
        await once(out, 'finish');
        const report = { file: options.out, format: format.name, nodes: projection.data.nodes.length, edges: projection.data.edges.length, cases: options.case };
        await appendAudit(store.db, { actor: currentActor(), action: 'export', details: report });
        return report;
      });
      emit(options, result, (r) => `Wrote ${r.nodes} nodes and ${r.edges} links as ${r.format} to ${r.file}.`);
    });
}
