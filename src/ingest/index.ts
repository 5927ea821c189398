/**
 * @module ingest — reading evidence sources: format detection and parsing (formats/), the
 * batches they become, and the crash-safe, idempotent ingest of a file or folder into a case.
 */
export { ingestSource, type IngestOptions, type IngestProgress, type IngestReport } from './ingest.ts';
export { planSources, type PlannedSource } from './walk.ts';
export { detectFormat, formatByName, FORMATS } from './registry.ts';
export { resolveCardSecret } from './secret.ts';
export { loadMapping } from './formats/tabular/index.ts';
export type { CanonicalRecord, Mapping, ParseOptions, ParsedItem, SourceFormat } from './types.ts';
