/**
 * PDQ from image files: decode with sharp to the pixels the reference hashes (8-bit sRGB as stored,
 * embedded ICC profiles ignored, alpha dropped rather than composited, EXIF orientation not applied),
 * then hash at full resolution. On the reference set this gives byte-identical pixels to the C++
 * tool's ImageMagick decode for every image except CMYK JPEGs, whose conversion is decoder-specific.
 */
import sharp from 'sharp';
import { pdqDihedralFromPixels, pdqFromPixels, type PdqDihedralResult, type PdqResult } from './hash.ts';

export interface DecodedPixels {
  readonly pixels: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

export type PdqFileResult = PdqResult & { readonly width: number; readonly height: number };

/** The pixels PDQ hashes. Rejects when the input is not an image sharp can decode. */
export async function decodeForPdq(input: string | Buffer): Promise<DecodedPixels> {
  // ignoreIcc: with the default ICC transform, tagged images change by up to 31 levels and no longer
  // match the reference. No .rotate(): the reference ignores EXIF orientation.
  const { data, info } = await sharp(input, { ignoreIcc: true }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  // sRGB output is 8-bit (16-bit inputs are scaled down); wider samples would be misread as bytes.
  if (data.length !== info.width * info.height * info.channels) throw new Error(`pdq: decoder gave ${data.length} bytes for ${info.width}×${info.height}×${info.channels}, expected 8-bit samples`);
  return { pixels: data, width: info.width, height: info.height, channels: info.channels };
}

export async function pdqFromFile(input: string | Buffer): Promise<PdqFileResult> {
  const { pixels, width, height, channels } = await decodeForPdq(input);
  return { ...pdqFromPixels(pixels, width, height, channels), width, height };
}

export async function pdqDihedralFromFile(input: string | Buffer): Promise<PdqDihedralResult & { readonly width: number; readonly height: number }> {
  const { pixels, width, height, channels } = await decodeForPdq(input);
  return { ...pdqDihedralFromPixels(pixels, width, height, channels), width, height };
}

export type PdqBatchItem = { readonly file: string } & ({ readonly ok: true; readonly result: PdqFileResult } | { readonly ok: false; readonly error: Error });

/**
 * Hashes many files in order. Decoding runs on sharp's worker threads while this thread hashes, so
 * up to `lookahead` files are decoded ahead of the one being hashed: on two cores that overlaps the
 * two halves of the work. A file that fails to decode yields `ok: false` and the batch goes on.
 */
export async function* pdqFromFiles(files: Iterable<string>, options: { lookahead?: number } = {}): AsyncGenerator<PdqBatchItem> {
  const lookahead = Math.max(1, options.lookahead ?? 2);
  const iterator = files[Symbol.iterator]();
  const pending: { file: string; decoded: Promise<DecodedPixels | Error> }[] = [];
  const refill = (): void => {
    while (pending.length < lookahead) {
      const next = iterator.next();
      if (next.done) return;
      const file = next.value;
      pending.push({ file, decoded: decodeForPdq(file).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))) });
    }
  };
  refill();
  while (pending.length > 0) {
    const { file, decoded } = pending.shift()!;
    const pixels = await decoded;
    refill(); // start the next decode before this thread is busy hashing
    if (pixels instanceof Error) {
      yield { file, ok: false, error: pixels };
      continue;
    }
    const result = { ...pdqFromPixels(pixels.pixels, pixels.width, pixels.height, pixels.channels), width: pixels.width, height: pixels.height };
    yield { file, ok: true, result };
  }
}
