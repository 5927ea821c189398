/** `crosslink agency add|list`: the police forces and units that own cases. */
import type { Command } from 'commander';
import { addAgency, appendAudit, listAgencies } from '../store/index.ts';
import { currentActor, withStore, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

interface AddOptions extends OutputOptions {
  country: string;
  kind?: string;
  contact?: string;
  phone?: string;
  email?: string;
}

function agencyView(agency: { id: string; name: string; country: string; kind: string | null; contact: Record<string, unknown> }) {
  return { id: agency.id, name: agency.name, country: agency.country, kind: agency.kind, contact: agency.contact };
}

export function registerAgency(program: Command): void {
  const agency = program.command('agency').description('manage agencies (police forces and units)');

  agency
    .command('add')
    .description('add an agency')
    .argument('<name>', 'the agency name, e.g. "Northbridge Police Sex Crimes Unit"')
    .requiredOption('--country <cc>', 'ISO 3166 two-letter country code, e.g. CA')
    .option('--kind <kind>', 'e.g. city-unit, national-centre, task-force')
    .option('--contact <officer>', 'the point of contact named in hit notices')
    .option('--phone <phone>', "the contact's phone")
    .option('--email <email>', "the contact's email")
    .option('--json', 'print the result as JSON')
    .action(async (name: string, options: AddOptions, command: Command) => {
      const contact = Object.fromEntries(
        Object.entries({ officer: options.contact, phone: options.phone, email: options.email }).filter(([, value]) => value !== undefined),
      );
      const created = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const row = await addAgency(store.db, { name, country: options.country, kind: options.kind, contact });
        await appendAudit(store.db, { actor: currentActor(), action: 'agency.add', agencyId: row.id, target: row.name, details: { country: row.country } });
        return row;
      });
      emit(options, agencyView(created), (a) => `Added agency ${a.name} (${a.country}).`);
    });

  agency
    .command('list')
    .description('list agencies')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions, command: Command) => {
      const rows = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', (store) => listAgencies(store.db));
      emit(options, rows.map(agencyView), (list) =>
        list.length === 0 ? 'No agencies yet.' : table(['NAME', 'COUNTRY', 'KIND', 'CONTACT'], list.map((a) => [a.name, a.country, a.kind, String(a.contact['officer'] ?? '')])),
      );
    });
}
