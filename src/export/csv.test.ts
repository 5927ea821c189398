import { describe, expect, it } from 'vitest';
import type { GraphData } from '../analysis/graph-data.ts';
import { csvFormat } from './csv.ts';
import { Differences, exportToString, expectedCsvText, parseCsv, randomGraph, sampleGraph } from './testkit.ts';

const FIXED = ['record', 'id', 'kind', 'label', 'caseRef', 'agency', 'identifierType', 'source', 'target', 'directed', 'weight', 'firstSeen', 'lastSeen'];

/** What a cell holding the value should read: numbers and booleans as written, text guarded against formulas. */
function expectedCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return expectedCsvText(String(value));
}

/** Properties as the documented columns: nested objects as dotted names, lists joined by "; ", a fixed column's name prefixed by `props.`, names guarded like any cell. */
function expectedProps(props: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  for (const [key, value] of Object.entries(props)) {
    const name = prefix + key;
    if (Array.isArray(value)) flat.set(name, value.join('; '));
    else if (typeof value === 'object' && value !== null) for (const [inner, item] of expectedProps(value as Record<string, unknown>, `${name}.`)) flat.set(inner, item);
    else flat.set(name, value);
  }
  if (prefix !== '') return flat;
  return new Map([...flat].map(([name, value]) => [expectedCsvText(FIXED.includes(name) ? `props.${name}` : name), value]));
}

function readCsv(csv: string): { header: string[]; rows: Map<string, string>[] } {
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const [header, ...records] = parseCsv(csv.slice(1));
  expect(header?.slice(0, FIXED.length)).toEqual(FIXED);
  expect(new Set(header).size).toBe(header?.length);
  for (const record of records) expect(record.length).toBe(header?.length);
  return { header: header as string[], rows: records.map((record) => new Map(record.map((cell, i) => [(header as string[])[i] as string, cell]))) };
}

function expectRoundTrip(graph: GraphData, csv: string): void {
  const { header, rows } = readCsv(csv);
  const d = new Differences();
  const nodeRows = rows.filter((row) => row.get('record') === 'node');
  const edgeRows = rows.filter((row) => row.get('record') === 'edge');
  d.same(nodeRows.length, graph.nodes.length, 'node rows');
  d.same(edgeRows.length, graph.edges.length, 'edge rows');
  d.same(rows.length, graph.nodes.length + graph.edges.length, 'rows');
  const propColumns = new Set(header.slice(FIXED.length));

  graph.nodes.forEach((node, i) => {
    const row = nodeRows[i];
    const at = `node ${JSON.stringify(node.id)}`;
    const fixed: Record<string, unknown> = { record: 'node', id: node.id, kind: node.kind, label: node.label, caseRef: node.caseRef, agency: node.agency, identifierType: node.identifierType };
    for (const name of FIXED) d.same(row?.get(name), expectedCell(fixed[name]), `${at} ${name}`);
    const props = expectedProps(node.props);
    for (const name of propColumns) d.same(row?.get(name), expectedCell(props.get(name)), `${at} ${name}`);
  });
  graph.edges.forEach((edge, i) => {
    const row = edgeRows[i];
    const at = `edge ${JSON.stringify(edge.id)}`;
    const fixed: Record<string, unknown> = {
      record: 'edge',
      id: edge.id,
      kind: edge.kind,
      caseRef: edge.caseRef,
      source: edge.source,
      target: edge.target,
      directed: edge.directed,
      weight: edge.weight,
      firstSeen: edge.firstSeen,
      lastSeen: edge.lastSeen,
    };
    for (const name of FIXED) d.same(row?.get(name), expectedCell(fixed[name]), `${at} ${name}`);
    const props = expectedProps(edge.props);
    for (const name of propColumns) d.same(row?.get(name), expectedCell(props.get(name)), `${at} ${name}`);
  });
  expect(d.list).toEqual([]);
}

describe('CSV export', () => {
  it('writes nodes and edges in one table told apart by `record`, with the union of their columns', async () => {
    const graph = sampleGraph();
    const csv = await exportToString(csvFormat, graph);
    expectRoundTrip(graph, csv);
    const { header, rows } = readCsv(csv);
    // Node and edge property columns side by side; a property named like a fixed column is prefixed.
    expect(header).toEqual(expect.arrayContaining(['full_name', 'aliases', 'props.label', 'nested.deep.value', 'role', 'currency', "'=weird key"]));
    expect(rows.find((row) => row.get('id') === 'e1')?.get('aliases')).toBe('falcon; sammy');
    const paid = rows.find((row) => row.get('id') === 'l4');
    expect(paid?.get('currency')).toBe('USD');
    expect(paid?.get('total')).toBe('59.97');
    expect(paid?.get('full_name')).toBe('');
  });

  it('ends records with CRLF and quotes commas, quotes and line breaks (RFC 4180)', async () => {
    const csv = await exportToString(csvFormat, sampleGraph());
    expect(csv.replace(/"(?:[^"]|"")*"/g, '').includes('\n')).toBe(true);
    expect(/(^|[^\r])\n/.test(csv.replace(/"(?:[^"]|"")*"/g, ''))).toBe(false);
    const { rows } = readCsv(csv);
    const label = (id: string) => rows.find((row) => row.get('record') === 'node' && row.get('id') === id)?.get('label');
    expect(label('n1')).toBe('She said "hi", then \'bye\'');
    expect(label('n2')).toBe('line one\nline two\r\nline three\rend');
    expect(label('n15')).toBe('a,b;c|d');
    expect(label('n5')).toBe('emoji 🦊🏳️‍🌈 𝔘𝔫𝔦𝔠𝔬𝔡𝔢');
  });

  it('puts an apostrophe before text a spreadsheet would run as a formula, but not before numbers', async () => {
    const { rows } = readCsv(await exportToString(csvFormat, sampleGraph()));
    const node = (id: string) => rows.find((row) => row.get('record') === 'node' && row.get('id') === id);
    expect(node('n8')?.get('label')).toBe('\'=HYPERLINK("http://example.com","click")');
    expect(node('n9')?.get('label')).toBe("'+1 555 0100");
    expect(node('n10')?.get('label')).toBe("'-2+3");
    expect(node('n11')?.get('label')).toBe("'@SUM(A1:A2)");
    expect(node('n3')?.get('label')).toBe("'\ttabbed\tvalue");
    expect(node('lonely')?.get('caseRef')).toBe("'-1");
    const located = rows.find((row) => row.get('id') === 'l9');
    expect(located?.get('weight')).toBe('-2.5');
    expect(located?.get('=weird key')).toBeUndefined();
    expect(located?.get("'=weird key")).toBe("'-danger");
  });

  it('writes the same file through a slow stream as through a fast one', async () => {
    const graph = randomGraph(21, { nodes: 600, edges: 1200 });
    const slow = await exportToString(csvFormat, graph, { slow: true });
    expect(slow).toBe(await exportToString(csvFormat, graph));
    expectRoundTrip(graph, slow);
  });

  it('round-trips random graphs with hostile labels, ids and properties (fuzz)', async () => {
    for (let seed = 200; seed < 260; seed++) {
      const graph = randomGraph(seed);
      expectRoundTrip(graph, await exportToString(csvFormat, graph));
    }
  });
});
