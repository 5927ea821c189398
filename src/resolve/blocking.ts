/**
 * Blocking: records that share a key (phonetic name + birth year, birth date, email local part …)
 * are compared; no all-pairs. Keys are hashed integers, sorted in typed arrays, and candidate
 * pairs come out as three typed columns (record a, record b, the rules that paired them): at a
 * million records that is tens of millions of pairs, which as objects would not fit in memory.
 */
import { Interner, type Field, type PreparedRecords } from './compare.ts';

/** The blocking rules, each a kind of key; a pair remembers which rules brought it together (a bit each). */
export const RULES = ['ly', 'fd', 'ld', 'lf', 'fy', 'd', 'lmd', 'el', 'ed', 'lc', 'id'] as const;
export type Rule = (typeof RULES)[number];

/** The fields a blocking rule makes agree: its pairs cannot teach EM about them. */
export const RULE_FIELDS: Record<Rule, readonly Field[]> = {
  ly: ['last_name', 'birth_date'], // last-name Soundex + birth year
  fd: ['first_name', 'birth_date'], // first-name Soundex + birth date
  ld: ['last_name', 'birth_date'], // last-name Soundex + birth date
  lf: ['last_name', 'first_name'], // both names' Soundex, either way round
  fy: ['first_name', 'birth_date'], // first-name Soundex + birth year
  d: ['birth_date'], // birth date
  lmd: ['last_name', 'birth_date'], // last-name Soundex + day and month of birth
  el: ['identifiers'], // email local part (an address with a slip in its domain)
  ed: ['identifiers'], // email domain (a slip in the local part)
  lc: ['last_name', 'city'], // last-name Soundex + city
  id: ['identifiers'], // a shared identifier
};

/** Blocks larger than this say little (a common surname + year) and cost quadratically. */
export const MAX_BLOCK = 200;

/**
 * Pairs one rule may produce: at least this many, and more in proportion to the records. A rule
 * over budget drops its largest blocks first (the least telling: a common date, a common name
 * with a year), which is what keeps a million records near ten million pairs rather than fifty
 * million; on smaller data (fake_1000, the demo worlds) no rule comes near it.
 */
export const RULE_BUDGET = { minimum: 200_000, perRecord: 3 };

export interface CandidatePairs {
  readonly count: number;
  /** Record indices, a < b; sorted by a, then b. */
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** Bit r set when rule RULES[r] paired the two. */
  readonly rules: Uint16Array;
}

/** murmur3's finaliser: spreads the bits of a running hash. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The keys of one rule, as doubles packing a hash of the key (high bits) and the record index
 * (low bits), so one native sort groups the blocks. At a million records the hash keeps 33 bits:
 * some 60 of a rule's million keys collide, each merging two blocks — a few extra comparisons,
 * never a lost one.
 */
class RuleKeys {
  private values: Float64Array;
  length = 0;

  constructor(
    private readonly rule: number,
    private readonly indexScale: number,
    private readonly hashBits: number,
    capacity: number,
  ) {
    this.values = new Float64Array(Math.max(16, capacity));
  }

  add(index: number, x: number, y = 0, z = 0): void {
    let h1 = fmix(0x9747b28c ^ this.rule);
    let h2 = fmix(0x5bd1e995 ^ (this.rule + 0x3c6ef372));
    h1 = fmix(h1 ^ x);
    h2 = fmix(h2 ^ Math.imul(x, 0x27d4eb2d));
    h1 = fmix(h1 ^ y);
    h2 = fmix(h2 ^ Math.imul(y, 0x165667b1));
    h1 = fmix(h1 ^ z);
    h2 = fmix(h2 ^ Math.imul(z, 0x61c88647));
    const hash = this.hashBits > 32 ? (h1 >>> 0) * 2 ** (this.hashBits - 32) + (h2 >>> (64 - this.hashBits)) : h1 >>> (32 - this.hashBits);
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = hash * this.indexScale + index;
  }

  sorted(): Float64Array {
    return this.values.subarray(0, this.length).sort();
  }
}

export interface BlockingOptions {
  /** Only pairs with at least one record marked 1 are kept (incremental runs); all without. */
  focus?: Uint8Array;
  /** The rules to block by (all by default). */
  rules?: readonly Rule[];
}

export function candidatePairs(p: PreparedRecords, options: BlockingOptions = {}): CandidatePairs {
  const { focus } = options;
  const enabled = new Set(options.rules ?? RULES);
  const count = p.count;
  const indexBits = Math.max(1, Math.ceil(Math.log2(count + 1)));
  const indexScale = 2 ** indexBits;
  const hashBits = 53 - indexBits;
  if (count >= 2 ** 27) throw new Error(`blocking handles up to ${2 ** 27} records in one run`);
  const keys = RULES.map((_, rule) => new RuleKeys(rule, indexScale, hashBits, count));
  const [ly, fd, ld, lf, fy, d, lmd, el, ed, lc, id] = keys as [RuleKeys, RuleKeys, RuleKeys, RuleKeys, RuleKeys, RuleKeys, RuleKeys, RuleKeys, RuleKeys, RuleKeys, RuleKeys];

  // The year and the day-and-month of a date, and the local part and domain of an email, as numbers.
  const parts = new Interner();
  const years = new Map<number, number>();
  const monthDays = new Map<number, number>();
  const yearOf = (date: number) => {
    let value = years.get(date);
    if (value === undefined) years.set(date, (value = parts.id(p.dates.values[date]!.slice(0, 4))));
    return value;
  };
  const monthDayOf = (date: number) => {
    let value = monthDays.get(date);
    if (value === undefined) monthDays.set(date, (value = parts.id(p.dates.values[date]!.slice(5))));
    return value;
  };
  const emailType = p.identifierTypes.find('email');
  const emailParts = new Map<number, [number, number] | null>();
  const partsOf = (identifier: number): [number, number] | null => {
    let found = emailParts.get(identifier);
    if (found === undefined) {
      const value = p.identifiers.values[identifier]!.slice('email:'.length);
      const at = value.lastIndexOf('@');
      found = at > 0 ? [parts.id(`local:${value.slice(0, at)}`), parts.id(`domain:${value.slice(at + 1)}`)] : null;
      emailParts.set(identifier, found);
    }
    return found;
  };

  for (let index = 0; index < count; index++) {
    const last = p.lastSoundex[index]!;
    const first = p.firstSoundex[index]!;
    const date = p.date[index]!;
    const year = date === 0 ? 0 : yearOf(date);
    // An empty year ('' from a date without one) is no key, as before.
    const hasYear = year !== 0;
    if (last && hasYear) ly.add(index, last, year);
    if (first && date) fd.add(index, first, date);
    if (last && date) ld.add(index, last, date);
    if (last && first) {
      lf.add(index, last, first);
      // Swapped names block together too.
      if (first !== last) lf.add(index, first, last);
    }
    if (first && hasYear) fy.add(index, first, year);
    if (date) d.add(index, date);
    if (last && date) lmd.add(index, last, monthDayOf(date));
    for (let k = p.identifierStart[index]!; k < p.identifierStart[index + 1]!; k++) {
      const identifier = p.identifierList[k]!;
      // An address with a slip still shares its other half.
      if (emailType !== undefined && p.identifierType[identifier] === emailType) {
        const parts = partsOf(identifier);
        if (parts) {
          el.add(index, parts[0]);
          ed.add(index, parts[1]);
        }
      }
      id.add(index, identifier);
    }
    const city = p.city[index]!;
    if (last && city) lc.add(index, last, city);
  }

  // Pass 1 counts each record's pairs with higher-numbered records; pass 2 files them.
  const sortedKeys = keys.map((rule) => rule.sorted());
  const budget = Math.max(RULE_BUDGET.minimum, RULE_BUDGET.perRecord * count);
  // Per rule, the largest block size kept: the budget spent on the smallest blocks first.
  const caps = sortedKeys.map((values) => {
    const blocks = new Float64Array(MAX_BLOCK + 1);
    let start = 0;
    while (start < values.length) {
      const key = Math.floor(values[start]! / indexScale);
      let end = start + 1;
      while (end < values.length && Math.floor(values[end]! / indexScale) === key) end++;
      if (end - start <= MAX_BLOCK) blocks[end - start]!++;
      start = end;
    }
    let spent = 0;
    for (let size = 2; size <= MAX_BLOCK; size++) {
      spent += (blocks[size]! * size * (size - 1)) / 2;
      if (spent > budget) return size - 1;
    }
    return MAX_BLOCK;
  });
  const degree = new Int32Array(count + 1);
  const block = new Int32Array(MAX_BLOCK);
  const forEachBlock = (visit: (size: number, rule: number) => void) => {
    sortedKeys.forEach((values, rule) => {
      if (!enabled.has(RULES[rule]!)) return;
      let start = 0;
      while (start < values.length) {
        const key = Math.floor(values[start]! / indexScale);
        let end = start + 1;
        while (end < values.length && Math.floor(values[end]! / indexScale) === key) end++;
        if (end - start >= 2 && end - start <= caps[rule]!) {
          // Record indices come sorted; the same record twice in a block (two keys alike) counts once.
          let size = 0;
          for (let k = start; k < end; k++) {
            const index = values[k]! - key * indexScale;
            if (size === 0 || block[size - 1] !== index) block[size++] = index;
          }
          if (size >= 2 && size <= MAX_BLOCK) visit(size, rule);
        }
        start = end;
      }
    });
  };
  forEachBlock((size) => {
    for (let x = 0; x < size - 1; x++) {
      const a = block[x]!;
      if (focus && focus[a] !== 1) {
        for (let y = x + 1; y < size; y++) if (focus[block[y]!] === 1) degree[a]!++;
      } else degree[a]! += size - 1 - x;
    }
  });
  const offset = new Int32Array(count + 1);
  for (let index = 0; index < count; index++) offset[index + 1] = offset[index]! + degree[index]!;
  const entries = new Int32Array(offset[count]!);
  const fill = offset.slice(0, count);
  forEachBlock((size, rule) => {
    for (let x = 0; x < size - 1; x++) {
      const a = block[x]!;
      const all = !focus || focus[a] === 1;
      for (let y = x + 1; y < size; y++) {
        const b = block[y]!;
        if (all || focus[b] === 1) entries[fill[a]!++] = b * 16 + rule;
      }
    }
  });

  // Each record's partners sorted: the same pair from several rules lies side by side and merges
  // into one, its rule bits or-ed. Partners are compacted in place (the write never passes the read).
  const ruleBits = new Uint16Array(entries.length);
  let unique = 0;
  const a = new Int32Array(count + 1);
  for (let record = 0; record < count; record++) {
    const from = offset[record]!;
    const to = offset[record + 1]!;
    const first = unique;
    if (to - from > 1) entries.subarray(from, to).sort();
    for (let k = from; k < to; k++) {
      const partner = entries[k]! >> 4;
      const bit = 1 << (entries[k]! & 15);
      if (unique > first && entries[unique - 1] === partner) ruleBits[unique - 1]! |= bit;
      else {
        entries[unique] = partner;
        ruleBits[unique++] = bit;
      }
    }
    a[record + 1] = unique;
  }
  // In shared memory, so that comparison threads read the pairs without a copy (compare-threads.ts).
  const pairA = new Int32Array(new SharedArrayBuffer(unique * 4));
  for (let record = 0; record < count; record++) pairA.fill(record, a[record]!, a[record + 1]!);
  const b = new Int32Array(new SharedArrayBuffer(unique * 4));
  b.set(entries.subarray(0, unique));
  const rules = ruleBits.slice(0, unique);
  return { count: unique, a: pairA, b, rules };
}
