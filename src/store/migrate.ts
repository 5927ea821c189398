/**
 * Brings a store to the latest schema and syncs the model's kinds into the lookup tables.
 * Safe to run on every start and from two processes at once (Kysely's migration lock).
 */
import { Migrator, sql, type Kysely } from 'kysely';
import { ENTITY_KINDS, IDENTIFIER_TYPES, LINK_KINDS, RECORD_KINDS } from '../model/index.ts';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';

export interface MigrationReport {
  applied: string[];
  current: string | undefined;
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableName: 'crosslink_migration', migrationLockTableName: 'crosslink_migration_lock' });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((result) => result.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '(setup)'} failed: ${reason}`, { cause: error });
  }
  await syncModel(db);
  const all = await migrator.getMigrations();
  return {
    applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName),
    current: all.filter((migration) => migration.executedAt).at(-1)?.name,
  };
}

/** Inserts declared kinds the database lacks; labels follow the model. Kinds are never removed. */
export async function syncModel(db: Kysely<Database>): Promise<void> {
  const sync = async (table: 'entity_kinds' | 'link_kinds' | 'record_kinds', specs: Record<string, { label: string }>) => {
    const rows = Object.entries(specs).map(([kind, spec]) => ({ kind, label: spec.label }));
    await db
      .insertInto(table)
      .values(rows)
      .onConflict((oc) => oc.column('kind').doUpdateSet({ label: sql`excluded.label` }))
      .execute();
  };
  await sync('entity_kinds', ENTITY_KINDS);
  await sync('link_kinds', LINK_KINDS);
  await sync('record_kinds', RECORD_KINDS);
  const types = Object.entries(IDENTIFIER_TYPES).map(([type, spec]) => ({ type, label: spec.label }));
  await db
    .insertInto('identifier_types')
    .values(types)
    .onConflict((oc) => oc.column('type').doUpdateSet({ label: sql`excluded.label` }))
    .execute();
}

/** True when the store has been initialised (tables exist). */
export async function isInitialised(db: Kysely<Database>): Promise<boolean> {
  const result = await sql<{ present: boolean }>`SELECT to_regclass('public.agencies') IS NOT NULL AS present`.execute(db);
  return result.rows[0]?.present === true;
}
