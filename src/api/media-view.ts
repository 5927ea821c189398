/**
 * Showing a media file to a reviewer who asked to see it: found where its folder was ingested
 * from, checked against the SHA-256 on record, and rendered greyscale and strongly blurred — or,
 * on a separate and separately audited request, as it is. Always re-encoded (no metadata, no
 * original bytes) and never cached. Belongs with media/ (a `renderForReview` there); it is here
 * until that folder's owner takes it.
 */
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isAbsolute, join, resolve, sep } from 'node:path';
import sharp from 'sharp';
import { hashFileWith } from '../media/index.ts';
import { ApiProblem, notFound } from './problem.ts';

/** Longest side of what is sent: a blurred preview needs few pixels; a revealed image, enough to work with. */
const BLURRED_SIDE = 480;
const REVEALED_SIDE = 1600;

/** The file of a media entity on this machine, or a problem saying why it cannot be shown. */
export async function locateMediaFile(origin: string | null, relativePath: string | null, expectedSha256: string | null): Promise<string> {
  if (!origin || !relativePath) throw notFound('this media file has no folder on record to show it from');
  const colon = origin.indexOf(':');
  const host = origin.slice(0, colon);
  const folder = origin.slice(colon + 1);
  if (colon < 0 || !isAbsolute(folder)) throw notFound('this media file has no folder on record to show it from');
  if (host !== hostname()) throw new ApiProblem(409, `the file was ingested on ${host}; this server (${hostname()}) cannot show it`);
  const root = resolve(folder);
  const path = resolve(join(root, relativePath));
  if (!path.startsWith(root + sep)) throw notFound('this media file has no folder on record to show it from');
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile()) throw new ApiProblem(409, `the file is no longer at ${path}`);
  if (expectedSha256 && (await hashFileWith(path, 'sha256')) !== expectedSha256) {
    throw new ApiProblem(409, 'the file on disk no longer matches the SHA-256 recorded when it was ingested: it is not shown');
  }
  return path;
}

/** PNG of the image: greyscale and blurred unless revealed. */
export async function renderForReview(path: string, reveal: boolean): Promise<Buffer> {
  try {
    const side = reveal ? REVEALED_SIDE : BLURRED_SIDE;
    const image = sharp(path, { failOn: 'error' }).rotate().resize(side, side, { fit: 'inside', withoutEnlargement: true });
    if (reveal) return await image.png().toBuffer();
    const { info } = await image.clone().toBuffer({ resolveWithObject: true });
    // Strong enough that faces and text are unreadable at any size: about 1/20 of the longer side.
    const sigma = Math.max(8, Math.max(info.width, info.height) / 20);
    return await image.greyscale().blur(sigma).png().toBuffer();
  } catch (error) {
    throw new ApiProblem(415, `not an image Crosslink can show (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); video is never played`);
  }
}
