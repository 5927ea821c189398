/**
 * i2 Analyst's Notebook import CSV: one file an analyst maps once in ANB's import wizard (Import
 * from File → new specification), in the shape of its default design "entity — link — entity".
 * Each row is one link with both ends; a node with no links is a row with only the Entity 1
 * columns, so it still lands on the chart.
 *
 * Columns, in order:
 *
 *   Entity 1 Identity     node id; ANB merges entities with the same identity, so map it to Identity
 *   Entity 1 Type         "Person", "Account", "Chat room", "Email", "Subject", … (map as "type from column")
 *   Entity 1 Label        what the chart shows
 *   Entity 1 Case         case reference (empty for identifiers and subjects, which span cases)
 *   Entity 1 Agency       owning agency
 *   Entity 1 Description  the other properties as "Label: value; …"
 *   Entity 2 …            the same six columns for the other end
 *   Link Identity         link id (map to the link's identity so re-imports do not duplicate links)
 *   Link Type             "member of", "messaged", "paid", "mentions", …
 *   Link Label            link type and weight, e.g. "messaged (12)"
 *   Link Direction        i2's import code: 1 = arrow from Entity 1 to Entity 2, 0 = no arrow
 *   Link Weight           evidence strength (messages, transactions, mentions or a resolution score)
 *   Link Date, Link Time  first seen, UTC, as YYYY-MM-DD and HH:MM:SS (set the wizard's date format to match)
 *   Link First Seen, Link Last Seen   full ISO 8601 timestamps, for attributes
 *   Link Case             case reference of the evidence
 *   Link Description      the link's properties as "Label: value; …"
 *
 * RFC 4180 quoting with CRLF, a UTF-8 byte-order mark, and Excel's formula guard (see cells.ts).
 * ANB's text import reads one line per row, so line breaks inside a value become spaces here.
 */
import type { GraphData, GraphEdge, GraphNode } from '../analysis/graph-data.ts';
import { BYTE_ORDER_MARK, csvCell, csvRecord, type Cell } from './cells.ts';
import { linkLabel, nodeTypeLabel, propertyLabel } from './labels.ts';
import { LIST_SEPARATOR, flattenProps } from './props.ts';
import { writeTo } from './sink.ts';
import type { ExportFormat, ExportStream } from './types.ts';

const ENTITY_COLUMNS = ['Identity', 'Type', 'Label', 'Case', 'Agency', 'Description'] as const;

export const I2_COLUMNS: readonly string[] = [
  ...ENTITY_COLUMNS.map((column) => `Entity 1 ${column}`),
  ...ENTITY_COLUMNS.map((column) => `Entity 2 ${column}`),
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

/** One physical line per row: ANB's text import does not follow quoted line breaks. */
function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}

function text(value: string | null | undefined): Cell {
  return value == null ? '' : oneLine(value);
}

function describe(kind: string, props: Record<string, unknown>, skip: ReadonlySet<string>): string {
  const parts: string[] = [];
  for (const [key, value] of flattenProps(props)) {
    if (!skip.has(key)) parts.push(`${propertyLabel(kind, key)}: ${String(value)}`);
  }
  return parts.join(LIST_SEPARATOR);
}

// An identifier's props repeat its type and value, which Type and Label already show.
const IDENTIFIER_PROPS = new Set(['type', 'value']);
const NO_PROPS = new Set<string>();

function entityCells(node: GraphNode | undefined, id: string): Cell[] {
  if (!node) return [text(id), '', '', '', '', ''];
  const skip = node.kind === 'identifier' ? IDENTIFIER_PROPS : NO_PROPS;
  return [text(node.id), text(nodeTypeLabel(node)), text(node.label), text(node.caseRef), text(node.agency), text(describe(node.kind, node.props, skip))];
}

const EMPTY_ENTITY: Cell[] = ENTITY_COLUMNS.map(() => '');
const EMPTY_LINK: Cell[] = Array.from({ length: I2_COLUMNS.length - 2 * ENTITY_COLUMNS.length }, () => '');

const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** ISO timestamp → [date, time] in UTC; anything unparseable stays whole in the date cell. */
function dateAndTime(iso: string | null): [string, string] {
  if (iso == null) return ['', ''];
  // The projection writes UTC already (toISOString): no need to parse a million dates.
  if (UTC_ISO.test(iso)) return [iso.slice(0, 10), iso.slice(11, 19)];
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return [oneLine(iso), ''];
  const utc = at.toISOString();
  return [utc.slice(0, 10), utc.slice(11, 19)];
}

function formatWeight(weight: number): string {
  return Number.isInteger(weight) ? String(weight) : String(Number(weight.toFixed(3)));
}

function linkCells(edge: GraphEdge): Cell[] {
  const type = linkLabel(edge);
  const label = Number.isFinite(edge.weight) && edge.weight !== 1 ? `${type} (${formatWeight(edge.weight)})` : type;
  const [date, time] = dateAndTime(edge.firstSeen);
  return [
    text(edge.id),
    text(type),
    text(label),
    edge.directed ? 1 : 0,
    edge.weight,
    date,
    time,
    text(edge.firstSeen),
    text(edge.lastSeen),
    text(edge.caseRef),
    text(describe(edge.kind, edge.props, NO_PROPS)),
  ];
}

export async function writeI2(graph: GraphData, out: ExportStream): Promise<void> {
  const nodes = new Map<string, GraphNode>();
  for (const node of graph.nodes) nodes.set(node.id, node);
  const linked = new Set<string>();
  // A node appears on every row of its links: describe it once.
  const cells = new Map<string, string>();
  const entity = (id: string): string => {
    const cached = cells.get(id);
    if (cached !== undefined) return cached;
    const written = entityCells(nodes.get(id), id).map(csvCell).join(',');
    cells.set(id, written);
    return written;
  };

  await writeTo(out, async (sink) => {
    await sink.write(BYTE_ORDER_MARK + csvRecord(I2_COLUMNS));
    for (const edge of graph.edges) {
      linked.add(edge.source);
      linked.add(edge.target);
      await sink.write(`${entity(edge.source)},${entity(edge.target)},${csvRecord(linkCells(edge))}`);
    }
    for (const node of graph.nodes) {
      if (!linked.has(node.id)) await sink.write(csvRecord([...entityCells(node, node.id), ...EMPTY_ENTITY, ...EMPTY_LINK]));
    }
  });
}

export const i2Format: ExportFormat = {
  name: 'i2',
  extension: 'csv',
  mediaType: 'text/csv; charset=utf-8',
  description: "i2 Analyst's Notebook import CSV: one row per link with both entities, isolated entities as rows of their own",
  write: writeI2,
};
