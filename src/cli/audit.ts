/**
 * `crosslink audit verify` (the hash chain: where it breaks, if it does) and `crosslink audit
 * search` (auditors and administrators: every entry; others: their own).
 */
import type { Command } from 'commander';
import { searchAudit, verifyAuditLog } from '../access/index.ts';
import { UserError } from '../model/index.ts';
import { withAdministration, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

function instant(value: string | undefined, name: string, endOfDay: boolean): Date | undefined {
  if (value === undefined) return undefined;
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(dayOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new UserError(`${name} '${value}' is not a date (YYYY-MM-DD) or a time (ISO 8601)`);
  return dayOnly && endOfDay ? new Date(date.getTime() + 86_400_000) : date;
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');

  audit
    .command('verify')
    .description('check the hash chain; names the first row where it breaks (exit 1 if it does)')
    .option('--head <hash>', 'a head hash printed by an earlier verify: also check that row is still in the chain')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions & { head?: string }, command: Command) => {
      const report = await withAdministration(command.optsWithGlobals<StoreOptions>(), (store, actor) => verifyAuditLog(store.db, actor, { head: options.head }));
      if (!report.ok) process.exitCode = 1;
      emit(options, report, (r) =>
        r.ok
          ? `The audit log is intact: ${r.rows} rows${r.head ? `; head row ${r.head.id}, hash ${r.head.hash}` : ''}.`
          : `The audit log is broken at row ${r.brokenAt!.id}: ${r.brokenAt!.reason} (${r.rows} rows before it verified).`,
      );
    });

  audit
    .command('search')
    .description('search the audit log, newest first')
    .option('--actor <name>', 'who')
    .option('--action <action>', "what, e.g. search, case.grant, or a prefix such as 'case.' or 'analysis*'")
    .option('--case <ref>', 'about this case')
    .option('--from <date>', 'on or after (YYYY-MM-DD or an ISO 8601 time)')
    .option('--to <date>', 'on or before (a day counts whole)')
    .option('--limit <n>', 'at most this many entries', '100')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions & { actor?: string; action?: string; case?: string; from?: string; to?: string; limit: string }, command: Command) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UserError(`--limit '${options.limit}' must be a whole number from 1 to 10000`);
      const filters = { actor: options.actor, action: options.action, caseRef: options.case, from: instant(options.from, '--from', false), to: instant(options.to, '--to', true), limit };
      const entries = await withAdministration(command.optsWithGlobals<StoreOptions>(), (store, actor) => searchAudit(store.db, actor, filters));
      emit(options, entries, (list) =>
        list.length === 0
          ? 'No entries.'
          : table(['ID', 'AT', 'ACTOR', 'ACTION', 'CASE', 'TARGET'], list.map((e) => [e.id, e.at.slice(0, 19).replace('T', ' '), e.actor, e.action, e.case, e.target])),
      );
    });
}
