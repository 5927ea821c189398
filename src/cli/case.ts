/** `crosslink case open|list`: investigations, each owned by one agency. */
import type { Command } from 'commander';
import { appendAudit, listCases, openCase } from '../store/index.ts';
import { currentActor, withStore, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

interface OpenOptions extends OutputOptions {
  agency: string;
  title?: string;
  officer?: string;
}

export function registerCase(program: Command): void {
  const cases = program.command('case').description('manage cases');

  cases
    .command('open')
    .description('open a case for an agency')
    .argument('<ref>', 'the case reference, e.g. NB-2026-0001')
    .requiredOption('--agency <name>', 'the owning agency')
    .option('--title <title>', 'a short title')
    .option('--officer <name>', 'the case officer')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, options: OpenOptions, command: Command) => {
      const opened = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const row = await openCase(store.db, { ref, agency: options.agency, title: options.title, officer: options.officer });
        await appendAudit(store.db, { actor: currentActor(), action: 'case.open', agencyId: row.agency_id, caseId: row.id, target: row.ref });
        return { id: row.id, ref: row.ref, agency: options.agency, title: row.title, officer: row.officer, status: row.status };
      });
      emit(options, opened, (c) => `Opened case ${c.ref} for ${c.agency}.`);
    });

  cases
    .command('list')
    .description('list cases')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions, command: Command) => {
      const rows = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', (store) => listCases(store.db));
      const list = rows.map((row) => ({ id: row.id, ref: row.ref, agency: row.agency, title: row.title, officer: row.officer, status: row.status }));
      emit(options, list, (l) => (l.length === 0 ? 'No cases yet.' : table(['REF', 'AGENCY', 'TITLE', 'STATUS'], l.map((c) => [c.ref, c.agency, c.title, c.status]))));
    });
}
