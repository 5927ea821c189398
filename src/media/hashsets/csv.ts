/**
 * The agency's own categorised hash set as plain CSV, for export and import between Crosslink
 * nodes and other tools: md5, sha1, sha256, pdq, size, category, series and the Project VIC flags.
 * Columns are found by name, so a spreadsheet with only some of them (or other spellings) loads too.
 */
import type { Readable } from 'node:stream';
import { writeChunk, type HashSetEntry, type HashSetItem, type WriteReport } from './entry.ts';
import { csvField, readHashTable, type Column } from './table.ts';

const ALL_COLUMNS: ReadonlySet<Column> = new Set<Column>([
  'md5',
  'sha1',
  'sha256',
  'pdq',
  'hash',
  'size',
  'category',
  'series',
  'victimIdentified',
  'offenderIdentified',
  'isDistributed',
  'isPrecategorized',
]);

export const HASH_CSV_HEADER = 'md5,sha1,sha256,pdq,size,category,series,victim_identified,offender_identified,is_distributed,is_precategorized';

export function readHashCsv(stream: Readable, file: string): AsyncGenerator<HashSetItem> {
  return readHashTable(stream, file, ALL_COLUMNS);
}

export async function writeHashCsv(entries: Iterable<HashSetEntry> | AsyncIterable<HashSetEntry>, out: NodeJS.WritableStream): Promise<WriteReport> {
  await writeChunk(out, `${HASH_CSV_HEADER}\n`);
  let written = 0;
  for await (const e of entries) {
    const fields = [e.md5, e.sha1, e.sha256, e.pdq, e.size, e.category, e.series, e.victimIdentified, e.offenderIdentified, e.isDistributed, e.isPrecategorized];
    await writeChunk(out, `${fields.map(csvField).join(',')}\n`);
    written++;
  }
  return { written, skipped: 0 };
}
