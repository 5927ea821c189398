// Test helpers shared by the chat-format tests: parse text or a file, build a detection sample.
import { openSync, readSync, closeSync, createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { checkProperties, RECORD_KINDS } from '../../model/index.ts';
import type { CanonicalRecord, ParsedItem, ParseOptions, Reject, Sample, SourceFormat } from '../types.ts';

/** The shared test data folder (../shared/testdata from the project root). */
export const TESTDATA = fileURLToPath(new URL('../../../../shared/testdata/', import.meta.url));

export interface Parsed {
  items: ParsedItem[];
  records: CanonicalRecord[];
  rejects: Reject[];
}

function split(items: ParsedItem[]): Parsed {
  return {
    items,
    records: items.flatMap((item) => (item.type === 'record' ? [item.record] : [])),
    rejects: items.flatMap((item) => (item.type === 'reject' ? [item.reject] : [])),
  };
}

/** Parses in-memory bytes, optionally cut into chunks of `chunkSize` bytes. */
export async function parseBytes(format: SourceFormat, bytes: Buffer | string, path = '/case/export.txt', options: ParseOptions = {}, chunkSize = 0): Promise<Parsed> {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const open = () => {
    if (chunkSize <= 0) return Readable.from([buffer]);
    const chunks: Buffer[] = [];
    for (let at = 0; at < buffer.length; at += chunkSize) chunks.push(buffer.subarray(at, at + chunkSize));
    return Readable.from(chunks);
  };
  const items: ParsedItem[] = [];
  for await (const item of format.parse({ path, open, options })) items.push(item);
  return split(items);
}

export async function parseFile(format: SourceFormat, path: string, options: ParseOptions = {}): Promise<Parsed> {
  const items: ParsedItem[] = [];
  for await (const item of format.parse({ path, open: () => createReadStream(path), options })) items.push(item);
  return split(items);
}

export function sampleOf(path: string): Sample {
  const head = Buffer.alloc(64 * 1024);
  const fd = openSync(path, 'r');
  const length = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const bytes = head.subarray(0, length);
  return { path, name: basename(path), isDirectory: false, head: bytes, text: bytes.toString('utf8').replace(/^\uFEFF/, '') };
}

export function sampleOfText(name: string, text: string): Sample {
  const head = Buffer.from(text);
  return { path: `/case/${name}`, name, isDirectory: false, head, text: text.replace(/^\uFEFF/, '') };
}

/** A small deterministic PRNG, so fuzz failures can be replayed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

/** Random damage of the kinds real files suffer: truncation, lost or repeated lines, flipped bytes, bad UTF-8, huge lines. */
export function mutate(input: Buffer, random: () => number): Buffer {
  const pick = (n: number) => Math.floor(random() * n);
  let lines = input.toString('latin1').split('\n');
  const edits = 1 + pick(4);
  for (let e = 0; e < edits; e++) {
    const at = pick(lines.length);
    switch (pick(7)) {
      case 0:
        lines = lines.slice(0, at);
        break;
      case 1:
        lines.splice(at, 1);
        break;
      case 2:
        lines.splice(at, 0, lines[pick(lines.length)] ?? '');
        break;
      case 3: {
        const other = pick(lines.length);
        [lines[at], lines[other]] = [lines[other] ?? '', lines[at] ?? ''];
        break;
      }
      case 4: {
        const line = lines[at] ?? '';
        const position = pick(line.length + 1);
        lines[at] = line.slice(0, position) + String.fromCharCode(pick(256)) + line.slice(position + 1);
        break;
      }
      case 5:
        lines.splice(at, 0, '\xff\xfe\xc3\x28 \xa0\xa1 \xe2\x82');
        break;
      default:
        lines.splice(at, 0, 'x'.repeat(200_000 + pick(100_000)));
        break;
    }
  }
  return Buffer.from(lines.join('\n'), 'latin1');
}

export function randomBytes(random: () => number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/** What every yielded item must look like, whatever the input was (props as the model declares them). */
export function isWellFormed(item: ParsedItem): boolean {
  if (item.type === 'reject') {
    const { line, reason, raw } = item.reject;
    return Number.isInteger(line) && line >= 1 && typeof reason === 'string' && reason.length > 0 && typeof raw === 'string' && raw.length <= 2001;
  }
  const record = item.record;
  const time = record.occurredAt;
  return (
    (record.kind === 'message' || record.kind === 'room_event') &&
    checkProperties(RECORD_KINDS[record.kind].properties, record.props).length === 0 &&
    typeof record.key === 'string' &&
    record.key.length > 0 &&
    typeof record.props.platform === 'string' &&
    (time === undefined || time === null || (time instanceof Date && !Number.isNaN(time.getTime()))) &&
    (record.line === undefined || (Number.isInteger(record.line) && record.line >= 1)) &&
    (record.text === undefined || record.text === null || typeof record.text === 'string')
  );
}
