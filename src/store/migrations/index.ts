/**
 * The migration list, explicit and in order (no directory scanning, so it works the same
 * under tsx, a bundle or a test runner). Append new migrations; never edit a landed one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001_foundation.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': foundation,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
