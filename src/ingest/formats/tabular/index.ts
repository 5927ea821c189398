/**
 * @module ingest/formats/tabular — mapped CSV and JSON Lines sources (arrests, transactions,
 * sightings, chat): the formats for the registry, and mapping files.
 */
import type { SourceFormat } from '../../types.ts';
import { arrestsCsv, chatCsv, chatJsonl, sightingsCsv, transactionsCsv } from './formats.ts';

export const TABULAR_FORMATS: readonly SourceFormat[] = [arrestsCsv, transactionsCsv, sightingsCsv, chatCsv, chatJsonl];

export { arrestsCsv, chatCsv, chatJsonl, sightingsCsv, transactionsCsv } from './formats.ts';
export { loadMapping, validateMapping, type TabularMapping } from './mapping.ts';
export { CANONICAL_FIELDS, MAPPING_KINDS, inferKind, recogniseHeaders, type MappingKind } from './fields.ts';
export { compileDateFormat, DATE_TOKENS, type DateFormat } from './dates.ts';
