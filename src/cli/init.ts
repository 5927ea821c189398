/** `crosslink init`: creates the store named by CROSSLINK_DB (or --db), or migrates it to the latest schema. */
import type { Command } from 'commander';
import { appendAudit, migrateToLatest } from '../store/index.ts';
import { currentActor, withStore, type StoreOptions } from './context.ts';
import { emit, type OutputOptions } from './output.ts';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create the store, or migrate it to the latest schema')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions, command: Command) => {
      const storeOptions = command.optsWithGlobals<StoreOptions>();
      const result = await withStore(storeOptions, 'none', async (store) => {
        const report = await migrateToLatest(store.db);
        if (report.applied.length > 0) {
          await appendAudit(store.db, { actor: currentActor(), action: 'store.migrate', details: { applied: report.applied } });
        }
        return { store: store.location, backend: store.backend, applied: report.applied, schema: report.current ?? null };
      });
      emit(options, result, (r) =>
        r.applied.length > 0
          ? `Initialised the ${r.backend} store at ${r.store} (applied ${r.applied.join(', ')}).`
          : `The ${r.backend} store at ${r.store} is up to date (schema ${r.schema}).`,
      );
    });
}
