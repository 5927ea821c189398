/**
 * `crosslink deconflict register|check|list`: a case's targets and planned operations, and the
 * alerts that say another unit works the same target or place and time — with whom to call.
 */
import type { Command } from 'commander';
import { checkDeconfliction, DEFAULT_RADIUS_M, listDeconfliction, OPERATION_KINDS, registerDeconfliction, type AlertView, type Contact, type DeconflictionInput, type RegistrationView } from '../access/index.ts';
import { registrationWarnings } from '../federation/index.ts';
import { UserError } from '../model/index.ts';
import type { Store } from '../store/index.ts';
import { currentActor, withStore, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

interface RegistrationOptions extends OutputOptions {
  case: string;
  target?: string;
  subject?: string;
  operation?: string;
  platform?: string;
  region: string;
  from?: string;
  to?: string;
  place?: string;
  lat?: string;
  lon?: string;
  radiusM?: string;
}

function number(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new UserError(`${option} '${value}' is not a number`);
  return parsed;
}

function inputOf(options: RegistrationOptions): DeconflictionInput {
  return {
    caseRef: options.case,
    target: options.target,
    subject: options.subject,
    operation: options.operation,
    platform: options.platform,
    from: options.from,
    to: options.to,
    place: options.place,
    lat: number(options.lat, '--lat'),
    lon: number(options.lon, '--lon'),
    radiusM: number(options.radiusM, '--radius-m'),
  };
}

/** The card-token key, when the store has one: only a card selector needs it. */
export async function selectorContext(store: Store, region: string): Promise<{ region: string; secret?: Buffer }> {
  const { resolveCardSecret } = await import('../ingest/index.ts');
  let secret: Buffer | undefined;
  try {
    secret = resolveCardSecret(store);
  } catch {
    secret = undefined;
  }
  return { region: region.toUpperCase(), ...(secret ? { secret } : {}) };
}

function withRegistrationOptions(command: Command): Command {
  return command
    .requiredOption('--case <ref>', 'your case')
    .option('--target <selector>', 'an identifier as typed: email, phone, @handle (with --platform), IP, URL, card, wallet, hash')
    .option('--subject <id>', 'a resolved subject, e.g. 12 or s12')
    .option('--operation <kind>', `a planned operation: ${OPERATION_KINDS.join(', ')}`)
    .option('--platform <platform>', 'the platform of a --target handle, e.g. telegram')
    .option('--region <cc>', 'phone region for numbers typed without a country code', 'US')
    .option('--from <time>', 'operation start: YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC unless an offset is given)')
    .option('--to <time>', 'operation end (a bare day counts in full)')
    .option('--place <text>', 'where: an address or place name')
    .option('--lat <degrees>', 'where: latitude')
    .option('--lon <degrees>', 'where: longitude')
    .option('--radius-m <metres>', `around --lat/--lon (default ${DEFAULT_RADIUS_M})`)
    .option('--json', 'print the result as JSON');
}

function describeContact(contact: Contact): string {
  return [contact.officer, contact.agency, contact.phone, contact.email].filter((part) => part !== null && part !== '').join(', ');
}

function describeRegistration(registration: RegistrationView): string {
  if (registration.selector) return `target ${registration.selector.type} ${registration.selector.shown}`;
  if (registration.subject) return `target subject ${registration.subject}`;
  const operation = registration.operation!;
  const where = [operation.place, operation.latitude !== null ? `${operation.latitude},${operation.longitude} ±${operation.radiusM} m` : null].filter((part) => part !== null).join(' / ');
  return `${operation.kind} ${operation.from.slice(0, 16)}–${operation.to.slice(0, 16)} at ${where}`;
}

function describeAlert(alert: AlertView): string {
  const yours = alert.registration ? `${alert.case} registration ${alert.registration}` : `your identity ${alert.identity}`;
  const from = alert.from ? ` (${alert.from.country}, node ${alert.from.node}; quote ${alert.from.reference})` : '';
  return `ALERT (${alert.reason}, ${yours}): another unit is on it — contact ${describeContact(alert.contact)}${from}`;
}

export function registerDeconflict(program: Command): void {
  const deconflict = program.command('deconflict').description("deconfliction: register a case's targets and planned operations; alerts name whom to call");

  withRegistrationOptions(deconflict.command('register').description('register a target or a planned operation for your case; a conflict with another unit alerts both sides')).action(
    async (options: RegistrationOptions, command: Command) => {
      const input = inputOf(options);
      const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const registered = await registerDeconfliction(store.db, currentActor(), input, await selectorContext(store, options.region));
        return { ...registered, warnings: registrationWarnings(registered.registration) };
      });
      emit(options, result, (r) =>
        [
          `${r.created ? 'Registered' : 'Already registered'} for ${r.registration.case}: ${describeRegistration(r.registration)} (registration ${r.registration.id}).`,
          ...(r.alerts.length === 0 ? ['No conflict with another unit.'] : r.alerts.map(describeAlert)),
          ...r.warnings.map((warning) => `Note: ${warning}`),
        ].join('\n'),
      );
    },
  );

  withRegistrationOptions(deconflict.command('check').description('whom a registration would alert, without registering anything')).action(async (options: RegistrationOptions, command: Command) => {
    const input = inputOf(options);
    const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) =>
      checkDeconfliction(store.db, currentActor(), input, await selectorContext(store, options.region)),
    );
    emit(options, result, (r) =>
      r.conflicts.length === 0
        ? `No conflict with another unit for ${r.case} (nothing registered).`
        : [`${r.conflicts.length} conflict${r.conflicts.length === 1 ? '' : 's'} for ${r.case} (nothing registered):`, ...r.conflicts.map((c) => `  ${c.reason}: contact ${describeContact(c.contact)}`)].join('\n'),
    );
  });

  deconflict
    .command('list')
    .description('your registrations and alerts (of every case you may see, or one)')
    .option('--case <ref>', 'only this case')
    .option('--json', 'print the result as JSON')
    .action(async (options: OutputOptions & { case?: string }, command: Command) => {
      const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', (store) => listDeconfliction(store.db, currentActor(), { caseRef: options.case }));
      emit(options, result, (r) => {
        const lines = [
          r.registrations.length === 0
            ? 'No registrations.'
            : table(['ID', 'CASE', 'REGISTERED', 'WHAT'], r.registrations.map((g) => [g.id, g.case, g.registeredAt.slice(0, 16).replace('T', ' '), describeRegistration(g)])),
          '',
          r.alerts.length === 0
            ? 'No alerts.'
            : table(
                ['ALERT', 'RAISED', 'REASON', 'YOURS', 'CONTACT'],
                r.alerts.map((a) => [a.id, a.raisedAt.slice(0, 16).replace('T', ' '), a.reason, a.registration ? `${a.case} #${a.registration}` : `identity ${a.identity}`, describeContact(a.contact)]),
              ),
        ];
        return lines.join('\n');
      });
    });
}
