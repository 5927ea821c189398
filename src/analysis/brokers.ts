/**
 * Brokers: people, accounts and subjects whose reach spans communities, cases and agencies — the
 * ones who connect groups that otherwise would not meet. Reach is a node's neighbours plus what
 * lies beyond the identifiers and subjects it touches (the same handle in another case is one
 * step, not two), leaving out hubs such as a shared carrier-NAT address.
 */
import { betweenness, round } from './centrality.ts';
import type { Communities } from './communities.ts';
import type { Projection } from './projection.ts';

export interface Broker {
  id: string;
  label: string;
  kind: string;
  caseRef?: string;
  communities: number;
  cases: string[];
  agencies: string[];
  betweenness: number;
  score: number;
  /** In words: "bridges 3 communities, 2 cases (A, B), 2 agencies (X, Y)". */
  reason: string;
}

const CONNECTORS = new Set(['identifier', 'subject']);
/** Reach goes through an identifier only when it ties strongly (a shared NAT address or a first-name handle does not). */
const MIN_CONNECTOR_STRENGTH = 0.3;

export async function findBrokers(projection: Projection, communities: Communities, options: { hubDegree?: number; limit?: number; seed?: number } = {}): Promise<Broker[]> {
  const { graph } = projection;
  const hubDegree = options.hubDegree ?? 50;
  const between = await betweenness(graph, { seed: options.seed ?? 1 });
  const brokers: Broker[] = [];
  graph.forEachNode((node, attributes) => {
    if (attributes.kind === 'identifier') return;
    const reach = new Set<string>();
    for (const neighbour of graph.neighbors(node)) {
      reach.add(neighbour);
      const strongTie = graph.getEdgeAttribute(node, neighbour, 'strength') >= MIN_CONNECTOR_STRENGTH;
      if (strongTie && CONNECTORS.has(graph.getNodeAttribute(neighbour, 'kind')) && graph.degree(neighbour) <= hubDegree) {
        for (const beyond of graph.neighbors(neighbour)) if (beyond !== node) reach.add(beyond);
      }
    }
    const groups = new Set<number>();
    const cases = new Set<string>(attributes.caseRef ? [attributes.caseRef] : []);
    const agencies = new Set<string>(attributes.agency ? [attributes.agency] : []);
    for (const other of reach) {
      const community = communities.assignment.get(other);
      if (community !== undefined) groups.add(community);
      const otherAttributes = graph.getNodeAttributes(other);
      if (otherAttributes.caseRef) cases.add(otherAttributes.caseRef);
      if (otherAttributes.agency) agencies.add(otherAttributes.agency);
    }
    const bridged = Math.max(0, groups.size - 1) + Math.max(0, cases.size - 1) + 2 * Math.max(0, agencies.size - 1);
    if (bridged === 0) return;
    const centralityValue = between.get(node) ?? 0;
    const caseList = [...cases].sort();
    const agencyList = [...agencies].sort();
    brokers.push({
      id: node,
      label: attributes.label,
      kind: attributes.kind,
      ...(attributes.caseRef ? { caseRef: attributes.caseRef } : {}),
      communities: groups.size,
      cases: caseList,
      agencies: agencyList,
      betweenness: round(centralityValue, 6),
      score: round(bridged + centralityValue * 100),
      reason: `bridges ${groups.size} communities, ${caseList.length} ${caseList.length === 1 ? 'case' : 'cases'} (${caseList.join(', ')}), ${agencyList.length} ${agencyList.length === 1 ? 'agency' : 'agencies'} (${agencyList.join(', ')})`,
    });
  });
  brokers.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  return brokers.slice(0, options.limit ?? 25);
}
