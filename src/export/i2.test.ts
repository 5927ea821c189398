import { describe, expect, it } from 'vitest';
import type { GraphData, GraphNode } from '../analysis/graph-data.ts';
import { i2Format } from './i2.ts';
import { Differences, exportToString, expectedCsvText, parseCsv, randomGraph, sampleGraph } from './testkit.ts';

// The layout documented at the top of i2.ts, written out so a change to it fails here.
const ENTITY = ['Identity', 'Type', 'Label', 'Case', 'Agency', 'Description'];
const HEADER = [
  ...ENTITY.map((column) => `Entity 1 ${column}`),
  ...ENTITY.map((column) => `Entity 2 ${column}`),
  'Link Identity',
  'Link Type',
  'Link Label',
  'Link Direction',
  'Link Weight',
  'Link Date',
  'Link Time',
  'Link First Seen',
  'Link Last Seen',
  'Link Case',
  'Link Description',
];

/** ANB reads one physical line per row: line breaks in values become spaces, then the usual cell rules apply. */
function expectedText(value: string | null | undefined): string {
  return value == null ? '' : expectedCsvText(value.replace(/\r\n|[\r\n\u2028\u2029]/g, ' '));
}

function readI2(csv: string): Map<string, string>[] {
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const body = csv.slice(1);
  // No quoted line breaks anywhere: every physical line is one record.
  expect(body.replace(/\r\n/g, '').includes('\n')).toBe(false);
  expect(body.replace(/\r\n/g, '').includes('\r')).toBe(false);
  const [header, ...records] = parseCsv(body);
  expect(header).toEqual(HEADER);
  for (const record of records) expect(record).toHaveLength(HEADER.length);
  return records.map((record) => new Map(record.map((cell, i) => [HEADER[i] as string, cell])));
}

function expectRoundTrip(graph: GraphData, csv: string): void {
  const rows = readI2(csv);
  const d = new Differences();
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const linked = new Set(graph.edges.flatMap((edge) => [edge.source, edge.target]));
  const isolated = graph.nodes.filter((node) => !linked.has(node.id));
  d.same(rows.length, graph.edges.length + isolated.length, 'rows: one per link plus one per isolated node');

  const checkEntity = (row: Map<string, string> | undefined, end: 1 | 2, id: string, node: GraphNode | undefined, at: string) => {
    d.same(row?.get(`Entity ${end} Identity`), expectedText(id), `${at} entity ${end} identity`);
    d.same(row?.get(`Entity ${end} Label`), expectedText(node?.label), `${at} entity ${end} label`);
    d.same(row?.get(`Entity ${end} Case`), expectedText(node?.caseRef), `${at} entity ${end} case`);
    d.same(row?.get(`Entity ${end} Agency`), expectedText(node?.agency), `${at} entity ${end} agency`);
    d.check((row?.get(`Entity ${end} Type`) ?? '') !== '' || node === undefined || expectedText(node.kind) === '', `${at} entity ${end} has a type`);
  };
  graph.edges.forEach((edge, i) => {
    const row = rows[i];
    const at = `link ${JSON.stringify(edge.id)}`;
    checkEntity(row, 1, edge.source, nodes.get(edge.source), at);
    checkEntity(row, 2, edge.target, nodes.get(edge.target), at);
    d.same(row?.get('Link Identity'), expectedText(edge.id), `${at} identity`);
    d.same(row?.get('Link Direction'), edge.directed ? '1' : '0', `${at} direction`);
    d.same(row?.get('Link Weight'), String(edge.weight), `${at} weight`);
    d.same(row?.get('Link First Seen'), expectedText(edge.firstSeen), `${at} first seen`);
    d.same(row?.get('Link Last Seen'), expectedText(edge.lastSeen), `${at} last seen`);
    d.same(row?.get('Link Date'), edge.firstSeen ? edge.firstSeen.slice(0, 10) : '', `${at} date`);
    d.same(row?.get('Link Time'), edge.firstSeen ? edge.firstSeen.slice(11, 19) : '', `${at} time`);
    d.same(row?.get('Link Case'), expectedText(edge.caseRef), `${at} case`);
  });
  isolated.forEach((node, i) => {
    const row = rows[graph.edges.length + i];
    const at = `isolated node ${JSON.stringify(node.id)}`;
    checkEntity(row, 1, node.id, node, at);
    for (const column of HEADER.slice(ENTITY.length)) d.same(row?.get(column), '', `${at} ${column}`);
  });
  expect(d.list).toEqual([]);
}

describe('i2 Analyst\'s Notebook import CSV', () => {
  it('writes one row per link with both entities, and isolated entities as rows of their own', async () => {
    const graph = sampleGraph();
    const csv = await exportToString(i2Format, graph);
    expectRoundTrip(graph, csv);
    const rows = readI2(csv);
    const paid = rows.find((row) => row.get('Link Identity') === 'l4');
    expect(paid?.get('Entity 1 Type')).toBe('Person');
    expect(paid?.get('Entity 1 Label')).toBe('Sam "Falcon" Rowe');
    expect(paid?.get('Entity 2 Type')).toBe('Merchant');
    expect(paid?.get('Link Type')).toBe('paid');
    expect(paid?.get('Link Label')).toBe('paid (3)');
    expect(paid?.get('Link Date')).toBe('2024-01-05');
    expect(paid?.get('Link Time')).toBe('10:00:00');
    expect(paid?.get('Link Description')).toBe('Transactions: 3; Total amount: 59.97; Currency: USD');
    expect(paid?.get('Entity 1 Description')).toContain('Birth date: 1984-03-07');
    const mention = rows.find((row) => row.get('Link Identity') === 'm1-1');
    expect(mention?.get('Entity 2 Type')).toBe('Email');
    expect(mention?.get('Entity 2 Description')).toBe('');
    const member = rows.find((row) => row.get('Link Identity') === 'sm1-1');
    expect(member?.get('Entity 1 Type')).toBe('Subject');
    expect(member?.get('Link Direction')).toBe('0');
    const lonely = rows.find((row) => row.get('Entity 1 Identity') === 'lonely');
    expect(lonely?.get('Entity 1 Label')).toBe('\'=cmd|"/C calc"!A0');
    expect(lonely?.get('Entity 2 Identity')).toBe('');
  });

  it('keeps each row on one line: line breaks inside values become spaces', async () => {
    const rows = readI2(await exportToString(i2Format, sampleGraph()));
    const row = rows.find((item) => item.get('Entity 1 Identity') === 'n2');
    expect(row?.get('Entity 1 Label')).toBe('line one line two line three end');
    expect(rows.find((item) => item.get('Entity 2 Identity') === 'e3')?.get('Entity 2 Description')).toContain('Topic: line break');
  });

  it('guards formulas and keeps quotes, commas and emoji', async () => {
    const rows = readI2(await exportToString(i2Format, sampleGraph()));
    const label = (id: string) => rows.find((row) => row.get('Entity 1 Identity') === id)?.get('Entity 1 Label');
    expect(label('n8')).toBe('\'=HYPERLINK("http://example.com","click")');
    expect(label('n11')).toBe("'@SUM(A1:A2)");
    expect(label('n15')).toBe('a,b;c|d');
    expect(label('n5')).toBe('emoji 🦊🏳️‍🌈 𝔘𝔫𝔦𝔠𝔬𝔡𝔢');
    expect(label('n6')).toBe('lone high \uFFFD and lone low \uFFFD');
  });

  it('round-trips random graphs with hostile labels and ids (fuzz)', async () => {
    for (let seed = 300; seed < 360; seed++) {
      const graph = randomGraph(seed);
      expectRoundTrip(graph, await exportToString(i2Format, graph));
    }
    const big = randomGraph(301, { nodes: 600, edges: 1200 });
    const slow = await exportToString(i2Format, big, { slow: true });
    expect(slow).toBe(await exportToString(i2Format, big));
  });
});
