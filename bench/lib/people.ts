/**
 * Generated person records for the entity-resolution speed benchmark, with the ground truth.
 * Names, towns and e-mail domains follow power laws, as in a real population (the commonest
 * surname ~1 % of people, the commonest given name ~3 %), so blocks have realistic sizes: many
 * small, a few too large to be useful. About 30 % of people have a second record (a tenth of
 * those a third) carrying one or two slips an officer typing a form would make.
 */
import type { PersonRecord } from '../../src/resolve/index.ts';

export interface SyntheticPeople {
  records: PersonRecord[];
  /** Person → record ids. */
  truth: Map<string, string[]>;
}

const ONSETS = ['', 'b', 'br', 'c', 'ch', 'cl', 'd', 'dr', 'f', 'fl', 'g', 'gr', 'h', 'j', 'k', 'kr', 'l', 'm', 'n', 'p', 'pr', 'r', 's', 'sh', 'sl', 'st', 't', 'th', 'tr', 'v', 'w', 'y', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ee', 'ie', 'oa', 'ou', 'y'];
const CODAS = ['', '', 'n', 'r', 'l', 's', 'th', 'ck', 'm', 'nd', 'rt', 'll', 'ss', 't', 'x', 'ng'];
const DOMAINS = ['mail.example', 'post.example', 'inbox.example', 'web.example', 'net.example', 'box.example'];

/** A seeded generator (mulberry32): the same records on every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A pool of `size` distinct made-up words of `syllables` syllables (2 or 3), drawn with a power law of `exponent`. */
function pool(random: () => number, size: number, minSyllables: number, maxSyllables: number, exponent: number): () => string {
  const words = new Set<string>();
  while (words.size < size) {
    const syllables = minSyllables + Math.floor(random() * (maxSyllables - minSyllables + 1));
    let word = '';
    for (let s = 0; s < syllables; s++) word += ONSETS[Math.floor(random() * ONSETS.length)]! + VOWELS[Math.floor(random() * VOWELS.length)]! + CODAS[Math.floor(random() * CODAS.length)]!;
    if (word.length >= 3) words.add(word[0]!.toUpperCase() + word.slice(1));
  }
  const list = [...words];
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank++) cumulative[rank] = total += 1 / (rank + 1) ** exponent;
  return () => {
    const target = random() * total;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return list[low]!;
  };
}

function typo(random: () => number, word: string): string {
  const at = Math.floor(random() * word.length);
  const letter = 'abcdefghijklmnoprstuvwy'[Math.floor(random() * 23)]!;
  switch (Math.floor(random() * 4)) {
    case 0:
      return word.slice(0, at) + letter + word.slice(at + 1); // wrong letter
    case 1:
      return word.slice(0, at) + letter + word.slice(at); // extra letter
    case 2:
      return word.length > 3 ? word.slice(0, at) + word.slice(at + 1) : word + letter; // missing letter
    default:
      return at + 1 < word.length ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2) : word.slice(0, -1) + letter; // swapped letters
  }
}

function dateSlip(random: () => number, date: string): string {
  const [year, month, day] = date.split('-') as [string, string, string];
  if (Number(day) <= 12 && random() < 0.5) return `${year}-${day}-${month}`; // day and month swapped
  const digits = date.split('');
  const at = [2, 3, 9][Math.floor(random() * 3)]!;
  digits[at] = String((Number(digits[at]) + 1 + Math.floor(random() * 8)) % 10);
  return digits.join('');
}

export function syntheticPeople(count: number, seed = 12345): SyntheticPeople {
  const random = generator(seed);
  const surname = pool(random, 100_000, 2, 3, 0.7);
  const givenName = pool(random, 5_000, 1, 3, 0.75);
  const town = pool(random, 3_000, 2, 3, 0.9);
  const handle = pool(random, 200_000, 2, 3, 0);
  const records: PersonRecord[] = [];
  const truth = new Map<string, string[]>();
  while (records.length < count) {
    const person = `p${truth.size}`;
    const firstName = givenName();
    const lastName = surname();
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const base: PersonRecord = {
      id: `r${records.length}`,
      firstName,
      lastName,
      birthDate: `${1940 + Math.floor(random() * 70)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      city: random() < 0.8 ? town() : undefined,
      // Handles not made of the name: namesakes' john.smith1 / john.smith2 read as one address with
      // a slip (near-identical), a known weakness of comparing whole addresses by similarity.
      identifiers: random() < 0.55 ? [`email:${handle().toLowerCase()}${Math.floor(random() * 100)}@${DOMAINS[Math.floor(random() * DOMAINS.length)]}`] : [],
    };
    records.push(base);
    const ids = [base.id];
    truth.set(person, ids);
    const copies = random() < 0.3 ? (random() < 0.1 ? 2 : 1) : 0;
    for (let copy = 0; copy < copies && records.length < count; copy++) {
      const twin: PersonRecord = { ...base, id: `r${records.length}`, identifiers: [...base.identifiers] };
      const slips = random() < 0.3 ? 2 : 1;
      for (let slip = 0; slip < slips; slip++) {
        const kind = Math.floor(random() * 7);
        if (kind === 0) twin.lastName = typo(random, twin.lastName!);
        else if (kind === 1) twin.firstName = typo(random, twin.firstName!);
        else if (kind === 2) twin.birthDate = dateSlip(random, twin.birthDate!);
        else if (kind === 3) [twin.firstName, twin.lastName] = [twin.lastName, twin.firstName];
        else if (kind === 4) twin.identifiers = [];
        else if (kind === 5) twin.city = random() < 0.5 ? undefined : town();
        else twin.lastName = typo(random, typo(random, twin.lastName!));
      }
      records.push(twin);
      ids.push(twin.id);
    }
  }
  return { records, truth };
}
