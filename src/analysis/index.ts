/**
 * @module analysis — the graph projection of what a caller may see, and what analysts ask of it:
 * neighbourhoods, weighted paths, communities, centrality, brokers, similar cases, timelines and
 * places.
 */
export type { GraphData, GraphEdge, GraphNode, NodeKind } from './graph-data.ts';
export { buildGraph, loadProjection, type AnalysisGraph, type Projection, type ProjectionOptions } from './projection.ts';
export { neighbourhood, type Neighbourhood, type NeighbourhoodOptions } from './neighbourhood.ts';
export { findPaths, kShortestPaths, type Path, type PathStep } from './paths.ts';
export { detectCommunities, type Communities, type Community } from './communities.ts';
export { compactBetweenness, compactBetweennessParallel, type BetweennessOptions } from './brandes.ts';
export { betweenness, centrality, compactPagerank, pagerank, type CentralNode, type CentralityOptions } from './centrality.ts';
export { findBrokers, type Broker } from './brokers.ts';
export { MIN_SCORE, similarCases, type SharedItem, type SimilarCase } from './similarity.ts';
export { places, timeline, type Place, type Timeline, type TimelineEntry } from './timeline.ts';
export { findNodes, findOneNode, type FoundNode } from './reference.ts';
export { expandFromStore } from './expand.ts';
export { compact, compactFromEdges, type CompactGraph } from './csr.ts';
export { identifierStrength, linkStrength } from './strength.ts';
