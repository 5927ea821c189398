/**
 * Known-good hash lists in the NSRL style: files whose hashes are on them are left out of review
 * and matching. Reads the RDS legacy NSRLFile.txt ("SHA-1","MD5","CRC32","FileName","FileSize",…),
 * plain CSVs with md5/sha1/sha256 columns, HashKeeper tables and files of bare hashes; only the
 * hashes and the size are kept. Writes the RDS legacy layout or a plain sha256,sha1,md5,size table.
 */
import type { Readable } from 'node:stream';
import { writeChunk, type HashSetEntry, type HashSetItem, type WriteReport } from './entry.ts';
import { csvField, readHashTable, type Column } from './table.ts';

const KNOWN_GOOD_COLUMNS: ReadonlySet<Column> = new Set(['md5', 'sha1', 'sha256', 'hash', 'size']);

export const NSRL_RDS_HEADER = '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"';

export function readKnownGood(stream: Readable, file: string): AsyncGenerator<HashSetItem> {
  return readHashTable(stream, file, KNOWN_GOOD_COLUMNS);
}

export interface KnownGoodWriteOptions {
  /**
   * 'rds' (default): the NSRL RDS 2.x NSRLFile.txt layout, which carries SHA-1, MD5 and size only;
   * entries with neither are skipped. 'plain': sha256,sha1,md5,size, which also carries SHA-256.
   */
  readonly layout?: 'rds' | 'plain';
}

export async function writeKnownGood(
  entries: Iterable<HashSetEntry> | AsyncIterable<HashSetEntry>,
  out: NodeJS.WritableStream,
  options: KnownGoodWriteOptions = {},
): Promise<WriteReport> {
  const rds = (options.layout ?? 'rds') === 'rds';
  await writeChunk(out, `${rds ? NSRL_RDS_HEADER : 'sha256,sha1,md5,size'}\r\n`);
  let written = 0;
  let skipped = 0;
  for await (const entry of entries) {
    if (rds) {
      if (!entry.sha1 && !entry.md5) {
        skipped++;
        continue;
      }
      // RDS writes hashes in upper case, text quoted, numbers bare; name and product codes are not kept.
      const quoted = (hash: string | undefined): string => `"${(hash ?? '').toUpperCase()}"`;
      await writeChunk(out, `${quoted(entry.sha1)},${quoted(entry.md5)},"","",${entry.size ?? ''},0,"",""\r\n`);
    } else {
      if (!entry.sha256 && !entry.sha1 && !entry.md5) {
        skipped++;
        continue;
      }
      await writeChunk(out, `${csvField(entry.sha256)},${csvField(entry.sha1)},${csvField(entry.md5)},${csvField(entry.size)}\r\n`);
    }
    written++;
  }
  return { written, skipped };
}
