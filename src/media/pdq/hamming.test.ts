import { describe, expect, it } from 'vitest';
import { hammingDistance, hexToWords, isPdqHex, popcount32, wordsToHex } from './hamming.ts';
import { isMatch } from '../signals.ts';
import { pdqSignal } from './signal.ts';
import { PDQ_TESTDATA, readTsv, seededRandom } from './testdata.test-helper.ts';

describe('PDQ hash values', () => {
  it('round-trips hex through words, and bit k of the hex value is bit k&31 of word k>>5', () => {
    for (const row of readTsv('expected.tsv')) expect(wordsToHex(hexToWords(row['pdq_hex_B']!))).toBe(row['pdq_hex_B']);
    const words = hexToWords(`${'0'.repeat(63)}1`);
    expect(Array.from(words)).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(hexToWords(`8${'0'.repeat(63)}`))).toEqual([0, 0, 0, 0, 0, 0, 0, 0x80000000]);
    expect(wordsToHex(hexToWords('F'.repeat(64)))).toBe('f'.repeat(64));
  });

  it('rejects what is not 64 hex characters', () => {
    for (const bad of ['', 'abc', `${'0'.repeat(63)}g`, `${'0'.repeat(65)}`, ` ${'0'.repeat(63)}`]) {
      expect(isPdqHex(bad)).toBe(false);
      expect(() => hexToWords(bad)).toThrow(RangeError);
    }
    expect(() => hammingDistance(new Uint32Array(7), new Uint32Array(8))).toThrow(RangeError);
  });

  it('counts differing bits (hex or words), agreeing with a bit-by-bit count (seeded)', () => {
    const random = seededRandom(31);
    for (let round = 0; round < 500; round++) {
      const a = Uint32Array.from({ length: 8 }, () => (random() * 2 ** 32) >>> 0);
      const b = Uint32Array.from({ length: 8 }, () => (random() < 0.5 ? (random() * 2 ** 32) >>> 0 : 0));
      let naive = 0;
      for (let k = 0; k < 256; k++) naive += ((a[k >> 5]! ^ b[k >> 5]!) >>> (k & 31)) & 1;
      expect(hammingDistance(a, b)).toBe(naive);
      expect(hammingDistance(wordsToHex(a), wordsToHex(b).toUpperCase())).toBe(naive);
    }
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0)).toBe(0);
  });
});

describe('pdqSignal', () => {
  it('computes a file hash, returns null for a non-image, and measures distance as the reference', async () => {
    const hashes = new Map(readTsv('expected.tsv').map((row) => [row['file'], row['pdq_hex_B']!]));
    expect(await pdqSignal.compute(`${PDQ_TESTDATA}images/q0122.jpg`)).toBe(hashes.get('images/q0122.jpg'));
    expect(await pdqSignal.compute(`${PDQ_TESTDATA}README.md`)).toBeNull();
    for (const pair of readTsv('pairs.tsv').filter((row) => !row['transform']!.startsWith('min over'))) {
      const distance = pdqSignal.distance(hashes.get(pair['file_a'])!, hashes.get(pair['file_b'])!);
      expect(distance, `${pair['file_a']} vs ${pair['file_b']}`).toBe(Number(pair['dist_B']));
      expect(isMatch(pdqSignal, hashes.get(pair['file_a'])!, hashes.get(pair['file_b'])!)).toBe(pair['match_B_le31'] === '1');
    }
    expect(() => pdqSignal.distance('abc', '0'.repeat(64))).toThrow(RangeError);
  });
});
