/**
 * A compact, read-only copy of an undirected graph in compressed sparse row form: node i's
 * neighbours are targets[offsets[i] … offsets[i+1]) with their strengths in `weights`. PageRank
 * and betweenness run on this rather than on graphology's object graph: typed arrays keep the
 * inner loops free of hash lookups and allocation, which is what lets them keep pace with igraph.
 */
import type { AnalysisGraph } from './projection.ts';

export interface CompactGraph {
  nodes: string[];
  offsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
}

export function compact(graph: AnalysisGraph): CompactGraph {
  const nodes = graph.nodes();
  const index = new Map<string, number>();
  nodes.forEach((node, position) => index.set(node, position));
  const degree = new Int32Array(nodes.length);
  graph.forEachEdge((_edge, _attributes, source, target) => {
    degree[index.get(source)!]!++;
    degree[index.get(target)!]!++;
  });
  const offsets = new Int32Array(nodes.length + 1);
  for (let i = 0; i < nodes.length; i++) offsets[i + 1] = offsets[i]! + degree[i]!;
  const fill = offsets.slice(0, nodes.length);
  const targets = new Int32Array(offsets[nodes.length]!);
  const weights = new Float64Array(targets.length);
  graph.forEachEdge((_edge, attributes, source, target) => {
    const s = index.get(source)!;
    const t = index.get(target)!;
    targets[fill[s]!] = t;
    weights[fill[s]!++] = attributes.strength;
    targets[fill[t]!] = s;
    weights[fill[t]!++] = attributes.strength;
  });
  return { nodes, offsets, targets, weights };
}

/** Builds a compact graph straight from an edge list (benchmarks: no graphology in between). */
export function compactFromEdges(nodeCount: number, sources: Int32Array, destinations: Int32Array, strengths?: Float64Array): CompactGraph {
  const degree = new Int32Array(nodeCount);
  for (let e = 0; e < sources.length; e++) {
    degree[sources[e]!]!++;
    degree[destinations[e]!]!++;
  }
  const offsets = new Int32Array(nodeCount + 1);
  for (let i = 0; i < nodeCount; i++) offsets[i + 1] = offsets[i]! + degree[i]!;
  const fill = offsets.slice(0, nodeCount);
  const targets = new Int32Array(offsets[nodeCount]!);
  const weights = new Float64Array(targets.length);
  for (let e = 0; e < sources.length; e++) {
    const s = sources[e]!;
    const t = destinations[e]!;
    const w = strengths ? strengths[e]! : 1;
    targets[fill[s]!] = t;
    weights[fill[s]!++] = w;
    targets[fill[t]!] = s;
    weights[fill[t]!++] = w;
  }
  return { nodes: Array.from({ length: nodeCount }, (_, i) => String(i)), offsets, targets, weights };
}
