/** `crosslink case open|list|show|retain`: investigations, each owned by one agency, and how long each is kept. */
import type { Command } from 'commander';
import { caseOverview, parseRetentionDate, setRetention } from '../access/index.ts';
import { UserError } from '../model/index.ts';
import { appendAudit, listCases, openCase } from '../store/index.ts';
import { currentActor, currentPrincipal, withStore, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

/** A purged case says so wherever it is listed. */
const statusOf = (row: { status: string; purged_at?: Date | null }) => (row.purged_at ? 'purged' : row.status);

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
      const list = rows.map((row) => ({ id: row.id, ref: row.ref, agency: row.agency, title: row.title, officer: row.officer, status: statusOf(row) }));
      emit(options, list, (l) => (l.length === 0 ? 'No cases yet.' : table(['REF', 'AGENCY', 'TITLE', 'STATUS'], l.map((c) => [c.ref, c.agency, c.title, c.status]))));
    });

  cases
    .command('show')
    .description('one case: owner, officer, status, how long it is kept, and what it holds')
    .argument('<ref>', 'the case reference')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, options: OutputOptions, command: Command) => {
      const shown = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const overview = await caseOverview(store.db, ref);
        if (!overview) throw new UserError(`no case '${ref}' that you may see`, 'not_found');
        await appendAudit(store.db, { actor: currentActor(), action: 'case.show', agencyId: overview.agencyId, caseId: overview.id, target: overview.ref });
        const { id: _id, agencyId: _agencyId, ...view } = overview;
        return view;
      });
      emit(options, shown, (c) =>
        [
          `Case ${c.ref}${c.title ? ` — ${c.title}` : ''} (${c.agency}${c.officer ? `, officer ${c.officer}` : ''})`,
          c.purgedAt
            ? `Purged on ${c.purgedAt.slice(0, 10)}: its retention date (${c.retainUntil}) had passed, and its data was removed. The audit log keeps the record.`
            : `Status ${c.status}; ${c.retainUntil ? `kept until ${c.retainUntil}, then purged` : 'kept until further notice (no retention date)'}.`,
          `Holds ${c.holds.sources} sources, ${c.holds.records} records, ${c.holds.entities} entities, ${c.holds.links} links.`,
        ].join('\n'),
      );
    });

  cases
    .command('retain')
    .description("how long a case's data is kept: after this day 'crosslink purge' removes it (supervisors and administrators of the owning agency)")
    .argument('<ref>', 'the case reference')
    .requiredOption('--until <date>', "the last day to keep it (YYYY-MM-DD), or 'none' to keep it until further notice")
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, options: OutputOptions & { until: string }, command: Command) => {
      const until = parseRetentionDate(options.until);
      const changed = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', (store) => setRetention(store.db, currentPrincipal()!, ref, until));
      emit(options, changed, (c) =>
        c.retainUntil
          ? `Case ${c.case} (${c.agency}) is kept until ${c.retainUntil}; after that day 'crosslink purge' removes its data.${c.previous ? ` (It was ${c.previous}.)` : ''}`
          : `Case ${c.case} (${c.agency}) is kept until further notice.${c.previous ? ` (It was to be kept until ${c.previous}.)` : ''}`,
      );
    });
}
