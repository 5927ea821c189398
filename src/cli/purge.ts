/**
 * `crosslink purge [--dry-run]`: removes the data of every case whose retention date has passed
 * (set with `crosslink case retain`), leaving each case's row marked purged and a `case.purge`
 * audit record of what went. An administrator's work, as the store's owner.
 */
import type { Command } from 'commander';
import { purgeExpiredCases, type PurgeReport } from '../access/index.ts';
import { withNodeWork, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';
import { progressReporter } from './progress.ts';

const total = (removed: Record<string, number>) => Object.values(removed).reduce((sum, count) => sum + count, 0);

function describe(report: PurgeReport): string {
  if (report.cases.length === 0) return 'No case is past its retention date: nothing to purge.';
  const tables = Object.keys(report.totals).sort();
  const lines = [
    report.dryRun
      ? `${report.cases.length} cases are past their retention date; a purge would remove (nothing was removed):`
      : `Purged ${report.cases.length} cases past their retention date:`,
    table(
      ['CASE', 'AGENCY', 'KEPT UNTIL', 'ROWS', 'DETAIL'],
      report.cases.map((c) => [c.case, c.agency, c.retainUntil, total(c.removed), Object.entries(c.removed).map(([name, count]) => `${name} ${count}`).join(', ')]),
    ),
    '',
    `In all: ${tables.map((name) => `${report.totals[name]} ${name}`).join(', ') || 'no rows'}.`,
  ];
  if (!report.dryRun) lines.push("Each case keeps its row, marked purged, and a 'case.purge' entry in the audit log.");
  return lines.join('\n');
}

export function registerPurge(program: Command): void {
  program
    .command('purge')
    .description('remove the data of every case whose retention date has passed (administrators); the audit log keeps a record of each')
    .option('--dry-run', 'count what would be removed, and remove nothing')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions & { dryRun?: boolean }, command: Command) => {
      const progress = progressReporter(options, options.dryRun ? 'Counting' : 'Purging');
      const report = await withNodeWork(command.optsWithGlobals<StoreOptions>(), 'a purge', (store, actor) =>
        purgeExpiredCases(store, actor, { dryRun: options.dryRun === true, onProgress: (step) => progress.update(step) }),
      ).finally(() => progress.stop());
      emit(options, report, describe);
    });
}
