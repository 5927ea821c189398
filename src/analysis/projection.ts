/**
 * The graph projection of what a caller may see, built from the store in a handful of set-wise
 * queries: entities and their links, identifiers joined to the entities that mention them, and
 * subjects joined to their member entities. Identifiers are what tie cases together (the same
 * handle, card token or email in two cases); subjects tie the records of one real person.
 *
 * Two forms come out: `data` (plain nodes and edges with their evidence, for exports and the API)
 * and `graph` (graphology, undirected and simple, one edge per node pair with the summed
 * strength), on which the algorithms run.
 */
import Graph from 'graphology';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { policeOperatedEntities, policeSelectors } from '../access/index.ts';
import { LINK_KINDS, type LinkKind } from '../model/index.ts';
import type { Database } from '../store/index.ts';
import type { GraphData, GraphEdge, GraphNode } from './graph-data.ts';
import { identifierStrength, linkStrength } from './strength.ts';

export interface ProjectionOptions {
  /** Ids of the cases the caller may see; undefined means all (the local administrator, until access control lands). */
  visibleCaseIds?: readonly string[];
  /** Only these cases (by reference), within the visible ones. */
  caseRefs?: readonly string[];
  /** Only links seen in this window (links without dates are kept). */
  from?: Date;
  to?: Date;
  /** Leave out identifier or subject nodes. */
  identifiers?: boolean;
  subjects?: boolean;
  /** Only these nodes (a neighbourhood found in the store); degrees of identifiers come with it. */
  only?: { entities: readonly string[]; identifiers: readonly string[]; subjects: readonly string[]; identifierDegree: ReadonlyMap<string, number> };
}

export interface EdgeAttributes {
  /** Summed strength of every piece of evidence between the two nodes. */
  strength: number;
  /** 1 / strength: strong evidence is short, for weighted paths. */
  length: number;
}

export interface NodeAttributes {
  kind: string;
  label: string;
  caseRef?: string;
  agency?: string;
}

export type AnalysisGraph = Graph<NodeAttributes, EdgeAttributes>;

export interface Projection {
  data: GraphData;
  graph: AnalysisGraph;
  /** Each identifier node's number of entities mentioning it across the visible cases (its rarity). */
  identifierDegree: Map<string, number>;
}

function caseScope(column: string, options: ProjectionOptions): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (options.visibleCaseIds !== undefined) parts.push(sql`${sql.ref(column)} = ANY(${[...options.visibleCaseIds]}::bigint[])`);
  if (options.caseRefs && options.caseRefs.length > 0) {
    parts.push(sql`${sql.ref(column)} IN (SELECT id FROM cases WHERE lower(ref) = ANY(${options.caseRefs.map((ref) => ref.toLowerCase())}::text[]))`);
  }
  return parts.length === 0 ? sql`true` : sql.join(parts, sql` AND `);
}

function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

export async function loadProjection(db: Kysely<Database>, options: ProjectionOptions = {}): Promise<Projection> {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const only = options.only;
  const inScope = only ? sql`${caseScope('e.case_id', options)} AND e.id = ANY(${[...only.entities]}::bigint[])` : caseScope('e.case_id', options);

  const entities = await sql<{ id: string; kind: string; label: string; props: Record<string, unknown>; case_ref: string; agency: string }>`
    SELECT e.id, e.kind, e.label, e.props, c.ref AS case_ref, a.name AS agency
    FROM entities e JOIN cases c ON c.id = e.case_id JOIN agencies a ON a.id = e.agency_id
    WHERE e.supersedes IS NULL AND ${inScope}`.execute(db);
  // Accounts police operate (law-enforcement identities): marked, so no one reads them as a suspect's.
  const police = await policeOperatedEntities(db, { entityIds: only ? only.entities : undefined });
  for (const row of entities.rows) {
    nodes.push({ id: `e${row.id}`, kind: row.kind, label: row.label, caseRef: row.case_ref, agency: row.agency, props: row.props, ...(police.has(row.id) ? { police: true as const } : {}) });
  }

  const window: RawBuilder<unknown>[] = [];
  if (options.from) window.push(sql`(l.last_seen IS NULL OR l.last_seen >= ${options.from.toISOString()}::timestamptz)`);
  if (options.to) window.push(sql`(l.first_seen IS NULL OR l.first_seen < ${options.to.toISOString()}::timestamptz)`);
  const links = await sql<{ id: string; kind: string; from_entity_id: string; to_entity_id: string; weight: number; first_seen: Date | null; last_seen: Date | null; props: Record<string, unknown>; case_ref: string }>`
    SELECT l.id, l.kind, l.from_entity_id, l.to_entity_id, l.weight, l.first_seen, l.last_seen, l.props, c.ref AS case_ref
    FROM links l JOIN cases c ON c.id = l.case_id
    WHERE l.supersedes IS NULL AND ${caseScope('l.case_id', options)}
      ${only ? sql`AND l.from_entity_id = ANY(${[...only.entities]}::bigint[]) AND l.to_entity_id = ANY(${[...only.entities]}::bigint[])` : sql``}
      ${window.length > 0 ? sql`AND ${sql.join(window, sql` AND `)}` : sql``}`.execute(db);
  for (const row of links.rows) {
    const spec = LINK_KINDS[row.kind as LinkKind];
    edges.push({
      id: `l${row.id}`,
      source: `e${row.from_entity_id}`,
      target: `e${row.to_entity_id}`,
      kind: row.kind,
      directed: spec?.directed ?? true,
      weight: Number(row.weight),
      firstSeen: iso(row.first_seen),
      lastSeen: iso(row.last_seen),
      caseRef: row.case_ref,
      props: row.props,
    });
  }

  // Near-identical images (PDQ matches) join media entities, often across cases.
  const matches = await sql<{ id: string; entity_a: string; entity_b: string; distance: number; found_at: Date; case_ref: string }>`
    SELECT m.id, m.entity_a, m.entity_b, m.distance, m.found_at, c.ref AS case_ref
    FROM media_matches m JOIN entities e ON e.id = m.entity_a JOIN entities other ON other.id = m.entity_b JOIN cases c ON c.id = m.case_a
    WHERE ${inScope} AND ${caseScope('other.case_id', options)}
      ${only ? sql`AND m.entity_b = ANY(${[...only.entities]}::bigint[])` : sql``}`.execute(db);
  for (const row of matches.rows) {
    edges.push({
      id: `mm${row.id}`,
      source: `e${row.entity_a}`,
      target: `e${row.entity_b}`,
      kind: 'near_duplicate_of',
      directed: false,
      // Closer is stronger: 0 bits apart counts as 2 sightings, 31 as about 1.
      weight: Math.max(1, Math.round(2 - row.distance / 32)),
      firstSeen: null,
      lastSeen: null,
      caseRef: row.case_ref,
      props: { signal: 'pdq', distance: row.distance },
    });
  }

  const identifierDegree = new Map<string, number>();
  if (options.identifiers !== false) {
    // One edge per (entity, identifier) with the number of mentions; only matchable types tie
    // people together (a URL or a domain says little about who someone is).
    const mentions = await sql<{ entity_id: string; identifier_id: string; type: string; value: string; display: string | null; mentions: string; case_ref: string }>`
      SELECT m.entity_id, m.identifier_id, i.type, i.value, i.display, count(*) AS mentions, c.ref AS case_ref
      FROM mentions m
      JOIN entities e ON e.id = m.entity_id
      JOIN identifiers i ON i.id = m.identifier_id
      JOIN identifier_types t ON t.type = i.type
      JOIN cases c ON c.id = m.case_id
      WHERE m.entity_id IS NOT NULL AND e.supersedes IS NULL AND i.type NOT IN ('url', 'domain') AND ${inScope}
        ${only ? sql`AND m.identifier_id = ANY(${[...only.identifiers]}::bigint[])` : sql``}
      GROUP BY m.entity_id, m.identifier_id, i.type, i.value, i.display, c.ref`.execute(db);
    const seen = new Set<string>();
    const policeOperated = new Set((police.size > 0 ? await policeSelectors(db) : []).map((selector) => `${selector.type}:${selector.value}`));
    for (const row of mentions.rows) {
      const id = `i${row.identifier_id}`;
      if (only) identifierDegree.set(id, only.identifierDegree.get(id) ?? 1);
      else identifierDegree.set(id, (identifierDegree.get(id) ?? 0) + 1);
      if (!seen.has(id)) {
        seen.add(id);
        const marked = policeOperated.has(`${row.type}:${row.value}`) ? { police: true as const } : {};
        nodes.push({ id, kind: 'identifier', identifierType: row.type, label: row.display ?? row.value, props: { type: row.type, value: row.value }, ...marked });
      }
      edges.push({
        id: `m${row.entity_id}-${row.identifier_id}`,
        source: `e${row.entity_id}`,
        target: id,
        kind: 'mentions',
        directed: false,
        weight: Number(row.mentions),
        firstSeen: null,
        lastSeen: null,
        caseRef: row.case_ref,
        props: { type: row.type, value: row.value },
      });
    }
  }

  if (options.subjects !== false) {
    const members = await sql<{ subject_id: string; subject_label: string | null; entity_id: string; score: number; case_ref: string }>`
      SELECT sm.subject_id, crosslink_subject_label(s.id) AS subject_label, sm.entity_id, sm.score, c.ref AS case_ref
      FROM subject_members sm JOIN subjects s ON s.id = sm.subject_id JOIN cases c ON c.id = sm.case_id
      JOIN entities e ON e.id = sm.entity_id
      WHERE ${inScope} ${only ? sql`AND sm.subject_id = ANY(${[...only.subjects]}::bigint[])` : sql``}`.execute(db);
    // A subject of one member adds nothing to the chart: the entity already stands for that person.
    const size = new Map<string, number>();
    for (const row of members.rows) size.set(row.subject_id, (size.get(row.subject_id) ?? 0) + 1);
    const added = new Set<string>();
    for (const row of members.rows) {
      if ((size.get(row.subject_id) ?? 0) < 2) continue;
      const id = `s${row.subject_id}`;
      if (!added.has(id)) {
        added.add(id);
        nodes.push({ id, kind: 'subject', label: row.subject_label ?? `subject ${row.subject_id}`, props: {} });
      }
      edges.push({ id: `sm${row.subject_id}-${row.entity_id}`, source: id, target: `e${row.entity_id}`, kind: 'member', directed: false, weight: row.score, firstSeen: null, lastSeen: null, caseRef: row.case_ref, props: {} });
    }
  }

  const data = { nodes, edges };
  return { data, graph: buildGraph(data, identifierDegree), identifierDegree };
}

/** The simple undirected graph the algorithms use: parallel evidence between two nodes is summed. */
export function buildGraph(data: GraphData, identifierDegree: ReadonlyMap<string, number>): AnalysisGraph {
  const graph: AnalysisGraph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  for (const node of data.nodes) {
    graph.addNode(node.id, { kind: node.kind, label: node.label, ...(node.caseRef ? { caseRef: node.caseRef } : {}), ...(node.agency ? { agency: node.agency } : {}) });
  }
  for (const edge of data.edges) {
    if (edge.source === edge.target || !graph.hasNode(edge.source) || !graph.hasNode(edge.target)) continue;
    const strength = edgeStrength(edge, identifierDegree);
    // Evidence worth nothing (ChanServ's handle) must not make a path or a community.
    if (!(strength > 0)) continue;
    const existing = graph.edge(edge.source, edge.target);
    if (existing === undefined) {
      graph.addEdge(edge.source, edge.target, { strength, length: 1 / strength });
    } else {
      const total = graph.getEdgeAttribute(existing, 'strength') + strength;
      graph.mergeEdgeAttributes(existing, { strength: total, length: 1 / total });
    }
  }
  return graph;
}

function edgeStrength(edge: GraphEdge, identifierDegree: ReadonlyMap<string, number>): number {
  if (edge.kind === 'mentions') return identifierStrength(identifierDegree.get(edge.target) ?? 1, String(edge.props['type'] ?? ''), String(edge.props['value'] ?? ''));
  if (edge.kind === 'member') return Math.max(0.05, edge.weight) * 2;
  return linkStrength(edge.kind, edge.weight);
}
