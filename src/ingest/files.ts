/**
 * File-system side of ingestion: samples for detection, content fingerprints for chain of
 * custody, and walking a folder into the sources it holds.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { Sample } from './types.ts';

const SAMPLE_BYTES = 64 * 1024;

export async function readSample(path: string): Promise<Sample> {
  const info = await stat(path);
  if (info.isDirectory()) return { path, name: basename(path), isDirectory: true, head: Buffer.alloc(0), text: '' };
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(SAMPLE_BYTES, info.size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead);
    let text = head.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { path, name: basename(path), isDirectory: false, head, text };
  } finally {
    await handle.close();
  }
}

export interface Fingerprint {
  sha256: string;
  bytes: number;
}

/** SHA-256 and size of a file's bytes: the source's identity for custody and re-runs. */
export async function fingerprintFile(path: string): Promise<Fingerprint> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Regular files under `dir`, sorted, as paths; symbolic links are not followed. */
export async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string) => {
    const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await walk(dir);
  return files;
}

/**
 * A folder's fingerprint: SHA-256 over its files' relative paths and content hashes, in order,
 * so the same folder contents give the same source whatever the file times.
 */
export async function fingerprintFolder(dir: string, onFile?: (done: number, total: number) => void): Promise<Fingerprint> {
  const files = await listFiles(dir);
  const hash = createHash('sha256');
  let bytes = 0;
  let done = 0;
  for (const file of files) {
    const print = await fingerprintFile(file);
    hash.update(`${relative(dir, file).split('\\').join('/')}\t${print.sha256}\n`);
    bytes += print.bytes;
    onFile?.(++done, files.length);
  }
  return { sha256: hash.digest('hex'), bytes };
}

const MEDIA_EXTENSIONS = /\.(jpe?g|png|gif|webp|heic|heif|bmp|tiff?|mp4|mov|avi|mkv|webm|3gp)$/i;

/** Looks like an image or video by magic bytes or extension. */
export function isMediaSample(sample: Sample): boolean {
  const h = sample.head;
  if (h.length >= 3 && h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff) return true; // JPEG
  if (h.length >= 8 && h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return true; // PNG
  if (h.length >= 6 && (h.subarray(0, 6).toString('latin1') === 'GIF87a' || h.subarray(0, 6).toString('latin1') === 'GIF89a')) return true;
  if (h.length >= 12 && h.subarray(0, 4).toString('latin1') === 'RIFF' && h.subarray(8, 12).toString('latin1') === 'WEBP') return true;
  if (h.length >= 12 && h.subarray(4, 8).toString('latin1') === 'ftyp') return true; // MP4, MOV, HEIC
  return MEDIA_EXTENSIONS.test(sample.name);
}
