/**
 * Resolution of person-like records into subjects: blocking (records that share a key are
 * compared; no all-pairs), comparison, Fellegi–Sunter with EM-estimated parameters, and
 * clustering at a threshold, honouring analysts' confirm/reject decisions.
 */
import { compare, FIELDS, type Comparison, type Field, type PersonRecord } from './compare.ts';
import { estimate, estimateU, matchProbability, weights, type Parameters } from './fellegi-sunter.ts';
import { normaliseName, soundex } from './strings.ts';

export interface ScoredPair {
  a: string;
  b: string;
  probability: number;
  /** Field weights; kept only for pairs likelier than not (the ones an explanation needs), to bound memory. */
  reasons: ReturnType<typeof weights>;
}

/** EM learns as well from a sample as from millions of pairs (Splink samples too); bounds the cost. */
const TRAINING_SAMPLE = 50_000;

function sample<T>(items: T[], size: number): T[] {
  if (items.length <= size) return items;
  const step = items.length / size;
  return Array.from({ length: size }, (_, index) => items[Math.floor(index * step)]!);
}

export interface Decision {
  a: string;
  b: string;
  verdict: 'confirm' | 'reject';
}

export interface Resolution {
  parameters: Parameters;
  pairs: ScoredPair[];
  /** Clusters of record ids (singletons included), largest first. */
  clusters: string[][];
}

/** Chosen on fake_1000 (bench/er.ts): the highest F1 at which precision stays at 1.0. */
export const DEFAULT_THRESHOLD = 0.9;

/** Blocks larger than this say little (a common surname + year) and cost quadratically. */
const MAX_BLOCK = 200;

function blockingKeys(record: PersonRecord): string[] {
  const keys: string[] = [];
  const year = record.birthDate?.slice(0, 4);
  const last = soundex(record.lastName ?? '');
  const first = soundex(record.firstName ?? '');
  if (last && year) keys.push(`ly:${last}:${year}`);
  if (first && record.birthDate) keys.push(`fd:${first}:${record.birthDate}`);
  if (last && record.birthDate) keys.push(`ld:${last}:${record.birthDate}`);
  if (last && first) keys.push(`lf:${last}:${first}`);
  // Swapped names block together too.
  if (last && first) keys.push(`lf:${first}:${last}`);
  if (first && year) keys.push(`fy:${first}:${year}`);
  if (record.birthDate) keys.push(`d:${record.birthDate}`);
  if (last && record.birthDate) keys.push(`lmd:${last}:${record.birthDate.slice(5)}`);
  for (const identifier of record.identifiers) {
    // An address with a slip still shares its other half.
    const [type, value = ''] = identifier.split(/:(.*)/s);
    const at = value.lastIndexOf('@');
    if (type === 'email' && at > 0) keys.push(`el:${value.slice(0, at)}`, `ed:${value.slice(at + 1)}`);
  }
  const city = normaliseName(record.city);
  if (last && city) keys.push(`lc:${last}:${city}`);
  for (const identifier of record.identifiers) keys.push(`id:${identifier}`);
  return keys;
}

/** The fields a blocking rule (the key's prefix) makes agree: its pairs cannot teach EM about them. */
const RULE_FIELDS: Record<string, readonly Field[]> = {
  ly: ['last_name', 'birth_date'],
  fd: ['first_name', 'birth_date'],
  ld: ['last_name', 'birth_date'],
  lf: ['last_name', 'first_name'],
  fy: ['first_name', 'birth_date'],
  d: ['birth_date'],
  lmd: ['last_name', 'birth_date'],
  el: ['identifiers'],
  ed: ['identifiers'],
  lc: ['last_name', 'city'],
  id: ['identifiers'],
};

export interface CandidatePair {
  a: number;
  b: number;
  /** The blocking rules (key prefixes) that brought the two records together. */
  rules: Set<string>;
}

export function candidatePairs(records: readonly PersonRecord[]): CandidatePair[] {
  const blocks = new Map<string, number[]>();
  records.forEach((record, index) => {
    for (const key of blockingKeys(record)) {
      const block = blocks.get(key) ?? [];
      block.push(index);
      blocks.set(key, block);
    }
  });
  const pairs = new Map<string, CandidatePair>();
  for (const [key, block] of blocks) {
    if (block.length < 2 || block.length > MAX_BLOCK) continue;
    const rule = key.slice(0, key.indexOf(':'));
    for (let i = 0; i < block.length; i++) {
      for (let j = i + 1; j < block.length; j++) {
        const [a, b] = block[i]! < block[j]! ? [block[i]!, block[j]!] : [block[j]!, block[i]!];
        const id = `${a}:${b}`;
        const pair = pairs.get(id) ?? { a, b, rules: new Set<string>() };
        pair.rules.add(rule);
        pairs.set(id, pair);
      }
    }
  }
  return [...pairs.values()];
}

/** A deterministic sample of random pairs, for u. */
function randomComparisons(records: readonly PersonRecord[], count: number): Comparison[] {
  const out: Comparison[] = [];
  let state = 0x9e3779b9;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < count && records.length > 1; i++) {
    const a = Math.floor(next() * records.length);
    let b = Math.floor(next() * records.length);
    if (b === a) b = (b + 1) % records.length;
    out.push(compare(records[a]!, records[b]!));
  }
  return out;
}

export function resolve(records: readonly PersonRecord[], options: { threshold?: number; decisions?: readonly Decision[] } = {}): Resolution {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const pairs = candidatePairs(records);
  const comparisons = pairs.map(({ a, b }) => compare(records[a]!, records[b]!));
  const trainingSets = new Map<Field, Comparison[]>();
  for (const field of Object.keys(FIELDS) as Field[]) {
    trainingSets.set(field, sample(comparisons.filter((_, index) => [...pairs[index]!.rules].some((rule) => !RULE_FIELDS[rule]?.includes(field))), TRAINING_SAMPLE));
  }
  const parameters = estimate(comparisons, estimateU(randomComparisons(records, Math.min(200_000, records.length * 50))), records.length, trainingSets, sample(comparisons, TRAINING_SAMPLE));
  const scored: ScoredPair[] = pairs.map(({ a, b }, index) => {
    const probability = matchProbability(comparisons[index]!, parameters);
    return { a: records[a]!.id, b: records[b]!.id, probability, reasons: probability >= 0.5 ? weights(comparisons[index]!, parameters) : [] };
  });

  const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  const rejected = new Set((options.decisions ?? []).filter((d) => d.verdict === 'reject').map((d) => pairKey(d.a, d.b)));
  const parent = new Map(records.map((record) => [record.id, record.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  const union = (a: string, b: string) => {
    if (!parent.has(a) || !parent.has(b)) return;
    parent.set(find(a), find(b));
  };
  for (const decision of options.decisions ?? []) if (decision.verdict === 'confirm') union(decision.a, decision.b);
  for (const pair of [...scored].sort((x, y) => y.probability - x.probability)) {
    if (pair.probability >= threshold && !rejected.has(pairKey(pair.a, pair.b))) union(pair.a, pair.b);
  }
  const clusters = new Map<string, string[]>();
  for (const record of records) {
    const root = find(record.id);
    clusters.set(root, [...(clusters.get(root) ?? []), record.id]);
  }
  return { parameters, pairs: scored, clusters: [...clusters.values()].sort((x, y) => y.length - x.length) };
}
