/**
 * Exact nearest-neighbour search over PDQ hashes: every stored hash within the Hamming threshold of
 * a query (default 31), and none missed.
 *
 * Multi-index hashing with a second filter. A hash is 8 words of 32 bits. If two hashes are within
 * t bits, by pigeonhole some word differs in at most floor(t/8) bits (3 for t = 31), and within that
 * word one 16-bit half differs in at most floor(floor(t/8)/2) bits (1 for t = 31). So we keep 16
 * tables, one per 16-bit half, each a counting-sorted bucket list keyed by that half; a query probes
 * each table at its own half and at every key within that radius (16 × 17 buckets for t = 31). Each
 * bucket entry carries the *other* half of its word, so the word-level bound is checked while the
 * bucket is scanned sequentially, before any stored hash is touched: of random entries, 1.1 % pass
 * in the exact-key bucket and 0.2 % in the others, so at 1M stored hashes a query scans ~4,150
 * entries but compares only ~11 hashes in full (without the filter: ~4,150, 26× slower measured).
 * Queries are run in batches table by table, so each table's buckets stay in cache.
 * Measured choices and figures: docs/benchmarks.md, "Media (issue 6)".
 *
 * Everything lives in typed arrays (no object per hash). Added hashes go to a pending tail that
 * queries scan by brute force; the tables are rebuilt (one counting sort, O(n)) when the tail grows
 * past an eighth of the indexed part, so adding one hash at a time stays cheap.
 */
import { hammingWords, hexToWords, PDQ_MATCH_THRESHOLD, PDQ_WORDS, popcount32 } from './hamming.ts';

export interface PdqMatch {
  /** Insertion order of the stored hash (0-based). */
  readonly id: number;
  readonly distance: number;
}

export interface PdqVariantMatch extends PdqMatch {
  /** Which of the query variants was nearest (index into the variants given). */
  readonly variant: number;
}

const CHUNKS = 16;
const KEYS = 1 << 16;
const SPAN = KEYS + 1; // bucket offsets per table
/** Above this probe radius per half (t ≥ 48) probing costs more than scanning everything. */
const MAX_HALF_RADIUS = 2;
const MIN_PENDING_BEFORE_REBUILD = 4096;

const POPCOUNT16 = new Uint8Array(KEYS);
for (let x = 1; x < KEYS; x++) POPCOUNT16[x] = (x & 1) + POPCOUNT16[x >> 1]!;

/** 16-bit masks grouped by how many bits they flip, up to MAX_HALF_RADIUS. */
const MASKS_BY_RADIUS: readonly Uint16Array[] = (() => {
  const groups: number[][] = Array.from({ length: MAX_HALF_RADIUS + 1 }, () => []);
  for (let m = 0; m < KEYS; m++) if (POPCOUNT16[m]! <= MAX_HALF_RADIUS) groups[POPCOUNT16[m]!]!.push(m);
  return groups.map((group) => Uint16Array.from(group));
})();

export type PdqHashInput = string | Uint32Array;

function toWords(hash: PdqHashInput): Uint32Array {
  if (typeof hash === 'string') return hexToWords(hash);
  if (hash.length !== PDQ_WORDS) throw new RangeError(`a PDQ hash has ${PDQ_WORDS} words, got ${hash.length}`);
  return hash;
}

function checkThreshold(threshold: number): void {
  if (!Number.isInteger(threshold) || threshold < 0) throw new RangeError(`threshold must be a whole number ≥ 0, got ${threshold}`);
}

/**
 * Distance from stored hash `id` to the nearest of `variantCount` query variants (8 words each in
 * `queries`), or threshold + 1 when all are farther. Stops a variant as soon as it is out of reach.
 */
function nearestVariant(words: Uint32Array, id: number, queries: Uint32Array, variantCount: number, threshold: number, best: { variant: number }): number {
  const base = id * PDQ_WORDS;
  let nearest = threshold + 1;
  for (let v = 0; v < variantCount; v++) {
    const q = v * PDQ_WORDS;
    let d = 0;
    for (let w = 0; w < PDQ_WORDS && d < nearest; w++) d += popcount32(words[base + w]! ^ queries[q + w]!);
    if (d < nearest) {
      nearest = d;
      best.variant = v;
    }
  }
  return nearest;
}

export interface PdqIndexOptions {
  /**
   * Check the word-level bound on each bucket entry before comparing full hashes (default true).
   * Off gives plain 16 × 16-bit multi-index hashing, kept only to measure what the filter buys.
   */
  readonly wordFilter?: boolean;
}

export class PdqIndex {
  private readonly wordFilter: boolean;
  private words: Uint32Array;
  private count = 0;
  /** Ids below this are in the tables; the rest are scanned directly. */
  private indexed = 0;
  private offsets = new Uint32Array(0);
  /** Table c occupies [c*indexed, (c+1)*indexed) of both arrays. */
  private ids = new Uint32Array(0);
  private others = new Uint16Array(0);
  /** Per id: the last query that looked at it, so a hash reached through several tables is checked once. */
  private seen: Uint32Array;
  private queryNumber = 0;
  /** Scratch for a query slice's candidates (reused, so single queries allocate little). */
  private readonly candidateGroup = new Growable();
  private readonly candidateId = new Growable();

  constructor(capacity = 1024, options: PdqIndexOptions = {}) {
    this.wordFilter = options.wordFilter ?? true;
    this.words = new Uint32Array(Math.max(1, capacity) * PDQ_WORDS);
    this.seen = new Uint32Array(Math.max(1, capacity));
  }

  /** An index over `words` (8 per hash, a copy is kept), built at once. */
  static fromWords(words: Uint32Array, options: PdqIndexOptions = {}): PdqIndex {
    if (words.length % PDQ_WORDS !== 0) throw new RangeError(`hash words come in groups of ${PDQ_WORDS}`);
    const index = new PdqIndex(words.length / PDQ_WORDS, options);
    index.words.set(words);
    index.count = words.length / PDQ_WORDS;
    index.build();
    return index;
  }

  static fromHashes(hashes: Iterable<string>, options: PdqIndexOptions = {}): PdqIndex {
    const list = Array.isArray(hashes) ? (hashes as string[]) : [...hashes];
    const words = new Uint32Array(list.length * PDQ_WORDS);
    list.forEach((hash, i) => hexToWords(hash, words, i * PDQ_WORDS));
    return PdqIndex.fromWords(words, options);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held in typed arrays (hashes, tables, bookkeeping). */
  get memoryBytes(): number {
    return this.words.byteLength + this.offsets.byteLength + this.ids.byteLength + this.others.byteLength + this.seen.byteLength;
  }

  /** Stores a hash and returns its id (ids count up from 0 in insertion order). */
  add(hash: PdqHashInput): number {
    this.reserve(this.count + 1);
    if (typeof hash === 'string') hexToWords(hash, this.words, this.count * PDQ_WORDS);
    else this.words.set(toWords(hash), this.count * PDQ_WORDS);
    return this.count++;
  }

  /** Stores many hashes given as 8 words each; returns the first new id. */
  addWords(words: Uint32Array): number {
    if (words.length % PDQ_WORDS !== 0) throw new RangeError(`hash words come in groups of ${PDQ_WORDS}`);
    const first = this.count;
    this.reserve(this.count + words.length / PDQ_WORDS);
    this.words.set(words, this.count * PDQ_WORDS);
    this.count += words.length / PDQ_WORDS;
    return first;
  }

  /** The stored hash `id` as 8 words (a view: do not modify). */
  wordsOf(id: number): Uint32Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.count) throw new RangeError(`no hash with id ${id}`);
    return this.words.subarray(id * PDQ_WORDS, (id + 1) * PDQ_WORDS);
  }

  private reserve(count: number): void {
    if (count * PDQ_WORDS <= this.words.length) return;
    const capacity = Math.max(count, Math.ceil((this.words.length / PDQ_WORDS) * 1.5));
    const words = new Uint32Array(capacity * PDQ_WORDS);
    words.set(this.words.subarray(0, this.count * PDQ_WORDS));
    this.words = words;
    const seen = new Uint32Array(capacity);
    seen.set(this.seen);
    this.seen = seen;
  }

  /** Indexes every stored hash now (queries otherwise do it when the unindexed tail is large). */
  build(): void {
    const n = this.count;
    const words = this.words;
    const offsets = new Uint32Array(CHUNKS * SPAN);
    const ids = new Uint32Array(CHUNKS * n);
    const others = new Uint16Array(CHUNKS * n);
    // One word column at a time, so each counting sort reads 4 bytes per hash sequentially and
    // scatters into one table, rather than striding over all of the hashes 16 times.
    const column = new Uint32Array(n);
    const cursor = new Uint32Array(KEYS);
    for (let w = 0; w < PDQ_WORDS; w++) {
      for (let id = 0; id < n; id++) column[id] = words[id * PDQ_WORDS + w]!;
      for (let half = 0; half < 2; half++) {
        const c = 2 * w + half;
        const shift = half * 16;
        const otherShift = 16 - shift;
        const table = c * SPAN;
        const region = c * n;
        for (let id = 0; id < n; id++) offsets[table + ((column[id]! >>> shift) & 0xffff) + 1]!++;
        for (let k = 1; k < SPAN; k++) offsets[table + k]! += offsets[table + k - 1]!;
        cursor.set(offsets.subarray(table, table + KEYS));
        for (let id = 0; id < n; id++) {
          const x = column[id]!;
          const at = region + cursor[(x >>> shift) & 0xffff]!++;
          ids[at] = id;
          others[at] = (x >>> otherShift) & 0xffff;
        }
      }
    }
    this.offsets = offsets;
    this.ids = ids;
    this.others = others;
    this.indexed = n;
  }

  private maybeRebuild(): void {
    const pending = this.count - this.indexed;
    if (pending > MIN_PENDING_BEFORE_REBUILD && pending > this.indexed / 8) this.build();
  }

  private nextQueryNumber(): number {
    if (this.queryNumber === 0xffffffff) {
      this.seen.fill(0);
      this.queryNumber = 0;
    }
    return ++this.queryNumber;
  }

  /** Every stored hash within `threshold` bits of `hash`, by id. */
  query(hash: PdqHashInput, threshold = PDQ_MATCH_THRESHOLD): PdqMatch[] {
    return this.queryVariants([hash], threshold).map(({ id, distance }) => ({ id, distance }));
  }

  /**
   * Every stored hash within `threshold` bits of any of `variants` (e.g. the 8 dihedral hashes of a
   * photo, to find rotated and mirrored copies), by id, with the nearest variant and its distance.
   */
  queryVariants(variants: readonly PdqHashInput[], threshold = PDQ_MATCH_THRESHOLD): PdqVariantMatch[] {
    if (variants.length === 0) return [];
    const queries = new Uint32Array(variants.length * PDQ_WORDS);
    variants.forEach((variant, v) => queries.set(toWords(variant), v * PDQ_WORDS));
    return this.queryWords(queries, threshold);
  }

  /** queryVariants with the variants already as words (8 per variant, back to back). */
  queryWords(queries: Uint32Array, threshold = PDQ_MATCH_THRESHOLD): PdqVariantMatch[] {
    const variants = queries.length / PDQ_WORDS;
    if (variants === 0) return [];
    const result = this.queryBatch(queries, { threshold, variants });
    return Array.from({ length: result.count }, (_, m) => ({ id: result.id[m]!, distance: result.distance[m]!, variant: result.variant[m]! }));
  }

  /**
   * Many queries at once, the fast way for bulk matching: each query is `variants` consecutive
   * hashes (8 words each) in `queries`, and matches the nearest of them. Probing runs table by table
   * over a slice of queries, so each table's buckets stay in cache. Matches come grouped by query,
   * in query order and then id order.
   */
  queryBatch(queries: Uint32Array, options: { threshold?: number; variants?: number } = {}): PdqBatchMatches {
    const threshold = options.threshold ?? PDQ_MATCH_THRESHOLD;
    const variants = options.variants ?? 1;
    checkThreshold(threshold);
    if (!Number.isInteger(variants) || variants < 1) throw new RangeError(`variants must be a whole number ≥ 1, got ${variants}`);
    const groups = queries.length / (PDQ_WORDS * variants);
    if (!Number.isInteger(groups)) throw new RangeError(`query words come in groups of ${PDQ_WORDS} × ${variants}`);
    this.maybeRebuild();
    const out = new MatchSink();
    const groupsPerSlice = Math.max(1, Math.floor(BATCH_PROBES / variants));
    for (let first = 0; first < groups; first += groupsPerSlice) {
      const last = Math.min(groups, first + groupsPerSlice);
      this.querySlice(queries, variants, first, last, threshold, out);
    }
    return out.finish(queries.length === 0 ? 0 : groups);
  }

  private querySlice(queries: Uint32Array, variants: number, first: number, last: number, threshold: number, out: MatchSink): void {
    const words = this.words;
    const wordBound = Math.floor(threshold / 8);
    const halfRadius = Math.floor(wordBound / 2);
    const useTables = halfRadius <= MAX_HALF_RADIUS && this.indexed > 0;
    const scanFrom = useTables ? this.indexed : 0;
    const candidateGroup = this.candidateGroup;
    const candidateId = this.candidateId;
    candidateGroup.length = 0;
    candidateId.length = 0;
    if (useTables) {
      const { offsets, ids, others } = this;
      const n = this.indexed;
      const stride = variants * PDQ_WORDS;
      for (let c = 0; c < CHUNKS; c++) {
        const table = c * SPAN;
        const region = c * n;
        const wordAt = c >> 1;
        const shift = (c & 1) * 16;
        const otherShift = 16 - shift;
        for (let g = first; g < last; g++) {
          for (let v = 0; v < variants; v++) {
            const word = queries[g * stride + v * PDQ_WORDS + wordAt]!;
            const key = (word >>> shift) & 0xffff;
            const other = (word >>> otherShift) & 0xffff;
            for (let radius = 0; radius <= halfRadius; radius++) {
              // The other half may differ by what the word bound leaves after this half's flips.
              const otherBound = this.wordFilter ? wordBound - radius : 16;
              const masks = MASKS_BY_RADIUS[radius]!;
              for (let m = 0; m < masks.length; m++) {
                const probe = key ^ masks[m]!;
                const end = region + offsets[table + probe + 1]!;
                for (let at = region + offsets[table + probe]!; at < end; at++) {
                  if (POPCOUNT16[others[at]! ^ other]! > otherBound) continue;
                  candidateGroup.push(g);
                  candidateId.push(ids[at]!);
                }
              }
            }
          }
        }
      }
    }
    // Group the candidates by query (counting sort), then compare each distinct one in full.
    const groupCount = last - first;
    const starts = new Uint32Array(groupCount + 1);
    for (let i = 0; i < candidateGroup.length; i++) starts[candidateGroup.data[i]! - first + 1]!++;
    for (let g = 0; g < groupCount; g++) starts[g + 1]! += starts[g]!;
    const fill = starts.slice(0, groupCount);
    const byGroup = new Uint32Array(candidateGroup.length);
    for (let i = 0; i < candidateGroup.length; i++) byGroup[fill[candidateGroup.data[i]! - first]!++] = candidateId.data[i]!;
    const best = { variant: 0 };
    const seen = this.seen;
    const found: PdqVariantMatch[] = [];
    for (let g = first; g < last; g++) {
      const variantWords = queries.subarray(g * variants * PDQ_WORDS, (g + 1) * variants * PDQ_WORDS);
      const mark = this.nextQueryNumber();
      found.length = 0;
      for (let i = starts[g - first]!; i < starts[g - first + 1]!; i++) {
        const id = byGroup[i]!;
        if (seen[id] === mark) continue;
        seen[id] = mark;
        const distance = nearestVariant(words, id, variantWords, variants, threshold, best);
        if (distance <= threshold) found.push({ id, distance, variant: best.variant });
      }
      found.sort((a, b) => a.id - b.id);
      // Hashes not yet in the tables (ids above every indexed one) are compared directly.
      for (let id = scanFrom; id < this.count; id++) {
        const distance = nearestVariant(words, id, variantWords, variants, threshold, best);
        if (distance <= threshold) found.push({ id, distance, variant: best.variant });
      }
      for (const match of found) out.push(g, match.id, match.distance, match.variant);
    }
  }
}

/** Matches of a batch, as parallel typed arrays (no object per match). */
export interface PdqBatchMatches {
  readonly count: number;
  /** Per query: its matches are at [starts[q], starts[q+1]). */
  readonly starts: Uint32Array;
  readonly query: Uint32Array;
  readonly id: Uint32Array;
  readonly distance: Uint16Array;
  readonly variant: Uint8Array;
}

/** Variant-hashes probed per slice of a batch: enough to amortise a table's cache misses. */
const BATCH_PROBES = 8192;

class Growable {
  data = new Uint32Array(64);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
}

class MatchSink {
  private readonly query = new Growable();
  private readonly id = new Growable();
  private readonly distance = new Growable();
  private readonly variant = new Growable();
  push(query: number, id: number, distance: number, variant: number): void {
    this.query.push(query);
    this.id.push(id);
    this.distance.push(distance);
    this.variant.push(variant);
  }
  finish(groups: number): PdqBatchMatches {
    const count = this.query.length;
    const query = this.query.data.slice(0, count);
    const starts = new Uint32Array(groups + 1);
    for (let m = 0; m < count; m++) starts[query[m]! + 1]!++;
    for (let g = 0; g < groups; g++) starts[g + 1]! += starts[g]!;
    return { count, starts, query, id: this.id.data.slice(0, count), distance: Uint16Array.from(this.distance.data.subarray(0, count)), variant: Uint8Array.from(this.variant.data.subarray(0, count)) };
  }
}

/**
 * The plain oracle, deliberately independent of the index's code: full distance from every hash in
 * `haystack` (8 words per hash) to every query variant (8 words each in `queries`); the nearest
 * variant counts. Results by id.
 */
export function bruteForceMatches(haystack: Uint32Array, queries: Uint32Array, threshold = PDQ_MATCH_THRESHOLD): PdqVariantMatch[] {
  checkThreshold(threshold);
  const variantCount = queries.length / PDQ_WORDS;
  const matches: PdqVariantMatch[] = [];
  const count = Math.floor(haystack.length / PDQ_WORDS);
  for (let id = 0; id < count; id++) {
    let nearest = Infinity;
    let variant = 0;
    for (let v = 0; v < variantCount; v++) {
      const distance = hammingWords(haystack, id * PDQ_WORDS, queries, v * PDQ_WORDS);
      if (distance < nearest) {
        nearest = distance;
        variant = v;
      }
    }
    if (nearest <= threshold) matches.push({ id, distance: nearest, variant });
  }
  return matches;
}
