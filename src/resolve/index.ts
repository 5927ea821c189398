/**
 * @module resolve — person-like records into subjects: blocking, field comparison, Fellegi–Sunter
 * with EM-estimated parameters, clustering with analysts' decisions. Pure functions so far; the
 * store integration (subjects, decisions, `crosslink resolve`) is the next step of issue 5.
 */
export { compare, FIELDS, type Comparison, type Field, type PersonRecord } from './compare.ts';
export { estimate, estimateU, matchProbability, weights, type Parameters } from './fellegi-sunter.ts';
export { candidatePairs, DEFAULT_THRESHOLD, resolve, type CandidatePair, type Decision, type Resolution, type ScoredPair } from './resolve.ts';
export { isNickname, jaroWinkler, normaliseName, soundex } from './strings.ts';
export { runResolution, type RunReport } from './run.ts';
