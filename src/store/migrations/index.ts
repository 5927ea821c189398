/**
 * The migration list, explicit and in order (no directory scanning, so it works the same
 * under tsx, a bundle or a test runner). Append new migrations; never edit a landed one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001_foundation.ts';
import * as ingest from './0002_ingest.ts';
import * as search from './0003_search.ts';
import * as decisions from './0004_decisions.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_ingest': ingest,
  '0003_search': search,
  '0004_decisions': decisions,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
