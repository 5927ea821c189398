import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeForPdq, pdqDihedralFromFile, pdqFromFile, pdqFromFiles, type PdqFileResult } from './decode.ts';
import { hammingDistance, hexToWords, PDQ_MATCH_THRESHOLD } from './hamming.ts';
import { approximateDihedralWords, lumaFromPixels, PDQ_DIHEDRAL_NAMES, pdqDihedralFromPixels, pdqFromPixels, pdqIntermediatesFromPixels } from './hash.ts';
import { PDQ_TESTDATA, readFloatDump, readTsv, seededRandom } from './testdata.test-helper.ts';
import { pdqFromFilesOnThreads } from './worker-pool.ts';

const expected = readTsv('expected.tsv');
// Rows whose pixels depend on the decoder (CMYK): the README marks them informational. The
// decoder comparison lists which images sharp decodes byte-identically to the reference.
const decoderIdentical = new Set(readTsv('sharp-vs-reference-decoder.tsv').filter((row) => row['identical'] === 'true').map((row) => `images/${row['file']}`));
const exact = expected.filter((row) => decoderIdentical.has(row['file']!));
const informational = expected.filter((row) => !decoderIdentical.has(row['file']!));

const ours = new Map<string, PdqFileResult>();
beforeAll(async () => {
  for await (const item of pdqFromFiles(expected.map((row) => PDQ_TESTDATA + row['file']))) {
    if (!item.ok) throw item.error;
    ours.set(item.file.slice(PDQ_TESTDATA.length), item.result);
  }
});

/**
 * The reference's downsampling written the plain way (full-size buffers, one strided 1-D box filter
 * per row and per column, then decimation), as an oracle for the optimised code on shapes the
 * reference data does not cover. Float32 is emulated with Math.fround and Float32Array stores.
 */
function plainDownsample(rgb: Uint8Array, width: number, height: number): Float32Array {
  const f = Math.fround;
  const a = new Float32Array(width * height);
  const b = new Float32Array(width * height);
  for (let p = 0; p < width * height; p++) a[p] = f(f(f(0.299) * rgb[p * 3]!) + f(f(0.587) * rgb[p * 3 + 1]!)) + f(f(0.114) * rgb[p * 3 + 2]!);
  const box = (input: Float32Array, output: Float32Array, start: number, length: number, stride: number, window: number) => {
    const half = Math.floor((window + 2) / 2);
    let sum = 0;
    let size = 0;
    let [li, ri, oi] = [start, start, start];
    for (let i = 0; i < half - 1; i++, ri += stride, size++) sum = f(sum + input[ri]!);
    for (let i = 0; i < window - half + 1; i++, ri += stride, oi += stride) {
      sum = f(sum + input[ri]!);
      output[oi] = sum / ++size;
    }
    for (let i = 0; i < length - window; i++, li += stride, ri += stride, oi += stride) {
      sum = f(f(sum + input[ri]!) - input[li]!);
      output[oi] = sum / size;
    }
    for (let i = 0; i < half - 1; i++, li += stride, oi += stride) {
      sum = f(sum - input[li]!);
      output[oi] = sum / --size;
    }
  };
  const rowWindow = Math.floor((width + 127) / 128);
  const colWindow = Math.floor((height + 127) / 128);
  for (let pass = 0; pass < 2; pass++) {
    for (let y = 0; y < height; y++) box(a, b, y * width, width, 1, rowWindow);
    for (let x = 0; x < width; x++) box(b, a, x, height, width, colWindow);
  }
  const out = new Float32Array(64 * 64);
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 64; j++) out[i * 64 + j] = a[Math.floor(((i + 0.5) * height) / 64) * width + Math.floor(((j + 0.5) * width) / 64)]!;
  }
  return out;
}

describe('PDQ hash (flavour B: full resolution) against the C++ reference', () => {
  it('covers the reference set, leaving out only decoder-dependent rows', () => {
    expect(exact.length).toBeGreaterThanOrEqual(25);
    expect(informational.map((row) => row['file'])).toEqual(['images/edge-cmyk.jpg']);
  });

  it.each(exact.map((row) => [row['file']!, row] as const))('%s: hash and quality are bit-exact', (file, row) => {
    const result = ours.get(file)!;
    expect({ hash: result.hash, quality: result.quality, width: result.width, height: result.height }).toEqual({
      hash: row['pdq_hex_B'],
      quality: Number(row['quality_B']),
      width: Number(row['width']),
      height: Number(row['height']),
    });
  });

  it('decodes the same pixels as the reference (decoded_rgb_sha256, grey replicated to RGB)', async () => {
    for (const row of exact) {
      const { pixels, width, height, channels } = await decodeForPdq(PDQ_TESTDATA + row['file']);
      let rgb = pixels;
      if (channels === 1) {
        rgb = Buffer.alloc(width * height * 3);
        for (let p = 0; p < width * height; p++) rgb.fill(pixels[p]!, p * 3, p * 3 + 3);
      }
      expect(createHash('sha256').update(rgb).digest('hex'), row['file']).toBe(row['decoded_rgb_sha256']);
    }
  });

  it('a CMYK JPEG (decoder-dependent) still matches the reference hash within the threshold', () => {
    for (const row of informational) expect(hammingDistance(ours.get(row['file']!)!.hash, row['pdq_hex_B']!)).toBeLessThanOrEqual(PDQ_MATCH_THRESHOLD);
  });

  it('reproduces the reference float intermediates exactly (64×64 luma and 16×16 DCT)', async () => {
    for (const [file, dump] of [
      ['bridge-1-original.jpg', 'bridge-1-original.jpg.B'],
      ['q0122.jpg', 'q0122.jpg.A'], // 256×256: flavours A and B are the same computation
    ] as const) {
      const { pixels, width, height, channels } = await decodeForPdq(`${PDQ_TESTDATA}images/${file}`);
      const inter = pdqIntermediatesFromPixels(pixels, width, height, channels)!;
      expect(Array.from(inter.luma64), `${file} luma64`).toEqual(Array.from(readFloatDump(`intermediates/${dump}.luma64.tsv`)));
      expect(Array.from(inter.dct16), `${file} dct16`).toEqual(Array.from(readFloatDump(`intermediates/${dump}.dct16.tsv`)));
    }
  });

  it('reproduces the 8 dihedral hashes and quality (dihedral.tsv, flavour B)', async () => {
    const rows = readTsv('dihedral.tsv').filter((row) => row['flavour'] === 'B');
    expect(rows.length).toBe(5);
    for (const row of rows) {
      const result = await pdqDihedralFromFile(PDQ_TESTDATA + row['file']);
      expect(result.quality, row['file']).toBe(Number(row['quality']));
      for (const name of PDQ_DIHEDRAL_NAMES) expect(result.hashes[name], `${row['file']} ${name}`).toBe(row[name]);
    }
  });

  it('gives the reference distances for transformed copies (pairs.tsv, flavour B)', async () => {
    const rows = readTsv('pairs.tsv').filter((row) => decoderIdentical.has(row['file_a']!) && decoderIdentical.has(row['file_b']!));
    expect(rows.length).toBeGreaterThanOrEqual(18);
    for (const row of rows) {
      const b = ours.get(row['file_b']!)!.hash;
      let distance: number;
      if (row['transform']!.startsWith('min over 8 dihedral')) {
        const variants = (await pdqDihedralFromFile(PDQ_TESTDATA + row['file_a'])).hashes;
        distance = Math.min(...PDQ_DIHEDRAL_NAMES.map((name) => hammingDistance(variants[name], b)));
      } else {
        distance = hammingDistance(ours.get(row['file_a']!)!.hash, b);
      }
      expect(distance, `${row['file_a']} vs ${row['file_b']}`).toBe(Number(row['dist_B']));
      expect(distance <= PDQ_MATCH_THRESHOLD ? '1' : '0').toBe(row['match_B_le31']);
    }
  });
});

describe('PDQ details', () => {
  it('hashes an image with a side under 5 px as all zeros, quality 0', () => {
    for (const [w, h] of [[4, 100], [100, 4], [0, 0], [1, 1]] as const) {
      expect(pdqFromPixels(new Uint8Array(w * h * 3).fill(90), w, h, 3)).toEqual({ hash: '0'.repeat(64), quality: 0 });
      expect(Object.values(pdqDihedralFromPixels(new Uint8Array(w * h * 3), w, h, 3).hashes)).toEqual(Array(8).fill('0'.repeat(64)));
    }
  });

  it('takes luma = value for an all-grey image, as the reference does for one-channel input', () => {
    const grey = Uint8Array.from({ length: 256 }, (_, v) => v);
    const rgb = new Uint8Array(256 * 3);
    grey.forEach((v, p) => rgb.fill(v, p * 3, p * 3 + 3));
    const out = new Float32Array(256);
    lumaFromPixels(rgb, 16, 16, 3, out);
    expect(Array.from(out)).toEqual(Array.from(grey));
    // One coloured pixel switches every pixel to the RGB formula, which is not the identity in float32.
    rgb[0] = 1;
    lumaFromPixels(rgb, 16, 16, 3, out);
    expect(Array.from(out).filter((value, p) => p > 0 && value !== p).length).toBeGreaterThan(0);
  });

  it('ignores an alpha channel (dropped, not composited)', () => {
    const random = seededRandom(7);
    const rgb = Uint8Array.from({ length: 40 * 30 * 3 }, () => Math.floor(random() * 256));
    const rgba = new Uint8Array(40 * 30 * 4);
    for (let p = 0; p < 40 * 30; p++) rgba.set([rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!, Math.floor(random() * 256)], p * 4);
    expect(pdqFromPixels(rgba, 40, 30, 4)).toEqual(pdqFromPixels(rgb, 40, 30, 3));
  });

  it('hashes a rotated photo to (nearly) the rotate variant of the original', async () => {
    // A large photo: on small, detailed ones (q0122, 256 px) the decimation grid shifts enough under
    // rotation that even the best variant is far.
    const { pixels, width, height } = await decodeForPdq(`${PDQ_TESTDATA}images/bridge-1-original.jpg`);
    // Rotate 90° clockwise in memory: PDQ's rot270 (see the README's naming note).
    const rotated = new Uint8Array(pixels.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) rotated.set(pixels.subarray((y * width + x) * 3, (y * width + x) * 3 + 3), (x * height + (height - 1 - y)) * 3);
    }
    const variants = pdqDihedralFromPixels(pixels, width, height, 3).hashes;
    expect(hammingDistance(pdqFromPixels(rotated, height, width, 3).hash, variants.rot270)).toBeLessThanOrEqual(16);
  });

  it('approximates dihedral variants from a hash alone closely enough to match', () => {
    for (const row of readTsv('dihedral.tsv').filter((r) => r['flavour'] === 'B')) {
      const approx = approximateDihedralWords(hexToWords(row['orig']!));
      expect(hammingDistance(approx.flipplus1, row['flipplus1']!)).toBe(0); // a transpose is exact
      for (const name of PDQ_DIHEDRAL_NAMES) expect(hammingDistance(approx[name], row[name]!), `${row['file']} ${name}`).toBeLessThanOrEqual(PDQ_MATCH_THRESHOLD);
    }
  });

  it('downsamples any shape exactly as a plain transcription of the reference structure (seeded)', () => {
    const random = seededRandom(64);
    const shapes: [number, number][] = [[5, 5], [7, 300], [300, 7], [63, 65], [65, 63], [129, 130], [257, 255], [1000, 9], [11, 700], [513, 300]];
    for (let round = 0; round < 8; round++) shapes.push([5 + Math.floor(random() * 400), 5 + Math.floor(random() * 400)]);
    for (const [width, height] of shapes) {
      const pixels = Uint8Array.from({ length: width * height * 3 }, () => Math.floor(random() * 256));
      expect(Array.from(pdqIntermediatesFromPixels(pixels, width, height, 3)!.luma64), `${width}×${height}`).toEqual(Array.from(plainDownsample(pixels, width, height)));
    }
  });

  it('never throws or misbehaves on random sizes, channels and pixels (seeded)', () => {
    const random = seededRandom(20261130);
    for (let round = 0; round < 150; round++) {
      const width = 1 + Math.floor(random() * (round % 10 === 0 ? 700 : 90));
      const height = 1 + Math.floor(random() * (round % 7 === 0 ? 300 : 90));
      const channels = 1 + Math.floor(random() * 4);
      const pixels = Uint8Array.from({ length: width * height * channels }, () => (random() < 0.3 ? 128 : Math.floor(random() * 256)));
      const result = pdqFromPixels(pixels, width, height, channels);
      expect(result.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(Number.isInteger(result.quality) && result.quality >= 0 && result.quality <= 100).toBe(true);
      expect(pdqFromPixels(pixels, width, height, channels)).toEqual(result);
      expect(pdqDihedralFromPixels(pixels, width, height, channels).hashes.orig).toBe(result.hash);
    }
    expect(() => pdqFromPixels(new Uint8Array(10), 10, 10, 3)).toThrow(RangeError);
    expect(() => pdqFromPixels(new Uint8Array(500), 10, 10, 5)).toThrow(RangeError);
  });

  it('reports files it cannot decode and goes on with the batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crosslink-pdq-'));
    writeFileSync(join(dir, 'notes.txt'), 'not an image\n');
    const files = [`${PDQ_TESTDATA}images/wee.jpg`, join(dir, 'notes.txt'), `${PDQ_TESTDATA}images/q0122.jpg`];
    const items = [];
    for await (const item of pdqFromFiles(files, { lookahead: 3 })) items.push(item);
    expect(items.map((item) => [item.file, item.ok])).toEqual([[files[0], true], [files[1], false], [files[2], true]]);
    expect(items[2]!.ok && items[2]!.result).toEqual(await pdqFromFile(files[2]!));
    await expect(pdqFromFile(join(dir, 'notes.txt'))).rejects.toThrow();
  });

  it('hashes on worker threads exactly as in this thread, in the files\' order, reporting files it cannot decode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crosslink-pdq-'));
    writeFileSync(join(dir, 'notes.txt'), 'not an image\n');
    const images = readdirSync(`${PDQ_TESTDATA}images`).filter((name) => /\.(jpe?g|png)$/.test(name)).slice(0, 8).map((name) => `${PDQ_TESTDATA}images/${name}`);
    const files = [...images.slice(0, 4), join(dir, 'notes.txt'), ...images.slice(4)];
    const items = [];
    for await (const item of pdqFromFilesOnThreads(files, { threads: 2 })) items.push(item);
    expect(items.map((item) => item.file)).toEqual(files);
    for (const item of items) {
      if (item.file.endsWith('notes.txt')) expect(item.ok).toBe(false);
      else expect(item.ok && item.result).toEqual(await pdqFromFile(item.file));
    }
  });
});
