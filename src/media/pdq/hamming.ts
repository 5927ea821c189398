/**
 * PDQ hash values and their distance. A hash travels as 64 hex characters; inside indexes it is 8
 * Uint32 words (word w holds bits 32w..32w+31), so millions fit in one typed array with no objects.
 */

/** Two hashes at Hamming distance ≤ 31 are the same picture (Meta's recommended threshold). */
export const PDQ_MATCH_THRESHOLD = 31;
/** Hashes with quality below 50 come from near-featureless images; the usual rule is to discard them. */
export const PDQ_MIN_QUALITY = 50;
export const PDQ_WORDS = 8;

const HEX = /^[0-9a-fA-F]{64}$/;

export function isPdqHex(value: string): boolean {
  return HEX.test(value);
}

/** Parses 64 hex characters into 8 words (written into `out` at `offset` when given). */
export function hexToWords(hex: string, out: Uint32Array = new Uint32Array(PDQ_WORDS), offset = 0): Uint32Array {
  if (!HEX.test(hex)) throw new RangeError(`not a PDQ hash (64 hex characters): '${hex.length > 80 ? `${hex.slice(0, 80)}…` : hex}'`);
  for (let w = 0; w < PDQ_WORDS; w++) out[offset + w] = Number.parseInt(hex.slice(56 - 8 * w, 64 - 8 * w), 16);
  return out;
}

/** The 64-hex-character form (big-endian: the most significant word first). */
export function wordsToHex(words: Uint32Array, offset = 0): string {
  let hex = '';
  for (let w = PDQ_WORDS - 1; w >= 0; w--) hex += words[offset + w]!.toString(16).padStart(8, '0');
  return hex;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Distance between the hashes at word offsets `aOffset` of `a` and `bOffset` of `b`. */
export function hammingWords(a: Uint32Array, aOffset: number, b: Uint32Array, bOffset: number): number {
  let d = 0;
  for (let w = 0; w < PDQ_WORDS; w++) d += popcount32(a[aOffset + w]! ^ b[bOffset + w]!);
  return d;
}

/** Hamming distance between two hashes, each as hex or as 8 words. */
export function hammingDistance(a: string | Uint32Array, b: string | Uint32Array): number {
  const wa = typeof a === 'string' ? hexToWords(a) : a;
  const wb = typeof b === 'string' ? hexToWords(b) : b;
  if (wa.length < PDQ_WORDS || wb.length < PDQ_WORDS) throw new RangeError('a PDQ hash has 8 words');
  return hammingWords(wa, 0, wb, 0);
}
