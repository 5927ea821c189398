/**
 * `crosslink identity add|list|retire`: the online identities your agency operates (undercover
 * accounts, an arrested person's account used with lawful authority). Only your agency sees them;
 * resolution keeps them out of subjects, analysis marks their activity as police activity, and
 * another unit targeting one gets a deconfliction alert.
 */
import type { Command } from 'commander';
import { addIdentity, listIdentities, retireIdentity, type IdentityView } from '../access/index.ts';
import { selectorContext } from './deconflict.ts';
import { currentActor, withStore, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

interface AddOptions extends OutputOptions {
  agency?: string;
  officer: string;
  authority: string;
  from: string;
  to?: string;
  platform?: string;
  note?: string;
  region: string;
}

function window(identity: IdentityView): string {
  return `${identity.from}–${identity.to ?? ''}`;
}

export function registerIdentity(program: Command): void {
  const identity = program.command('identity').description('law-enforcement-controlled identities your agency operates (visible to your agency only)');

  identity
    .command('add')
    .description('register an identity your agency operates')
    .argument('<selector>', 'the account: email, phone, @handle (with --platform) …')
    .option('--agency <name>', 'the operating agency (your own; the default)')
    .requiredOption('--officer <name>', 'the operating officer')
    .requiredOption('--authority <ref>', 'the warrant or authorisation reference')
    .requiredOption('--from <date>', 'valid from (YYYY-MM-DD)')
    .option('--to <date>', 'valid until, inclusive (YYYY-MM-DD; open-ended without)')
    .option('--platform <platform>', 'where the account lives, e.g. telegram (a handle needs it)')
    .option('--note <text>', 'a note for your agency')
    .option('--region <cc>', 'phone region for numbers typed without a country code', 'US')
    .option('--json', 'print the result as JSON')
    .action(async (selector: string, options: AddOptions, command: Command) => {
      const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) =>
        addIdentity(
          store.db,
          currentActor(),
          { selector, agency: options.agency, officer: options.officer, authority: options.authority, from: options.from, to: options.to, platform: options.platform, note: options.note },
          await selectorContext(store, options.region),
        ),
      );
      emit(options, result, (r) =>
        [
          `Registered identity ${r.identity.id}: ${r.identity.type} ${r.identity.selector}, operated by ${r.identity.officer} (${r.identity.authority}), ${window(r.identity)}.`,
          r.alerts > 0 ? `${r.alerts} deconfliction alert${r.alerts === 1 ? '' : 's'}: another unit targets it (see 'crosslink deconflict list').` : '',
        ]
          .filter((line) => line !== '')
          .join('\n'),
      );
    });

  identity
    .command('list')
    .description("your agency's identities, current and retired")
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions, command: Command) => {
      const list = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', (store) => listIdentities(store.db, currentActor()));
      emit(options, list, (l) =>
        l.length === 0
          ? 'No identities.'
          : table(
              ['ID', 'TYPE', 'SELECTOR', 'OFFICER', 'AUTHORITY', 'VALID', 'STATE'],
              l.map((i) => [i.id, i.type, i.selector, i.officer, i.authority, window(i), i.retiredAt ? `retired ${i.retiredAt.slice(0, 10)}` : i.active ? 'active' : 'inactive']),
            ),
      );
    });

  identity
    .command('retire')
    .description('end an identity: it is no longer police-operated from now on')
    .argument('<id>', "the identity's id (see 'crosslink identity list')")
    .option('--json', 'print the result as JSON')
    .action(async (id: string, options: OutputOptions, command: Command) => {
      const retired = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', (store) => retireIdentity(store.db, currentActor(), id));
      emit(options, retired, (i) => `Retired identity ${i.id} (${i.type} ${i.selector}).`);
    });
}
