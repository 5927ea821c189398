/**
 * Test helpers for the IRC parsers: parse a file or an in-memory log into arrays, and check
 * that every item is a well-formed record or reject.
 */
import { createReadStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { checkProperties, RECORD_KINDS } from '../../../model/index.ts';
import type { CanonicalRecord, ParsedItem, ParseOptions, Reject, Sample, SourceFormat } from '../../types.ts';
import { IRC_FORMATS } from './index.ts';

export const IRC_SAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/testdata/chat/irc');

export function format(name: string): SourceFormat {
  const found = IRC_FORMATS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no format ${name}`);
  return found;
}

export interface Parsed {
  readonly items: ParsedItem[];
  readonly records: CanonicalRecord[];
  readonly rejects: Reject[];
}

async function collect(iterable: AsyncIterable<ParsedItem>): Promise<Parsed> {
  const items: ParsedItem[] = [];
  for await (const item of iterable) items.push(item);
  return {
    items,
    records: items.flatMap((item) => (item.type === 'record' ? [item.record] : [])),
    rejects: items.flatMap((item) => (item.type === 'reject' ? [item.reject] : [])),
  };
}

export function parseFile(name: string, path: string, options: ParseOptions = {}): Promise<Parsed> {
  return collect(format(name).parse({ path, open: () => createReadStream(path), options }));
}

/** Parses bytes as if they were the file at `path` (the path still decides network and room). */
export function parseBytes(name: string, path: string, bytes: Buffer | string, options: ParseOptions = {}): Promise<Parsed> {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  // Small chunks, so lines cross chunk boundaries as they do in big files.
  const chunks = (): Buffer[] => {
    const out: Buffer[] = [];
    for (let at = 0; at < buffer.length; at += 97) out.push(buffer.subarray(at, at + 97));
    return out;
  };
  return collect(format(name).parse({ path, open: () => Readable.from(chunks()), options }));
}

export function sampleOf(path: string, text: string): Sample {
  const head = Buffer.from(text).subarray(0, 65_536);
  return { path, name: path.split('/').pop() ?? path, isDirectory: false, head, text: head.toString('utf8').replace(/^\uFEFF/, '') };
}

/** Problems with an item's shape (empty when well formed). */
export function malformations(item: ParsedItem): string[] {
  if (item.type === 'reject') {
    const { line, reason, raw } = item.reject;
    const problems: string[] = [];
    if (!Number.isInteger(line) || line < 1) problems.push(`reject line ${line}`);
    if (typeof reason !== 'string' || reason === '') problems.push('reject without reason');
    if (typeof raw !== 'string' || raw.length > 2001) problems.push('reject raw too long');
    return problems;
  }
  const record = item.record;
  const problems = checkProperties(RECORD_KINDS[record.kind].properties, record.props);
  if (record.kind !== 'message' && record.kind !== 'room_event') problems.push(`kind ${record.kind}`);
  if (record.key !== `line:${record.line}`) problems.push(`key ${record.key}`);
  if (!Number.isInteger(record.byteOffset) || (record.byteOffset ?? -1) < 0) problems.push('byteOffset');
  if (record.occurredAt !== null && (!(record.occurredAt instanceof Date) || Number.isNaN(record.occurredAt.getTime()))) problems.push('occurredAt');
  if (record.sender && (record.sender.platform !== 'irc' || record.sender.handle === '')) problems.push('sender');
  if (!record.room || record.room.platform !== 'irc' || record.room.name === '') problems.push('room');
  return problems;
}
