/**
 * Link-analysis speed, side by side with NetworkX and igraph on the same edge lists (issue 7).
 *
 *   npm run bench -- graph                       random 100,000 nodes / 1,000,000 edges, and 10,000 / 50,000 for exact betweenness
 *   npm run bench -- graph --networkx-louvain    also NetworkX's Louvain on the large graph (~6 minutes)
 *   npm run bench -- graph --no-peers            ours only
 *   npm run bench -- graph --world DIR [--backend postgres|embedded]
 *                                                also a demo world through the store: projection, algorithms, and
 *                                                2-hop neighbourhood / shortest path latency (p50, p95)
 *
 * Peers run from bench/peers/graph_peers.py with Debian's /usr/bin/python3 (apt install python3-networkx python3-igraph).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Graph from 'graphology';
import louvain from 'graphology-communities-louvain';
import {
  compactBetweenness,
  compactBetweennessParallel,
  compactFromEdges,
  compactPagerank,
  detectCommunities,
  expandFromStore,
  findPaths,
  loadProjection,
  centrality,
  type AnalysisGraph,
} from '../src/analysis/index.ts';
import { seededRandom } from '../src/analysis/random.ts';
import { loadWorld } from '../src/demo/index.ts';
import { runResolution } from '../src/resolve/index.ts';
import { migrateToLatest } from '../src/store/index.ts';
import { arg, openBenchStore } from './lib/common.ts';

const args = process.argv.slice(2);

function randomEdges(nodes: number, edges: number, seed: number): { sources: Int32Array; targets: Int32Array } {
  const random = seededRandom(seed);
  const seen = new Set<number>();
  const sources = new Int32Array(edges);
  const targets = new Int32Array(edges);
  let count = 0;
  while (count < edges) {
    const a = Math.floor(random() * nodes);
    const b = Math.floor(random() * nodes);
    if (a === b) continue;
    const key = Math.min(a, b) * nodes + Math.max(a, b);
    if (seen.has(key)) continue;
    seen.add(key);
    sources[count] = a;
    targets[count++] = b;
  }
  return { sources, targets };
}

function writeEdges(file: string, edges: { sources: Int32Array; targets: Int32Array }): void {
  const lines: string[] = [];
  for (let i = 0; i < edges.sources.length; i++) lines.push(`${edges.sources[i]} ${edges.targets[i]}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

function time<T>(work: () => T): { seconds: number; result: T } {
  const start = performance.now();
  const result = work();
  return { seconds: Math.round(performance.now() - start) / 1000, result };
}

async function timeAsync<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { seconds: Math.round(performance.now() - start) / 1000, result };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const scratch = mkdtempSync(join(tmpdir(), 'crosslink-bench-graph-'));
try {
  const large = randomEdges(100_000, 1_000_000, 1);
  const small = randomEdges(10_000, 50_000, 2);
  writeEdges(join(scratch, 'large.txt'), large);
  writeEdges(join(scratch, 'small.txt'), small);

  const csr = time(() => compactFromEdges(100_000, large.sources, large.targets));
  const pagerank = time(() => compactPagerank(csr.result));
  const graphologyBuild = time(() => {
    const graph = new Graph({ type: 'undirected' });
    for (let i = 0; i < 100_000; i++) graph.addNode(String(i));
    for (let i = 0; i < large.sources.length; i++) graph.addEdge(String(large.sources[i]), String(large.targets[i]), { strength: 1 });
    return graph;
  });
  const louvainTime = time(() => louvain.detailed(graphologyBuild.result, { getEdgeWeight: 'strength', rng: seededRandom(1) }));
  const smallCsr = compactFromEdges(10_000, small.sources, small.targets);
  const exactOneThread = time(() => compactBetweenness(smallCsr, { exactUpTo: 10_000 }));
  const exact = await timeAsync(() => compactBetweennessParallel(smallCsr, { exactUpTo: 10_000 }));
  const sampled = await timeAsync(() => compactBetweennessParallel(csr.result, { exactUpTo: 0, samples: 256 }));

  console.log(`Crosslink: PageRank ${pagerank.seconds} s, Louvain ${louvainTime.seconds} s, exact betweenness ${exact.seconds} s (${exactOneThread.seconds} s on one thread), sampled ${sampled.seconds} s`);
  const skipPeers = args.includes('--no-peers');
  if (!skipPeers) console.log('Running the peers (NetworkX, igraph)…');
  const peerRun = skipPeers ? { status: 0, stdout: '{}', stderr: '' } : spawnSync('/usr/bin/python3', [fileURLToPath(new URL('./peers/graph_peers.py', import.meta.url)), join(scratch, 'large.txt'), join(scratch, 'small.txt'), ...(args.includes('--networkx-louvain') ? ['--networkx-louvain'] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  // One JSON line per figure as the peers measure it: a run stopped early keeps what it got.
  const peers: Record<string, number | string> = Object.assign({}, ...peerRun.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, number | string>));
  if (peerRun.status !== 0) console.log(`peers failed: ${peerRun.stderr.slice(-500)}`);
  const peer = (name: string) => (typeof peers[name] === 'number' ? `${peers[name]} s` : (peers[name] ?? 'not run'));

  console.log(`\nRandom graph, 100,000 nodes / 1,000,000 edges (exact betweenness: 10,000 / 50,000), seed 1; NetworkX ${peers['networkx_version'] ?? '?'}, igraph ${peers['igraph_version'] ?? '?'}\n`);
  console.log('| algorithm | Crosslink | igraph (C) | NetworkX |');
  console.log('|---|---:|---:|---:|');
  console.log(`| PageRank (damping 0.85) | ${pagerank.seconds} s (+ ${csr.seconds} s to build the typed-array graph) | ${peer('igraph_pagerank')} | ${peer('networkx_pagerank')} |`);
  console.log(`| Louvain | ${louvainTime.seconds} s (modularity ${louvainTime.result.modularity.toFixed(3)}; + ${graphologyBuild.seconds} s to build the graphology graph) | ${peer('igraph_louvain')} | ${peer('networkx_louvain')} |`);
  console.log(`| exact betweenness, 10k / 50k | ${exact.seconds} s on ${availableParallelism()} threads (${exactOneThread.seconds} s on one) | ${peer('igraph_betweenness_exact_small')} | ${peer('networkx_betweenness_exact_small')} |`);
  console.log(`| sampled betweenness, 100k / 1M | ${sampled.seconds} s for 256 sources on ${availableParallelism()} threads | — | ${peer('networkx_betweenness_16_sources_large')} for 16 sources |`);

  const world = arg(args, '--world', '');
  if (world) {
    const backend = arg(args, '--backend', 'postgres') as 'postgres' | 'embedded';
    const { store, drop } = await openBenchStore(backend, scratch, 'graph');
    try {
      await migrateToLatest(store.db);
      console.log(`\nLoading ${world} into ${backend}…`);
      await loadWorld(store, world, { actor: 'bench', secret: Buffer.alloc(32, 7) });
      await runResolution(store, { actor: 'bench' });
      const start = performance.now();
      const projection = await loadProjection(store.db);
      const loadSeconds = Math.round(performance.now() - start) / 1000;
      const graph: AnalysisGraph = projection.graph;
      const communities = time(() => detectCommunities(projection));
      const central = await timeAsync(() => centrality(projection, { limit: 10 }));
      const accounts = graph.filterNodes((_node, attributes) => attributes.kind === 'account');
      const random = seededRandom(5);
      const pick = () => accounts[Math.floor(random() * accounts.length)]!;
      const hopTimes: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        await expandFromStore(store.db, [pick()], { hops: 2 });
        hopTimes.push(performance.now() - t);
      }
      const pathTimes: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        findPaths(projection, pick(), pick(), 1);
        pathTimes.push(performance.now() - t);
      }
      console.log(`\nDemo world ${world} on ${backend}: projection of ${graph.order.toLocaleString('en')} nodes / ${graph.size.toLocaleString('en')} edges (${projection.data.edges.length.toLocaleString('en')} pieces of evidence)\n`);
      console.log('| step | time |');
      console.log('|---|---:|');
      console.log(`| load the projection from the store | ${loadSeconds} s |`);
      console.log(`| communities (Louvain) | ${communities.seconds} s (${communities.result.communities.length} communities) |`);
      console.log(`| centrality (PageRank + sampled betweenness) | ${central.seconds} s |`);
      console.log(`| 2-hop neighbourhood from the store, 100 random accounts | p50 ${percentile(hopTimes, 50).toFixed(1)} ms, p95 ${percentile(hopTimes, 95).toFixed(1)} ms |`);
      console.log(`| shortest path in memory, 100 random pairs | p50 ${percentile(pathTimes, 50).toFixed(1)} ms, p95 ${percentile(pathTimes, 95).toFixed(1)} ms |`);
    } finally {
      await store.close();
      await drop();
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
