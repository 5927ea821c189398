/**
 * @module store — the database: backend selection (embedded PGlite or a PostgreSQL server),
 * migrations, and repositories. Nothing outside this folder writes SQL.
 */
export { openStore, isServerUrl, redactUrl, DEFAULT_EMBEDDED_LOCATION, type Store, type Backend } from './connect.ts';
export { migrateToLatest, isInitialised, type MigrationReport } from './migrate.ts';
export { isAppendOnlyViolation, isForeignKeyViolation, isUniqueViolation } from './errors.ts';
export * from './schema.ts';
export * from './repositories/agencies.ts';
export * from './repositories/cases.ts';
export * from './repositories/sources.ts';
export * from './repositories/entities.ts';
export * from './repositories/identifiers.ts';
export * from './repositories/subjects.ts';
export * from './repositories/audit.ts';
export * from './repositories/batches.ts';
export * from './repositories/resolution.ts';
export * from './repositories/stats.ts';
export { visibleCases } from './visible.ts';
export { refreshStatistics } from './statistics.ts';
export { listen, NEW_DATA_CHANNEL, type Listening } from './notify.ts';
export { IDENTIFIER_REMOVAL_LOCK } from './locks.ts';
