import { describe, expect, it } from 'vitest';
import type { GraphData } from '../analysis/graph-data.ts';
import { gexfFormat } from './gexf.ts';
import { attr, children, Differences, exportToString, expectedXml, parseXml, randomGraph, sampleGraph, type XmlElement } from './testkit.ts';

const NAMESPACE = 'http://gexf.net/1.3';
// attrtype-type of the GEXF 1.3 schema.
const ATTR_TYPES = new Set([
  'integer', 'long', 'double', 'float', 'boolean', 'bigdecimal', 'biginteger', 'byte', 'char', 'short',
  'liststring', 'listboolean', 'listinteger', 'listlong', 'listfloat', 'listdouble', 'listbyte', 'listshort',
  'listbigdecimal', 'listbiginteger', 'listchar', 'string', 'anyURI',
]);
const NODE_RESERVED = new Set(['kind', 'caseRef', 'agency', 'identifierType', 'label', 'id']);
const EDGE_RESERVED = new Set(['kind', 'firstSeen', 'lastSeen', 'caseRef', 'label', 'weight', 'id', 'source', 'target', 'type']);

interface ReadNode {
  label: string | undefined;
  values: Map<string, string>;
}
interface ReadEdge extends ReadNode {
  source: string;
  target: string;
  type: string | undefined;
  kind: string | undefined;
  weight: string | undefined;
}

function decodeId(token: string): string {
  return token === '_' ? '' : token.replace(/_([0-9a-f]+)_/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
}

/** Reads a GEXF 1.3 document back, checking the structure the GEXF 1.3 schema requires. */
function readGexf(xml: string): { nodes: Map<string, ReadNode>; edges: Map<string, ReadEdge>; attributes: Map<string, { title: string; type: string }> } {
  const document = parseXml(xml);
  const [root, ...others] = children(document, 'gexf');
  expect(others).toHaveLength(0);
  expect(attr(root as XmlElement, 'xmlns')).toBe(NAMESPACE);
  expect(attr(root as XmlElement, 'version')).toBe('1.3');
  expect(children(root, 'meta').length).toBeLessThanOrEqual(1);
  const [graph, ...moreGraphs] = children(root, 'graph');
  expect(moreGraphs).toHaveLength(0);
  expect(['static', 'dynamic', 'slice', undefined]).toContain(attr(graph as XmlElement, 'mode'));
  expect(['directed', 'undirected', 'mutual', undefined]).toContain(attr(graph as XmlElement, 'defaultedgetype'));
  // The schema's sequence: attributes*, then nodes, then edges.
  const attributesAt = xml.indexOf('<attributes ');
  expect(attributesAt === -1 || attributesAt < xml.indexOf('<nodes')).toBe(true);
  expect(xml.indexOf('<nodes')).toBeLessThan(xml.indexOf('<edges'));

  const attributes = new Map<string, { title: string; type: string }>();
  for (const group of children(graph, 'attributes')) {
    const domain = attr(group, 'class') as string;
    expect(['node', 'edge']).toContain(domain);
    expect(['static', 'dynamic', undefined]).toContain(attr(group, 'mode'));
    const titles = new Set<string>();
    for (const attribute of children(group, 'attribute')) {
      const key = `${domain}/${attr(attribute, 'id')}`;
      expect(attributes.has(key)).toBe(false);
      const title = attr(attribute, 'title') as string;
      expect(titles.has(title)).toBe(false);
      titles.add(title);
      expect(ATTR_TYPES.has(attr(attribute, 'type') as string)).toBe(true);
      attributes.set(key, { title, type: attr(attribute, 'type') as string });
    }
  }
  const readValues = (element: XmlElement, domain: string): Map<string, string> => {
    const values = new Map<string, string>();
    const groups = children(element, 'attvalues');
    expect(groups.length).toBeLessThanOrEqual(1);
    for (const value of children(groups[0], 'attvalue')) {
      const attribute = attributes.get(`${domain}/${attr(value, 'for')}`);
      expect(attribute, `attvalue for ${attr(value, 'for')} is declared`).toBeDefined();
      const text = attr(value, 'value');
      expect(text).toBeDefined();
      if (attribute?.type === 'long') expect(text).toMatch(/^-?\d+$/);
      if (attribute?.type === 'double') expect(Number.isFinite(Number(text))).toBe(true);
      if (attribute?.type === 'boolean') expect(text).toMatch(/^(true|false)$/);
      values.set(attribute?.title as string, text as string);
    }
    return values;
  };

  const [nodesElement, ...moreNodes] = children(graph, 'nodes');
  expect(moreNodes).toHaveLength(0);
  const nodes = new Map<string, ReadNode>();
  for (const element of children(nodesElement, 'node')) {
    const id = attr(element, 'id') as string;
    expect(nodes.has(id)).toBe(false);
    nodes.set(id, { label: attr(element, 'label'), values: readValues(element, 'node') });
  }
  expect(Number(attr(nodesElement as XmlElement, 'count'))).toBe(nodes.size);

  const [edgesElement, ...moreEdges] = children(graph, 'edges');
  expect(moreEdges).toHaveLength(0);
  const edges = new Map<string, ReadEdge>();
  for (const element of children(edgesElement, 'edge')) {
    const id = attr(element, 'id') as string;
    expect(edges.has(id)).toBe(false);
    const source = attr(element, 'source') as string;
    const target = attr(element, 'target') as string;
    expect(nodes.has(source)).toBe(true);
    expect(nodes.has(target)).toBe(true);
    const type = attr(element, 'type');
    expect(['directed', 'undirected', 'mutual', undefined]).toContain(type);
    const weight = attr(element, 'weight');
    if (weight !== undefined) expect(Number.isFinite(Number(weight))).toBe(true);
    edges.set(id, { source, target, type, kind: attr(element, 'kind'), weight, label: attr(element, 'label'), values: readValues(element, 'edge') });
  }
  expect(Number(attr(edgesElement as XmlElement, 'count'))).toBe(edges.size);
  return { nodes, edges, attributes };
}

/** Checks that every node, edge and value came back: values lose only what XML 1.0 cannot hold, ids decode exactly. */
function expectRoundTrip(graph: GraphData, xml: string): void {
  const read = readGexf(xml);
  const d = new Differences();
  d.same(read.nodes.size, graph.nodes.length, 'node count');
  d.same(read.edges.size, graph.edges.length, 'edge count');
  const column = (reserved: Set<string>, key: string) => (reserved.has(key) ? `props.${key}` : key);
  const optional = (value: string | undefined) => (value === undefined ? undefined : expectedXml(value));
  const nodes = new Map([...read.nodes].map(([id, item]) => [decodeId(id), item]));
  for (const node of graph.nodes) {
    const at = `node ${JSON.stringify(node.id)}`;
    const item = nodes.get(node.id);
    d.check(item !== undefined, `${at} missing`);
    d.same(item?.label, expectedXml(node.label), `${at} label`);
    d.same(item?.values.get('kind'), expectedXml(node.kind), `${at} kind`);
    d.same(item?.values.get('caseRef'), optional(node.caseRef), `${at} caseRef`);
    d.same(item?.values.get('agency'), optional(node.agency), `${at} agency`);
    d.same(item?.values.get('identifierType'), optional(node.identifierType), `${at} identifierType`);
    for (const [key, value] of Object.entries(node.props)) {
      if (typeof value !== 'object') d.same(item?.values.get(column(NODE_RESERVED, key)), expectedXml(String(value)), `${at} prop ${key}`);
    }
  }
  const edges = new Map([...read.edges].map(([id, item]) => [decodeId(id), item]));
  for (const edge of graph.edges) {
    const at = `edge ${JSON.stringify(edge.id)}`;
    const item = edges.get(edge.id);
    d.check(item !== undefined, `${at} missing`);
    d.same(decodeId(item?.source ?? ''), edge.source, `${at} source`);
    d.same(decodeId(item?.target ?? ''), edge.target, `${at} target`);
    d.same(item?.type, edge.directed ? 'directed' : 'undirected', `${at} type`);
    d.same(item?.kind, expectedXml(edge.kind), `${at} native kind`);
    d.same(Number(item?.weight), edge.weight + 0, `${at} weight`); // + 0: -0 is written as 0
    d.same(item?.values.get('kind'), expectedXml(edge.kind), `${at} kind`);
    d.same(item?.values.get('firstSeen'), edge.firstSeen ?? undefined, `${at} firstSeen`);
    d.same(item?.values.get('lastSeen'), edge.lastSeen ?? undefined, `${at} lastSeen`);
    d.same(item?.values.get('caseRef'), optional(edge.caseRef), `${at} caseRef`);
    for (const [key, value] of Object.entries(edge.props)) d.same(item?.values.get(column(EDGE_RESERVED, key)), expectedXml(String(value)), `${at} prop ${key}`);
  }
  expect(d.list).toEqual([]);
}

describe('GEXF export', () => {
  it('writes every node and edge with declared attributes, native labels, weights and edge types', async () => {
    const graph = sampleGraph();
    const xml = await exportToString(gexfFormat, graph);
    expectRoundTrip(graph, xml);
    const read = readGexf(xml);
    const titles = new Map([...read.attributes].map(([key, attribute]) => [`${key.split('/')[0]}/${attribute.title}`, attribute.type]));
    expect(titles.get('node/bytes')).toBe('long');
    expect(titles.get('node/latitude')).toBe('double');
    expect(titles.get('edge/firstSeen')).toBe('string');
    expect(read.nodes.get('e9')?.label).toBe('Tom & Jerry <admin@example.com>');
    expect(read.nodes.get('e9')?.values.get('props.label')).toBe('shadowed label prop');
    expect(read.nodes.get('e9')?.values.get('nested.deep.value')).toBe('x');
    expect(read.edges.get('l4')?.label).toBe('paid');
    expect(read.edges.get('l8')?.type).toBe('undirected');
    expect(read.edges.get('l9')?.weight).toBe('-2.5');
  });

  it('keeps hostile labels exactly and replaces only what XML 1.0 cannot hold', async () => {
    const read = readGexf(await exportToString(gexfFormat, sampleGraph()));
    expect(read.nodes.get('n1')?.label).toBe('She said "hi", then \'bye\'');
    expect(read.nodes.get('n2')?.label).toBe('line one\nline two\r\nline three\rend');
    expect(read.nodes.get('n3')?.label).toBe('\ttabbed\tvalue');
    expect(read.nodes.get('n4')?.label).toBe('bell\uFFFD nul\uFFFD esc\uFFFD vt\uFFFD ff\uFFFD');
    expect(read.nodes.get('n5')?.label).toBe('emoji 🦊🏳️‍🌈 𝔘𝔫𝔦𝔠𝔬𝔡𝔢');
    expect(read.nodes.get('n7')?.label).toBe('not chars \uFFFD\uFFFD');
  });

  it('writes the same document through a slow stream as through a fast one', async () => {
    const graph = randomGraph(11, { nodes: 600, edges: 1200 });
    const slow = await exportToString(gexfFormat, graph, { slow: true });
    expect(slow).toBe(await exportToString(gexfFormat, graph));
    expectRoundTrip(graph, slow);
  });

  it('writes an empty graph as a valid document', async () => {
    const read = readGexf(await exportToString(gexfFormat, { nodes: [], edges: [] }));
    expect(read.nodes.size).toBe(0);
  });

  it('round-trips random graphs with hostile labels, ids and properties (fuzz)', async () => {
    for (let seed = 100; seed < 140; seed++) {
      const graph = randomGraph(seed);
      expectRoundTrip(graph, await exportToString(gexfFormat, graph));
    }
  });
});
