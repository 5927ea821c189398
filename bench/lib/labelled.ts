/**
 * Labelled person data for measuring entity resolution: a CSV loaded through the arrest mapping
 * (as `crosslink ingest` reads it), and variants of it that stand in for labelled data not yet
 * seen — subsets of its people, a column dropped, extra typing slips. Every variant keeps each
 * person's records together, so its truth is a subset of the original's.
 */
import { createReadStream } from 'node:fs';
import { normaliseIdentifier } from '../../src/extract/index.ts';
import { formatByName, type Mapping } from '../../src/ingest/index.ts';
import type { PersonRecord } from '../../src/resolve/index.ts';

export interface LabelledSet {
  name: string;
  records: PersonRecord[];
  /** Person → record ids. */
  truth: Map<string, string[]>;
}

/** Splink's fake_1000 columns, read the way an analyst maps them for `crosslink ingest`. */
export const ARREST_MAPPING = {
  kind: 'arrests',
  fields: { key: 'unique_id', first_name: 'first_name', last_name: 'surname', birth_date: 'dob', city: 'city', email: 'email' },
  dateFormat: 'yyyy-MM-dd',
} as const;

/** Records of a labelled CSV through the arrests-csv parser; the person is the `cluster` column. */
export async function loadLabelledCsv(name: string, file: string, mapping: Mapping = ARREST_MAPPING): Promise<LabelledSet> {
  const records: PersonRecord[] = [];
  const truth = new Map<string, string[]>();
  for await (const item of formatByName('arrests-csv').parse({ path: file, open: () => createReadStream(file), options: { mapping } })) {
    if (item.type !== 'record') continue;
    const { record } = item;
    const email = record.identifiers?.find((identifier) => identifier.type === 'email');
    const normalised = email ? normaliseIdentifier('email', email.raw, {}) : null;
    records.push({
      id: record.key,
      firstName: record.person?.first_name,
      lastName: record.person?.last_name,
      birthDate: record.person?.birth_date,
      city: record.person?.city,
      identifiers: normalised ? [`email:${normalised.value}`] : [],
    });
    const cluster = String(record.props['cluster']);
    truth.set(cluster, [...(truth.get(cluster) ?? []), record.key]);
  }
  return { name, records, truth };
}

/** A seeded generator (mulberry32), so every variant is the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The set restricted to the people `keep` accepts (all records of a person, or none). */
export function ofPeople(set: LabelledSet, name: string, keep: (person: string, index: number) => boolean): LabelledSet {
  const people = [...set.truth.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const truth = new Map(people.filter(keep).map((person) => [person, set.truth.get(person)!]));
  const ids = new Set([...truth.values()].flat());
  return { name, records: set.records.filter((record) => ids.has(record.id)), truth };
}

/** The people split in two by position (A even, B odd), as `--holdout` does. */
export function halves(set: LabelledSet): [LabelledSet, LabelledSet] {
  return [ofPeople(set, `${set.name} half A`, (_, index) => index % 2 === 0), ofPeople(set, `${set.name} half B`, (_, index) => index % 2 === 1)];
}

/** People drawn at random (seeded) until about `records` records. */
export function resample(set: LabelledSet, records: number, seed: number): LabelledSet {
  const random = seeded(seed);
  const people = [...set.truth.keys()].map((person) => ({ person, key: random() }));
  people.sort((x, y) => x.key - y.key);
  const chosen = new Set<string>();
  let taken = 0;
  for (const { person } of people) {
    if (taken >= records) break;
    chosen.add(person);
    taken += set.truth.get(person)!.length;
  }
  return ofPeople(set, `${set.name} ${taken} records (seed ${seed})`, (person) => chosen.has(person));
}

/** The same records with one column blanked everywhere (a source that lacks it). */
export function without(set: LabelledSet, field: 'city' | 'birthDate' | 'identifiers'): LabelledSet {
  const blank = (record: PersonRecord): PersonRecord => (field === 'identifiers' ? { ...record, identifiers: [] } : { ...record, [field]: undefined });
  return { name: `${set.name} without ${field === 'identifiers' ? 'email' : field}`, records: set.records.map(blank), truth: set.truth };
}

function typo(random: () => number, word: string): string {
  if (word.length < 2) return word;
  const at = Math.floor(random() * word.length);
  const letter = 'abcdefghiklmnoprstuwy'[Math.floor(random() * 21)]!;
  switch (Math.floor(random() * 3)) {
    case 0:
      return word.slice(0, at) + letter + word.slice(at + 1);
    case 1:
      return word.slice(0, at) + word.slice(at + 1);
    default:
      return at + 1 < word.length ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2) : word + letter;
  }
}

/**
 * Extra slips on top of the file's own: each field of each record, with probability `rate`, gets
 * one more typo (names, city), a day moved (date) or a blank (e-mail). Heavier noise than any
 * model was tuned on.
 */
export function noisier(set: LabelledSet, rate: number, seed: number): LabelledSet {
  const random = seeded(seed);
  const records = set.records.map((record) => {
    const next: PersonRecord = { ...record, identifiers: [...record.identifiers] };
    if (next.firstName && random() < rate) next.firstName = typo(random, next.firstName);
    if (next.lastName && random() < rate) next.lastName = typo(random, next.lastName);
    if (next.city && random() < rate) next.city = typo(random, next.city);
    if (next.birthDate && random() < rate) {
      const [year, month, day] = next.birthDate.split('-');
      next.birthDate = `${year}-${month}-${String(1 + ((Number(day) + Math.floor(random() * 27)) % 28)).padStart(2, '0')}`;
    }
    if (next.identifiers.length > 0 && random() < rate) next.identifiers = [];
    return next;
  });
  return { name: `${set.name} +${Math.round(rate * 100)} % slips (seed ${seed})`, records, truth: set.truth };
}
