/**
 * @module search — one query language for the search box and the CLI, run over the cases a
 * caller may see: full-text, exact identifiers in any notation, fuzzy names and handles, filters.
 */
export { parseQuery, type IdentifierTerm, type SearchFilters, type SearchQuery } from './query.ts';
export { COUNT_LIMIT, search, type EntityHit, type RecordHit, type SearchOptions, type SearchResult } from './search.ts';
