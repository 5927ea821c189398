/**
 * Cryptographic file hashes for exact matching: md5, sha1 and sha256 computed together in one
 * streaming pass, so a large seized file is read from disk once.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FileHashes {
  readonly md5: string;
  readonly sha1: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface HashOptions {
  /** Also return up to this many first bytes (for magic-byte sniffing without a second read). */
  readonly headBytes?: number;
}

export async function hashFile(path: string, options: HashOptions = {}): Promise<FileHashes & { readonly head?: Buffer }> {
  const md5 = createHash('md5');
  const sha1 = createHash('sha1');
  const sha256 = createHash('sha256');
  const wanted = options.headBytes ?? 0;
  const head: Buffer[] = [];
  let headLength = 0;
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    md5.update(chunk);
    sha1.update(chunk);
    sha256.update(chunk);
    bytes += chunk.length;
    if (headLength < wanted) {
      const part = chunk.subarray(0, wanted - headLength);
      head.push(Buffer.from(part));
      headLength += part.length;
    }
  }
  const hashes = { md5: md5.digest('hex'), sha1: sha1.digest('hex'), sha256: sha256.digest('hex'), bytes };
  return wanted > 0 ? { ...hashes, head: Buffer.concat(head) } : hashes;
}

/** One hash of a file (for a signal type that needs only its own). */
export async function hashFileWith(path: string, algorithm: 'md5' | 'sha1' | 'sha256'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}
