/**
 * String measures for comparing names: normalisation, Jaro-Winkler, Soundex, and a table of
 * common nicknames (Bob ↔ Robert) — the comparisons a careful analyst makes by eye.
 */

/** Lower case, accents and punctuation removed, single spaces. */
export function normaliseName(text: string | undefined): string {
  if (!text) return '';
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// Scratch flags for strings too long for the bit masks below.
let matchedA = new Uint8Array(64);
let matchedB = new Uint8Array(64);

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a === '' ? 0 : 1;
  const lengthA = a.length;
  const lengthB = b.length;
  if (lengthA === 0 || lengthB === 0) return 0;
  // Names are short: which characters matched fits in two integers, and tens of millions of calls
  // in a large run allocate nothing.
  if (lengthA <= 31 && lengthB <= 31) return jaroWinklerShort(a, b, lengthA, lengthB);
  if (lengthA > matchedA.length) matchedA = new Uint8Array(lengthA * 2);
  if (lengthB > matchedB.length) matchedB = new Uint8Array(lengthB * 2);
  matchedA.fill(0, 0, lengthA);
  matchedB.fill(0, 0, lengthB);
  const window = Math.max(0, Math.floor(Math.max(lengthA, lengthB) / 2) - 1);
  let matches = 0;
  for (let i = 0; i < lengthA; i++) {
    const char = a.charCodeAt(i);
    const end = Math.min(lengthB, i + window + 1);
    for (let j = Math.max(0, i - window); j < end; j++) {
      if (matchedB[j] === 1 || b.charCodeAt(j) !== char) continue;
      matchedA[i] = 1;
      matchedB[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < lengthA; i++) {
    if (matchedA[i] !== 1) continue;
    while (matchedB[k] !== 1) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  return winkler(a, b, matches, transpositions);
}

function jaroWinklerShort(a: string, b: string, lengthA: number, lengthB: number): number {
  const window = Math.max(0, ((lengthA > lengthB ? lengthA : lengthB) >> 1) - 1);
  let flagsA = 0;
  let flagsB = 0;
  let matches = 0;
  for (let i = 0; i < lengthA; i++) {
    const char = a.charCodeAt(i);
    const end = i + window + 1 < lengthB ? i + window + 1 : lengthB;
    for (let j = i > window ? i - window : 0; j < end; j++) {
      if ((flagsB & (1 << j)) !== 0 || b.charCodeAt(j) !== char) continue;
      flagsA |= 1 << i;
      flagsB |= 1 << j;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < lengthA; i++) {
    if ((flagsA & (1 << i)) === 0) continue;
    while ((flagsB & (1 << k)) === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  return winkler(a, b, matches, transpositions);
}

function winkler(a: string, b: string, matches: number, transpositions: number): number {
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

const SOUNDEX: Record<string, string> = { b: '1', f: '1', p: '1', v: '1', c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2', d: '3', t: '3', l: '4', m: '5', n: '5', r: '6' };

/** American Soundex of the first word: a blocking key that survives most spelling slips. */
export function soundex(name: string): string {
  const word = normaliseName(name).replace(/[^a-z]/g, '');
  if (word === '') return '';
  let code = word[0]!.toUpperCase();
  let last = SOUNDEX[word[0]!] ?? '';
  for (const char of word.slice(1)) {
    const digit = SOUNDEX[char] ?? '';
    if (digit !== '' && digit !== last) code += digit;
    if (char !== 'h' && char !== 'w') last = digit;
    if (code.length === 4) break;
  }
  return code.padEnd(4, '0');
}

// Groups of given names that are the same name to a person reading them.
const NICKNAME_GROUPS = [
  'robert rob bob bobby robbie', 'william will bill billy liam', 'elizabeth liz beth betty eliza lizzie', 'james jim jimmy jamie',
  'john jack johnny jon', 'michael mike mick mikey', 'richard rick dick ricky rich', 'thomas tom tommy', 'joseph joe joey',
  'charles charlie chuck chas', 'margaret maggie peggy meg', 'katherine kate kathy katie kath catherine cathy', 'christopher chris kit',
  'daniel dan danny', 'matthew matt', 'anthony tony', 'edward ed ted eddie ned', 'alexander alex al sandy', 'jennifer jen jenny',
  'patricia pat patty trish', 'susan sue suzy', 'deborah debbie deb', 'rebecca becky becca', 'samuel sam sammy', 'benjamin ben benny',
  'nicholas nick nicky', 'andrew andy drew', 'stephen steve steven stevie', 'timothy tim timmy', 'david dave davy', 'zachary zach zack',
  'jonathan jon jonny', 'gregory greg', 'kenneth ken kenny', 'ronald ron ronnie', 'donald don donnie', 'lawrence larry', 'leonard leo len lenny',
  'peter pete', 'frederick fred freddie', 'harold harry hal', 'henry harry hank', 'victoria vicky tori', 'abigail abby', 'jessica jess jessie',
  'barbara barb babs', 'dorothy dot dotty', 'judith judy', 'pamela pam', 'sandra sandy', 'theresa terry tess', 'angela angie',
  'christine chris chrissy tina', 'nathaniel nate nat', 'nathan nate', 'oliver ollie', 'philip phil', 'raymond ray', 'gerald gerry jerry',
];
const NICKNAMES = new Map<string, Set<string>>();
for (const group of NICKNAME_GROUPS) {
  const names = group.split(' ');
  for (const name of names) {
    const set = NICKNAMES.get(name) ?? new Set<string>();
    for (const other of names) set.add(other);
    NICKNAMES.set(name, set);
  }
}

export function isNickname(a: string, b: string): boolean {
  return a !== b && (NICKNAMES.get(a)?.has(b) ?? false);
}

/** Bits set in a 32-bit integer. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Letter profiles of strings, four integers each: the letters present once or more, twice or
 * more, three times or more (a bit per letter; other characters share six bits), and the count
 * beyond three. Two profiles bound the characters two strings can have in common, which bounds
 * their Jaro-Winkler similarity from above in a few operations — enough to tell that most pairs
 * met in a large block are "different" without computing the similarity itself.
 */
export function letterProfiles(values: readonly string[]): Int32Array {
  const profiles = new Int32Array(values.length * 4);
  const counts = new Uint8Array(32);
  values.forEach((value, index) => {
    counts.fill(0);
    let overflow = 0;
    for (let k = 0; k < value.length; k++) {
      const code = value.charCodeAt(k);
      const bit = code >= 97 && code <= 122 ? code - 97 : 26 + (code % 6);
      if (++counts[bit]! > 3) overflow++;
    }
    let once = 0;
    let twice = 0;
    let thrice = 0;
    for (let bit = 0; bit < 32; bit++) {
      if (counts[bit]! >= 1) once |= 1 << bit;
      if (counts[bit]! >= 2) twice |= 1 << bit;
      if (counts[bit]! >= 3) thrice |= 1 << bit;
    }
    profiles.set([once, twice, thrice, overflow], index * 4);
  });
  return profiles;
}

/** An upper bound of jaroWinkler(values[x], values[y]) from their letter profiles (1 when equal). */
export function jaroWinklerBound(values: readonly string[], profiles: Int32Array, x: number, y: number): number {
  if (x === y) return 1;
  const a = values[x]!;
  const b = values[y]!;
  const px = x * 4;
  const py = y * 4;
  let common =
    popcount(profiles[px]! & profiles[py]!) + popcount(profiles[px + 1]! & profiles[py + 1]!) + popcount(profiles[px + 2]! & profiles[py + 2]!) + Math.min(profiles[px + 3]!, profiles[py + 3]!);
  common = Math.min(common, a.length, b.length);
  if (common === 0) return 0;
  const jaro = (common / a.length + common / b.length + 1) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * Jaro-Winkler similarities of interned strings, remembered: in a large run the same two names
 * meet again and again (Smith and Smyth in every birth-year block). A direct-mapped table of
 * typed arrays: a lookup costs a fraction of a computation, and the memory is fixed.
 */
export class SimilarityCache {
  private readonly keys: Float64Array;
  private readonly values: Float64Array;
  private readonly mask: number;

  constructor(
    private readonly strings: readonly string[],
    private readonly profiles: Int32Array,
    bits = 20,
  ) {
    this.keys = new Float64Array(1 << bits).fill(-1);
    this.values = new Float64Array(1 << bits);
    this.mask = (1 << bits) - 1;
  }

  /** jaroWinkler(strings[x], strings[y]); 1 when x === y. */
  similarity(x: number, y: number): number {
    if (x === y) return 1;
    if (x > y) [x, y] = [y, x];
    const key = x * 67108864 + y;
    const slot = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca6b)) & this.mask;
    if (this.keys[slot] === key) return this.values[slot]!;
    const value = jaroWinkler(this.strings[x]!, this.strings[y]!);
    this.keys[slot] = key;
    this.values[slot] = value;
    return value;
  }

  /** The similarity when it may reach `threshold`; some value below `threshold` when the letter bound says it cannot. */
  similarityFrom(x: number, y: number, threshold: number): number {
    if (x !== y && jaroWinklerBound(this.strings, this.profiles, x, y) < threshold) return 0;
    return this.similarity(x, y);
  }
}
