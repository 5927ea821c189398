/**
 * The plain-data form of a graph projection: what exports write and the API sends. Node ids are
 * prefixed by what they are — `e<id>` an entity, `i<id>` an identifier, `s<id>` a subject — so one
 * id space holds all three without collisions.
 */

export type NodeKind = 'subject' | 'identifier' | (string & {});

export interface GraphNode {
  id: string;
  /** An entity kind from `src/model/entities.ts`, or 'identifier' / 'subject'. */
  kind: NodeKind;
  label: string;
  /** Case reference and agency name of an entity node; absent for identifiers and subjects, which span cases. */
  caseRef?: string;
  agency?: string;
  /** Identifier type (email, phone, …) for identifier nodes. */
  identifierType?: string;
  /** Set on an entity or identifier police operate (a registered law-enforcement identity): police activity, never a suspect. */
  police?: true;
  props: Record<string, unknown>;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** A link kind from `src/model/links.ts`, or 'mentions' (entity ↔ identifier) / 'member' (subject ↔ entity). */
  kind: string;
  directed: boolean;
  /** Strength of the evidence: message or transaction count, mention count, or resolution score. */
  weight: number;
  firstSeen: string | null;
  lastSeen: string | null;
  caseRef?: string;
  props: Record<string, unknown>;
}

export interface GraphData {
  nodes: GraphNode[];
  edges: GraphEdge[];
}
