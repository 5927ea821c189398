/**
 * Resolution of person-like records into subjects: blocking (records that share a key are
 * compared; no all-pairs), comparison, Fellegi–Sunter with EM-estimated parameters, and
 * clustering at a threshold, honouring analysts' confirm/reject decisions. Pairs stay in typed
 * columns throughout; objects are made only for the few pairs someone asks to see explained.
 */
import { candidatePairs, RULE_FIELDS, RULES, type CandidatePairs, type Rule } from './blocking.ts';
import { Clusters } from './cluster.ts';
import { comparePairs, comparePairsHere, type ThreadOptions } from './compare-threads.ts';
import { BELOW, comparePrepared, comparisonOf, prepareRecords, type PersonRecord, type PreparedRecords, type Scorer } from './compare.ts';
import { estimate, estimateU, patternCounts, probabilityTable, scorer, weights, type Parameters, type PatternCounts, type TrainingSession } from './fellegi-sunter.ts';

export interface ScoredPair {
  a: string;
  b: string;
  probability: number;
  /** Field weights, for explanations. */
  reasons: ReturnType<typeof weights>;
}

export interface Decision {
  a: string;
  b: string;
  verdict: 'confirm' | 'reject';
}

export interface Resolution {
  parameters: Parameters;
  records: PreparedRecords;
  /** Candidate pairs compared, with the pattern (levels of every field) of each. */
  pairs: CandidatePairs & { readonly pattern: Uint16Array };
  /** Match probability of each pattern: a pair's is probability[pairs.pattern[k]]. */
  probability: Float64Array;
  /** Every record's cluster, named by one of its records (an index). */
  cluster: Int32Array;
}

export interface ResolveOptions {
  threshold?: number;
  decisions?: readonly Decision[];
  /** Score with these rather than estimating them (an incremental run reuses the last full run's). */
  parameters?: Parameters;
  /** Incremental: 1 marks the records to resolve; pairs of two unmarked records are not compared. */
  dirty?: Uint8Array;
  /** Incremental: the existing group (e.g. subject) of each unmarked record, -1 for none; groups stay together. */
  groups?: Int32Array;
  /** Blocking rules to use (all by default). */
  rules?: readonly Rule[];
  /** 1 marks a record that joins no one, whatever its scores or decisions: a police-operated identity's. */
  apart?: Uint8Array;
}

/** Chosen on fake_1000 (bench/er.ts): the highest F1 at which precision stays at 1.0. */
export const DEFAULT_THRESHOLD = 0.9;

/** A deterministic sample of random pairs, for u. */
function randomPatterns(records: PreparedRecords, count: number): PatternCounts {
  const counts = patternCounts();
  let state = 0x9e3779b9;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < count && records.count > 1; i++) {
    const a = Math.floor(next() * records.count);
    let b = Math.floor(next() * records.count);
    if (b === a) b = (b + 1) % records.count;
    counts[comparePrepared(records, a, b)]!++;
  }
  return counts;
}

/** EM learns as well from a few hundred thousand pairs as from tens of millions (Splink samples too). */
const TRAINING_PAIRS = 300_000;

/**
 * Learns m, u and the prior from the records and their candidate pairs: every pair fully
 * compared when there are few, an even sample (every step-th pair, written into `patterns`)
 * when there are many. Returns the parameters and the step.
 */
function train(records: PreparedRecords, pairs: CandidatePairs, patterns: Uint16Array): { parameters: Parameters; step: number } {
  const step = Math.max(1, Math.ceil(pairs.count / TRAINING_PAIRS));
  const all = patternCounts();
  const sessions: TrainingSession[] = RULES.map((rule) => ({ counts: patternCounts(), blocked: RULE_FIELDS[rule] }));
  for (let k = 0; k < pairs.count; k += step) {
    const code = (patterns[k] = comparePrepared(records, pairs.a[k]!, pairs.b[k]!));
    all[code]! += step;
    const rules = pairs.rules[k]!;
    for (let rule = 0; rule < sessions.length; rule++) if ((rules & (1 << rule)) !== 0) sessions[rule]!.counts[code]!++;
  }
  const randomPairs = randomPatterns(records, Math.min(200_000, records.count * 50));
  return { parameters: estimate(all, estimateU(randomPairs), records.count, sessions, { randomPairs }), step };
}

/** A run up to its comparisons: the records, their candidate pairs, the model, and the pairs training already compared. */
interface Prepared {
  records: PreparedRecords;
  pairs: CandidatePairs;
  patterns: Uint16Array;
  parameters: Parameters;
  /** Pairs k with k % step === 0 were fully compared in training (0: none were). */
  step: number;
  /** Scores pairs while comparing them, down to what can matter. */
  cut: Scorer;
}

function prepare(input: readonly PersonRecord[] | PreparedRecords, options: ResolveOptions): Prepared {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const records = Array.isArray(input) ? prepareRecords(input as readonly PersonRecord[]) : (input as PreparedRecords);
  const pairs = candidatePairs(records, { focus: options.dirty, rules: options.rules });
  const patterns = new Uint16Array(new SharedArrayBuffer(pairs.count * 2)); // shared: threads may fill it
  let parameters = options.parameters;
  let step = 0;
  if (!parameters) ({ parameters, step } = train(records, pairs, patterns));
  // The rest are compared only as far as needed to tell that they cannot matter: below both the
  // threshold and 0.5 (the least probability whose reasons are kept), a pair's pattern is BELOW.
  return { records, pairs, patterns, parameters, step, cut: scorer(parameters, Math.min(threshold, 0.5)) };
}

function finish({ records, pairs, parameters }: Prepared, patterns: Uint16Array, options: ResolveOptions): Resolution {
  const probability = probabilityTable(parameters);
  const cluster = clusterPairs(records, pairs, patterns, probability, options.threshold ?? DEFAULT_THRESHOLD, options);
  return { parameters, records, pairs: { ...pairs, pattern: patterns }, probability, cluster };
}

/** Resolution on this thread alone. */
export function resolve(input: readonly PersonRecord[] | PreparedRecords, options: ResolveOptions = {}): Resolution {
  const run = prepare(input, options);
  comparePairsHere(run.records, run.pairs, run.patterns, run.cut, run.step);
  return finish(run, run.patterns, options);
}

/** The same resolution, its comparisons spread over `threads` cores (all by default) when there are many. */
export async function resolveOnThreads(input: readonly PersonRecord[] | PreparedRecords, options: ResolveOptions & ThreadOptions = {}): Promise<Resolution> {
  const run = prepare(input, options);
  return finish(run, await comparePairs(run.records, run.pairs, run.patterns, run.cut, run.step, options), options);
}

function clusterPairs(
  records: PreparedRecords,
  pairs: CandidatePairs,
  patterns: Uint16Array,
  probability: Float64Array,
  threshold: number,
  options: ResolveOptions,
): Int32Array {
  const clusters = new Clusters(records.count);
  // Police activity is never a suspect's: an identity police operate stays a subject of its own.
  const apart = options.apart;
  const merge = (a: number, b: number) => {
    if (apart?.[a] !== 1 && apart?.[b] !== 1) clusters.merge(a, b);
  };
  const indexOf = new Map<string, number>();
  if (options.decisions?.length) records.ids.forEach((id, index) => indexOf.set(id, index));
  const decided = (options.decisions ?? []).flatMap((decision) => {
    const a = indexOf.get(decision.a);
    const b = indexOf.get(decision.b);
    return a === undefined || b === undefined ? [] : [{ a, b, verdict: decision.verdict }];
  });
  for (const decision of decided) if (decision.verdict === 'reject') clusters.reject(decision.a, decision.b);
  // Existing subjects first (they were formed under these decisions), then analysts' confirmations.
  if (options.groups) {
    const firstOfGroup = new Map<number, number>();
    options.groups.forEach((group, index) => {
      if (group < 0 || options.dirty?.[index] === 1) return;
      const first = firstOfGroup.get(group);
      if (first === undefined) firstOfGroup.set(group, index);
      else merge(first, index);
    });
  }
  for (const decision of decided) if (decision.verdict === 'confirm') merge(decision.a, decision.b);
  // Likeliest pairs first: bucket the pairs by pattern, patterns in falling probability.
  const order = Array.from(probability.keys())
    .filter((code) => probability[code]! >= threshold)
    .sort((x, y) => probability[y]! - probability[x]! || x - y);
  const rank = new Int32Array(probability.length).fill(-1);
  order.forEach((code, index) => (rank[code] = index));
  const start = new Int32Array(order.length + 1);
  for (let k = 0; k < pairs.count; k++) {
    const r = rank[patterns[k]!]!;
    if (r >= 0) start[r + 1]!++;
  }
  for (let r = 0; r < order.length; r++) start[r + 1]! += start[r]!;
  const sorted = new Int32Array(start[order.length]!);
  const fill = start.slice(0, order.length);
  for (let k = 0; k < pairs.count; k++) {
    const r = rank[patterns[k]!]!;
    if (r >= 0) sorted[fill[r]!++] = k;
  }
  for (const k of sorted) merge(pairs.a[k]!, pairs.b[k]!);
  return clusters.roots();
}

/** Clusters of record ids (singletons included), largest first. */
export function clusterIds(resolution: Resolution): string[][] {
  const members = new Map<number, string[]>();
  resolution.cluster.forEach((root, index) => {
    const list = members.get(root);
    if (list) list.push(resolution.records.ids[index]!);
    else members.set(root, [resolution.records.ids[index]!]);
  });
  return [...members.values()].sort((x, y) => y.length - x.length);
}

export function pairProbability(resolution: Resolution, k: number): number {
  return resolution.probability[resolution.pairs.pattern[k]!]!;
}

/** Pair k with its field weights, for explanations. */
export function scoredPair(resolution: Resolution, k: number): ScoredPair {
  const { records, pairs } = resolution;
  return {
    a: records.ids[pairs.a[k]!]!,
    b: records.ids[pairs.b[k]!]!,
    probability: pairProbability(resolution, k),
    reasons: pairs.pattern[k] === BELOW ? [] : weights(comparisonOf(pairs.pattern[k]!), resolution.parameters),
  };
}

/** The pairs at or above a probability, explained (for small data: tests, reviews). */
export function scoredPairs(resolution: Resolution, minimum = 0.5): ScoredPair[] {
  const out: ScoredPair[] = [];
  for (let k = 0; k < resolution.pairs.count; k++) if (pairProbability(resolution, k) >= minimum) out.push(scoredPair(resolution, k));
  return out;
}

/** For every record, its likeliest pair inside its own cluster (a pair index; -1 for none): the reason it is there. */
export function bestPairs(resolution: Resolution): Int32Array {
  const { pairs, cluster, probability } = resolution;
  const best = new Int32Array(cluster.length).fill(-1);
  for (let k = 0; k < pairs.count; k++) {
    const a = pairs.a[k]!;
    const b = pairs.b[k]!;
    if (cluster[a] !== cluster[b] || pairs.pattern[k] === BELOW) continue;
    const p = probability[pairs.pattern[k]!]!;
    if (best[a]! < 0 || probability[pairs.pattern[best[a]!]!]! < p) best[a] = k;
    if (best[b]! < 0 || probability[pairs.pattern[best[b]!]!]! < p) best[b] = k;
  }
  return best;
}
