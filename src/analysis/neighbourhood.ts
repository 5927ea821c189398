/**
 * The n-hop neighbourhood of one or more nodes: what a link chart shows when an analyst expands
 * someone. Hubs (an address shared by hundreds) are shown but not expanded through, or one
 * carrier-NAT IP would pull in half the data.
 */
import type { GraphData } from './graph-data.ts';
import type { Projection } from './projection.ts';

export interface NeighbourhoodOptions {
  hops?: number;
  /** Only nodes of these kinds (entity kinds, 'identifier', 'subject'); the start nodes always. */
  kinds?: readonly string[];
  /** Only entity nodes of these cases (by reference); identifiers and subjects span cases. */
  caseRefs?: readonly string[];
  /** Nodes with more neighbours than this are included but not expanded. */
  hubDegree?: number;
  /** Stop adding nodes past this many (a chart of thousands helps nobody). */
  maxNodes?: number;
}

export interface Neighbourhood extends GraphData {
  /** Nodes that were not expanded because they are hubs, with their degree. */
  hubs: { id: string; degree: number }[];
  truncated: boolean;
}

export function neighbourhood(projection: Projection, start: readonly string[], options: NeighbourhoodOptions = {}): Neighbourhood {
  const { graph, data } = projection;
  const hops = options.hops ?? 2;
  const hubDegree = options.hubDegree ?? 200;
  const maxNodes = options.maxNodes ?? 5000;
  const kinds = options.kinds && options.kinds.length > 0 ? new Set(options.kinds) : undefined;
  const cases = options.caseRefs && options.caseRefs.length > 0 ? new Set(options.caseRefs.map((ref) => ref.toLowerCase())) : undefined;
  const admits = (node: string): boolean => {
    const attributes = graph.getNodeAttributes(node);
    if (kinds && !kinds.has(attributes.kind)) return false;
    if (cases && attributes.caseRef !== undefined && !cases.has(attributes.caseRef.toLowerCase())) return false;
    return true;
  };

  const included = new Set<string>(start.filter((node) => graph.hasNode(node)));
  const hubs: Neighbourhood['hubs'] = [];
  let frontier = [...included];
  let truncated = false;
  for (let hop = 0; hop < hops && frontier.length > 0 && !truncated; hop++) {
    const next: string[] = [];
    for (const node of frontier) {
      const degree = graph.degree(node);
      if (degree > hubDegree && !start.includes(node)) {
        hubs.push({ id: node, degree });
        continue;
      }
      for (const neighbour of graph.neighbors(node)) {
        if (included.has(neighbour) || !admits(neighbour)) continue;
        if (included.size >= maxNodes) {
          truncated = true;
          break;
        }
        included.add(neighbour);
        next.push(neighbour);
      }
      if (truncated) break;
    }
    frontier = next;
  }
  return {
    nodes: data.nodes.filter((node) => included.has(node.id)),
    edges: data.edges.filter((edge) => included.has(edge.source) && included.has(edge.target)),
    hubs,
    truncated,
  };
}
