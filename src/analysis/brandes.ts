/**
 * Brandes' betweenness on a compact graph, on every core when the work is large.
 *
 * The kernel below is one self-contained function on purpose: worker threads receive it as source
 * text (`accumulateDependencies.toString()`) and run it on the same shared typed arrays, so there is
 * no second copy of the algorithm and no TypeScript loader to arrange inside a worker (the CLI runs
 * under tsx, tests under vitest). It must not refer to anything outside its own body.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CompactGraph } from './csr.ts';
import { seededRandom } from './random.ts';

export interface BetweennessOptions {
  /** Exact betweenness up to this many nodes; sampled above (default 2,000). */
  exactUpTo?: number;
  /** Sources sampled on larger graphs (default 256). */
  samples?: number;
  seed?: number;
  /** Threads to use (default: every core); the work is split by source. */
  threads?: number;
}

/**
 * Adds, for each source, every node's dependency (Brandes' δ) into `centrality`; unweighted hops.
 * The shortest-path DAG's arcs are kept in discovery order (dagFrom[i] → dagTo[i]): unwinding them
 * in reverse reaches each node before its predecessors, so the dependency pass walks only the DAG
 * (about one arc in five on a random graph) rather than every arc again with a distance test — that
 * halved the time. A branch-free inner loop was measured and was slower.
 */
export function accumulateDependencies(offsets: Int32Array, targets: Int32Array, sources: Int32Array, centrality: Float64Array): void {
  const n = offsets.length - 1;
  const sigma = new Float64Array(n);
  const distance = new Int32Array(n).fill(-1);
  const delta = new Float64Array(n);
  const order = new Int32Array(n);
  const dagFrom = new Int32Array(targets.length);
  const dagTo = new Int32Array(targets.length);
  for (let s = 0; s < sources.length; s++) {
    const source = sources[s]!;
    sigma[source] = 1;
    distance[source] = 0;
    let head = 0;
    let tail = 0;
    let arcs = 0;
    order[tail++] = source;
    // `order` is the BFS queue and, afterwards, the list of nodes this source reached.
    while (head < tail) {
      const v = order[head++]!;
      const next = distance[v]! + 1;
      const paths = sigma[v]!;
      const end = offsets[v + 1]!;
      for (let e = offsets[v]!; e < end; e++) {
        const w = targets[e]!;
        const seen = distance[w]!;
        if (seen < 0) {
          distance[w] = next;
          order[tail++] = w;
        } else if (seen !== next) continue;
        sigma[w]! += paths;
        dagFrom[arcs] = v;
        dagTo[arcs++] = w;
      }
    }
    for (let arc = arcs - 1; arc >= 0; arc--) {
      const v = dagFrom[arc]!;
      const w = dagTo[arc]!;
      delta[v]! += (sigma[v]! / sigma[w]!) * (1 + delta[w]!);
    }
    // order[0] is the source, which gains nothing from its own paths; reset only what was touched.
    for (let position = 0; position < tail; position++) {
      const v = order[position]!;
      if (position > 0) centrality[v]! += delta[v]!;
      sigma[v] = 0;
      distance[v] = -1;
      delta[v] = 0;
    }
  }
}

/** Every node for the exact value; above `exactUpTo` nodes, a seeded sample of `samples` sources. */
export function betweennessSources(nodeCount: number, options: BetweennessOptions): Int32Array {
  const sources = Int32Array.from({ length: nodeCount }, (_, i) => i);
  if (nodeCount <= (options.exactUpTo ?? 2000)) return sources;
  const random = seededRandom(options.seed ?? 1);
  for (let i = nodeCount - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = sources[i]!;
    sources[i] = sources[j]!;
    sources[j] = swap;
  }
  return sources.slice(0, Math.min(nodeCount, options.samples ?? 256));
}

/** Undirected: every path was counted from both ends; a sample scales up by n / samples; normalised as NetworkX does. */
function normalise(centrality: Float64Array, sourceCount: number): Float64Array {
  const n = centrality.length;
  const scale = n / Math.max(1, sourceCount) / 2;
  const normaliser = n > 2 ? ((n - 1) * (n - 2)) / 2 : 1;
  for (let i = 0; i < n; i++) centrality[i] = (centrality[i]! * scale) / normaliser;
  return centrality;
}

export function compactBetweenness(graph: CompactGraph, options: BetweennessOptions = {}): Float64Array {
  const sources = betweennessSources(graph.nodes.length, options);
  const centrality = new Float64Array(graph.nodes.length);
  accumulateDependencies(graph.offsets, graph.targets, sources, centrality);
  return normalise(centrality, sources.length);
}

/** Below this many arc visits (sources × arcs), starting threads costs more than it saves. */
const PARALLEL_FROM = 20_000_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const accumulateDependencies = ${accumulateDependencies.toString()};
const { offsets, targets, sources, n } = workerData;
const centrality = new Float64Array(n);
accumulateDependencies(new Int32Array(offsets), new Int32Array(targets), new Int32Array(sources), centrality);
parentPort.postMessage(centrality, [centrality.buffer]);
`;

function shared(array: Int32Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(array.byteLength);
  new Int32Array(buffer).set(array);
  return buffer;
}

/** The same values as `compactBetweenness`, the sources split across worker threads. */
export async function compactBetweennessParallel(graph: CompactGraph, options: BetweennessOptions = {}): Promise<Float64Array> {
  const sources = betweennessSources(graph.nodes.length, options);
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), sources.length));
  if (threads === 1 || sources.length * graph.targets.length < PARALLEL_FROM) return compactBetweenness(graph, options);
  const offsets = shared(graph.offsets);
  const targets = shared(graph.targets);
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, thread) => {
      // Interleaved slices: neighbouring sources cost about the same, so the threads finish together.
      const slice = Int32Array.from(sources.filter((_, i) => i % threads === thread));
      return new Promise<Float64Array>((resolve, reject) => {
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { offsets, targets, sources: slice, n: graph.nodes.length } });
        worker.once('message', (values: Float64Array) => resolve(values));
        worker.once('error', reject);
        worker.once('exit', (code) => code !== 0 && reject(new Error(`betweenness worker stopped with code ${code}`)));
      });
    }),
  );
  const centrality = new Float64Array(graph.nodes.length);
  for (const part of parts) for (let i = 0; i < centrality.length; i++) centrality[i]! += part[i]!;
  return normalise(centrality, sources.length);
}
