/**
 * The graph algorithms against independent answers: Yen's k shortest paths against enumerating
 * every simple path, Brandes betweenness and PageRank against graphology-metrics, Louvain's
 * determinism, and the neighbourhood's hop and hub rules — on seeded random graphs.
 */
import Graph from 'graphology';
import graphologyBetweenness from 'graphology-metrics/centrality/betweenness.js';
import graphologyPagerank from 'graphology-metrics/centrality/pagerank.js';
import { describe, expect, it } from 'vitest';
import { compactBetweenness, compactBetweennessParallel } from './brandes.ts';
import { betweenness, pagerank } from './centrality.ts';
import { detectCommunities } from './communities.ts';
import { compact } from './csr.ts';
import type { GraphData } from './graph-data.ts';
import { neighbourhood } from './neighbourhood.ts';
import { findPaths, kShortestPaths } from './paths.ts';
import { buildGraph, type AnalysisGraph, type Projection } from './projection.ts';
import { seededRandom } from './random.ts';

function randomGraph(seed: number, nodes: number, edges: number): AnalysisGraph {
  const random = seededRandom(seed);
  const graph: AnalysisGraph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  for (let i = 0; i < nodes; i++) graph.addNode(`n${i}`, { kind: 'account', label: `n${i}` });
  let added = 0;
  while (added < edges) {
    const a = `n${Math.floor(random() * nodes)}`;
    const b = `n${Math.floor(random() * nodes)}`;
    if (a === b || graph.hasEdge(a, b)) continue;
    const strength = 0.1 + random() * 3;
    graph.addEdge(a, b, { strength, length: 1 / strength });
    added++;
  }
  return graph;
}

/** Every simple path from source to target, with its length: the brute-force oracle. */
function allSimplePaths(graph: AnalysisGraph, source: string, target: string): { nodes: string[]; length: number }[] {
  const found: { nodes: string[]; length: number }[] = [];
  const walk = (path: string[], length: number) => {
    const last = path[path.length - 1]!;
    if (last === target) {
      found.push({ nodes: [...path], length });
      return;
    }
    for (const next of graph.neighbors(last)) {
      if (path.includes(next)) continue;
      path.push(next);
      walk(path, length + graph.getEdgeAttribute(last, next, 'length'));
      path.pop();
    }
  };
  walk([source], 0);
  return found.sort((a, b) => a.length - b.length);
}

describe('k shortest paths (Yen)', () => {
  it('equals the k best of all simple paths on random graphs', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const graph = randomGraph(seed, 9, 16);
      const oracle = allSimplePaths(graph, 'n0', 'n8');
      const paths = kShortestPaths(graph, 'n0', 'n8', 5);
      expect(paths.length).toBe(Math.min(5, oracle.length));
      paths.forEach((path, index) => {
        expect(path.length).toBeCloseTo(oracle[index]!.length, 9);
        expect(new Set(path.nodes).size).toBe(path.nodes.length);
        expect(path.nodes[0]).toBe('n0');
        expect(path.nodes[path.nodes.length - 1]).toBe('n8');
      });
      expect(new Set(paths.map((path) => path.nodes.join())).size).toBe(paths.length);
    }
  });

  it('finds nothing between disconnected nodes or to an unknown one', () => {
    const graph = randomGraph(3, 4, 1);
    graph.addNode('alone', { kind: 'person', label: 'alone' });
    expect(kShortestPaths(graph, 'n0', 'alone', 3)).toEqual([]);
    expect(kShortestPaths(graph, 'n0', 'missing', 3)).toEqual([]);
  });
});

describe('centrality', () => {
  it('exact betweenness equals graphology-metrics (normalised, unweighted)', async () => {
    const graph = randomGraph(7, 60, 150);
    const ours = await betweenness(graph);
    const theirs = graphologyBetweenness(graph, { normalized: true });
    for (const node of graph.nodes()) expect(ours.get(node)!).toBeCloseTo(theirs[node]!, 9);
  });

  it('sampled betweenness ranks the same top nodes as the exact value on a larger graph', async () => {
    const graph = randomGraph(11, 1500, 4000);
    const exact = await betweenness(graph, { exactUpTo: 10_000 });
    const sampled = await betweenness(graph, { exactUpTo: 100, samples: 400, seed: 3 });
    const top = (values: Map<string, number>) => [...values].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([node]) => node);
    const overlap = top(exact).filter((node) => top(sampled).includes(node)).length;
    expect(overlap).toBeGreaterThanOrEqual(14);
  });

  it('betweenness on worker threads equals the single-thread value', async () => {
    // Large enough (3,000 sources × 24,000 arcs) to cross the threshold at which threads start.
    const graph = compact(randomGraph(13, 3000, 12_000));
    const single = compactBetweenness(graph, { exactUpTo: 10_000 });
    const threaded = await compactBetweennessParallel(graph, { exactUpTo: 10_000, threads: 2 });
    expect(single.some((value) => value > 0)).toBe(true);
    for (let i = 0; i < single.length; i++) expect(threaded[i]!).toBeCloseTo(single[i]!, 12);
  });

  it('PageRank equals graphology-metrics with strength as weight', () => {
    const graph = randomGraph(5, 80, 240);
    const ours = pagerank(graph, { tolerance: 1e-12, iterations: 1000 });
    const theirs = graphologyPagerank(graph, { getEdgeWeight: 'strength', tolerance: 1e-12, maxIterations: 1000 });
    for (const node of graph.nodes()) expect(ours.get(node)!).toBeCloseTo(theirs[node]!, 6);
    expect([...ours.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });
});

function projectionOf(data: GraphData): Projection {
  return { data, graph: buildGraph(data, new Map()), identifierDegree: new Map() };
}

function cliques(count: number, size: number): GraphData {
  const data: GraphData = { nodes: [], edges: [] };
  for (let c = 0; c < count; c++) {
    for (let i = 0; i < size; i++) data.nodes.push({ id: `e${c * size + i}`, kind: 'account', label: `a${c}-${i}`, caseRef: `C-${c}`, props: {} });
    for (let i = 0; i < size; i++) {
      for (let j = i + 1; j < size; j++) data.edges.push({ id: `l${c}-${i}-${j}`, source: `e${c * size + i}`, target: `e${c * size + j}`, kind: 'messaged', directed: true, weight: 5, firstSeen: null, lastSeen: null, props: {} });
    }
  }
  // One weak tie between consecutive cliques.
  for (let c = 0; c + 1 < count; c++) data.edges.push({ id: `bridge${c}`, source: `e${c * size}`, target: `e${(c + 1) * size}`, kind: 'member_of', directed: true, weight: 1, firstSeen: null, lastSeen: null, props: {} });
  return data;
}

describe('communities', () => {
  it('finds planted cliques, the same way on every run with the same seed', () => {
    const projection = projectionOf(cliques(5, 6));
    const first = detectCommunities(projection, { seed: 9 });
    const second = detectCommunities(projectionOf(cliques(5, 6)), { seed: 9 });
    expect(first.communities.length).toBe(5);
    expect([...first.assignment]).toEqual([...second.assignment]);
    for (let c = 0; c < 5; c++) {
      const ids = new Set(Array.from({ length: 6 }, (_, i) => first.assignment.get(`e${c * 6 + i}`)));
      expect(ids.size).toBe(1);
    }
    expect(first.communities.every((community) => community.cases.length === 1)).toBe(true);
  });
});

describe('neighbourhood and paths over projections', () => {
  it('keeps to the hop count and does not expand through hubs', () => {
    const data: GraphData = { nodes: [], edges: [] };
    const node = (id: string, kind = 'account') => data.nodes.push({ id, kind, label: id, props: {} });
    const edge = (source: string, target: string, kind = 'mentions') => data.edges.push({ id: `${source}-${target}`, source, target, kind, directed: false, weight: 1, firstSeen: null, lastSeen: null, props: { type: 'email' } });
    node('e1');
    node('i1', 'identifier');
    node('e2');
    node('e3');
    edge('e1', 'i1');
    edge('i1', 'e2');
    edge('e2', 'e3', 'messaged');
    node('hub', 'identifier');
    edge('e1', 'hub');
    for (let i = 0; i < 30; i++) {
      node(`x${i}`);
      edge('hub', `x${i}`);
    }
    const projection = projectionOf(data);
    const two = neighbourhood(projection, ['e1'], { hops: 2, hubDegree: 10 });
    expect(new Set(two.nodes.map((n) => n.id))).toEqual(new Set(['e1', 'i1', 'e2', 'hub']));
    expect(two.hubs).toEqual([{ id: 'hub', degree: 31 }]);
    const three = neighbourhood(projection, ['e1'], { hops: 3, hubDegree: 10, kinds: ['account'] });
    expect(three.nodes.map((n) => n.id).sort()).toEqual(['e1']);
    const paths = findPaths(projection, 'e1', 'e3', 2);
    expect(paths[0]!.nodes.map((n) => n.id)).toEqual(['e1', 'i1', 'e2', 'e3']);
    expect(paths[0]!.steps.map((step) => step.evidence[0]!.kind)).toEqual(['mentions', 'mentions', 'messaged']);
  });
});
