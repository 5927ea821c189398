/**
 * `crosslink init`: creates the store named by CROSSLINK_DB (or --db), or migrates it to the latest
 * schema, and creates the local administrator (`admin`) whom commands act as without a token.
 */
import type { Command } from 'commander';
import { ensureLocalAdmin } from '../access/index.ts';
import { appendAudit, migrateToLatest } from '../store/index.ts';
import { currentActor, withStore, type StoreOptions } from './context.ts';
import { emit, type OutputOptions } from './output.ts';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create the store, or migrate it to the latest schema; creates the local administrator')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions, command: Command) => {
      const storeOptions = command.optsWithGlobals<StoreOptions>();
      const result = await withStore(storeOptions, 'none', async (store) => {
        const report = await migrateToLatest(store.db);
        if (report.applied.length > 0) {
          await appendAudit(store.db, { actor: currentActor(), action: 'store.migrate', details: { applied: report.applied } });
        }
        const admin = await ensureLocalAdmin(store.db);
        return { store: store.location, backend: store.backend, applied: report.applied, schema: report.current ?? null, localAdmin: { name: admin.user.name, created: admin.created } };
      });
      emit(options, result, (r) =>
        [
          r.applied.length > 0
            ? `Initialised the ${r.backend} store at ${r.store} (applied ${r.applied.join(', ')}).`
            : `The ${r.backend} store at ${r.store} is up to date (schema ${r.schema}).`,
          ...(r.localAdmin.created ? [`Created the local administrator '${r.localAdmin.name}': commands act as it unless given --token or $CROSSLINK_TOKEN.`] : []),
        ].join('\n'),
      );
    });
}
