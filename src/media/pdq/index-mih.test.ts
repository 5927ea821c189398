import { describe, expect, it } from 'vitest';
import { hexToWords, PDQ_WORDS, wordsToHex } from './hamming.ts';
import { bruteForceMatches, PdqIndex, type PdqVariantMatch } from './index-mih.ts';
import { readTsv, readTsvColumns, seededRandom } from './testdata.test-helper.ts';

function hexToWordsMany(hashes: string[]): Uint32Array {
  const words = new Uint32Array(hashes.length * PDQ_WORDS);
  hashes.forEach((hash, i) => hexToWords(hash, words, i * PDQ_WORDS));
  return words;
}

function randomWords(random: () => number, count: number): Uint32Array {
  return Uint32Array.from({ length: count * PDQ_WORDS }, () => (random() * 2 ** 32) >>> 0);
}

/** A copy of hash `from` (in `words`) with `distance` distinct random bits flipped. */
function nearCopy(random: () => number, words: Uint32Array, from: number, distance: number): Uint32Array {
  const copy = words.slice(from * PDQ_WORDS, (from + 1) * PDQ_WORDS);
  const bits = new Set<number>();
  while (bits.size < distance) bits.add(Math.floor(random() * 256));
  for (const k of bits) copy[k >> 5]! ^= 1 << (k & 31);
  return copy;
}

describe('PdqIndex', () => {
  it('finds exactly the expected matches of the reference matcher set (1,000 needles × 100,000 hashes)', () => {
    const { names, rows } = readTsvColumns('matcher/haystack.tsv.gz');
    expect(names).toEqual(['id', 'hash']);
    const haystack = rows.map(([id, hash]) => ({ id: id!, hash: hash! }));
    const needles = readTsv('matcher/needles.tsv');
    const expected = readTsv('matcher/expected-matches.tsv').map((row) => `${row['needle_id']} ${row['haystack_id']} ${row['distance']}`);
    expect(haystack.length).toBe(100_000);
    const index = PdqIndex.fromHashes(haystack.map((row) => row.hash));
    const found: string[] = [];
    for (const needle of needles) for (const match of index.query(needle['hash']!)) found.push(`${needle['id']} ${haystack[match.id]!.id} ${match.distance}`);
    expect(found.length).toBe(1284);
    expect(found).toEqual(expected);
    // The same through one batch call.
    const batch = index.queryBatch(hexToWordsMany(needles.map((needle) => needle['hash']!)));
    expect(batch.starts.length).toBe(needles.length + 1);
    expect(Array.from({ length: batch.count }, (_, m) => `${needles[batch.query[m]!]!['id']} ${haystack[batch.id[m]!]!.id} ${batch.distance[m]}`)).toEqual(expected);
    // Every planted neighbour within the threshold is among them.
    const foundSet = new Set(found.map((line) => line.split(' ').slice(0, 2).join(' ')));
    for (const planted of readTsv('matcher/planted.tsv')) {
      if (Number(planted['planted_distance']) <= 31) expect(foundSet.has(`${planted['needle_id']} ${planted['haystack_id']}`)).toBe(true);
    }
  });

  it('misses nothing at the edge of the pigeonhole bound, and finds nothing beyond the threshold', () => {
    const random = seededRandom(5);
    const base = randomWords(random, 1);
    const index = new PdqIndex();
    const flip = (perWord: number[], lowHalfShare: (w: number) => number) => {
      const copy = base.slice();
      perWord.forEach((count, w) => {
        const low = lowHalfShare(w);
        for (let i = 0; i < count; i++) copy[w]! ^= 1 << (i < low ? i : 16 + i - low);
      });
      return copy;
    };
    // 31 bits: seven words with 4 flips, one with 3 split 1 + 2 or 2 + 1 between its halves.
    const edge = [flip([4, 4, 4, 4, 4, 4, 4, 3], (w) => (w === 7 ? 1 : 2)), flip([3, 4, 4, 4, 4, 4, 4, 4], (w) => (w === 0 ? 2 : 2))];
    // 32 bits: every word has 4 flips, so no word is within 3 — must not match at 31.
    const beyond = flip([4, 4, 4, 4, 4, 4, 4, 4], () => 2);
    const ids = [index.add(edge[0]!), index.add(edge[1]!), index.add(beyond)];
    for (let i = 0; i < 5000; i++) index.add(randomWords(random, 1));
    index.build();
    expect(index.query(base).map((m) => [m.id, m.distance])).toEqual([[ids[0], 31], [ids[1], 31]]);
    expect(index.query(base, 32).map((m) => m.id)).toEqual(ids);
  });

  it('agrees with brute force on random data with planted neighbours, at many thresholds, while hashes are added (seeded)', () => {
    const random = seededRandom(20261130);
    const index = new PdqIndex(16);
    const stored = randomWords(random, 30_000);
    const all: Uint32Array[] = [];
    let cursor = 0;
    const addSome = (count: number) => {
      for (let i = 0; i < count && cursor < 30_000; i++, cursor++) {
        // Every third stored hash is a near copy of an earlier one, so there is something to find.
        const words = cursor > 10 && cursor % 3 === 0 ? nearCopy(random, stored, Math.floor(random() * cursor), Math.floor(random() * 50)) : stored.subarray(cursor * PDQ_WORDS, (cursor + 1) * PDQ_WORDS);
        stored.set(words, cursor * PDQ_WORDS);
        all.push(words);
        expect(index.add(random() < 0.5 ? wordsToHex(words) : words)).toBe(cursor);
      }
    };
    const check = (queries: Uint32Array, threshold: number) => {
      const got = index.queryWords(queries, threshold);
      const want: PdqVariantMatch[] = bruteForceMatches(stored.subarray(0, cursor * PDQ_WORDS), queries, threshold);
      expect(got.map((m) => [m.id, m.distance])).toEqual(want.map((m) => [m.id, m.distance]));
      return got.length;
    };
    let total = 0;
    for (const batch of [100, 900, 4000, 3, 10_000, 14_997]) {
      addSome(batch);
      for (let q = 0; q < 8; q++) {
        const target = Math.floor(random() * cursor);
        const query = random() < 0.2 ? randomWords(random, 1) : nearCopy(random, stored, target, Math.floor(random() * 45));
        for (const threshold of [0, 7, 15, 23, 31, 40, 47, 48, 70]) total += check(query, threshold);
        // Several variants at once: the nearest counts.
        const variants = new Uint32Array(3 * PDQ_WORDS);
        for (let v = 0; v < 3; v++) variants.set(nearCopy(random, stored, Math.floor(random() * cursor), 10 + Math.floor(random() * 30)), v * PDQ_WORDS);
        total += check(variants, 31);
      }
    }
    expect(index.size).toBe(30_000);
    expect(total).toBeGreaterThan(300);
    // A batch of 3-variant queries, some far from everything, equals query-by-query brute force.
    const queries = new Uint32Array(40 * 3 * PDQ_WORDS);
    for (let i = 0; i < 40 * 3; i++) queries.set(i % 4 === 0 ? randomWords(random, 1) : nearCopy(random, stored, Math.floor(random() * 30_000), Math.floor(random() * 40)), i * PDQ_WORDS);
    const batch = index.queryBatch(queries, { variants: 3 });
    for (let g = 0; g < 40; g++) {
      const got = [];
      for (let m = batch.starts[g]!; m < batch.starts[g + 1]!; m++) got.push([batch.query[m], batch.id[m], batch.distance[m], batch.variant[m]]);
      const want = bruteForceMatches(stored, queries.subarray(g * 3 * PDQ_WORDS, (g + 1) * 3 * PDQ_WORDS));
      expect(got).toEqual(want.map((m) => [g, m.id, m.distance, m.variant]));
    }
  });

  it('reports the nearest variant and keeps the stored hashes', () => {
    const random = seededRandom(11);
    const stored = randomWords(random, 2000);
    const index = PdqIndex.fromWords(stored);
    const far = randomWords(random, 1);
    const near = nearCopy(random, stored, 1234, 5);
    const [match] = index.queryVariants([wordsToHex(far), near, nearCopy(random, stored, 1234, 20)]);
    expect(match).toEqual({ id: 1234, distance: 5, variant: 1 });
    expect(wordsToHex(index.wordsOf(1234))).toBe(wordsToHex(stored.subarray(1234 * 8, 1235 * 8)));
    expect(index.queryVariants([])).toEqual([]);
    expect(new PdqIndex().query(hexToWords('0'.repeat(64)))).toEqual([]);
  });

  it('rejects bad input', () => {
    const index = new PdqIndex();
    expect(() => index.add('xyz')).toThrow(RangeError);
    expect(() => index.add(new Uint32Array(4))).toThrow(RangeError);
    expect(() => index.addWords(new Uint32Array(9))).toThrow(RangeError);
    expect(() => index.query('0'.repeat(64), -1)).toThrow(RangeError);
    expect(() => index.query('0'.repeat(64), 1.5)).toThrow(RangeError);
    expect(() => index.wordsOf(0)).toThrow(RangeError);
    expect(() => index.queryBatch(new Uint32Array(12))).toThrow(RangeError);
    expect(() => index.queryBatch(new Uint32Array(16), { variants: 0 })).toThrow(RangeError);
  });
});
