/**
 * A folder of media files as a source: walked recursively in a stable (sorted) order, each file
 * read once for md5, sha1 and sha256 together, one 'media' record per file keyed by relative path.
 * Images also get their PDQ perceptual hash and EXIF (camera, serial number, capture time, GPS);
 * an image that cannot be decoded still loads with its file hashes, and the reason is kept.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { hashFile, inspectExif, pdqFromFile, type ExifSummary } from '../../media/index.ts';
import type { IdentifierType } from '../../model/index.ts';
import type { ParsedItem, ParseInput, Sample, SourceFormat } from '../types.ts';

const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.heic': 'image/heic',
  '.heif': 'image/heif',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.avi': 'video/x-msvideo',
  '.mkv': 'video/x-matroska',
  '.webm': 'video/webm',
  '.txt': 'text/plain',
  '.json': 'application/json',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
};

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis']);
const HEIF_BRANDS = new Set(['mif1', 'msf1']);

/** MIME type from the first bytes (jpeg, png, gif, webp, heic, mp4), else from the extension. */
export function mimeTypeOf(head: Buffer, name: string): string {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  const ascii = head.subarray(0, 16).toString('latin1');
  if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return 'image/gif';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'image/webp';
  if (ascii.slice(4, 8) === 'ftyp') {
    const brand = ascii.slice(8, 12);
    if (HEIC_BRANDS.has(brand)) return 'image/heic';
    if (HEIF_BRANDS.has(brand)) return 'image/heif';
    if (brand === 'qt  ') return 'video/quicktime';
    return 'video/mp4';
  }
  return EXTENSION_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

type Entry = { readonly path: string; readonly relativePath: string } | { readonly problem: string; readonly relativePath: string };

const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Files under `root`, sorted; symlinks are followed only to files inside the tree (no loops, no escapes). */
async function* walk(root: string, realRoot: string, directory: string): AsyncGenerator<Entry> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    yield { problem: `cannot read folder (${(error as NodeJS.ErrnoException).code ?? 'error'})`, relativePath: relative(root, directory) };
    return;
  }
  entries.sort(byName);
  for (const entry of entries) {
    const path = join(directory, entry.name);
    const relativePath = relative(root, path).split(sep).join('/');
    if (entry.isDirectory()) yield* walk(root, realRoot, path);
    else if (entry.isFile()) yield { path, relativePath };
    else if (entry.isSymbolicLink()) {
      try {
        const target = await realpath(path);
        if (!target.startsWith(realRoot + sep)) continue;
        if ((await stat(target)).isFile()) yield { path, relativePath };
      } catch {
        // A dangling link points at nothing to hash.
      }
    }
  }
}

async function* parseMediaFolder(input: ParseInput): AsyncGenerator<ParsedItem> {
  let realRoot: string;
  try {
    realRoot = await realpath(input.path);
    if (!(await stat(realRoot)).isDirectory()) throw new Error('not a folder');
  } catch (error) {
    throw new Error(`${input.path}: cannot read the media folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  for await (const entry of walk(input.path, realRoot, input.path)) {
    if ('problem' in entry) {
      yield { type: 'reject', reject: { line: 0, reason: entry.problem, raw: entry.relativePath } };
      continue;
    }
    let hashes: Awaited<ReturnType<typeof hashFile>>;
    try {
      hashes = await hashFile(entry.path, { headBytes: 32 });
    } catch (error) {
      yield { type: 'reject', reject: { line: 0, reason: `cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, raw: entry.relativePath } };
      continue;
    }
    const fileName = entry.relativePath.slice(entry.relativePath.lastIndexOf('/') + 1);
    const role = 'content';
    const mimeType = mimeTypeOf(hashes.head ?? Buffer.alloc(0), fileName);
    const props: Record<string, unknown> = { file_name: fileName, bytes: hashes.bytes, relative_path: entry.relativePath, mime_type: mimeType, md5: hashes.md5, sha1: hashes.sha1, sha256: hashes.sha256 };
    const identifiers: { type: IdentifierType; raw: string; role: string }[] = [
      { type: 'md5' as const, raw: hashes.md5, role },
      { type: 'sha1' as const, raw: hashes.sha1, role },
      { type: 'sha256' as const, raw: hashes.sha256, role },
    ];
    let occurredAt: Date | null = null;
    if (PERCEPTUAL_TYPES.has(mimeType)) {
      const signals = await imageSignals(entry.path);
      Object.assign(props, signals.props);
      identifiers.push(...signals.identifiers);
      occurredAt = signals.occurredAt;
    }
    yield { type: 'record', record: { kind: 'media', key: entry.relativePath, occurredAt, text: null, props, identifiers } };
  }
}

/** Image types sharp decodes for PDQ; video and documents get file hashes only. */
const PERCEPTUAL_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/tiff', 'image/heif', 'image/heic', 'image/bmp']);

interface ImageSignals {
  props: Record<string, unknown>;
  identifiers: { type: 'pdq' | 'camera_serial'; raw: string; role: string }[];
  occurredAt: Date | null;
}

/** PDQ and EXIF of one image; what cannot be read is noted, never fatal. */
async function imageSignals(path: string): Promise<ImageSignals> {
  const props: Record<string, unknown> = {};
  const identifiers: ImageSignals['identifiers'] = [];
  let occurredAt: Date | null = null;
  try {
    const pdq = await pdqFromFile(path);
    props['width'] = pdq.width;
    props['height'] = pdq.height;
    props['pdq'] = pdq.hash;
    props['pdq_quality'] = pdq.quality;
    identifiers.push({ type: 'pdq', raw: pdq.hash, role: 'content' });
  } catch (error) {
    props['pdq_problem'] = `cannot decode the image: ${(error as Error).message.split('\n')[0]}`;
  }
  const inspected = await inspectExif(path);
  const exif: ExifSummary | null = inspected.exif;
  if (exif) {
    const set = (name: string, value: string | number | undefined) => {
      if (value !== undefined && value !== '') props[name] = value;
    };
    set('camera_make', exif.make);
    set('camera_model', exif.model);
    set('camera_serial', exif.serialNumber);
    set('lens', exif.lensModel);
    set('captured_at', exif.captureTime ?? exif.dateTimeOriginal);
    set('software', exif.software);
    if (exif.gps) {
      props['gps_latitude'] = exif.gps.latitude;
      props['gps_longitude'] = exif.gps.longitude;
    }
    if (exif.serialNumber) identifiers.push({ type: 'camera_serial', raw: `${exif.make ?? ''}:${exif.serialNumber}`, role: 'camera' });
    // A capture time is an instant only when the camera wrote its offset; otherwise it stays text.
    if (exif.captureTime && /[+-]\d{2}:\d{2}$|Z$/.test(exif.captureTime)) {
      const time = new Date(exif.captureTime);
      if (!Number.isNaN(time.getTime())) occurredAt = time;
    }
  }
  return { props, identifiers, occurredAt };
}

export const mediaFolderFormat: SourceFormat = {
  name: 'media-folder',
  label: 'Folder of media files',
  detect: (sample: Sample) => (sample.isDirectory ? 0.9 : 0),
  parse: parseMediaFolder,
};
