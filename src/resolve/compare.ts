/**
 * Comparison of two person-like records field by field into discrete levels (exact, close,
 * different, missing) — the vector Fellegi–Sunter weighs. Each level carries a readable name,
 * so a match can be explained in words. Records are prepared once into columns of interned
 * values, and a pair's levels are packed into one small integer (its *pattern*), so that a
 * million records' tens of millions of pairs cost no object per pair.
 */
import { isNickname, jaroWinkler, jaroWinklerBound, letterProfiles, normaliseName, SimilarityCache, soundex } from './strings.ts';

export interface PersonRecord {
  id: string;
  firstName?: string;
  lastName?: string;
  birthDate?: string;
  city?: string;
  /** Strong identifiers as `type:value` (email, phone, card …). */
  identifiers: string[];
}

export const FIELDS = {
  first_name: ['exact', 'nickname', 'close', 'similar', 'different'],
  last_name: ['exact', 'close', 'similar', 'different'],
  birth_date: ['exact', 'one slip', 'within a month', 'within a year', 'within ten years', 'different'],
  city: ['exact', 'close', 'different'],
  identifiers: ['shared', 'near-identical', 'different'],
} as const;

export type Field = keyof typeof FIELDS;
/** Level index per field; -1 when one side lacks the value (no evidence either way). */
export type Comparison = Record<Field, number>;

export const FIELD_NAMES = Object.keys(FIELDS) as Field[];

/** Places of each field in a pattern: level + 1 (0 = missing) times the field's stride. */
const STRIDES: number[] = [];
{
  let stride = 1;
  for (let index = FIELD_NAMES.length - 1; index >= 0; index--) {
    STRIDES[index] = stride;
    stride *= FIELDS[FIELD_NAMES[index]!].length + 1;
  }
}
/** How many distinct patterns there are (3,360): small enough to weigh each once, in a table. */
export const PATTERNS = STRIDES[0]! * (FIELDS[FIELD_NAMES[0]!].length + 1);

export function pattern(comparison: Comparison): number {
  let code = 0;
  FIELD_NAMES.forEach((field, index) => (code += (comparison[field] + 1) * STRIDES[index]!));
  return code;
}

/** The level of `field` (index in FIELD_NAMES) in a pattern; -1 for missing. */
export function levelIn(code: number, fieldIndex: number): number {
  return (Math.floor(code / STRIDES[fieldIndex]!) % (FIELDS[FIELD_NAMES[fieldIndex]!].length + 1)) - 1;
}

export function comparisonOf(code: number): Comparison {
  const comparison = {} as Comparison;
  FIELD_NAMES.forEach((field, index) => (comparison[field] = levelIn(code, index)));
  return comparison;
}

/** Strings to dense integers, so that equal values compare as equal numbers; 0 is "none". */
export class Interner {
  readonly values: string[] = [''];
  private readonly ids = new Map<string, number>([['', 0]]);

  /** The id of a value already interned, or undefined. */
  find(value: string): number | undefined {
    return this.ids.get(value);
  }

  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
}

/** Records as columns of interned values, made once per run (normalising and Soundex per distinct value, not per pair). */
export interface PreparedRecords {
  readonly count: number;
  readonly ids: readonly string[];
  /** Normalised names, first and last in one table so that swapped names compare by number. */
  readonly names: Interner;
  /** Letter profiles of names, places and identifiers (see letterProfiles): cheap bounds of their similarities. */
  readonly nameProfiles: Int32Array;
  readonly placeProfiles: Int32Array;
  readonly identifierProfiles: Int32Array;
  /** Remembered similarities of names and of places. */
  readonly nameSimilarity: SimilarityCache;
  readonly placeSimilarity: SimilarityCache;
  readonly first: Int32Array;
  readonly last: Int32Array;
  /** Soundex codes of the names (blocking). */
  readonly soundexes: Interner;
  readonly firstSoundex: Int32Array;
  readonly lastSoundex: Int32Array;
  readonly places: Interner;
  readonly city: Int32Array;
  /** Whole dates, and their year, month and day parts (as written, so '03' ≠ '3' as before). */
  readonly dates: Interner;
  readonly date: Int32Array;
  readonly dateParts: Interner;
  readonly year: Int32Array;
  readonly month: Int32Array;
  readonly day: Int32Array;
  /** Days since 1970 of each interned date (by its id in `dates`), NaN when it is not a readable yyyy-mm-dd. */
  readonly dayNumbers: Float64Array;
  /** Identifiers of record i are identifierList[identifierStart[i] .. identifierStart[i + 1]), sorted. */
  readonly identifiers: Interner;
  readonly identifierStart: Int32Array;
  readonly identifierList: Int32Array;
  /** Type (the part before ':') of each interned identifier, itself interned. */
  readonly identifierType: Int32Array;
  readonly identifierTypes: Interner;
}

export function prepareRecords(records: readonly PersonRecord[]): PreparedRecords {
  const count = records.length;
  const names = new Interner();
  const soundexes = new Interner();
  const places = new Interner();
  const dates = new Interner();
  const dateParts = new Interner();
  const identifiers = new Interner();
  const types = new Interner();
  // Raw value → interned normalised value: names and places repeat, normalising is the costly part.
  const rawNames = new Map<string, number>();
  const rawPlaces = new Map<string, number>();
  const soundexOfName: number[] = [0];
  const nameId = (raw: string | undefined) => {
    if (!raw) return 0;
    let id = rawNames.get(raw);
    if (id === undefined) {
      id = names.id(normaliseName(raw));
      rawNames.set(raw, id);
      soundexOfName[id] ??= soundexes.id(soundex(raw));
    }
    return id;
  };
  const first = new Int32Array(count);
  const last = new Int32Array(count);
  const firstSoundex = new Int32Array(count);
  const lastSoundex = new Int32Array(count);
  const city = new Int32Array(count);
  const date = new Int32Array(count);
  const year = new Int32Array(count);
  const month = new Int32Array(count);
  const day = new Int32Array(count);
  const identifierStart = new Int32Array(count + 1);
  let identifierList = new Int32Array(Math.max(16, count));
  const identifierType: number[] = [0];
  const partsOfDate: [number, number, number][] = [];
  let listed = 0;
  for (let index = 0; index < count; index++) {
    const record = records[index]!;
    first[index] = nameId(record.firstName);
    last[index] = nameId(record.lastName);
    // One name written in both places is one name known: a record with a surname alone comes out
    // of the store with it as first name too (the full-name fallback in run.ts), and compared as a
    // first name it agreed with namesakes' first names (fake_1000 through the store: precision 1.000 → 0.961).
    if (first[index] !== 0 && first[index] === last[index]) first[index] = 0;
    // Soundex reads the raw name (as blocking always did); a name that normalises to '' has none.
    firstSoundex[index] = first[index] === 0 ? 0 : soundexOfName[first[index]!]!;
    lastSoundex[index] = last[index] === 0 ? 0 : soundexOfName[last[index]!]!;
    if (record.city) {
      let id = rawPlaces.get(record.city);
      if (id === undefined) rawPlaces.set(record.city, (id = places.id(normaliseName(record.city))));
      city[index] = id;
    }
    if (record.birthDate) {
      const id = dates.id(record.birthDate);
      date[index] = id;
      // Parts once per distinct date (a million people share some 30,000 birth dates).
      if (partsOfDate[id] === undefined) {
        const [y = '', m = '', d = ''] = record.birthDate.split('-');
        partsOfDate[id] = [dateParts.id(y), dateParts.id(m), dateParts.id(d)];
      }
      const parts = partsOfDate[id]!;
      year[index] = parts[0];
      month[index] = parts[1];
      day[index] = parts[2];
    }
    identifierStart[index] = listed;
    if (listed + record.identifiers.length > identifierList.length) {
      const grown = new Int32Array(Math.max(identifierList.length * 2, listed + record.identifiers.length));
      grown.set(identifierList);
      identifierList = grown;
    }
    const from = listed;
    for (const value of record.identifiers) {
      const id = identifiers.id(value);
      if (identifierType[id] === undefined) identifierType[id] = types.id(value.includes(':') ? value.slice(0, value.indexOf(':')) : value);
      if (!identifierList.subarray(from, listed).includes(id)) identifierList[listed++] = id;
    }
    if (listed - from > 1) identifierList.subarray(from, listed).sort();
  }
  identifierStart[count] = listed;
  const nameProfiles = letterProfiles(names.values);
  const placeProfiles = letterProfiles(places.values);
  return {
    count,
    ids: records.map((record) => record.id),
    names,
    nameProfiles,
    placeProfiles,
    nameSimilarity: new SimilarityCache(names.values, nameProfiles, count > 50_000 ? 22 : 12),
    placeSimilarity: new SimilarityCache(places.values, placeProfiles, count > 50_000 ? 20 : 10),
    identifierProfiles: letterProfiles(identifiers.values),
    first,
    last,
    soundexes,
    firstSoundex,
    lastSoundex,
    places,
    city,
    dates,
    date,
    dateParts,
    year,
    month,
    day,
    dayNumbers: dayNumbers(dates),
    identifiers,
    identifierStart,
    identifierList: identifierList.subarray(0, listed),
    identifierType: Int32Array.from(identifierType),
    identifierTypes: types,
  };
}

// Field strides, inlined for the hot path below.
const [FIRST_STRIDE, LAST_STRIDE, DATE_STRIDE, CITY_STRIDE, IDENTIFIER_STRIDE] = STRIDES as [number, number, number, number, number];

/** Level from a Jaro-Winkler similarity already known; `offset` 1 makes room for 'nickname'. */
function similarityLevel(similarity: number, offset: number): number {
  if (similarity >= 0.92) return 1 + offset;
  if (similarity >= 0.8) return 2 + offset;
  return 3 + offset;
}

/** Level of two different, non-empty names: `offset` 1 makes room for 'nickname' (first names). */
function nameLevel(p: PreparedRecords, x: number, y: number, offset: number): number {
  if (x === y) return 0;
  const names = p.names.values;
  if (offset === 1 && isNickname(names[x]!, names[y]!)) return 1;
  // Most names met in a block are nothing alike: the bound says so without the similarity itself.
  return similarityLevel(p.nameSimilarity.similarityFrom(x, y, 0.8), offset);
}

/** The name fields' part of the pattern of records i and j. */
function compareNames(p: PreparedRecords, i: number, j: number): number {
  const first = p.first[i]!;
  const last = p.last[i]!;
  const otherFirst = p.first[j]!;
  const otherLast = p.last[j]!;
  let firstLevel: number;
  let lastLevel: number;
  if (first !== 0 && last !== 0 && otherFirst !== 0 && otherLast !== 0 && !(first === otherFirst && last === otherLast)) {
    // First and last name written the other way round (perhaps with a slip) is the same name:
    // the reading whose similarities sum higher counts. When both readings give the same levels
    // (most pairs met in a large block: 'different' either way) there is nothing to decide.
    firstLevel = nameLevel(p, first, otherFirst, 1);
    lastLevel = nameLevel(p, last, otherLast, 0);
    const swappedFirst = nameLevel(p, last, otherFirst, 1);
    const swappedLast = nameLevel(p, first, otherLast, 0);
    if (swappedFirst !== firstLevel || swappedLast !== lastLevel) {
      const cache = p.nameSimilarity;
      if (cache.similarity(first, otherLast) + cache.similarity(last, otherFirst) > cache.similarity(first, otherFirst) + cache.similarity(last, otherLast)) {
        firstLevel = swappedFirst;
        lastLevel = swappedLast;
      }
    }
  } else {
    firstLevel = first === 0 || otherFirst === 0 ? -1 : nameLevel(p, first, otherFirst, 1);
    lastLevel = last === 0 || otherLast === 0 ? -1 : nameLevel(p, last, otherLast, 0);
  }
  return (firstLevel + 1) * FIRST_STRIDE + (lastLevel + 1) * LAST_STRIDE;
}

function compareCities(p: PreparedRecords, i: number, j: number): number {
  const cityA = p.city[i]!;
  const cityB = p.city[j]!;
  if (cityA === 0 || cityB === 0) return -1;
  if (cityA === cityB) return 0;
  return p.placeSimilarity.similarityFrom(cityA, cityB, 0.85) >= 0.85 ? 1 : 2;
}

/** The pattern (all fields' levels) of records i and j. */
export function comparePrepared(p: PreparedRecords, i: number, j: number): number {
  return (
    compareNames(p, i, j) +
    (compareDates(p, i, j) + 1) * DATE_STRIDE +
    (compareCities(p, i, j) + 1) * CITY_STRIDE +
    (compareIdentifiers(p, i, j) + 1) * IDENTIFIER_STRIDE
  );
}

/** The pattern of a pair that cannot reach the probability of interest (its fields were not all compared). */
export const BELOW = PATTERNS;

/** Field weights (log m/u) to score pairs while comparing them, and the lowest log-odds of interest. */
export interface Scorer {
  /** weights[field][level + 1]; 0 for a missing value. */
  readonly weights: readonly Float64Array[];
  /** The highest weight each field can add. */
  readonly best: Float64Array;
  readonly prior: number;
  readonly cutoff: number;
}

/**
 * The pattern of records i and j, or BELOW as soon as the fields compared so far, with the best
 * the others could add, cannot reach the cut-off: the cheap fields first (dates and places are
 * numbers), identifiers last. Most pairs of a large block stop after the names.
 */
export function comparePreparedAbove(p: PreparedRecords, i: number, j: number, scorer: Scorer): number {
  const { weights, best, cutoff } = scorer;
  const dateLevel = compareDates(p, i, j);
  let score = scorer.prior + weights[2]![dateLevel + 1]!;
  if (score + best[0]! + best[1]! + best[3]! + best[4]! < cutoff) return BELOW;
  const cityLevel = compareCities(p, i, j);
  score += weights[3]![cityLevel + 1]!;
  if (score + best[0]! + best[1]! + best[4]! < cutoff) return BELOW;
  const names = compareNames(p, i, j);
  score += weights[0]![Math.floor(names / FIRST_STRIDE)]! + weights[1]![Math.floor((names % FIRST_STRIDE) / LAST_STRIDE)]!;
  if (score + best[4]! < cutoff) return BELOW;
  return names + (dateLevel + 1) * DATE_STRIDE + (cityLevel + 1) * CITY_STRIDE + (compareIdentifiers(p, i, j) + 1) * IDENTIFIER_STRIDE;
}

/** Day numbers (days since 1970) of each interned date, NaN when it is not a readable yyyy-mm-dd. */
function dayNumbers(dates: Interner): Float64Array {
  const days = new Float64Array(dates.values.length).fill(Number.NaN);
  dates.values.forEach((text, id) => {
    const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    if (match) days[id] = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000;
  });
  return days;
}

/**
 * Dates equal, one typing slip apart (one digit, or day and month swapped), or how far apart:
 * within a month, a year, ten years — the levels Splink gives dates of birth. Different people
 * are born anywhere in a lifetime apart, the same person's records mostly within a year or a
 * decade's digit; telling 28 years apart from 1 is what stopped namesakes born decades apart
 * from joining (fake_1000: two George Davieses, 1977 and 2005).
 */
function compareDates(p: PreparedRecords, i: number, j: number): number {
  const a = p.date[i]!;
  const b = p.date[j]!;
  if (a === 0 || b === 0) return -1;
  if (a === b) return 0;
  if (p.year[i] === p.year[j] && p.month[i] === p.day[j] && p.day[i] === p.month[j]) return 1;
  const textA = p.dates.values[a]!;
  const textB = p.dates.values[b]!;
  if (textA.length === textB.length) {
    let differing = 0;
    for (let k = 0; k < textA.length && differing < 2; k++) if (textA.charCodeAt(k) !== textB.charCodeAt(k)) differing++;
    if (differing === 1) return 1;
  }
  const apart = Math.abs(p.dayNumbers[a]! - p.dayNumbers[b]!);
  if (apart <= 31) return 2;
  if (apart <= 366) return 3;
  if (apart <= 3_660) return 4;
  return 5; // also when either date could not be read
}

/**
 * How alike two identifiers of a type must be to read as one with a typing slip (Jaro-Winkler).
 * Measured on the values without their `type:` prefix: the shared `email:` added six matching
 * letters and the full prefix bonus to every pair, and made `h.k@sharp.com` and `f.j@sharp.com`
 * (two people) near-identical. On fake_1000 no two people's addresses reach 0.88 bare.
 */
const NEAR_IDENTICAL = 0.88;

function nearIdentical(a: string, b: string): boolean {
  // Both carry the same type, so the prefix ends at the same place (or neither has one).
  return jaroWinkler(a.slice(a.indexOf(':') + 1), b.slice(b.indexOf(':') + 1)) >= NEAR_IDENTICAL;
}

/** Shared (any identifier in common), near-identical (one of a type with a typing slip, `hopkins.org` / `honkips.org`), different. */
function compareIdentifiers(p: PreparedRecords, i: number, j: number): number {
  const list = p.identifierList;
  const startA = p.identifierStart[i]!;
  const endA = p.identifierStart[i + 1]!;
  const startB = p.identifierStart[j]!;
  const endB = p.identifierStart[j + 1]!;
  if (startA === endA || startB === endB) return -1;
  // Both lists are sorted: a merge finds a shared one.
  for (let x = startA, y = startB; x < endA && y < endB; ) {
    const a = list[x]!;
    const b = list[y]!;
    if (a === b) return 0;
    if (a < b) x++;
    else y++;
  }
  const values = p.identifiers.values;
  for (let x = startA; x < endA; x++) {
    for (let y = startB; y < endB; y++) {
      const a = list[x]!;
      const b = list[y]!;
      if (p.identifierType[a] !== p.identifierType[b] || jaroWinklerBound(values, p.identifierProfiles, a, b) < NEAR_IDENTICAL) continue;
      if (nearIdentical(values[a]!, values[b]!)) return 1;
    }
  }
  return 2;
}

export function compare(a: PersonRecord, b: PersonRecord): Comparison {
  return comparisonOf(comparePrepared(prepareRecords([a, b]), 0, 1));
}
