/**
 * Fellegi–Sunter match weights with parameters estimated from the data, the way Splink does:
 * u (how often a level occurs between different people) from random pairs, m (how often between
 * the same person) and the prior by expectation maximisation over the blocked candidate pairs.
 * Pairs are counted by pattern (their vector of levels; 3,360 possible), so EM costs the same for
 * two thousand pairs as for forty million, and every pair of a pattern has the same probability.
 */
import { BELOW, FIELD_NAMES, FIELDS, levelIn, pattern, PATTERNS, type Comparison, type Field, type Scorer } from './compare.ts';

export interface Parameters {
  /** Probability that two records drawn at random are the same person (not two candidates: blocking already favours matches). */
  prior: number;
  m: Record<Field, number[]>;
  u: Record<Field, number[]>;
}

/** How many pairs of each pattern: the currency of EM. */
export type PatternCounts = Float64Array;

export function patternCounts(): PatternCounts {
  return new Float64Array(PATTERNS);
}

const FLOOR = 1e-4;

/** Level of each field in each pattern, looked up rather than recomputed in EM's loops. */
const LEVELS = new Int8Array(PATTERNS * FIELD_NAMES.length);
for (let code = 0; code < PATTERNS; code++) FIELD_NAMES.forEach((_, index) => (LEVELS[code * FIELD_NAMES.length + index] = levelIn(code, index)));

function normalise(values: number[]): number[] {
  const total = values.reduce((sum, value) => sum + value, 0);
  return values.map((value) => Math.max(FLOOR, value / total));
}

/** u from the patterns of random pairs, each weighed by `weight` (its chance of being two different people; 1 by default). */
function uFrom(randomPairs: PatternCounts, weight?: Float64Array): Record<Field, number[]> {
  const counts = FIELD_NAMES.map((field) => FIELDS[field].map(() => 1)); // Laplace smoothing: no level is impossible
  for (let code = 0; code < PATTERNS; code++) {
    const count = randomPairs[code]! * (weight ? weight[code]! : 1);
    if (count === 0) continue;
    FIELD_NAMES.forEach((_, index) => {
      const level = LEVELS[code * FIELD_NAMES.length + index]!;
      if (level >= 0) counts[index]![level]! += count;
    });
  }
  return Object.fromEntries(FIELD_NAMES.map((field, index) => [field, normalise(counts[index]!)])) as Record<Field, number[]>;
}

/** u from the patterns of random pairs (a first estimate: estimate() refines it, see uAmongNonMatches). */
export function estimateU(randomPairs: PatternCounts): Record<Field, number[]> {
  return uFrom(randomPairs);
}

/**
 * u from the random pairs that are different people. Random pairs are not all non-matches: in a
 * file where each person has four records, one random pair in 250 is the same person, and those
 * pairs agree on everything — on fake_1000 they made a shared e-mail look 50 times as common
 * among different people as it is (u 0.0025 against 0), and twice as common again in half the
 * file, so the weights drifted with the size of the data. Each random pattern is weighed by its
 * chance of being two people under the current model (whose prior is over all pairs, as a random
 * pair's is).
 */
function uAmongNonMatches(randomPairs: PatternCounts, parameters: Parameters): Record<Field, number[]> {
  const probability = probabilityTable(parameters);
  return uFrom(randomPairs, probability.map((p) => 1 - p));
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

/**
 * A Dirichlet prior on m: EM counts these pseudo-pairs, spread as the starting m, on top of the
 * matches it finds. A few hundred records hold only a thousand or so matched pairs, split twelve
 * ways by blocking rule; without a prior, m drifted with whichever people a sample held (fake_1000
 * halves and resamples: worst precision 0.973 with 50 pseudo-pairs, 0.998 or better with 150;
 * `npm run bench -- er --robustness`). A million records' matches outweigh it entirely.
 */
const M_PRIOR = initialM();
const M_PRIOR_PAIRS = 150;

/** Rounds of u taken among non-matches and m learnt again with it (three; not tuned). */
const U_ROUNDS = 3;

/** Log-odds that a pair of each pattern is one person: the prior's plus each field's log(m/u); -Infinity for BELOW. */
export function logOddsTable(parameters: Parameters): Float64Array {
  const table = new Float64Array(PATTERNS + 1);
  table[BELOW] = -Infinity;
  // Per field, its weight at each place of the pattern (0 = missing, then the levels); patterns
  // count up with the last field fastest, so the table is the fields' weights summed in nested order.
  const fieldWeights = FIELD_NAMES.map((field) => [0, ...parameters.m[field].map((m, level) => Math.log(m / parameters.u[field][level]!))]);
  let partial = [Math.log(parameters.prior / (1 - parameters.prior))];
  for (const weightsOfField of fieldWeights) {
    const next: number[] = [];
    for (const sum of partial) for (const weight of weightsOfField) next.push(sum + weight);
    partial = next;
  }
  table.set(partial);
  return table;
}

/** Match probability of each pattern (index BELOW: 0). */
export function probabilityTable(parameters: Parameters): Float64Array {
  return logOddsTable(parameters).map((logOdds) => 1 / (1 + Math.exp(-logOdds)));
}

/** Weights for scoring pairs as they are compared (comparePreparedAbove), interested in probabilities from `minimum` up. */
export function scorer(parameters: Parameters, minimum: number): Scorer {
  const weights = FIELD_NAMES.map((field) => Float64Array.from([0, ...parameters.m[field].map((m, level) => Math.log(m / parameters.u[field][level]!))]));
  // A hair below the cut-off: the table adds the same weights in another order.
  return {
    weights,
    best: Float64Array.from(weights.map((values) => Math.max(...values))),
    prior: Math.log(parameters.prior / (1 - parameters.prior)),
    cutoff: Math.log(minimum / (1 - minimum)) - 1e-6,
  };
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

/** One EM round over pattern counts; fields in `ignored` neither weigh nor learn (the session's blocking rule made them agree). */
function emRound(candidates: PatternCounts, parameters: Parameters, fixM: boolean, ignored: ReadonlySet<Field> = new Set()): { parameters: Parameters; matched: number } {
  const counts = FIELD_NAMES.map((field) => FIELDS[field].map((_, level) => 0.5 + M_PRIOR_PAIRS * M_PRIOR[field][level]!));
  const weighed = ignored.size === 0 ? parameters : { ...parameters, m: { ...parameters.m }, u: { ...parameters.u } };
  for (const field of ignored) {
    weighed.m[field] = FIELDS[field].map(() => 1);
    weighed.u[field] = FIELDS[field].map(() => 1);
  }
  const probability = probabilityTable(weighed);
  let matched = 0;
  let total = 0;
  for (let code = 0; code < PATTERNS; code++) {
    const count = candidates[code]!;
    if (count === 0) continue;
    const expected = count * probability[code]!;
    matched += expected;
    total += count;
    if (fixM) continue;
    for (let index = 0; index < FIELD_NAMES.length; index++) {
      const level = LEVELS[code * FIELD_NAMES.length + index]!;
      if (level >= 0) counts[index]![level]! += expected;
    }
  }
  const m = fixM
    ? parameters.m
    : (Object.fromEntries(FIELD_NAMES.map((field, index) => [field, ignored.has(field) ? parameters.m[field] : normalise(counts[index]!)])) as Record<Field, number[]>);
  return { parameters: { prior: Math.min(0.99, Math.max(1e-6, matched / Math.max(1, total))), m, u: parameters.u }, matched };
}

function total(counts: PatternCounts): number {
  let sum = 0;
  for (let code = 0; code < PATTERNS; code++) sum += counts[code]!;
  return sum;
}

/** The pairs one blocking rule produced, and the fields that rule made agree. */
export interface TrainingSession {
  counts: PatternCounts;
  blocked: readonly Field[];
}

/**
 * EM, as Splink trains it: one session per blocking rule, over the pairs that rule produced,
 * in which the fields the rule made agree neither weigh nor learn — pairs blocked on a birth
 * date all agree on it, and letting that agreement count would make the many different people
 * born on one day look like matches and teach EM that names prove nothing (it did, at a million
 * records). Each field's m is the average of the sessions that learnt it, weighted by the
 * matches each session found. u stays as estimated from random pairs. The prior returned is
 * over all pairs of the `records` compared: the expected matches among the candidates over
 * every possible pair.
 */
export function estimate(
  candidates: PatternCounts,
  u: Record<Field, number[]>,
  records: number,
  sessions: readonly TrainingSession[] = [],
  { iterations = 25, randomPairs }: { iterations?: number; /** The random pairs u came from: u is then re-estimated among their non-matches. */ randomPairs?: PatternCounts } = {},
): Parameters {
  let parameters = estimateWithU(candidates, u, records, sessions, iterations);
  if (randomPairs) for (let round = 0; round < U_ROUNDS; round++) parameters = estimateWithU(candidates, uAmongNonMatches(randomPairs, parameters), records, sessions, iterations);
  return parameters;
}

function estimateWithU(candidates: PatternCounts, u: Record<Field, number[]>, records: number, sessions: readonly TrainingSession[], iterations: number): Parameters {
  const sums = FIELD_NAMES.map((field) => FIELDS[field].map(() => 0));
  const weightOf = FIELD_NAMES.map(() => 0);
  const trained = sessions.length > 0 ? sessions : [{ counts: candidates, blocked: [] }];
  for (const session of trained) {
    if (total(session.counts) === 0) continue;
    const ignored = new Set(session.blocked);
    let round = { parameters: { prior: 0.3, m: initialM(), u } as Parameters, matched: 0 };
    for (let iteration = 0; iteration < iterations; iteration++) round = emRound(session.counts, round.parameters, false, ignored);
    FIELD_NAMES.forEach((field, index) => {
      if (ignored.has(field)) return;
      round.parameters.m[field].forEach((value, level) => (sums[index]![level]! += value * round.matched));
      weightOf[index]! += round.matched;
    });
  }
  const m = initialM();
  FIELD_NAMES.forEach((field, index) => {
    if (weightOf[index]! > 0) m[field] = normalise(sums[index]!.map((sum) => sum / weightOf[index]!));
  });
  let round = { parameters: { prior: 0.3, m, u } as Parameters, matched: 0 };
  for (let iteration = 0; iteration < iterations; iteration++) round = emRound(candidates, round.parameters, true);
  const probability = probabilityTable(round.parameters);
  let expectedMatches = 0;
  for (let code = 0; code < PATTERNS; code++) expectedMatches += candidates[code]! * probability[code]!;
  const allPairs = Math.max(1, (records * (records - 1)) / 2);
  return { ...round.parameters, prior: Math.min(0.5, Math.max(1e-9, expectedMatches / allPairs)) };
}

/** Counts of a list of comparisons by pattern (for callers holding comparisons rather than patterns). */
export function countPatterns(comparisons: readonly Comparison[]): PatternCounts {
  const counts = patternCounts();
  for (const comparison of comparisons) counts[pattern(comparison)]!++;
  return counts;
}
