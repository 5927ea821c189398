/**
 * GEXF 1.3 (https://gexf.net/), Gephi's own format: a static graph whose attributes are declared in
 * `<attributes class="node|edge">`, native `label` and `weight`, a per-edge `type` for the mix of
 * directed and undirected links, and the link kind as the edge `kind` — Gephi keeps parallel edges
 * of different kinds apart instead of merging them.
 *
 * Node and edge ids are written as in GraphML (`xmlToken`): unchanged for ids like `e12`, escaped
 * reversibly otherwise, so an id with characters XML cannot hold still names one node.
 *
 * First and last seen stay edge attributes rather than `start`/`end`: a static graph opens in every
 * Gephi version without a timeline, and the dates are still there to filter on.
 */
import type { GraphData, GraphEdge, GraphNode } from '../analysis/graph-data.ts';
import { linkLabel } from './labels.ts';
import { PropColumns, formatScalar, type ColumnType, type Scalar } from './props.ts';
import { writeTo, type TextSink } from './sink.ts';
import type { ExportFormat, ExportStream } from './types.ts';
import { xmlAttr, xmlText, xmlToken } from './xml.ts';

export const GEXF_NAMESPACE = 'http://gexf.net/1.3';

interface Attribute {
  readonly id: string;
  readonly title: string;
  readonly type: ColumnType;
}

// `label` and `weight` are native GEXF fields, so they are not attributes here.
const NODE_FIXED = ['kind', 'caseRef', 'agency', 'identifierType'] as const;
const EDGE_FIXED = ['kind', 'firstSeen', 'lastSeen', 'caseRef'] as const;
const NODE_RESERVED = new Set<string>([...NODE_FIXED, 'label', 'id']);
const EDGE_RESERVED = new Set<string>([...EDGE_FIXED, 'label', 'weight', 'id', 'source', 'target', 'type']);

function fixedNodeValues(node: GraphNode): Map<string, Scalar> {
  const values = new Map<string, Scalar>([['kind', node.kind]]);
  if (node.caseRef != null) values.set('caseRef', node.caseRef);
  if (node.agency != null) values.set('agency', node.agency);
  if (node.identifierType != null) values.set('identifierType', node.identifierType);
  return values;
}

function fixedEdgeValues(edge: GraphEdge): Map<string, Scalar> {
  const values = new Map<string, Scalar>([['kind', edge.kind]]);
  if (edge.firstSeen != null) values.set('firstSeen', edge.firstSeen);
  if (edge.lastSeen != null) values.set('lastSeen', edge.lastSeen);
  if (edge.caseRef != null) values.set('caseRef', edge.caseRef);
  return values;
}

function declare(fixed: readonly string[], columns: PropColumns): Map<string, Attribute> {
  const attributes = new Map<string, Attribute>();
  const add = (title: string, type: ColumnType) => attributes.set(title, { id: String(attributes.size), title, type });
  for (const title of fixed) add(title, 'string');
  for (const [title, type] of columns.types) if (!attributes.has(title)) add(title, type);
  return attributes;
}

async function writeAttributes(sink: TextSink, domain: 'node' | 'edge', attributes: ReadonlyMap<string, Attribute>): Promise<void> {
  await sink.write(`    <attributes class="${domain}" mode="static">\n`);
  for (const attribute of attributes.values()) {
    await sink.write(`      <attribute id="${attribute.id}" title="${xmlAttr(attribute.title)}" type="${attribute.type}"/>\n`);
  }
  await sink.write('    </attributes>\n');
}

/** `<attvalues>` for the values, or nothing when there are none. */
function attvalues(attributes: ReadonlyMap<string, Attribute>, ...groups: ReadonlyMap<string, Scalar>[]): string {
  let xml = '';
  for (const values of groups) {
    for (const [title, value] of values) {
      const attribute = attributes.get(title);
      if (attribute) xml += `<attvalue for="${attribute.id}" value="${xmlAttr(formatScalar(value))}"/>`;
    }
  }
  return xml === '' ? '' : `<attvalues>${xml}</attvalues>`;
}

export async function writeGexf(graph: GraphData, out: ExportStream): Promise<void> {
  const nodeColumns = new PropColumns(NODE_RESERVED);
  for (const node of graph.nodes) nodeColumns.add(node.props);
  const edgeColumns = new PropColumns(EDGE_RESERVED);
  for (const edge of graph.edges) edgeColumns.add(edge.props);
  const nodeAttributes = declare(NODE_FIXED, nodeColumns);
  const edgeAttributes = declare(EDGE_FIXED, edgeColumns);

  await writeTo(out, async (sink) => {
    await sink.write(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<gexf xmlns="${GEXF_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
        ` xsi:schemaLocation="${GEXF_NAMESPACE} ${GEXF_NAMESPACE}/gexf.xsd" version="1.3">\n` +
        `  <meta>\n    <creator>Crosslink</creator>\n    <description>${xmlText('Crosslink link analysis')}</description>\n  </meta>\n` +
        '  <graph mode="static" defaultedgetype="undirected">\n',
    );
    await writeAttributes(sink, 'node', nodeAttributes);
    await writeAttributes(sink, 'edge', edgeAttributes);

    await sink.write(`    <nodes count="${graph.nodes.length}">\n`);
    for (const node of graph.nodes) {
      const values = attvalues(nodeAttributes, fixedNodeValues(node), nodeColumns.values(node.props));
      const open = `      <node id="${xmlToken(node.id)}" label="${xmlAttr(node.label)}"`;
      await sink.write(values === '' ? `${open}/>\n` : `${open}>${values}</node>\n`);
    }
    await sink.write(`    </nodes>\n    <edges count="${graph.edges.length}">\n`);
    for (const edge of graph.edges) {
      const weight = Number.isFinite(edge.weight) ? ` weight="${edge.weight}"` : '';
      const values = attvalues(edgeAttributes, fixedEdgeValues(edge), edgeColumns.values(edge.props));
      const open =
        `      <edge id="${xmlToken(edge.id)}" source="${xmlToken(edge.source)}" target="${xmlToken(edge.target)}"` +
        ` type="${edge.directed ? 'directed' : 'undirected'}" kind="${xmlAttr(edge.kind)}" label="${xmlAttr(linkLabel(edge))}"${weight}`;
      await sink.write(values === '' ? `${open}/>\n` : `${open}>${values}</edge>\n`);
    }
    await sink.write('    </edges>\n  </graph>\n</gexf>\n');
  });
}

export const gexfFormat: ExportFormat = {
  name: 'gexf',
  extension: 'gexf',
  mediaType: 'application/gexf+xml',
  description: 'GEXF 1.3 for Gephi (static graph; link kinds kept apart as edge kinds)',
  write: writeGexf,
};
