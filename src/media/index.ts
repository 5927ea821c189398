/**
 * @module media — file hashes and signal types (exact hashes now; PDQ, EXIF and hash sets join
 * here). Other folders reach media code only through this file.
 */
export { hashFile, hashFileWith, type FileHashes, type HashOptions } from './hashes.ts';
export { buildSignalRegistry, isMatch, md5Signal, sha1Signal, sha256Signal, SIGNAL_TYPES, type SignalType } from './signals.ts';
export { readExif, inspectExif, exifFromBuffer, isoCaptureTime, type ExifSummary, type ExifReadResult, type GpsPosition, type ImageFormat } from './exif.ts';
export {
  detectHashSetFormat,
  readHashSetFile,
  writeHashSetFile,
  readVics,
  writeVics,
  readKnownGood,
  writeKnownGood,
  readHashCsv,
  writeHashCsv,
  makeEntry,
  VICS_CONTEXT,
  NSRL_RDS_HEADER,
  HASH_CSV_HEADER,
  type HashSetEntry,
  type HashSetItem,
  type HashSetReject,
  type HashSetSource,
  type HashSetFormat,
  type HashSetWriteOptions,
  type WriteReport,
} from './hashsets/index.ts';
export * from './pdq/index.ts';
export { matchPendingMedia, type MatchReport } from './match.ts';
export { categoriseMedia, categorisedEntries, importHashSet, type HashSetImport } from './hash-set-store.ts';
export { mediaHits, type MediaHit, type MediaHits } from './case-hits.ts';
