/**
 * Fellegi–Sunter match weights with parameters estimated from the data, the way Splink does:
 * u (how often a level occurs between different people) from random pairs, m (how often between
 * the same person) and the prior by expectation maximisation over the blocked candidate pairs.
 */
import { FIELDS, type Comparison, type Field } from './compare.ts';

export interface Parameters {
  /** Probability that two records drawn at random are the same person (not two candidates: blocking already favours matches). */
  prior: number;
  m: Record<Field, number[]>;
  u: Record<Field, number[]>;
}

const FIELD_NAMES = Object.keys(FIELDS) as Field[];
const FLOOR = 1e-4;

function normalise(values: number[]): number[] {
  const total = values.reduce((sum, value) => sum + value, 0);
  return values.map((value) => Math.max(FLOOR, value / total));
}

/** u from comparisons of random pairs (almost all of them different people). */
export function estimateU(randomPairs: Comparison[]): Record<Field, number[]> {
  const u = {} as Record<Field, number[]>;
  for (const field of FIELD_NAMES) {
    const counts = FIELDS[field].map(() => 1); // Laplace smoothing: no level is impossible
    for (const pair of randomPairs) if (pair[field] >= 0) counts[pair[field]]!++;
    u[field] = normalise(counts);
  }
  return u;
}

/** Starting m: the agreeing levels likely among the same person. */
function initialM(): Record<Field, number[]> {
  const m = {} as Record<Field, number[]>;
  for (const field of FIELD_NAMES) {
    const levels = FIELDS[field].length;
    m[field] = normalise(FIELDS[field].map((_, level) => (level === levels - 1 ? 0.05 : (levels - level) * 1.0)));
  }
  return m;
}

export function matchProbability(pair: Comparison, parameters: Parameters): number {
  let logOdds = Math.log(parameters.prior / (1 - parameters.prior));
  for (const field of FIELD_NAMES) {
    const level = pair[field];
    if (level < 0) continue;
    logOdds += Math.log(parameters.m[field][level]! / parameters.u[field][level]!);
  }
  return 1 / (1 + Math.exp(-logOdds));
}

/** Bits of evidence each field gave (log2 m/u), for explanations. */
export function weights(pair: Comparison, parameters: Parameters): { field: Field; level: string; weight: number }[] {
  return FIELD_NAMES.filter((field) => pair[field] >= 0).map((field) => ({
    field,
    level: FIELDS[field][pair[field]]!,
    weight: Math.round(Math.log2(parameters.m[field][pair[field]]! / parameters.u[field][pair[field]]!) * 100) / 100,
  }));
}

function emRound(candidates: Comparison[], parameters: Parameters, fixM: boolean): Parameters {
  const counts = {} as Record<Field, number[]>;
  for (const field of FIELD_NAMES) counts[field] = FIELDS[field].map(() => 0.5);
  let matched = 0;
  for (const pair of candidates) {
    const p = matchProbability(pair, parameters);
    matched += p;
    for (const field of FIELD_NAMES) if (pair[field] >= 0) counts[field][pair[field]]! += p;
  }
  const m = fixM ? parameters.m : ({} as Record<Field, number[]>);
  if (!fixM) for (const field of FIELD_NAMES) m[field] = normalise(counts[field]);
  return { prior: Math.min(0.99, Math.max(1e-6, matched / Math.max(1, candidates.length))), m, u: parameters.u };
}

/**
 * EM, as Splink trains it: m of each field is learnt from candidate pairs that some blocking
 * rule *not* involving that field produced (pairs blocked on a name always agree on it, which
 * would teach EM that agreeing names prove nothing). u stays as estimated from random pairs.
 * The prior returned is over all pairs of the `records` compared: the expected matches among
 * the candidates over every possible pair.
 */
export function estimate(
  candidates: Comparison[],
  u: Record<Field, number[]>,
  records: number,
  trainingSets?: ReadonlyMap<Field, Comparison[]>,
  /** Pairs for learning the share of matches among candidates (a sample will do); all candidates by default. */
  priorSample: Comparison[] = candidates,
  iterations = 25,
): Parameters {
  const m = initialM();
  for (const field of FIELD_NAMES) {
    const training = trainingSets?.get(field) ?? candidates;
    if (training.length === 0) continue;
    let parameters: Parameters = { prior: 0.3, m: initialM(), u };
    for (let round = 0; round < iterations; round++) parameters = emRound(training, parameters, false);
    m[field] = parameters.m[field];
  }
  let parameters: Parameters = { prior: 0.3, m, u };
  for (let round = 0; round < iterations; round++) parameters = emRound(priorSample, parameters, true);
  const allPairs = Math.max(1, (records * (records - 1)) / 2);
  const expectedMatches = candidates.reduce((sum, pair) => sum + matchProbability(pair, parameters), 0);
  return { ...parameters, prior: Math.min(0.5, Math.max(1e-9, expectedMatches / allPairs)) };
}
