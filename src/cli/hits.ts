/**
 * `crosslink hits [--case REF]`: cross-agency hits both ways — those the user raised (another
 * agency holds what they looked up: who to call) and those on the user's cases (who looked, and
 * how to reach them) — and `crosslink hits contact --case REF` (the line notices give for a case).
 */
import type { Command } from 'commander';
import { listHits, setCaseContact, type HitList } from '../access/index.ts';
import { appendAudit } from '../store/index.ts';
import { acceptStoreOptions, currentActor, withStore, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function render(list: HitList): string {
  const lines: string[] = [];
  if (list.raised.length === 0) lines.push('No hits raised: nothing you looked up is held by a case you may not see.');
  else {
    lines.push('Hits you raised — another agency holds what you looked up; call them, quoting the reference:');
    lines.push(
      table(
        ['REFERENCE', 'KIND', 'ABOUT', 'AGENCY', 'OFFICER', 'PHONE', 'EMAIL', 'TIMES', 'LAST'],
        list.raised.map((hit) => [hit.reference, hit.kind, hit.about, `${hit.agency} (${hit.country})`, hit.officer, hit.phone, hit.email, hit.count, day(hit.lastSeen)]),
      ),
    );
  }
  lines.push('');
  if (list.received.length === 0) lines.push('No hits on your cases.');
  else {
    lines.push('Hits on your cases — someone who may not see the case looked up what it holds:');
    lines.push(
      table(
        ['REFERENCE', 'CASE', 'KIND', 'WHAT', 'WHO', 'AGENCY', 'PHONE', 'EMAIL', 'TIMES', 'LAST'],
        list.received.map((hit) => [
          hit.reference,
          hit.case,
          hit.kind,
          hit.what,
          hit.seeker.user,
          hit.seeker.agency ? `${hit.seeker.agency} (${hit.seeker.country})` : '(node administrator)',
          hit.seeker.phone,
          hit.seeker.email,
          hit.count,
          day(hit.lastSeen),
        ]),
      ),
    );
  }
  return lines.join('\n');
}

export function registerHits(program: Command): void {
  // Not a leaf (contact sits under it), yet it opens a store: it takes --db and --token too.
  const hits = acceptStoreOptions(program.command('hits'))
    .description('cross-agency hits: those you raised (who to call) and those on your cases (who looked)')
    .option('--case <ref>', 'only the hits on this case, and those its pictures raised')
    .option('--json', 'print as JSON: { raised: [...], received: [...] }')
    .action(async (options: OutputOptions & { case?: string }, command: Command) => {
      const list = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const found = await listHits(store.db, { caseRef: options.case });
        await appendAudit(store.db, { actor: currentActor(), action: 'hits.list', details: { case: options.case, raised: found.raised.length, received: found.received.length } });
        return found;
      });
      emit(options, list, render);
    });

  hits
    .command('contact')
    .description("the case officer's own phone and email that hit notices give for a case (else the agency's)")
    .requiredOption('--case <ref>', 'the case')
    .option('--phone <phone>', 'phone number')
    .option('--email <email>', 'email address')
    .option('--json', 'print as JSON')
    .action(async (options: OutputOptions & { case: string; phone?: string; email?: string }, command: Command) => {
      const contact = { phone: options.phone, email: options.email };
      await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        await setCaseContact(store.db, options.case, contact);
        await appendAudit(store.db, { actor: currentActor(), action: 'case.contact', target: options.case, details: contact });
      });
      emit(options, { case: options.case, ...contact }, () => `Hit notices for ${options.case} now give ${[options.phone, options.email].filter(Boolean).join(', ') || "the agency's contact"}.`);
    });
}
