/**
 * GraphML 1.0 (http://graphml.graphdrawing.org/) as Gephi, Cytoscape and yEd read it: `<key>`
 * declarations for every attribute, a per-edge `directed` flag because the graph mixes directed
 * links (messaged, paid) with undirected ones (same as, mentions), and `label`/`weight` attribute
 * names that Gephi picks up as node label and edge weight.
 */
import type { GraphData, GraphEdge, GraphNode } from '../analysis/graph-data.ts';
import { linkLabel } from './labels.ts';
import { PropColumns, formatScalar, type ColumnType, type Scalar } from './props.ts';
import { writeTo } from './sink.ts';
import type { ExportFormat, ExportStream } from './types.ts';
import { xmlAttr, xmlText, xmlToken } from './xml.ts';

export const GRAPHML_NAMESPACE = 'http://graphml.graphdrawing.org/xmlns';

interface Key {
  readonly id: string;
  readonly name: string;
  readonly type: ColumnType;
}

const NODE_FIXED = ['kind', 'label', 'caseRef', 'agency', 'identifierType'] as const;
const EDGE_FIXED = ['kind', 'label', 'weight', 'firstSeen', 'lastSeen', 'caseRef'] as const;

/** GraphML's attr.type names for our column types. */
const GRAPHML_TYPE: Record<ColumnType, string> = { boolean: 'boolean', long: 'long', double: 'double', string: 'string' };

function fixedNodeValues(node: GraphNode): Map<string, Scalar> {
  const values = new Map<string, Scalar>([
    ['kind', node.kind],
    ['label', node.label],
  ]);
  if (node.caseRef != null) values.set('caseRef', node.caseRef);
  if (node.agency != null) values.set('agency', node.agency);
  if (node.identifierType != null) values.set('identifierType', node.identifierType);
  return values;
}

function fixedEdgeValues(edge: GraphEdge): Map<string, Scalar> {
  const values = new Map<string, Scalar>([
    ['kind', edge.kind],
    ['label', linkLabel(edge)],
  ]);
  if (Number.isFinite(edge.weight)) values.set('weight', edge.weight);
  if (edge.firstSeen != null) values.set('firstSeen', edge.firstSeen);
  if (edge.lastSeen != null) values.set('lastSeen', edge.lastSeen);
  if (edge.caseRef != null) values.set('caseRef', edge.caseRef);
  return values;
}

/** Key declarations: the fixed attributes first, then every property column seen. */
function declareKeys(prefix: string, fixed: readonly string[], fixedTypes: Record<string, ColumnType>, columns: PropColumns): Map<string, Key> {
  const keys = new Map<string, Key>();
  const add = (name: string, type: ColumnType) => keys.set(name, { id: `${prefix}${keys.size}`, name, type });
  for (const name of fixed) add(name, fixedTypes[name] ?? 'string');
  for (const [name, type] of columns.types) if (!keys.has(name)) add(name, type);
  return keys;
}

function dataXml(keys: ReadonlyMap<string, Key>, ...groups: ReadonlyMap<string, Scalar>[]): string {
  let xml = '';
  for (const values of groups) {
    for (const [name, value] of values) {
      const key = keys.get(name);
      if (key) xml += `<data key="${key.id}">${xmlText(formatScalar(value))}</data>`;
    }
  }
  return xml;
}

export async function writeGraphml(graph: GraphData, out: ExportStream): Promise<void> {
  const nodeColumns = new PropColumns(new Set(NODE_FIXED));
  for (const node of graph.nodes) nodeColumns.add(node.props);
  const edgeColumns = new PropColumns(new Set(EDGE_FIXED));
  for (const edge of graph.edges) edgeColumns.add(edge.props);
  const nodeKeys = declareKeys('n', NODE_FIXED, {}, nodeColumns);
  const edgeKeys = declareKeys('e', EDGE_FIXED, { weight: 'double' }, edgeColumns);

  await writeTo(out, async (sink) => {
    await sink.write(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<graphml xmlns="${GRAPHML_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
        ` xsi:schemaLocation="${GRAPHML_NAMESPACE} ${GRAPHML_NAMESPACE}/1.0/graphml.xsd">\n`,
    );
    for (const [domain, keys] of [['node', nodeKeys], ['edge', edgeKeys]] as const) {
      for (const key of keys.values()) {
        await sink.write(`  <key id="${key.id}" for="${domain}" attr.name="${xmlAttr(key.name)}" attr.type="${GRAPHML_TYPE[key.type]}"/>\n`);
      }
    }
    await sink.write('  <graph id="G" edgedefault="undirected">\n');
    for (const node of graph.nodes) {
      const data = dataXml(nodeKeys, fixedNodeValues(node), nodeColumns.values(node.props));
      await sink.write(`    <node id="${xmlToken(node.id)}">${data}</node>\n`);
    }
    for (const edge of graph.edges) {
      const data = dataXml(edgeKeys, fixedEdgeValues(edge), edgeColumns.values(edge.props));
      await sink.write(
        `    <edge id="${xmlToken(edge.id)}" source="${xmlToken(edge.source)}" target="${xmlToken(edge.target)}"` +
          ` directed="${edge.directed ? 'true' : 'false'}">${data}</edge>\n`,
      );
    }
    await sink.write('  </graph>\n</graphml>\n');
  });
}

export const graphmlFormat: ExportFormat = {
  name: 'graphml',
  extension: 'graphml',
  mediaType: 'application/graphml+xml',
  description: 'GraphML 1.0 for Gephi, Cytoscape and yEd (mixed directed and undirected edges)',
  write: writeGraphml,
};
