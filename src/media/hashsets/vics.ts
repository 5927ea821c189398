/**
 * Project VIC VICS JSON, the OData-style exchange of Project VIC and Griffeye: hash sets and case
 * exports. Streams files of any size and keeps numbers and hashes only (MD5, SHA1, SHA256 and PDQ
 * from AlternativeHashes, size, category, series, flags), never names, paths, tags or EXIF.
 *
 * Layouts read (the root is {"odata.metadata" | "@odata.context": …, "value": [ … ]}):
 * - hash set, VICS 1.x (".../1.3.xml#Media") and 2.0 (".../2.0.xml/<scheme>/$metadata#Media"):
 *   value[] holds Media items;
 * - case export, 1.x ("#Cases") and 2.0 ("$metadata#Cases"): value[] holds cases whose Media[]
 *   holds the items;
 * - a bare array of Media items.
 * Booleans may be JSON booleans or the strings "true"/"false"; files may start with a UTF-8 BOM.
 */
import { Readable } from 'node:stream';
// The streaming JSON walker of ingest, reached directly: media/ is imported by ingest/, so going
// through ingest/index.ts would make an import cycle.
import { MAX_CAPTURE_BYTES, walkJson, type JsonPath, type PathAction } from '../../ingest/formats/json-stream.ts';
import { makeEntry, reject, writeChunk, type HashSetEntry, type HashSetItem, type RawEntryFields, type WriteReport } from './entry.ts';

/** Keys under which a case holds its media items. */
const MEDIA_LISTS = new Set(['Media', 'MediaItems']);
/** Keys of a value[] element that make it a case rather than a media item. */
const CASE_KEYS = new Set(['CaseID', 'CaseNumber', 'CaseMetadata', 'Media', 'MediaItems']);
const CONTEXT_KEYS = new Set(['@odata.context', 'odata.metadata']);
/** What a rejects report may show of an item: its identifiers and hashes, never names or paths. */
const REPORTABLE = ['MediaID', 'MD5', 'SHA1', 'SHA256', 'PDQ', 'MediaSize', 'Category', 'Series', 'VictimIdentified', 'OffenderIdentified', 'IsDistributed', 'IsPrecategorized'];

export const VICS_CONTEXT = 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media';

function decide(path: JsonPath): PathAction {
  switch (path.length) {
    case 0:
      return 'descend';
    case 1:
      if (typeof path[0] === 'number') return 'capture'; // a bare array of media items
      if (path[0] === 'value') return 'descend';
      return CONTEXT_KEYS.has(path[0] as string) ? 'capture' : 'skip';
    case 2:
      return path[0] === 'value' ? 'descend' : 'skip';
    case 3:
      return MEDIA_LISTS.has(path[2] as string) ? 'descend' : 'capture';
    case 4:
      return 'capture';
    default:
      return 'skip';
  }
}

/** A value[] element being read field by field: a media item, or a case whose items stream past. */
interface Pending {
  readonly index: number;
  readonly line: number;
  readonly fields: Record<string, unknown>;
  isCase: boolean;
  /** value[i] turned out to be an array, not an object. */
  isArray: boolean;
}

export async function* readVics(stream: Readable, file: string): AsyncGenerator<HashSetItem> {
  let pending: Pending | undefined;
  let sawValue = false;
  let broken = false;
  const finish = function* (): Generator<HashSetItem> {
    if (!pending) return;
    const done = pending;
    pending = undefined;
    if (done.isArray) yield reject(file, done.line, 'an element of value[] must be a JSON object', '');
    else if (!done.isCase && !Object.keys(done.fields).some((key) => CASE_KEYS.has(key))) yield mediaItem(done.fields, file, done.line);
  };
  for await (const event of walkJson(Readable.from(withWholeBom(stream)), decide)) {
    if (event.kind === 'error' || event.kind === 'oversized') {
      if (event.kind === 'error') {
        // The document stops here: an item cut short by the break is covered by this reject.
        pending = undefined;
        broken = true;
      }
      const reason = event.kind === 'oversized' ? `an item larger than ${MAX_CAPTURE_BYTES / (1024 * 1024)} MiB` : event.reason;
      yield reject(file, event.line, reason, event.raw);
      continue;
    }
    const { path } = event;
    if (event.kind === 'enter') {
      if (path.length === 1 && path[0] === 'value') sawValue = true;
      if (path.length === 2 && path[0] === 'value') {
        yield* finish();
        pending = { index: path[1] as number, line: event.line, fields: {}, isCase: false, isArray: false };
      } else if (path.length === 3 && pending && path[1] === pending.index) pending.isCase = true;
      continue;
    }
    if (path.length === 1 && typeof path[0] === 'number') {
      sawValue = true;
      yield mediaItem(event.value, file, event.line);
    } else if (path.length === 3 && pending && path[1] === pending.index) {
      if (typeof path[2] === 'number') pending.isArray = true;
      else pending.fields[path[2] as string] = event.value;
    } else if (path.length === 4) {
      yield mediaItem(event.value, file, event.line);
    }
  }
  yield* finish();
  if (!broken && !sawValue) yield reject(file, 1, "not a VICS file: no 'value' array of media or cases", '');
}

/**
 * The stream with its first chunk at least 3 bytes long: the JSON walker looks for a UTF-8 BOM
 * only in the first chunk, and a stream may cut the BOM itself in two.
 */
async function* withWholeBom(stream: Readable): AsyncGenerator<Buffer> {
  let head = Buffer.alloc(0);
  let started = false;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (started) {
      yield bytes;
      continue;
    }
    head = Buffer.concat([head, bytes]);
    if (head.length >= 3) {
      started = true;
      yield head;
    }
  }
  if (!started && head.length > 0) yield head;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function reportable(item: Record<string, unknown>): string {
  const kept: Record<string, unknown> = {};
  for (const key of REPORTABLE) if (key in item) kept[key] = item[key];
  return JSON.stringify(kept);
}

function mediaItem(item: unknown, file: string, line: number): HashSetItem {
  if (!isObject(item)) return reject(file, line, 'a media item must be a JSON object', typeof item === 'string' ? item.slice(0, 200) : String(JSON.stringify(item)).slice(0, 200));
  const fields: RawEntryFields = {
    md5: item.MD5,
    sha1: item.SHA1,
    sha256: item.SHA256,
    pdq: item.PDQ,
    size: item.MediaSize,
    category: item.Category,
    series: item.Series,
    victimIdentified: item.VictimIdentified,
    offenderIdentified: item.OffenderIdentified,
    isDistributed: item.IsDistributed,
    isPrecategorized: item.IsPrecategorized,
  };
  const alternatives = item.AlternativeHashes;
  if (alternatives !== undefined && alternatives !== null) {
    if (!Array.isArray(alternatives)) return reject(file, line, 'AlternativeHashes must be an array', reportable(item));
    for (const alternative of alternatives) {
      if (!isObject(alternative)) continue;
      const name = String(alternative.HashName ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
      // PhotoDNA is a licensed hash Crosslink cannot compute: it is not kept.
      const kind = name === 'md5' ? 'md5' : name === 'sha1' ? 'sha1' : name === 'sha256' ? 'sha256' : name === 'pdq' ? 'pdq' : undefined;
      if (kind && (fields[kind] === undefined || fields[kind] === null || fields[kind] === '')) fields[kind] = alternative.HashValue;
    }
  }
  const source = { file, line };
  const entry = makeEntry(fields, source);
  return typeof entry === 'string' ? reject(file, line, entry, reportable(item)) : { type: 'entry', entry };
}

export interface VicsWriteOptions {
  /** The @odata.context to declare; the 2.0 Default scheme unless the categories follow another. */
  readonly context?: string;
}

/**
 * Writes a VICS 2.0 hash set: one media item per line (MediaID numbered from 1, MD5/SHA1 in upper
 * case as Project VIC writes them, SHA256 and PDQ as AlternativeHashes).
 */
export async function writeVics(
  entries: Iterable<HashSetEntry> | AsyncIterable<HashSetEntry>,
  out: NodeJS.WritableStream,
  options: VicsWriteOptions = {},
): Promise<WriteReport> {
  await writeChunk(out, `{\n  "@odata.context": ${JSON.stringify(options.context ?? VICS_CONTEXT)},\n  "value": [`);
  let written = 0;
  for await (const entry of entries) {
    written++;
    const item: Record<string, unknown> = { MediaID: written };
    if (entry.category !== undefined) item.Category = entry.category;
    if (entry.md5) item.MD5 = entry.md5.toUpperCase();
    if (entry.sha1) item.SHA1 = entry.sha1.toUpperCase();
    if (entry.size !== undefined) item.MediaSize = entry.size;
    if (entry.series !== undefined) item.Series = entry.series;
    if (entry.victimIdentified !== undefined) item.VictimIdentified = entry.victimIdentified;
    if (entry.offenderIdentified !== undefined) item.OffenderIdentified = entry.offenderIdentified;
    if (entry.isDistributed !== undefined) item.IsDistributed = entry.isDistributed;
    if (entry.isPrecategorized !== undefined) item.IsPrecategorized = entry.isPrecategorized;
    const alternatives: Record<string, string>[] = [];
    if (entry.sha256) alternatives.push({ HashName: 'SHA256', HashValue: entry.sha256.toUpperCase() });
    if (entry.pdq) alternatives.push({ HashName: 'PDQ', HashValue: entry.pdq });
    if (alternatives.length > 0) item.AlternativeHashes = alternatives;
    await writeChunk(out, `${written === 1 ? '' : ','}\n    ${JSON.stringify(item)}`);
  }
  await writeChunk(out, `${written === 0 ? '' : '\n  '}]\n}\n`);
  return { written, skipped: 0 };
}
