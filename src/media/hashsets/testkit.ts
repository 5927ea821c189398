// Helpers for the hash-set tests: a seeded PRNG, random valid entries, streams cut into random
// chunks, and collecting a reader's output. Test-only; not exported from the module.
import { PassThrough, Readable } from 'node:stream';
import { HASH_LENGTHS, makeEntry, type HashSetEntry, type HashSetItem, type HashSetReject, type RawEntryFields, type WriteReport } from './entry.ts';

export const TESTDATA = new URL('../../../../shared/testdata/hashsets/', import.meta.url).pathname;

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += '0123456789abcdef'[Math.floor(random() * 16)];
  return out;
}

const SERIES_PARTS = ['Blue', 'Lake', 'Sunset', 'Harbour', 'Nord, Süd', 'quote "x"', 'line\nbreak', '007', '12'];

/** A random valid entry with the given fields possibly set (each present with probability ~0.6). */
export function randomEntry(random: () => number, fields: readonly (keyof RawEntryFields)[], file = 'generated'): HashSetEntry {
  for (;;) {
    const raw: RawEntryFields = {};
    const maybe = (): boolean => random() < 0.6;
    for (const field of fields) {
      if (!maybe()) continue;
      if (field === 'md5' || field === 'sha1' || field === 'sha256' || field === 'pdq') raw[field] = hex(random, HASH_LENGTHS[field]);
      else if (field === 'size') raw.size = Math.floor(random() * 2 ** 40);
      else if (field === 'category') raw.category = random() < 0.8 ? Math.floor(random() * 10) : ['CAM', 'Cat A', 'UK-2', '007'][Math.floor(random() * 4)];
      else if (field === 'series') raw.series = SERIES_PARTS[Math.floor(random() * SERIES_PARTS.length)];
      else raw[field] = random() < 0.5;
    }
    const entry = makeEntry(raw, { file, line: 0 });
    if (typeof entry !== 'string') return entry;
  }
}

/** The entry without its source, for comparing what was written with what was read back. */
export function content(entry: HashSetEntry): Omit<HashSetEntry, 'source'> {
  const { source: _source, ...rest } = entry;
  return rest;
}

/** A readable stream of the bytes, cut into chunks of random sizes (to cross every boundary). */
export function chunked(bytes: Buffer, random: () => number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; ) {
    const size = 1 + Math.floor(random() * (random() < 0.2 ? 7 : 4096));
    chunks.push(bytes.subarray(i, i + size));
    i += size;
  }
  return Readable.from(chunks, { objectMode: false });
}

export async function collect(items: AsyncIterable<HashSetItem>): Promise<{ entries: HashSetEntry[]; rejects: HashSetReject[] }> {
  const entries: HashSetEntry[] = [];
  const rejects: HashSetReject[] = [];
  for await (const item of items) {
    if (item.type === 'entry') entries.push(item.entry);
    else rejects.push(item.reject);
  }
  return { entries, rejects };
}

/** Runs a writer into memory and returns what it wrote. */
export async function written(write: (out: NodeJS.WritableStream) => Promise<WriteReport>): Promise<{ text: string; report: WriteReport }> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (chunk: Buffer) => parts.push(chunk));
  const report = await write(out);
  out.end();
  return { text: Buffer.concat(parts).toString('utf8'), report };
}

/** Applies random byte-level damage: flips, deletions, duplicated spans, inserted structural characters. */
export function mutate(bytes: Buffer, random: () => number): Buffer {
  let data = Buffer.from(bytes);
  const edits = 1 + Math.floor(random() * 6);
  for (let e = 0; e < edits && data.length > 0; e++) {
    const at = Math.floor(random() * data.length);
    const kind = Math.floor(random() * 5);
    if (kind === 0) data[at] = Math.floor(random() * 256);
    else if (kind === 1) data = Buffer.concat([data.subarray(0, at), data.subarray(Math.min(data.length, at + 1 + Math.floor(random() * 40)))]);
    else if (kind === 2) data = Buffer.concat([data.subarray(0, at), data.subarray(at, at + 80), data.subarray(at)]);
    else if (kind === 3) data = Buffer.concat([data.subarray(0, at), Buffer.from(['"', ',', '{', '}', '[', ']', '\n', '\\', '\r\n', ':'][Math.floor(random() * 10)] as string), data.subarray(at)]);
    else data = data.subarray(0, at);
  }
  return data;
}

/** Checks what every reader promises: valid entries, rejects with a place and a reason. */
export function checkItems(result: { entries: HashSetEntry[]; rejects: HashSetReject[] }, file: string, maxLine: number): void {
  for (const entry of result.entries) {
    for (const kind of ['md5', 'sha1', 'sha256', 'pdq'] as const) {
      const value = entry[kind];
      if (value !== undefined && !(value.length === HASH_LENGTHS[kind] && /^[0-9a-f]+$/.test(value))) throw new Error(`bad ${kind} ${value}`);
    }
    if (!(entry.md5 || entry.sha1 || entry.sha256 || entry.pdq)) throw new Error('entry without a hash');
    if (entry.source.file !== file || !(entry.source.line >= 1 && entry.source.line <= maxLine)) throw new Error(`bad source ${JSON.stringify(entry.source)}`);
  }
  for (const reject of result.rejects) {
    if (reject.file !== file || !(reject.line >= 1 && reject.line <= maxLine)) throw new Error(`bad reject place ${JSON.stringify(reject)}`);
    if (reject.reason.trim() === '') throw new Error('reject without a reason');
  }
}
