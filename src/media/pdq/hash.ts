/**
 * PDQ perceptual hashing (Meta's 256-bit image hash), bit-exact with the ThreatExchange C++ core
 * on full-resolution pixels ("flavour B": no pre-resize, as HMA, python-threatexchange and the Java
 * reference do). The reference computes in float32, so every add, multiply and divide below is
 * rounded with Math.fround (or by storing into a Float32Array) in the reference's order: a single
 * float64 step anywhere changes low bits, and for flat images (where the DCT is pure rounding noise)
 * it changes the hash.
 *
 * Pipeline: RGB → float luma → Jarosz tent filter (two box passes per axis) → decimate to 64×64 →
 * quality (gradient sum) → 16×16 of the 2-D DCT → bit set where a coefficient exceeds the median.
 */
import { wordsToHex } from './hamming.ts';

const f = Math.fround;

/** Images with a side shorter than this hash to all zeros with quality 0 (as the reference). */
export const PDQ_MIN_HASHABLE_DIM = 5;

/** The eight dihedral variants, in the order (and with the names) the reference tools print them. */
export const PDQ_DIHEDRAL_NAMES = ['orig', 'rot90', 'rot180', 'rot270', 'flipx', 'flipy', 'flipplus1', 'flipminus1'] as const;
export type PdqDihedralName = (typeof PDQ_DIHEDRAL_NAMES)[number];

export interface PdqResult {
  /** 64 lowercase hex characters: the 256-bit value, bit k (= row*16 + column of the DCT) its k-th least significant bit. */
  readonly hash: string;
  /** 0–100; hashes below PDQ_MIN_QUALITY come from flat or featureless images and match poorly. */
  readonly quality: number;
}

export interface PdqDihedralResult {
  readonly quality: number;
  readonly hashes: Readonly<Record<PdqDihedralName, string>>;
}

/** The float intermediates, for checking against the reference's dumps. */
export interface PdqIntermediates {
  /** 64×64 row-major luma after blur and decimation (or the input itself when it is 64×64). */
  readonly luma64: Float32Array;
  /** 16×16 row-major DCT coefficients (1..16 × 1..16 of the full DCT), before the median. */
  readonly dct16: Float32Array;
  readonly quality: number;
}

// Luma coefficients are float constants in the reference; `coeff * byte` is a float multiply, so the
// products for all 256 byte values can be tabulated exactly.
const LUMA_R = new Float64Array(256);
const LUMA_G = new Float64Array(256);
const LUMA_B = new Float64Array(256);
for (let v = 0; v < 256; v++) {
  LUMA_R[v] = f(f(0.299) * v);
  LUMA_G[v] = f(f(0.587) * v);
  LUMA_B[v] = f(f(0.114) * v);
}

// D[i][j] = sqrt(2/64) · cos(π/128 · (i+1)(2j+1)) for i < 16, j < 64: the float scale factor times a
// double cosine, stored as float, exactly as the reference builds its table.
const DCT = new Float64Array(16 * 64);
{
  const scale = f(Math.sqrt(2 / 64));
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) DCT[i * 64 + j] = f(scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1)));
  }
}

/**
 * Float luma of interleaved 8-bit pixels (1–4 channels; a 2nd or 4th channel is alpha and is ignored,
 * as the reference drops alpha without compositing). When every pixel has R = G = B the reference sees
 * a one-channel image and takes luma = value, which differs from the RGB formula in float32 for 35 of
 * the 256 grey levels, so that case is detected and honoured.
 */
export function lumaFromPixels(pixels: Uint8Array, width: number, height: number, channels: number, out: Float32Array): void {
  checkPixels(pixels, width, height, channels);
  lumaRows(pixels, channels, usesGreyLuma(pixels, width * height, channels), 0, width * height, out, 0);
}

function checkPixels(pixels: Uint8Array, width: number, height: number, channels: number): void {
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) throw new RangeError(`pdq: unsupported channel count ${channels}`);
  if (pixels.length < width * height * channels) throw new RangeError(`pdq: ${pixels.length} bytes is too few for ${width}×${height}×${channels}`);
}

function usesGreyLuma(pixels: Uint8Array, n: number, channels: number): boolean {
  return channels <= 2 || isAllGrey(pixels, n, channels);
}

/** Luma of `count` consecutive pixels starting at pixel `first`, into `out` from `outBase`. */
function lumaRows(pixels: Uint8Array, channels: number, grey: boolean, first: number, count: number, out: Float32Array, outBase: number): void {
  if (grey) {
    for (let p = 0, q = first * channels; p < count; p++, q += channels) out[outBase + p] = pixels[q]!;
    return;
  }
  for (let p = 0, q = first * channels; p < count; p++, q += channels) {
    // The store into the Float32Array performs the last float rounding.
    out[outBase + p] = f(LUMA_R[pixels[q]!]! + LUMA_G[pixels[q + 1]!]!) + LUMA_B[pixels[q + 2]!]!;
  }
}

/** Whether every pixel has R = G = B (a colour photo usually answers within its first few pixels). */
function isAllGrey(pixels: Uint8Array, n: number, channels: number): boolean {
  for (let q = 0, end = n * channels; q < end; q += channels) {
    if (pixels[q] !== pixels[q + 1] || pixels[q] !== pixels[q + 2]) return false;
  }
  return true;
}

/** The reference's box-filter window for one axis: half of a 1/64 block, rounded up. */
export function jaroszWindowSize(dimension: number): number {
  return Math.floor((dimension + 2 * 64 - 1) / (2 * 64));
}

/**
 * One box-filter pass along four rows at once, with the reference's running float sum: it grows over
 * the first half window, then adds the entering and subtracts the leaving sample, then shrinks; each
 * output is the sum divided by the samples currently in it. The sum's rounding drift is part of the
 * hash, so it is reproduced step for step. A row is one serial chain of float operations, so four
 * independent rows are interleaved to keep the CPU busy (callers repeat the last row to fill a block,
 * which just recomputes the same values).
 *
 * Input rows start at i0..i3 of `input`. Without `sampleCols`, every output is written at o0..o3 + index
 * of `output`. With `sampleCols` (the 64 columns decimation keeps), only those are written, at
 * o0..o3 + s for sample s: the rest of the chain is still run but never divided or stored.
 */
function boxRows4(
  input: Float32Array, i0: number, i1: number, i2: number, i3: number,
  output: Float32Array, o0: number, o1: number, o2: number, o3: number,
  cols: number, window: number, sampleCols?: Int32Array,
): void {
  const half = (window + 2) >> 1;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  // With samples, outputs are written only when index `o` reaches the next sampled column. (No
  // closure here: one capturing the running sums would box them and slow every step.)
  let sample = 0;
  let nextCol = sampleCols ? sampleCols[0]! : -1;
  let t = 0;
  for (; t < half - 1; t++) {
    s0 = f(s0 + input[i0 + t]!);
    s1 = f(s1 + input[i1 + t]!);
    s2 = f(s2 + input[i2 + t]!);
    s3 = f(s3 + input[i3 + t]!);
  }
  for (; t < window; t++) {
    s0 = f(s0 + input[i0 + t]!);
    s1 = f(s1 + input[i1 + t]!);
    s2 = f(s2 + input[i2 + t]!);
    s3 = f(s3 + input[i3 + t]!);
    const o = t - half + 1;
    if (!sampleCols) {
      output[o0 + o] = s0 / (t + 1);
      output[o1 + o] = s1 / (t + 1);
      output[o2 + o] = s2 / (t + 1);
      output[o3 + o] = s3 / (t + 1);
    } else if (o === nextCol) {
      sample = storeSamples(output, o0, o1, o2, o3, s0, s1, s2, s3, t + 1, o, sampleCols, sample);
      nextCol = sample < sampleCols.length ? sampleCols[sample]! : -1;
    }
  }
  // The hot loops, one per mode so neither carries a call or a branch per step it does not need.
  if (!sampleCols) {
    for (; t < cols; t++) {
      const o = t - half + 1;
      const l = t - window;
      s0 = f(f(s0 + input[i0 + t]!) - input[i0 + l]!);
      s1 = f(f(s1 + input[i1 + t]!) - input[i1 + l]!);
      s2 = f(f(s2 + input[i2 + t]!) - input[i2 + l]!);
      s3 = f(f(s3 + input[i3 + t]!) - input[i3 + l]!);
      output[o0 + o] = s0 / window;
      output[o1 + o] = s1 / window;
      output[o2 + o] = s2 / window;
      output[o3 + o] = s3 / window;
    }
  } else {
    for (; t < cols; t++) {
      const l = t - window;
      s0 = f(f(s0 + input[i0 + t]!) - input[i0 + l]!);
      s1 = f(f(s1 + input[i1 + t]!) - input[i1 + l]!);
      s2 = f(f(s2 + input[i2 + t]!) - input[i2 + l]!);
      s3 = f(f(s3 + input[i3 + t]!) - input[i3 + l]!);
      if (t - half + 1 === nextCol) {
        sample = storeSamples(output, o0, o1, o2, o3, s0, s1, s2, s3, window, nextCol, sampleCols, sample);
        nextCol = sample < sampleCols.length ? sampleCols[sample]! : -1;
      }
    }
  }
  for (; t < cols + half - 1; t++) {
    const l = t - window;
    s0 = f(s0 - input[i0 + l]!);
    s1 = f(s1 - input[i1 + l]!);
    s2 = f(s2 - input[i2 + l]!);
    s3 = f(s3 - input[i3 + l]!);
    const o = t - half + 1;
    const count = window - (t - cols + 1);
    if (!sampleCols) {
      output[o0 + o] = s0 / count;
      output[o1 + o] = s1 / count;
      output[o2 + o] = s2 / count;
      output[o3 + o] = s3 / count;
    } else if (o === nextCol) {
      sample = storeSamples(output, o0, o1, o2, o3, s0, s1, s2, s3, count, o, sampleCols, sample);
      nextCol = sample < sampleCols.length ? sampleCols[sample]! : -1;
    }
  }
}

/** Writes output `o` of four rows to every sample slot that samples column `o`; returns the next slot. */
function storeSamples(
  output: Float32Array, o0: number, o1: number, o2: number, o3: number,
  s0: number, s1: number, s2: number, s3: number, count: number, o: number, sampleCols: Int32Array, sample: number,
): number {
  // Columns of images narrower than 64 px are sampled more than once.
  for (; sample < sampleCols.length && sampleCols[sample] === o; sample++) {
    output[o0 + sample] = s0 / count;
    output[o1 + sample] = s1 / count;
    output[o2 + sample] = s2 / count;
    output[o3 + sample] = s3 / count;
  }
  return sample;
}

/**
 * One step of the box filter down every column at once (per-column running sums in `sums`): add the
 * row entering the window at `enter` and/or subtract the row leaving it at `leave` (-1: none), in
 * the reference's order, so each column's sum sees exactly what the reference's strided pass does.
 */
function columnStep(sums: Float32Array, input: Float32Array, enter: number, leave: number, cols: number): void {
  if (leave < 0) for (let j = 0; j < cols; j++) sums[j] = sums[j]! + input[enter + j]!;
  else if (enter < 0) for (let j = 0; j < cols; j++) sums[j] = sums[j]! - input[leave + j]!;
  else for (let j = 0; j < cols; j++) sums[j] = f(sums[j]! + input[enter + j]!) - input[leave + j]!;
}

function columnEmit(sums: Float32Array, output: Float32Array, at: number, count: number, cols: number): void {
  for (let j = 0; j < cols; j++) output[at + j] = sums[j]! / count;
}

/** The full-window step (add, subtract and emit in one sweep, four columns at a time): the hot loop. */
function columnStepEmit(sums: Float32Array, input: Float32Array, enter: number, leave: number, output: Float32Array, at: number, count: number, cols: number): void {
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const a0 = f(f(sums[j]! + input[enter + j]!) - input[leave + j]!);
    const a1 = f(f(sums[j + 1]! + input[enter + j + 1]!) - input[leave + j + 1]!);
    const a2 = f(f(sums[j + 2]! + input[enter + j + 2]!) - input[leave + j + 2]!);
    const a3 = f(f(sums[j + 3]! + input[enter + j + 3]!) - input[leave + j + 3]!);
    sums[j] = a0;
    sums[j + 1] = a1;
    sums[j + 2] = a2;
    sums[j + 3] = a3;
    output[at + j] = a0 / count;
    output[at + j + 1] = a1 / count;
    output[at + j + 2] = a2 / count;
    output[at + j + 3] = a3 / count;
  }
  for (; j < cols; j++) {
    const a = f(f(sums[j]! + input[enter + j]!) - input[leave + j]!);
    sums[j] = a;
    output[at + j] = a / count;
  }
}

/** Samples in the box window when step `t` writes its output (vector length `length`). */
function windowCount(t: number, length: number, window: number): number {
  return Math.min(t + 1, length) - Math.max(0, t - window + 1);
}

/** Reference decimation: the sample nearest each of 64 evenly spaced centres. */
function sampleIndices(dimension: number): Int32Array {
  const indices = new Int32Array(64);
  for (let i = 0; i < 64; i++) indices[i] = Math.floor(((i + 0.5) * dimension) / 64);
  return indices;
}

/**
 * Blur and decimate an image to 64×64 luma: box passes along rows then columns, twice, then the
 * sample nearest each of 64×64 centres. The passes are streamed so the working set stays in cache:
 * luma is computed four rows at a time into the first row pass, whose rows go to a ring buffer just
 * deep enough for the column window; each row the column pass completes goes, four at a time, to the
 * second row pass, which keeps only the 64 columns decimation samples; the last column pass runs on
 * those (rows × 64) and keeps only the 64 sampled rows.
 */
function downsampleTo64(pixels: Uint8Array, channels: number, grey: boolean, rows: number, cols: number, out64: Float32Array): void {
  const rowWindow = jaroszWindowSize(cols);
  const colWindow = jaroszWindowSize(rows);
  const colHalf = (colWindow + 2) >> 1;
  const sampleCols = sampleIndices(cols);
  const sampleRows = sampleIndices(rows);
  const last = rows - 1;
  const lumaBlock = new Float32Array(4 * cols);
  // First-row-pass rows t - colWindow … t + 3 must be live at column step t.
  const ringRows = colWindow + 8;
  const ring = new Float32Array(ringRows * cols);
  const columnBlock = new Float32Array(4 * cols);
  const narrow = new Float32Array(rows * 64);
  const sums = new Float32Array(cols);
  let produced = 0;
  for (let t = 0; t < rows + colHalf - 1; t++) {
    // Produce first-row-pass rows (four at a time; a short last block repeats the last row).
    while (produced < rows && produced <= t) {
      const r1 = Math.min(produced + 1, last);
      const r2 = Math.min(produced + 2, last);
      const r3 = Math.min(produced + 3, last);
      lumaRows(pixels, channels, grey, produced * cols, cols, lumaBlock, 0);
      lumaRows(pixels, channels, grey, r1 * cols, cols, lumaBlock, cols);
      lumaRows(pixels, channels, grey, r2 * cols, cols, lumaBlock, 2 * cols);
      lumaRows(pixels, channels, grey, r3 * cols, cols, lumaBlock, 3 * cols);
      const slot = (row: number) => (row % ringRows) * cols;
      boxRows4(lumaBlock, 0, cols, 2 * cols, 3 * cols, ring, slot(produced), slot(r1), slot(r2), slot(r3), cols, rowWindow);
      produced += 4;
    }
    const enter = t < rows ? (t % ringRows) * cols : -1;
    const leave = t >= colWindow ? ((t - colWindow) % ringRows) * cols : -1;
    const o = t - colHalf + 1; // the column-pass output row this step completes
    if (o < 0) {
      columnStep(sums, ring, enter, leave, cols);
      continue;
    }
    const at = (o & 3) * cols;
    if (enter >= 0 && leave >= 0) {
      columnStepEmit(sums, ring, enter, leave, columnBlock, at, colWindow, cols);
    } else {
      columnStep(sums, ring, enter, leave, cols);
      columnEmit(sums, columnBlock, at, windowCount(t, rows, colWindow), cols);
    }
    if ((o & 3) === 3 || o === last) {
      // Second row pass over the block's rows, sampled columns only.
      const first = o & ~3;
      const k1 = Math.min(1, o - first) * cols;
      const k2 = Math.min(2, o - first) * cols;
      const k3 = Math.min(3, o - first) * cols;
      boxRows4(columnBlock, 0, k1, k2, k3, narrow, first * 64, Math.min(first + 1, last) * 64, Math.min(first + 2, last) * 64, Math.min(first + 3, last) * 64, cols, rowWindow, sampleCols);
    }
  }
  // Last column pass: over the 64 sampled columns, emitting only the sampled rows.
  const narrowSums = new Float32Array(64);
  let sample = 0;
  for (let t = 0; t < rows + colHalf - 1; t++) {
    columnStep(narrowSums, narrow, t < rows ? t * 64 : -1, t >= colWindow ? (t - colWindow) * 64 : -1, 64);
    const o = t - colHalf + 1;
    // Rows of images under 64 px tall are sampled more than once.
    for (; sample < 64 && sampleRows[sample] === o; sample++) columnEmit(narrowSums, out64, sample * 64, windowCount(t, rows, colWindow), 64);
  }
}

/** The reference's quality heuristic: quantised gradient magnitudes over the 64×64 image, /90, capped at 100. */
export function pdqQuality(luma64: Float32Array): number {
  let gradientSum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) {
      const d = Math.trunc(f(f(f(luma64[i * 64 + j]! - luma64[(i + 1) * 64 + j]!) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      const d = Math.trunc(f(f(f(luma64[i * 64 + j]! - luma64[i * 64 + j + 1]!) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  return Math.min(100, Math.trunc(gradientSum / 90));
}

/** B = D · A · Dᵀ restricted to 16×16, with float products and sums accumulated in k order. */
function dct64To16(a: Float32Array, out: Float32Array): void {
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    const d = i * 64;
    for (let j = 0; j < 64; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = f(sum + f(DCT[d + k]! * a[k * 64 + j]!));
      t[i * 64 + j] = sum;
    }
  }
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = f(sum + f(t[i * 64 + k]! * DCT[j * 64 + k]!));
      out[i * 16 + j] = sum;
    }
  }
}

/**
 * 64×64 luma, quality and 16×16 DCT for an image's pixels (row-major, interleaved, 1–4 channels).
 * Null when a side is shorter than PDQ_MIN_HASHABLE_DIM.
 */
export function pdqIntermediatesFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): PdqIntermediates | null {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) throw new RangeError(`pdq: bad image size ${width}×${height}`);
  if (width < PDQ_MIN_HASHABLE_DIM || height < PDQ_MIN_HASHABLE_DIM) return null;
  checkPixels(pixels, width, height, channels);
  const grey = usesGreyLuma(pixels, width * height, channels);
  const luma64 = new Float32Array(64 * 64);
  // A 64×64 input is used as is (the reference's shortcut for pre-scaled video frames).
  if (width === 64 && height === 64) lumaRows(pixels, channels, grey, 0, 64 * 64, luma64, 0);
  else downsampleTo64(pixels, channels, grey, height, width, luma64);
  const dct16 = new Float32Array(256);
  dct64To16(luma64, dct16);
  return { luma64, dct16, quality: pdqQuality(luma64) };
}

/** Bits of a 16×16 coefficient block: bit i*16+j is set where B[i][j] exceeds the median (the 128th smallest, as Torben's method returns). */
export function bitsFromDct(dct16: Float32Array): Uint32Array {
  const median = Float32Array.from(dct16).sort()[127]!;
  const words = new Uint32Array(8);
  for (let k = 0; k < 256; k++) if (dct16[k]! > median) words[k >> 5]! |= 1 << (k & 31);
  return words;
}

const ZERO_HASH = '0'.repeat(64);

export function pdqFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): PdqResult {
  const inter = pdqIntermediatesFromPixels(pixels, width, height, channels);
  if (!inter) return { hash: ZERO_HASH, quality: 0 };
  return { hash: wordsToHex(bitsFromDct(inter.dct16)), quality: inter.quality };
}

/**
 * The DCT of a rotated or mirrored image, from the original's: each dihedral transform of the 64×64
 * image only transposes the coefficient block and flips the sign of odd rows and/or columns.
 * `transpose` swaps i and j; the sign is negative where `negate(i, j)` holds.
 */
const DIHEDRAL_TRANSFORMS: Readonly<Record<PdqDihedralName, { transpose: boolean; negate: (i: number, j: number) => boolean }>> = {
  orig: { transpose: false, negate: () => false },
  rot90: { transpose: true, negate: (_i, j) => (j & 1) === 0 },
  rot180: { transpose: false, negate: (i, j) => ((i + j) & 1) === 1 },
  rot270: { transpose: true, negate: (i) => (i & 1) === 0 },
  flipx: { transpose: false, negate: (i) => (i & 1) === 0 },
  flipy: { transpose: false, negate: (_i, j) => (j & 1) === 0 },
  flipplus1: { transpose: true, negate: () => false },
  flipminus1: { transpose: true, negate: (i, j) => ((i + j) & 1) === 1 },
};

export function dihedralDct(dct16: Float32Array, name: PdqDihedralName): Float32Array {
  const { transpose, negate } = DIHEDRAL_TRANSFORMS[name];
  const out = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const value = negate(i, j) ? -dct16[i * 16 + j]! : dct16[i * 16 + j]!;
      out[transpose ? j * 16 + i : i * 16 + j] = value;
    }
  }
  return out;
}

/** The hashes of the image's 8 rotations and mirrorings, computed from one DCT as the reference does. */
export function pdqDihedralFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): PdqDihedralResult {
  const inter = pdqIntermediatesFromPixels(pixels, width, height, channels);
  const hashes = {} as Record<PdqDihedralName, string>;
  for (const name of PDQ_DIHEDRAL_NAMES) hashes[name] = inter ? wordsToHex(bitsFromDct(dihedralDct(inter.dct16, name))) : ZERO_HASH;
  return { quality: inter?.quality ?? 0, hashes };
}

/**
 * Approximate dihedral variants of a hash when only the hash is known (e.g. one received from a
 * partner): the transposes are exact, but a sign flip moves the median, so flipped bits are only
 * nearly right (a few bits off; see the tests). Prefer pdqDihedralFromPixels when the image is at hand.
 */
export function approximateDihedralWords(words: Uint32Array, offset = 0): Record<PdqDihedralName, Uint32Array> {
  const variants = {} as Record<PdqDihedralName, Uint32Array>;
  PDQ_DIHEDRAL_NAMES.forEach((name, v) => {
    const out = new Uint32Array(8);
    const source = HASH_DIHEDRAL_SOURCE[v]!;
    const flip = HASH_DIHEDRAL_FLIP[v]!;
    for (let k = 0; k < 256; k++) {
      const from = source[k]!;
      out[k >> 5]! |= ((words[offset + (from >> 5)]! >>> (from & 31)) & 1) << (k & 31);
    }
    for (let w = 0; w < 8; w++) out[w]! ^= flip[w]!;
    variants[name] = out;
  });
  return variants;
}

// Per variant: which original bit each output bit comes from, and which output bits are negated.
const HASH_DIHEDRAL_SOURCE = PDQ_DIHEDRAL_NAMES.map((name) => {
  const source = new Uint8Array(256);
  for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) source[DIHEDRAL_TRANSFORMS[name].transpose ? j * 16 + i : i * 16 + j] = i * 16 + j;
  return source;
});
const HASH_DIHEDRAL_FLIP = PDQ_DIHEDRAL_NAMES.map((name) => {
  const flip = new Uint32Array(8);
  const { transpose, negate } = DIHEDRAL_TRANSFORMS[name];
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const k = transpose ? j * 16 + i : i * 16 + j;
      if (negate(i, j)) flip[k >> 5]! |= 1 << (k & 31);
    }
  }
  return flip;
});
