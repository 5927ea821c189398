/**
 * A CSV or JSON Lines source seen as rows of canonical fields: reads the header, resolves the
 * mapping (given, or recognised from the header names) and checks it against the file once.
 */
import type { Properties } from '../../../model/index.ts';
import { readLines, type Line } from '../../lines.ts';
import type { ParseInput, Reject } from '../../types.ts';
import { detectDelimiter, readCsvRows } from './csv.ts';
import { compileDateFormat, datePartOf, ISO_FORMAT, type DateFormat } from './dates.ts';
import { kindScores, recogniseHeaders, type MappingKind } from './fields.ts';
import { validateMapping, type TabularMapping } from './mapping.ts';

export interface TableRow {
  readonly line: number;
  readonly offset: number;
  readonly raw: string;
  /** The trimmed value of a canonical field; undefined when unmapped or empty. */
  get(field: string): string | undefined;
  /** Unmapped columns with a value, under their column names. */
  extras(): Properties;
}

export type TableItem = { readonly row: TableRow; readonly reject?: undefined } | { readonly reject: Reject; readonly row?: undefined };

export interface Table {
  readonly kind: MappingKind;
  /** canonical field → column, as resolved for this file. */
  readonly fields: Readonly<Record<string, string>>;
  readonly mapping: TabularMapping;
  /** Formats to try for date columns, then for date-time columns, in order. */
  readonly dateFormats: readonly DateFormat[];
  readonly timeFormats: readonly DateFormat[];
  rows(): AsyncIterable<TableItem>;
}

/** Reads the first line, then hands back an iterable that yields it again followed by the rest. */
async function peekFirstLine(input: ParseInput): Promise<{ first: Line | undefined; lines: AsyncIterable<Line> }> {
  const iterator = readLines(input.open())[Symbol.asyncIterator]();
  let result = await iterator.next();
  while (!result.done && result.value.text.trim() === '') result = await iterator.next();
  const first = result.done ? undefined : result.value;
  async function* all(): AsyncGenerator<Line> {
    if (first) yield first;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { first, lines: all() };
}

/** The mapping for this file: the one given (checked against the header), or recognised from the header. */
function resolveMapping(input: ParseInput, kind: MappingKind, columns: readonly string[], strict: boolean): { mapping: TabularMapping; fields: Record<string, string> } {
  const given = input.options.mapping;
  if (given) {
    const mapping = validateMapping(given, `${input.path}: mapping`);
    if (mapping.kind !== kind) throw new Error(`${input.path}: the mapping is for ${mapping.kind}, but the file is being read as ${kind}`);
    const fields: Record<string, string> = {};
    for (const [field, column] of Object.entries(mapping.fields)) {
      const found = columns.find((name) => name === column) ?? columns.find((name) => name.trim().toLowerCase() === column.trim().toLowerCase());
      if (found === undefined && strict) {
        throw new Error(`${input.path}: column '${column}' (mapped to ${field}) is not in the header (columns: ${columns.join(', ')})`);
      }
      fields[field] = found ?? column;
    }
    return { mapping, fields };
  }
  if (kindScores(columns)[kind] === 0) {
    throw new Error(`${input.path}: no mapping given and the header does not look like ${kind} (columns: ${columns.slice(0, 30).join(', ')}); write a mapping file`);
  }
  const fields = recogniseHeaders(kind, columns);
  return { mapping: { kind, fields }, fields };
}

function dateFormatsOf(input: ParseInput, mapping: TabularMapping): { dateFormats: DateFormat[]; timeFormats: DateFormat[] } {
  const compile = (pattern: string | undefined): DateFormat | undefined => {
    if (pattern === undefined) return undefined;
    try {
      return compileDateFormat(pattern);
    } catch (error) {
      throw new Error(`${input.path}: ${(error as Error).message}`, { cause: error });
    }
  };
  const date = compile(mapping.dateFormat);
  const time = compile(mapping.timeFormat);
  const unique = (formats: (DateFormat | undefined)[]): DateFormat[] => [...new Set(formats.filter((format): format is DateFormat => format !== undefined))];
  // ISO 8601 is always accepted as well: it cannot be confused with any other layout.
  return {
    dateFormats: unique([date, date && datePartOf(date), time && datePartOf(time), ISO_FORMAT]),
    timeFormats: unique([time, date, ISO_FORMAT]),
  };
}

/** Column names made unique, so unmapped props never overwrite each other. */
function uniqueColumns(columns: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return columns.map((column) => {
    const name = column.trim();
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name}_${count}`;
  });
}

export async function openCsvTable(input: ParseInput, kind: MappingKind): Promise<Table> {
  const { first, lines } = await peekFirstLine(input);
  if (!first) throw new Error(`${input.path}: the file is empty (expected a header line)`);
  const delimiter = detectDelimiter(first.text);
  const rows = readCsvRows(lines, delimiter);
  const header = await rows.next();
  if (header.done || header.value.problem) throw new Error(`${input.path}:${first.number}: cannot read the header line`);
  const columns = uniqueColumns(header.value.fields);
  const { mapping, fields } = resolveMapping(input, kind, columns, true);
  const indexOf: Record<string, number> = {};
  for (const [field, column] of Object.entries(fields)) indexOf[field] = columns.indexOf(column);
  const mappedIndexes = new Set(Object.values(indexOf));
  const unmapped = columns.map((column, index) => ({ column, index })).filter(({ index }) => !mappedIndexes.has(index));

  async function* items(): AsyncGenerator<TableItem> {
    for await (const csvRow of rows) {
      if (csvRow.problem) {
        yield { reject: { line: csvRow.line, reason: csvRow.problem, raw: csvRow.raw } };
        continue;
      }
      const values = csvRow.fields;
      if (values.length !== columns.length) {
        if (values.length === 1 && (values[0] ?? '').trim() === '') continue;
        yield { reject: { line: csvRow.line, reason: `expected ${columns.length} columns, found ${values.length}`, raw: csvRow.raw } };
        continue;
      }
      yield {
        row: {
          line: csvRow.line,
          offset: csvRow.offset,
          raw: csvRow.raw,
          get(field) {
            const index = indexOf[field];
            if (index === undefined) return undefined;
            const value = values[index]?.trim();
            return value ? value : undefined;
          },
          extras() {
            const props: Properties = {};
            for (const { column, index } of unmapped) {
              const value = values[index]?.trim();
              if (value) props[column] = value;
            }
            return props;
          },
        },
      };
    }
  }
  return { kind, fields, mapping, ...dateFormatsOf(input, mapping), rows: items };
}

/** A JSON value as a cell: strings trimmed, numbers and booleans as text, objects as JSON. */
function cellText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value.trim() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text === '' ? undefined : text;
}

/** `a.b.c` reaches into nested objects when no key has that exact name. */
function lookup(object: Record<string, unknown>, column: string): unknown {
  if (Object.hasOwn(object, column)) return object[column];
  if (!column.includes('.')) return undefined;
  let current: unknown = object;
  for (const part of column.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

type JsonLine = { readonly object: Record<string, unknown>; readonly problem?: undefined } | { readonly problem: string; readonly object?: undefined };

function parseJsonLine(text: string): JsonLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `not valid JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'expected a JSON object' };
  return { object: value as Record<string, unknown> };
}

export async function openJsonlTable(input: ParseInput, kind: MappingKind): Promise<Table> {
  const { first, lines } = await peekFirstLine(input);
  if (!first) throw new Error(`${input.path}: the file is empty`);
  const parsedFirst = parseJsonLine(first.text);
  if (!parsedFirst.object) throw new Error(`${input.path}:${first.number}: the first line is not a JSON object (${parsedFirst.problem})`);
  const { mapping, fields } = resolveMapping(input, kind, Object.keys(parsedFirst.object), false);
  const mappedColumns = new Set(Object.values(fields));

  async function* items(): AsyncGenerator<TableItem> {
    for await (const line of lines) {
      if (line.text.trim() === '') continue;
      const parsed = line === first ? parsedFirst : parseJsonLine(line.text);
      if (!parsed.object) {
        yield { reject: { line: line.number, reason: parsed.problem, raw: line.text } };
        continue;
      }
      const object = parsed.object;
      yield {
        row: {
          line: line.number,
          offset: line.offset,
          raw: line.text,
          get(field) {
            const column = fields[field];
            return column === undefined ? undefined : cellText(lookup(object, column));
          },
          extras() {
            const props: Properties = {};
            for (const [key, value] of Object.entries(object)) {
              if (!mappedColumns.has(key) && value !== null && value !== '') props[key] = value;
            }
            return props;
          },
        },
      };
    }
  }
  return { kind, fields, mapping, ...dateFormatsOf(input, mapping), rows: items };
}
