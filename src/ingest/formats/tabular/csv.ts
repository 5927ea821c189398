/**
 * Streaming RFC 4180 CSV reader over readLines: exact 1-based start lines (also for quoted
 * fields spanning lines, CRLF or LF), lenient quotes, and recovery from an unterminated quote.
 */
import type { Line } from '../../lines.ts';

export interface CsvRow {
  readonly fields: string[];
  /** Line where the record starts. */
  readonly line: number;
  readonly offset: number;
  /** The record's text as written (lines joined by '\n'). */
  readonly raw: string;
  /** Set when the record could not be read (the fields are then empty). */
  readonly problem?: string;
}

/** A quoted field longer than this is taken to be an unterminated quote, so one stray quote cannot swallow a file. */
const MAX_RECORD_LINES = 1000;
const MAX_RECORD_CHARS = 1 << 20;

export const DELIMITERS = [',', ';', '\t', '|'] as const;
const QUOTE = 34;

/** The delimiter that occurs most often outside quotes in the header line (',' on a tie or none). */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<number, number>(DELIMITERS.map((d) => [d.charCodeAt(0), 0]));
  let quoted = false;
  for (let i = 0; i < headerLine.length; i++) {
    const code = headerLine.charCodeAt(i);
    if (code === QUOTE) quoted = !quoted;
    else if (!quoted) {
      const count = counts.get(code);
      if (count !== undefined) counts.set(code, count + 1);
    }
  }
  let best = ',';
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    const count = counts.get(delimiter.charCodeAt(0)) ?? 0;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

// Scanner states (plain numbers: no enum needed at run time).
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted field: either the first of an escaped pair or the closing quote. */
const QUOTE_IN_QUOTED = 3;

/** Splits a record's text into fields, one physical line at a time, keeping state across lines. */
class FieldScanner {
  fields: string[] = [];
  private field = '';
  private state = FIELD_START;

  constructor(private readonly delimiter: number) {}

  /** Feeds one line; true when the record ends with it. */
  feed(text: string): boolean {
    if (this.state === QUOTED) this.field += '\n';
    let segment = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      switch (this.state) {
        case FIELD_START:
          if (code === QUOTE) {
            this.state = QUOTED;
            segment = i + 1;
          } else if (code === this.delimiter) {
            this.fields.push('');
          } else {
            this.state = UNQUOTED;
            segment = i;
          }
          break;
        case UNQUOTED:
          if (code === this.delimiter) {
            this.fields.push(this.field + text.slice(segment, i));
            this.field = '';
            this.state = FIELD_START;
          }
          break;
        case QUOTED:
          if (code === QUOTE) {
            this.field += text.slice(segment, i);
            this.state = QUOTE_IN_QUOTED;
          }
          break;
        case QUOTE_IN_QUOTED:
          if (code === QUOTE) {
            this.field += '"';
            this.state = QUOTED;
            segment = i + 1;
          } else if (code === this.delimiter) {
            this.fields.push(this.field);
            this.field = '';
            this.state = FIELD_START;
          } else {
            // `"abc"x`: close the quoted part and keep reading, as spreadsheet programs do.
            this.state = UNQUOTED;
            segment = i;
          }
          break;
      }
    }
    switch (this.state) {
      case QUOTED:
        this.field += text.slice(segment);
        return false;
      case UNQUOTED:
        this.fields.push(this.field + text.slice(segment));
        break;
      default:
        this.fields.push(this.field);
    }
    this.field = '';
    this.state = FIELD_START;
    return true;
  }
}

/** Fields of a single line (a header), quotes handled; an unterminated quote keeps the rest as one field. */
export function splitLine(text: string, delimiter: string): string[] {
  const scanner = new FieldScanner(delimiter.charCodeAt(0));
  if (!scanner.feed(text)) scanner.feed('"');
  return scanner.fields;
}

/**
 * Yields one row per CSV record. A quoted field left open for more than MAX_RECORD_LINES lines
 * (or to the end of the file) makes its first line a problem row; reading resumes on the next line.
 */
export async function* readCsvRows(lines: AsyncIterable<Line>, delimiter: string): AsyncGenerator<CsvRow> {
  const iterator = lines[Symbol.asyncIterator]();
  // Lines to read again after an unterminated quote, last first.
  const replay: Line[] = [];
  const next = async (): Promise<Line | undefined> => {
    const again = replay.pop();
    if (again) return again;
    const result = await iterator.next();
    return result.done ? undefined : result.value;
  };
  const code = delimiter.charCodeAt(0);

  for (;;) {
    const first = await next();
    if (!first) return;
    if (first.text.indexOf('"') === -1) {
      yield { fields: first.text.split(delimiter), line: first.number, offset: first.offset, raw: first.text };
      continue;
    }
    const scanner = new FieldScanner(code);
    if (scanner.feed(first.text)) {
      yield { fields: scanner.fields, line: first.number, offset: first.offset, raw: first.text };
      continue;
    }
    const taken: Line[] = [first];
    let chars = first.text.length;
    let complete = false;
    while (taken.length < MAX_RECORD_LINES && chars < MAX_RECORD_CHARS) {
      const line = await next();
      if (!line) break;
      taken.push(line);
      chars += line.text.length + 1;
      if (scanner.feed(line.text)) {
        complete = true;
        break;
      }
    }
    if (complete) {
      yield { fields: scanner.fields, line: first.number, offset: first.offset, raw: taken.map((line) => line.text).join('\n') };
      continue;
    }
    for (let i = taken.length - 1; i >= 1; i--) replay.push(taken[i] as Line);
    yield { fields: [], line: first.number, offset: first.offset, raw: first.text, problem: 'unterminated quoted field' };
  }
}
