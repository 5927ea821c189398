/**
 * @module media — file hashes and signal types (exact hashes now; PDQ, EXIF and hash sets join
 * here). Other folders reach media code only through this file.
 */
export { hashFile, hashFileWith, type FileHashes, type HashOptions } from './hashes.ts';
export { buildSignalRegistry, isMatch, md5Signal, sha1Signal, sha256Signal, SIGNAL_TYPES, type SignalType } from './signals.ts';
