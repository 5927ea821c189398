/**
 * The k shortest paths between two nodes (Yen's algorithm over Dijkstra), where an edge's length is
 * 1 / its strength: a path over a shared personal email and a hundred messages is short, one over
 * a carrier-NAT address shared by twenty people is long. Each step carries the evidence behind it.
 */
import type { GraphEdge, GraphNode } from './graph-data.ts';
import { MinHeap } from './heap.ts';
import type { AnalysisGraph, Projection } from './projection.ts';

export interface PathStep {
  from: string;
  to: string;
  /** Every piece of evidence between the two nodes (links, mentions, memberships). */
  evidence: GraphEdge[];
}

export interface Path {
  nodes: GraphNode[];
  steps: PathStep[];
  length: number;
}

interface RawPath {
  nodes: string[];
  length: number;
}

const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

function dijkstra(graph: AnalysisGraph, source: string, target: string, blockedNodes: ReadonlySet<string>, blockedEdges: ReadonlySet<string>): RawPath | undefined {
  const distance = new Map<string, number>([[source, 0]]);
  const previous = new Map<string, string>();
  const done = new Set<string>();
  const heap = new MinHeap<string>();
  heap.push(0, source);
  while (heap.size > 0) {
    const { priority, value: node } = heap.pop()!;
    if (done.has(node)) continue;
    done.add(node);
    if (node === target) break;
    graph.forEachNeighbor(node, (neighbour) => {
      if (done.has(neighbour) || blockedNodes.has(neighbour) || blockedEdges.has(pairKey(node, neighbour))) return;
      const length = priority + graph.getEdgeAttribute(node, neighbour, 'length');
      if (length < (distance.get(neighbour) ?? Infinity)) {
        distance.set(neighbour, length);
        previous.set(neighbour, node);
        heap.push(length, neighbour);
      }
    });
  }
  if (!done.has(target)) return undefined;
  const nodes = [target];
  while (nodes[0] !== source) nodes.unshift(previous.get(nodes[0]!)!);
  return { nodes, length: distance.get(target)! };
}

function pathLength(graph: AnalysisGraph, nodes: readonly string[]): number {
  let total = 0;
  for (let index = 1; index < nodes.length; index++) total += graph.getEdgeAttribute(nodes[index - 1]!, nodes[index]!, 'length');
  return total;
}

/** Yen's k shortest loopless paths. */
export function kShortestPaths(graph: AnalysisGraph, source: string, target: string, k: number): RawPath[] {
  if (!graph.hasNode(source) || !graph.hasNode(target) || source === target) return [];
  const first = dijkstra(graph, source, target, new Set(), new Set());
  if (!first) return [];
  const found: RawPath[] = [first];
  const candidates: RawPath[] = [];
  const known = new Set([first.nodes.join('\u0001')]);
  while (found.length < k) {
    const last = found[found.length - 1]!;
    for (let index = 0; index < last.nodes.length - 1; index++) {
      const spur = last.nodes[index]!;
      const root = last.nodes.slice(0, index + 1);
      const blockedEdges = new Set<string>();
      for (const path of found) {
        if (path.nodes.length > index + 1 && root.every((node, position) => path.nodes[position] === node)) blockedEdges.add(pairKey(path.nodes[index]!, path.nodes[index + 1]!));
      }
      const spurPath = dijkstra(graph, spur, target, new Set(root.slice(0, -1)), blockedEdges);
      if (!spurPath) continue;
      const nodes = [...root.slice(0, -1), ...spurPath.nodes];
      const signature = nodes.join('\u0001');
      if (known.has(signature)) continue;
      known.add(signature);
      candidates.push({ nodes, length: pathLength(graph, nodes) });
    }
    if (candidates.length === 0) break;
    candidates.sort((a, b) => a.length - b.length || a.nodes.length - b.nodes.length);
    found.push(candidates.shift()!);
  }
  return found;
}

/** The k shortest paths with their nodes and the evidence for every step. */
export function findPaths(projection: Projection, source: string, target: string, k = 3): Path[] {
  const nodeById = new Map(projection.data.nodes.map((node) => [node.id, node]));
  const evidence = new Map<string, GraphEdge[]>();
  for (const edge of projection.data.edges) {
    const key = pairKey(edge.source, edge.target);
    const list = evidence.get(key);
    if (list) list.push(edge);
    else evidence.set(key, [edge]);
  }
  return kShortestPaths(projection.graph, source, target, k).map((path) => ({
    nodes: path.nodes.map((id) => nodeById.get(id)!),
    steps: path.nodes.slice(1).map((to, index) => ({ from: path.nodes[index]!, to, evidence: evidence.get(pairKey(path.nodes[index]!, to)) ?? [] })),
    length: Math.round(path.length * 1000) / 1000,
  }));
}
