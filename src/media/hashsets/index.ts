/**
 * @module media/hashsets — reading and writing hash sets: Project VIC VICS JSON, known-good lists
 * (NSRL RDS, HashKeeper, md5sum-style, plain CSV) and the agency's categorised CSV. Every reader
 * streams, yields an entry or a reject (file:line and reason) per record, and never throws on content.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { HashSetEntry, HashSetItem, WriteReport } from './entry.ts';
import { readHashCsv, writeHashCsv } from './csv.ts';
import { readKnownGood, writeKnownGood, type KnownGoodWriteOptions } from './nsrl.ts';
import { readVics, writeVics, type VicsWriteOptions } from './vics.ts';

export type { HashSetEntry, HashSetItem, HashSetReject, HashSetSource, WriteReport } from './entry.ts';
export { makeEntry, HASH_LENGTHS } from './entry.ts';
export { readVics, writeVics, VICS_CONTEXT, type VicsWriteOptions } from './vics.ts';
export { readKnownGood, writeKnownGood, NSRL_RDS_HEADER, type KnownGoodWriteOptions } from './nsrl.ts';
export { readHashCsv, writeHashCsv, HASH_CSV_HEADER } from './csv.ts';

/** vics: VICS JSON; known-good: NSRL-style list; csv: categorised CSV. */
export type HashSetFormat = 'vics' | 'known-good' | 'csv';

/**
 * The format a file's first bytes suggest: JSON → vics; the NSRL RDS header, a HashKeeper header or
 * bare hashes → known-good; another CSV header naming hash columns → csv. Undefined if none fits.
 */
export function detectHashSetFormat(head: string): HashSetFormat | undefined {
  const text = head.replace(/^\ufeff/, '').trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return 'vics';
  const firstLine = (text.split(/\r?\n/)[0] ?? '').toLowerCase();
  if (/^[0-9a-f]{32,64}(\s|,|$)/.test(firstLine) || /^(md5|sha1|sha256) \(/.test(firstLine)) return 'known-good';
  if (firstLine.includes('"sha-1"') && firstLine.includes('crc32')) return 'known-good';
  if (firstLine.includes('file_id') && firstLine.includes('hashset_id')) return 'known-good';
  if (/(^|[,;\t|"])\s*(md5|sha-?1|sha-?256|pdq|hash)\s*"?([,;\t|]|$)/.test(firstLine)) return 'csv';
  return undefined;
}

/** Streams the entries and rejects of a hash-set file. */
export function readHashSetFile(path: string, format: HashSetFormat, label: string = path): AsyncGenerator<HashSetItem> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  if (format === 'vics') return readVics(stream, label);
  if (format === 'known-good') return readKnownGood(stream, label);
  return readHashCsv(stream, label);
}

export type HashSetWriteOptions = VicsWriteOptions & KnownGoodWriteOptions;

/** Writes entries to a new file in the given format (overwriting it). */
export async function writeHashSetFile(
  path: string,
  format: HashSetFormat,
  entries: Iterable<HashSetEntry> | AsyncIterable<HashSetEntry>,
  options: HashSetWriteOptions = {},
): Promise<WriteReport> {
  const out = createWriteStream(path);
  try {
    const report =
      format === 'vics' ? await writeVics(entries, out, options) : format === 'known-good' ? await writeKnownGood(entries, out, options) : await writeHashCsv(entries, out);
    out.end();
    await finished(out);
    return report;
  } catch (error) {
    out.destroy();
    throw error;
  }
}
