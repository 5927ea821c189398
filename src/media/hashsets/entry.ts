/**
 * The one record every hash-set format reads into and writes from: hashes (lowercase hex, length
 * checked), the categorisation investigators exchange, and where the line came from. Numbers and
 * hashes only: file names, paths and other content in a source file are never kept.
 */

export interface HashSetEntry {
  readonly md5?: string;
  readonly sha1?: string;
  readonly sha256?: string;
  /** PDQ perceptual hash, 64 lowercase hex digits. */
  readonly pdq?: string;
  /** File size in bytes. */
  readonly size?: number;
  /** A category number (schemes differ by country: US, UK, Canada) or a scheme's own label. */
  readonly category?: number | string;
  readonly series?: string;
  readonly victimIdentified?: boolean;
  readonly offenderIdentified?: boolean;
  readonly isDistributed?: boolean;
  readonly isPrecategorized?: boolean;
  readonly source: HashSetSource;
}

export interface HashSetSource {
  readonly file: string;
  /** 1-based line where the record starts. */
  readonly line: number;
}

export interface HashSetReject {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  /** The offending text for the rejects report (hashes and numbers only for VICS), cut to 2,000 characters. */
  readonly raw: string;
}

export type HashSetItem = { readonly type: 'entry'; readonly entry: HashSetEntry } | { readonly type: 'reject'; readonly reject: HashSetReject };

/** What a writer did: entries written, and those the format cannot carry (e.g. no MD5 or SHA-1 for NSRL). */
export interface WriteReport {
  readonly written: number;
  readonly skipped: number;
}

export const HASH_LENGTHS = { md5: 32, sha1: 40, sha256: 64, pdq: 64 } as const;
export type HashKind = keyof typeof HASH_LENGTHS;
export const HASH_KINDS = Object.keys(HASH_LENGTHS) as HashKind[];

/** The fields of an entry, as loosely typed values straight from a file. */
export interface RawEntryFields {
  md5?: unknown;
  sha1?: unknown;
  sha256?: unknown;
  pdq?: unknown;
  size?: unknown;
  category?: unknown;
  series?: unknown;
  victimIdentified?: unknown;
  offenderIdentified?: unknown;
  isDistributed?: unknown;
  isPrecategorized?: unknown;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Validates and normalises one record: hashes to lowercase hex of the right length, numeric
 * categories to numbers, flags to booleans. Returns the entry, or the reason it is rejected.
 */
export function makeEntry(fields: RawEntryFields, source: HashSetSource): HashSetEntry | string {
  const entry: Mutable<Omit<HashSetEntry, 'source'>> = {};
  let hashes = 0;
  for (const kind of HASH_KINDS) {
    const value = fields[kind];
    if (isBlank(value)) continue;
    const hash = normaliseHash(value, kind);
    if (hash === undefined) return `${kind}: expected ${HASH_LENGTHS[kind]} hex digits, found ${describe(value)}`;
    entry[kind] = hash;
    hashes++;
  }
  if (hashes === 0) return 'no hash (md5, sha1, sha256 or pdq)';
  if (!isBlank(fields.size)) {
    const size = typeof fields.size === 'number' ? fields.size : typeof fields.size === 'string' && /^\s*\d+\s*$/.test(fields.size) ? Number(fields.size) : Number.NaN;
    if (!Number.isSafeInteger(size) || size < 0) return `size: expected a whole number of bytes, found ${describe(fields.size)}`;
    entry.size = size;
  }
  if (!isBlank(fields.category)) {
    const category = normaliseCategory(fields.category);
    if (category === undefined) return `category: expected a number or a label, found ${describe(fields.category)}`;
    entry.category = category;
  }
  if (!isBlank(fields.series)) {
    if (typeof fields.series !== 'string' && typeof fields.series !== 'number') return `series: expected text, found ${describe(fields.series)}`;
    const series = String(fields.series).trim();
    if (series !== '') entry.series = series;
  }
  for (const flag of ['victimIdentified', 'offenderIdentified', 'isDistributed', 'isPrecategorized'] as const) {
    const value = fields[flag];
    if (isBlank(value)) continue;
    const parsed = parseFlag(value);
    if (parsed === undefined) return `${flag}: expected true or false, found ${describe(value)}`;
    entry[flag] = parsed;
  }
  return { ...entry, source };
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export function normaliseHash(value: unknown, kind: HashKind): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hash = value.trim().toLowerCase();
  return hash.length === HASH_LENGTHS[kind] && /^[0-9a-f]+$/.test(hash) ? hash : undefined;
}

/** The hash kind a bare hex string of this length is (md5, sha1, sha256); PDQ shares sha256's length. */
export function hashKindByLength(value: string): 'md5' | 'sha1' | 'sha256' | undefined {
  const hash = value.trim();
  if (!/^[0-9a-fA-F]+$/.test(hash)) return undefined;
  return hash.length === 32 ? 'md5' : hash.length === 40 ? 'sha1' : hash.length === 64 ? 'sha256' : undefined;
}

/** A category as a whole number when written as one ("3", not "03"), else a trimmed label. */
function normaliseCategory(value: unknown): number | string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^(0|-?[1-9]\d{0,14})$/.test(text)) return Number(text);
  return text.length <= 200 ? text : undefined;
}

export function parseFlag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === '1' || text === 'yes' || text === 'y') return true;
  if (text === 'false' || text === '0' || text === 'no' || text === 'n') return false;
  return undefined;
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

export function cutRaw(text: string): string {
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

export function reject(file: string, line: number, reason: string, raw: string): HashSetItem {
  return { type: 'reject', reject: { file, line, reason, raw: cutRaw(raw) } };
}

/** An entry result as an item: the entry, or a reject with the reason. */
export function itemOf(result: HashSetEntry | string, source: HashSetSource, raw: string): HashSetItem {
  return typeof result === 'string' ? reject(source.file, source.line, result, raw) : { type: 'entry', entry: result };
}

/** Writes text to a stream, waiting when its buffer is full, so a large export never piles up in memory. */
export async function writeChunk(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (out.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error): void => {
      out.removeListener('drain', onDrain);
      out.removeListener('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = (): void => done();
    const onError = (error: Error): void => done(error);
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}
