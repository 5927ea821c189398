/**
 * @module resolve — person-like records into subjects: blocking, field comparison, Fellegi–Sunter
 * with EM-estimated parameters, clustering with analysts' decisions, and runs over the store
 * (full, or incremental against the subjects already there).
 */
export { compare, FIELDS, prepareRecords, type Comparison, type Field, type PersonRecord, type PreparedRecords } from './compare.ts';
export { candidatePairs, MAX_BLOCK, RULES, type CandidatePairs } from './blocking.ts';
export { estimate, estimateU, matchProbability, weights, type Parameters } from './fellegi-sunter.ts';
export {
  bestPairs,
  clusterIds,
  DEFAULT_THRESHOLD,
  pairProbability,
  resolve,
  scoredPair,
  scoredPairs,
  type Decision,
  type Resolution,
  type ResolveOptions,
  type ScoredPair,
} from './resolve.ts';
export { isNickname, jaroWinkler, normaliseName, soundex } from './strings.ts';
export { runResolution, type RunReport } from './run.ts';
