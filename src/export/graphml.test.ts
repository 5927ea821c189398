import { describe, expect, it } from 'vitest';
import type { GraphData } from '../analysis/graph-data.ts';
import { graphmlFormat } from './graphml.ts';
import { attr, children, Differences, exportToString, expectedXml, parseXml, randomGraph, sampleGraph, text, type XmlElement } from './testkit.ts';

const NAMESPACE = 'http://graphml.graphdrawing.org/xmlns';
const ATTR_TYPES = new Set(['boolean', 'int', 'long', 'float', 'double', 'string']);
const NODE_FIXED = new Set(['kind', 'label', 'caseRef', 'agency', 'identifierType']);
const EDGE_FIXED = new Set(['kind', 'label', 'weight', 'firstSeen', 'lastSeen', 'caseRef']);

interface Key {
  domain: string;
  name: string;
  type: string;
}

interface ReadGraph {
  nodes: Map<string, Map<string, string>>;
  edges: Map<string, { source: string; target: string; directed: string | undefined; data: Map<string, string> }>;
  keys: Map<string, Key>;
}

/** GraphML's NMTOKEN ids: `_<hex>_` stands for one code point (see xml.ts). */
function decodeId(token: string): string {
  return token === '_' ? '' : token.replace(/_([0-9a-f]+)_/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
}

/** Reads a GraphML document back, checking the structure the GraphML schema requires on the way. */
function readGraphml(xml: string): ReadGraph {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  const document = parseXml(xml);
  const [root, ...others] = children(document, 'graphml');
  expect(others).toHaveLength(0);
  expect(attr(root as XmlElement, 'xmlns')).toBe(NAMESPACE);

  const keys = new Map<string, Key>();
  for (const key of children(root, 'key')) {
    const id = attr(key, 'id') as string;
    expect(id).toMatch(/^[A-Za-z0-9._:-]+$/);
    expect(keys.has(id)).toBe(false);
    const domain = attr(key, 'for') as string;
    expect(['node', 'edge', 'graph', 'graphml', 'all']).toContain(domain);
    expect(ATTR_TYPES.has(attr(key, 'attr.type') as string)).toBe(true);
    keys.set(id, { domain, name: attr(key, 'attr.name') as string, type: attr(key, 'attr.type') as string });
  }
  // One declaration per attribute name and domain, or readers would merge or drop columns.
  const names = [...keys.values()].map((key) => `${key.domain}/${key.name}`);
  expect(new Set(names).size).toBe(names.length);

  const graphs = children(root, 'graph');
  expect(graphs).toHaveLength(1);
  const graph = graphs[0] as XmlElement;
  expect(attr(graph, 'edgedefault')).toMatch(/^(directed|undirected)$/);

  const readData = (element: XmlElement, domain: string): Map<string, string> => {
    const data = new Map<string, string>();
    for (const item of children(element, 'data')) {
      const key = keys.get(attr(item, 'key') as string);
      expect(key, `data key ${attr(item, 'key')} is declared`).toBeDefined();
      expect(key?.domain).toBe(domain);
      const value = text(item);
      if (key?.type === 'long' || key?.type === 'int') expect(value).toMatch(/^-?\d+$/);
      if (key?.type === 'double' || key?.type === 'float') expect(Number.isFinite(Number(value))).toBe(true);
      if (key?.type === 'boolean') expect(value).toMatch(/^(true|false)$/);
      expect(data.has(key?.name as string)).toBe(false);
      data.set(key?.name as string, value);
    }
    return data;
  };

  const nodes = new Map<string, Map<string, string>>();
  for (const element of children(graph, 'node')) {
    const id = attr(element, 'id') as string;
    expect(id).toMatch(/^[A-Za-z0-9._:-]+$/);
    expect(nodes.has(id)).toBe(false);
    nodes.set(id, readData(element, 'node'));
  }
  const edges: ReadGraph['edges'] = new Map();
  for (const element of children(graph, 'edge')) {
    const id = attr(element, 'id') as string;
    expect(edges.has(id)).toBe(false);
    const source = attr(element, 'source') as string;
    const target = attr(element, 'target') as string;
    expect(nodes.has(source), `edge ${id} source ${source}`).toBe(true);
    expect(nodes.has(target), `edge ${id} target ${target}`).toBe(true);
    edges.set(id, { source, target, directed: attr(element, 'directed'), data: readData(element, 'edge') });
  }
  return { nodes, edges, keys };
}

/**
 * Checks that every node, edge and value of the graph came back, after the documented clean-up:
 * values lose what XML 1.0 cannot hold; ids are name tokens that decode to exactly the original id.
 */
function expectRoundTrip(graph: GraphData, read: ReadGraph): void {
  const d = new Differences();
  d.same(read.nodes.size, graph.nodes.length, 'node count');
  d.same(read.edges.size, graph.edges.length, 'edge count');
  const column = (reserved: Set<string>, key: string) => (reserved.has(key) ? `props.${key}` : key);
  const optional = (value: string | undefined) => (value === undefined ? undefined : expectedXml(value));
  const nodes = new Map([...read.nodes].map(([id, data]) => [decodeId(id), data]));
  for (const node of graph.nodes) {
    const at = `node ${JSON.stringify(node.id)}`;
    const data = nodes.get(node.id);
    d.check(data !== undefined, `${at} missing`);
    d.same(data?.get('kind'), expectedXml(node.kind), `${at} kind`);
    d.same(data?.get('label'), expectedXml(node.label), `${at} label`);
    d.same(data?.get('caseRef'), optional(node.caseRef), `${at} caseRef`);
    d.same(data?.get('agency'), optional(node.agency), `${at} agency`);
    d.same(data?.get('identifierType'), optional(node.identifierType), `${at} identifierType`);
    for (const [key, value] of Object.entries(node.props)) {
      if (typeof value !== 'object') d.same(data?.get(column(NODE_FIXED, key)), expectedXml(String(value)), `${at} prop ${key}`);
    }
  }
  const edges = new Map([...read.edges].map(([id, item]) => [decodeId(id), item]));
  for (const edge of graph.edges) {
    const at = `edge ${JSON.stringify(edge.id)}`;
    const item = edges.get(edge.id);
    d.check(item !== undefined, `${at} missing`);
    d.same(decodeId(item?.source ?? ''), edge.source, `${at} source`);
    d.same(decodeId(item?.target ?? ''), edge.target, `${at} target`);
    d.same(item?.directed, String(edge.directed), `${at} directed`);
    d.same(item?.data.get('kind'), expectedXml(edge.kind), `${at} kind`);
    d.same(Number(item?.data.get('weight')), edge.weight + 0, `${at} weight`); // + 0: -0 is written as 0
    d.same(item?.data.get('firstSeen'), edge.firstSeen ?? undefined, `${at} firstSeen`);
    d.same(item?.data.get('lastSeen'), edge.lastSeen ?? undefined, `${at} lastSeen`);
    d.same(item?.data.get('caseRef'), optional(edge.caseRef), `${at} caseRef`);
    for (const [key, value] of Object.entries(edge.props)) d.same(item?.data.get(column(EDGE_FIXED, key)), expectedXml(String(value)), `${at} prop ${key}`);
  }
  expect(d.list).toEqual([]);
}

describe('GraphML export', () => {
  it('writes every node and edge with its attributes, declared as keys a GraphML reader accepts', async () => {
    const graph = sampleGraph();
    const read = readGraphml(await exportToString(graphmlFormat, graph));
    expectRoundTrip(graph, read);

    const names = new Map([...read.keys.values()].map((key) => [`${key.domain}/${key.name}`, key.type]));
    // Gephi takes `label` as the node label and `weight` as the edge weight.
    expect(names.get('node/label')).toBe('string');
    expect(names.get('edge/weight')).toBe('double');
    // Property columns are typed by their values; nested objects are flattened into dotted names.
    expect(names.get('node/bytes')).toBe('long');
    expect(names.get('node/latitude')).toBe('double');
    expect(read.nodes.get('e9')?.get('nested.deep.value')).toBe('x');
    // A property named like a fixed attribute does not overwrite it.
    expect(read.nodes.get('e9')?.get('label')).toBe('Tom & Jerry <admin@example.com>');
    expect(read.nodes.get('e9')?.get('props.label')).toBe('shadowed label prop');
    expect(read.nodes.get('e1')?.get('aliases')).toBe('falcon; sammy');
  });

  it('marks each edge directed or not, since the graph mixes both', async () => {
    const read = readGraphml(await exportToString(graphmlFormat, sampleGraph()));
    expect(read.edges.get('l2')?.directed).toBe('true');
    expect(read.edges.get('l8')?.directed).toBe('false');
    expect(read.edges.get('l8')?.data.get('label')).toBe('same as');
  });

  it('keeps markup, quotes, line breaks and astral characters exactly, and replaces what XML 1.0 cannot hold', async () => {
    const read = readGraphml(await exportToString(graphmlFormat, sampleGraph()));
    const label = (id: string) => read.nodes.get(id)?.get('label');
    expect(label('n2')).toBe('line one\nline two\r\nline three\rend');
    expect(label('n4')).toBe('bell\uFFFD nul\uFFFD esc\uFFFD vt\uFFFD ff\uFFFD');
    expect(label('n5')).toBe('emoji 🦊🏳️‍🌈 𝔘𝔫𝔦𝔠𝔬𝔡𝔢');
    expect(label('n6')).toBe('lone high \uFFFD and lone low \uFFFD');
    expect(label('n12')).toBe(']]> <![CDATA[ x ]]>');
    expect(label('n13')).toBe('&amp; &#38; &lt; already escaped');
  });

  it('turns ids that are not XML name tokens into reversible tokens', async () => {
    const graph: GraphData = {
      nodes: [
        { id: 'a b', kind: 'person', label: 'A', props: {} },
        { id: 'a_20_b', kind: 'person', label: 'B', props: {} },
        { id: '', kind: 'person', label: 'C', props: {} },
      ],
      edges: [{ id: 'x<y', source: 'a b', target: 'a_20_b', kind: 'same_as', directed: false, weight: 1, firstSeen: null, lastSeen: null, props: {} }],
    };
    const read = readGraphml(await exportToString(graphmlFormat, graph));
    expect([...read.nodes.keys()].map(decodeId).sort()).toEqual(['', 'a b', 'a_20_b']);
    expectRoundTrip(graph, read);
  });

  it('writes the same document through a slow stream (back-pressure) as through a fast one', async () => {
    const graph = randomGraph(7, { nodes: 600, edges: 1200 });
    const fast = await exportToString(graphmlFormat, graph);
    const slow = await exportToString(graphmlFormat, graph, { slow: true });
    expect(slow).toBe(fast);
    expectRoundTrip(graph, readGraphml(slow));
  });

  it('writes an empty graph as a valid document', async () => {
    const read = readGraphml(await exportToString(graphmlFormat, { nodes: [], edges: [] }));
    expect(read.nodes.size).toBe(0);
  });

  it('round-trips random graphs with hostile labels, ids and properties (fuzz)', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const graph = randomGraph(seed);
      expectRoundTrip(graph, readGraphml(await exportToString(graphmlFormat, graph)));
    }
  });
});
