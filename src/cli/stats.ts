/** `crosslink stats`: what the store holds, overall and per case. */
import type { Command } from 'commander';
import { storeStats } from '../store/index.ts';
import { withStore, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('counts of agencies, cases, sources, records, entities, identifiers and links')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions, command: Command) => {
      const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => ({
        store: store.location,
        backend: store.backend,
        ...(await storeStats(store.db)),
      }));
      emit(options, result, (r) =>
        [
          `Store: ${r.store} (${r.backend})`,
          '',
          table(['WHAT', 'COUNT'], Object.entries(r.totals).map(([name, count]) => [name.replace('_', ' '), count])),
          '',
          r.cases.length === 0
            ? 'No cases yet.'
            : table(['CASE', 'AGENCY', 'SOURCES', 'RECORDS', 'ENTITIES', 'LINKS'], r.cases.map((c) => [c.ref, c.agency, c.sources, c.records, c.entities, c.links])),
        ].join('\n'),
      );
    });
}
