/**
 * `crosslink resolve`, `crosslink subjects`, `crosslink subject show ID` and
 * `crosslink match confirm|reject A B`: person records into subjects, explained and correctable.
 */
import type { Command } from 'commander';
import { describeNotice, raiseSubjectHits } from '../access/index.ts';
import { UserError } from '../model/index.ts';
import { appendAudit, listSubjects, recordDecision } from '../store/index.ts';
import { currentActor, withNodeWork, withStore, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

const resolveModule = () => import('../resolve/index.ts');

function parseThreshold(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const threshold = Number(value);
  if (!(threshold > 0 && threshold < 1)) throw new UserError(`--threshold '${value}' must be a probability between 0 and 1, e.g. 0.9`);
  return threshold;
}

export function registerResolve(program: Command): void {
  program
    .command('resolve')
    .description('resolve person records into subjects: new records against the existing subjects, or all with --full (respecting confirm/reject decisions)')
    .option('--threshold <p>', 'match probability at which two records are the same person (default 0.9)')
    .option('--full', 'retrain the model and resolve every person record again (the first run always does)')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions & { threshold?: string; full?: boolean }, command: Command) => {
      const threshold = parseThreshold(options.threshold);
      const { runResolution } = await resolveModule();
      // Resolution reads and writes across every agency: the node's work, as the store's owner.
      const report = await withNodeWork(command.optsWithGlobals<StoreOptions>(), 'resolution', (store, actor) => runResolution(store, { threshold, actor: actor.name, full: options.full === true }));
      emit(options, report, (r) =>
        [
          r.mode === 'full'
            ? `Resolved all ${r.people} person records into ${r.subjects} subjects (${r.linked} with more than one record) at threshold ${r.threshold}, comparing ${r.candidatePairs} candidate pairs, in ${r.seconds}s.`
            : `Resolved ${r.resolved} new or affected person records against the existing subjects (${r.people} records, ${r.subjects} subjects, ${r.linked} with more than one record) at threshold ${r.threshold}, comparing ${r.candidatePairs} candidate pairs, in ${r.seconds}s.`,
          `${r.created} subjects created, ${r.changed} changed.${r.reason ? ` A full run: ${r.reason}.` : ''}`,
        ].join('\n'),
      );
    });

  program
    .command('subjects')
    .description('list subjects with their member records')
    .option('--json', 'print as JSON: [{ id, members: [{ kind, source, key }] }]')
    .action(async (options: OutputOptions, command: Command) => {
      const subjects = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', (store) => listSubjects(store.db));
      const view = subjects.map((subject) => ({ id: subject.id, label: subject.label, members: subject.members.map((m) => ({ kind: m.kind, source: m.source, key: m.key, case: m.case, entity: m.entity, score: m.score })) }));
      emit(options, view, (list) =>
        table(['SUBJECT', 'LABEL', 'RECORDS', 'CASES'], list.filter((s) => s.members.length > 1).map((s) => [s.id, s.label, s.members.length, [...new Set(s.members.map((m) => m.case))].join(' ')])) +
        `\n${list.length} subjects, ${list.filter((s) => s.members.length > 1).length} of them with more than one record (listed).`,
      );
    });

  program
    .command('subject')
    .description('one subject')
    .command('show')
    .argument('<id>', 'subject id')
    .option('--json', 'print as JSON')
    .action(async (id: string, options: OutputOptions, command: Command) => {
      const { subject, hits } = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const [found] = await listSubjects(store.db, id);
        // Members in cases the user may not see are not shown: their holders' contacts are.
        return { subject: found, hits: found ? await raiseSubjectHits(store.db, id) : [] };
      });
      if (!subject) throw new UserError(`no subject ${id} (run 'crosslink resolve', then 'crosslink subjects')`, 'not_found');
      emit(options, { ...subject, hits }, (s) => {
        const lines = [`Subject ${s.id}: ${s.label ?? '(no name)'}`];
        for (const m of s.members) {
          lines.push(`  ${m.label}  [${m.kind} ${m.entity}, ${m.case}, ${m.source ?? '?'} key ${m.key}]  score ${m.score.toFixed(3)}`);
          for (const reason of m.reasons as { with?: string | null; fields?: { field: string; level: string; weight: number }[]; decision?: string }[]) {
            if (reason.decision) lines.push(`      ${reason.decision}`);
            if (reason.fields) lines.push(`      with ${reason.with ?? 'a record you may not see'}: ${reason.fields.map((f) => `${f.field} ${f.level} (${f.weight >= 0 ? '+' : ''}${f.weight})`).join(', ')}`);
          }
        }
        lines.push(...s.hits.map(describeNotice));
        return lines.join('\n');
      });
    });

  const match = program.command('match').description("record an analyst's decision on a pair of person records");
  for (const verdict of ['confirm', 'reject'] as const) {
    match
      .command(verdict)
      .argument('<a>', 'entity id')
      .argument('<b>', 'entity id')
      .option('--json', 'print as JSON')
      .description(verdict === 'confirm' ? 'the two are the same person: every later run links them' : 'the two are different people: no later run links them directly')
      .action(async (a: string, b: string, options: OutputOptions, command: Command) => {
        if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) throw new UserError('entity ids are whole numbers (see crosslink subject show)');
        await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
          await recordDecision(store.db, a, b, verdict, currentActor());
          await appendAudit(store.db, { actor: currentActor(), action: `match.${verdict}`, target: `${a},${b}` });
        });
        emit(options, { a, b, verdict }, () => `Recorded: ${a} and ${b} ${verdict === 'confirm' ? 'are the same person' : 'are different people'}. Run 'crosslink resolve' to apply it.`);
      });
  }
}
