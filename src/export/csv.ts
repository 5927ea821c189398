/**
 * Plain CSV of nodes and edges in one stream: a `record` column says which a row is ("node" or
 * "edge"), and the columns are the union of both, so a spreadsheet filter on `record` gives either
 * table. Property columns follow the fixed ones, flattened as in GraphML.
 *
 * RFC 4180 quoting with CRLF, a UTF-8 byte-order mark, and Excel's formula guard (see cells.ts).
 * Line breaks inside values are kept (quoted), unlike the i2 export.
 */
import type { GraphData } from '../analysis/graph-data.ts';
import { BYTE_ORDER_MARK, csvRecord, type Cell } from './cells.ts';
import { PropColumns } from './props.ts';
import { writeTo } from './sink.ts';
import type { ExportFormat, ExportStream } from './types.ts';

export const CSV_FIXED_COLUMNS = [
  'record',
  'id',
  'kind',
  'label',
  'caseRef',
  'agency',
  'identifierType',
  'source',
  'target',
  'directed',
  'weight',
  'firstSeen',
  'lastSeen',
] as const;

type FixedColumn = (typeof CSV_FIXED_COLUMNS)[number];

export async function writeCsv(graph: GraphData, out: ExportStream): Promise<void> {
  const columns = new PropColumns(new Set(CSV_FIXED_COLUMNS));
  for (const node of graph.nodes) columns.add(node.props);
  for (const edge of graph.edges) columns.add(edge.props);
  const propNames = [...columns.types.keys()];

  const row = (fixed: Partial<Record<FixedColumn, Cell>>, props: Record<string, unknown>): string => {
    const values = columns.values(props);
    return csvRecord([...CSV_FIXED_COLUMNS.map((column) => fixed[column]), ...propNames.map((name) => values.get(name))]);
  };

  await writeTo(out, async (sink) => {
    await sink.write(BYTE_ORDER_MARK + csvRecord([...CSV_FIXED_COLUMNS, ...propNames]));
    for (const node of graph.nodes) {
      await sink.write(
        row({ record: 'node', id: node.id, kind: node.kind, label: node.label, caseRef: node.caseRef, agency: node.agency, identifierType: node.identifierType }, node.props),
      );
    }
    for (const edge of graph.edges) {
      await sink.write(
        row(
          {
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
          },
          edge.props,
        ),
      );
    }
  });
}

export const csvFormat: ExportFormat = {
  name: 'csv',
  extension: 'csv',
  mediaType: 'text/csv; charset=utf-8',
  description: 'CSV of nodes and edges in one table (a `record` column tells them apart)',
  write: writeCsv,
};
