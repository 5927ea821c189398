/**
 * Human words for node and link kinds, read from the model's declaration so that exports speak
 * the same language as the UI ("Chat room", "member of") and a new kind needs no edit here.
 */
import type { GraphEdge, GraphNode } from '../analysis/graph-data.ts';
import { ENTITY_KINDS, IDENTIFIER_TYPES, LINK_KINDS } from '../model/index.ts';

/** Link-like edges that the projection adds on top of the model's link kinds. */
const PROJECTION_EDGE_LABELS: Record<string, string> = {
  mentions: 'mentions',
  member: 'member of subject',
};

function own<T extends object>(table: T, key: string): T[keyof T] | undefined {
  return Object.hasOwn(table, key) ? table[key as keyof T] : undefined;
}

/** "Person", "Chat room", "Email", "Subject"; an unknown kind as it is. */
export function nodeTypeLabel(node: GraphNode): string {
  if (node.kind === 'subject') return 'Subject';
  if (node.kind === 'identifier') {
    const type = node.identifierType ?? '';
    return own(IDENTIFIER_TYPES, type)?.label ?? (type || 'Identifier');
  }
  return own(ENTITY_KINDS, node.kind)?.label ?? node.kind;
}

/** "member of", "messaged", "mentions"; an unknown kind as it is. */
export function linkLabel(edge: Pick<GraphEdge, 'kind'>): string {
  return own(LINK_KINDS, edge.kind)?.label ?? own(PROJECTION_EDGE_LABELS, edge.kind) ?? edge.kind;
}

/** The label a model property has in the UI ("Birth date", "Messages"), or its key. */
export function propertyLabel(kind: string, key: string): string {
  const spec = own(ENTITY_KINDS, kind) ?? own(LINK_KINDS, kind);
  const property: unknown = spec ? own(spec.properties, key) : undefined;
  return typeof property === 'object' && property !== null && 'label' in property ? String(property.label) : key;
}
