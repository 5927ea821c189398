/**
 * @module media/pdq — PDQ perceptual hashes (bit-exact with Meta's reference, full-resolution
 * "flavour B") and an exact index that finds every stored hash within the match threshold.
 */
export { decodeForPdq, pdqDihedralFromFile, pdqFromFile, pdqFromFiles, type DecodedPixels, type PdqBatchItem, type PdqFileResult } from './decode.ts';
export { PdqWorkerPool, pdqFromFilesOnThreads } from './worker-pool.ts';
export { hammingDistance, hammingWords, hexToWords, isPdqHex, PDQ_MATCH_THRESHOLD, PDQ_MIN_QUALITY, PDQ_WORDS, popcount32, wordsToHex } from './hamming.ts';
export {
  approximateDihedralWords,
  PDQ_DIHEDRAL_NAMES,
  PDQ_MIN_HASHABLE_DIM,
  pdqDihedralFromPixels,
  pdqFromPixels,
  pdqIntermediatesFromPixels,
  type PdqDihedralName,
  type PdqDihedralResult,
  type PdqIntermediates,
  type PdqResult,
} from './hash.ts';
export { bruteForceMatches, PdqIndex, type PdqBatchMatches, type PdqHashInput, type PdqIndexOptions, type PdqMatch, type PdqVariantMatch } from './index-mih.ts';
export { pdqSignal } from './signal.ts';
