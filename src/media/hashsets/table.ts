/**
 * Hash lists as CSV tables, shared by the known-good (NSRL-style) and categorised readers: headers
 * are matched by name in any of the spellings tools use ("SHA-1", "sha1", "FileSize", "file_size"),
 * a bare "hash" column is told apart by length (HashKeeper), and a file of bare hashes needs no header.
 */
import type { Readable } from 'node:stream';
// The streaming line and RFC 4180 readers of ingest, reached directly: media/ is imported by
// ingest/, so going through ingest/index.ts would make an import cycle.
import { readLines, type Line } from '../../ingest/lines.ts';
import { detectDelimiter, readCsvRows, splitLine } from '../../ingest/formats/tabular/csv.ts';
import { hashKindByLength, itemOf, makeEntry, reject, type HashSetItem, type RawEntryFields } from './entry.ts';

export type Column = keyof RawEntryFields | 'hash';

const ALIASES: Readonly<Record<string, Column>> = {
  md5: 'md5',
  md5hash: 'md5',
  sha1: 'sha1',
  sha1hash: 'sha1',
  sha256: 'sha256',
  sha256hash: 'sha256',
  pdq: 'pdq',
  pdqhash: 'pdq',
  hash: 'hash',
  hashvalue: 'hash',
  size: 'size',
  filesize: 'size',
  mediasize: 'size',
  bytes: 'size',
  category: 'category',
  series: 'series',
  victimidentified: 'victimIdentified',
  offenderidentified: 'offenderIdentified',
  isdistributed: 'isDistributed',
  distributed: 'isDistributed',
  isprecategorized: 'isPrecategorized',
  precategorized: 'isPrecategorized',
};

const HASH_COLUMNS: ReadonlySet<Column> = new Set(['md5', 'sha1', 'sha256', 'pdq', 'hash']);

export function columnOf(header: string): Column | undefined {
  return ALIASES[header.toLowerCase().replace(/[^a-z0-9]/g, '')];
}

function isSkippable(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

/**
 * Reads a hash table, keeping only the `wanted` columns (the known-good reader ignores categories).
 * Bad rows become rejects naming file and line; the good rows still load.
 */
export async function* readHashTable(stream: Readable, file: string, wanted: ReadonlySet<Column>): AsyncGenerator<HashSetItem> {
  const lines = readLines(stream)[Symbol.asyncIterator]();
  let first: Line | undefined;
  for (;;) {
    const next = await lines.next();
    if (next.done) return;
    if (!isSkippable(next.value.text)) {
      first = next.value;
      break;
    }
  }
  if (hashOfSumLine(first.text) !== undefined) {
    yield* readSums(first, lines, file);
    return;
  }
  const headerless = hashKindByLength(first.text) !== undefined;
  const delimiter = headerless ? ',' : detectDelimiter(first.text);
  const columns: (Column | undefined)[] = headerless ? ['hash'] : splitLine(first.text, delimiter).map(columnOf);
  // The first column named for a field wins; later duplicates are ignored.
  const seen = new Set<Column>();
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i];
    if (column === undefined || !wanted.has(column) || seen.has(column)) columns[i] = undefined;
    else seen.add(column);
  }
  if (!columns.some((column) => column !== undefined && HASH_COLUMNS.has(column))) {
    yield reject(file, first.number, 'no hash column in the header (expected md5, sha1, sha256, pdq or hash)', first.text);
    return;
  }
  async function* rest(): AsyncGenerator<Line> {
    if (headerless) yield first as Line;
    for (;;) {
      const next = await lines.next();
      if (next.done) return;
      yield next.value;
    }
  }
  for await (const row of readCsvRows(rest(), delimiter)) {
    if (row.problem) {
      yield reject(file, row.line, row.problem, row.raw);
      continue;
    }
    if (isSkippable(row.raw)) continue; // blank lines and '#' comments
    if (!headerless && row.fields.length !== columns.length) {
      yield reject(file, row.line, `expected ${columns.length} fields, found ${row.fields.length}`, row.raw);
      continue;
    }
    const fields: RawEntryFields = {};
    let bareHash: string | undefined;
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i];
      if (column === undefined) continue;
      const value = row.fields[i] ?? '';
      if (column === 'hash') bareHash = value;
      else fields[column] = value;
    }
    const source = { file, line: row.line };
    if (bareHash !== undefined && bareHash.trim() !== '') {
      const kind = hashKindByLength(bareHash);
      if (kind === undefined) {
        yield reject(file, row.line, `hash: expected 32, 40 or 64 hex digits (md5, sha1, sha256), found '${bareHash.slice(0, 80)}'`, row.raw);
        continue;
      }
      if (fields[kind] === undefined || String(fields[kind]).trim() === '') fields[kind] = bareHash;
    }
    yield itemOf(makeEntry(fields, source), source, row.raw);
  }
}

/**
 * The hash of a line of md5sum/sha1sum/sha256sum output ("<hex>  name", "<hex> *name") or of the
 * BSD style ("SHA256 (name) = <hex>"); the name is not kept.
 */
function hashOfSumLine(text: string): string | undefined {
  const gnu = /^([0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})(?:\s+\*?.*)?$/.exec(text.trim());
  if (gnu && /\s/.test(text.trim())) return gnu[1];
  const bsd = /^(?:MD5|SHA1|SHA256) \(.*\) = ([0-9a-fA-F]+)$/.exec(text.trim());
  return bsd ? bsd[1] : undefined;
}

async function* readSums(first: Line, lines: AsyncIterator<Line>, file: string): AsyncGenerator<HashSetItem> {
  let line: Line | undefined = first;
  while (line) {
    if (!isSkippable(line.text)) {
      const source = { file, line: line.number };
      const hash = hashOfSumLine(line.text) ?? line.text.trim().split(/\s+/)[0] ?? '';
      const kind = hashKindByLength(hash);
      if (kind === undefined) yield reject(file, line.number, 'expected a line of md5sum, sha1sum or sha256sum output', line.text);
      else yield itemOf(makeEntry({ [kind]: hash }, source), source, line.text);
    }
    const next = await lines.next();
    line = next.done ? undefined : next.value;
  }
}

/** One CSV field: quoted when it holds a delimiter, quote, line break or edge spaces. */
export function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
