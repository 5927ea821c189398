/**
 * Deconfliction: telling two units that they are working the same target, or planning operations
 * at the same place and time, without revealing anything of each other's cases. A case registers
 * its targets (an identifier typed in any notation, or a subject) and planned operations; the
 * database raises the alerts as a registration is written (migration 0010), one to each side, each
 * carrying only the other side's contact. `check` asks the same question and registers nothing.
 *
 * Every function works on an acting connection (the CLI's acting store, or a server's withUser
 * transaction) and is audited.
 */
import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import { UserError } from '../model/index.ts';
import { appendAuditIn, findCase, isUniqueViolation, type Case, type Database } from '../store/index.ts';
import { actingUnit, inTransaction, parseSelector, type Selector, type SelectorContext } from './identities.ts';

/** The kinds of planned operation; typed with spaces or underscores too ("search warrant"). */
export const OPERATION_KINDS = ['search-warrant', 'arrest', 'undercover-meet', 'surveillance', 'controlled-delivery', 'interview', 'other'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** A circle given by --lat/--lon alone has this radius. */
export const DEFAULT_RADIUS_M = 100;
const MAX_RADIUS_M = 100_000;

export interface DeconflictionInput {
  caseRef: string;
  /** One of: an identifier as typed, a subject (`12` or `s12`), or an operation kind. */
  target?: string;
  subject?: string;
  operation?: string;
  /** For a handle target: its platform. */
  platform?: string;
  /** An operation's window: YYYY-MM-DD (a whole day) or YYYY-MM-DDTHH:MM, UTC unless an offset is given. */
  from?: string;
  to?: string;
  place?: string;
  lat?: number;
  lon?: number;
  radiusM?: number;
}

/** What an alert says of the other side: whom to call, nothing more. */
export interface Contact {
  agency: string;
  officer: string | null;
  phone: string | null;
  email: string | null;
}

export interface RegistrationView {
  id: string;
  case: string;
  kind: 'target' | 'operation';
  /** A target identifier, as typed (a card: its safe rendering). */
  selector: { type: string; shown: string } | null;
  subject: string | null;
  operation: { kind: string; from: string; to: string; place: string | null; latitude: number | null; longitude: number | null; radiusM: number | null } | null;
  registeredAt: string;
}

export interface AlertView {
  id: string;
  raisedAt: string;
  reason: 'target' | 'operation';
  /** What of yours met the other side: your case's registration, or your agency's identity. */
  case: string | null;
  registration: string | null;
  identity: string | null;
  contact: Contact;
  /** An alert another agency's node raised (federation): its node and country, and the reference to quote. */
  from?: AlertOrigin;
}

export interface AlertOrigin {
  node: string;
  country: string;
  reference: string;
}

export interface Conflict {
  reason: 'target' | 'operation';
  contact: Contact;
}

// ---- the tables ---------------------------------------------------------------------------------

export interface RegistrationTable {
  id: Generated<string>;
  agency_id: string;
  case_id: string;
  kind: 'target' | 'operation';
  identifier_type: string | null;
  value: string | null;
  shown: string | null;
  subject_id: string | null;
  operation: string | null;
  starts_at: ColumnType<Date | null, string | null, never>;
  ends_at: ColumnType<Date | null, string | null, never>;
  place: string | null;
  place_key: string | null;
  latitude: number | null;
  longitude: number | null;
  radius_m: number | null;
  registered_by: ColumnType<string | null, never, never>;
  registered_at: ColumnType<Date, never, never>;
}

export interface AlertTable {
  id: Generated<string>;
  agency_id: string;
  case_id: string | null;
  registration_id: string | null;
  identity_id: string | null;
  reason: 'target' | 'operation';
  contact: ColumnType<Contact, never, never>;
  raised_at: ColumnType<Date, never, never>;
}

export type DeconflictionTables = { deconfliction_registrations: RegistrationTable; deconfliction_alerts: AlertTable };

function deconflictionDb(db: Kysely<Database>): Kysely<Database & DeconflictionTables> {
  return db.withTables<DeconflictionTables>();
}

// ---- parsing --------------------------------------------------------------------------------------

/** What a registration stands for, normalised: the row's fields the matching reads. */
interface Planned {
  kind: 'target' | 'operation';
  selector: Selector | null;
  subject: string | null;
  operation: OperationKind | null;
  startsAt: string | null;
  endsAt: string | null;
  place: string | null;
  placeKey: string | null;
  latitude: number | null;
  longitude: number | null;
  radiusM: number | null;
}

/** Place text as two units would type the same place: case, accents, punctuation and spacing fold away. */
export function placeKey(place: string): string {
  return place
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function parseOperationKind(value: string): OperationKind {
  const kind = value.trim().toLowerCase().replace(/[\s_]+/g, '-');
  if (!(OPERATION_KINDS as readonly string[]).includes(kind)) throw new UserError(`operation '${value}' must be one of: ${OPERATION_KINDS.join(', ')}`);
  return kind as OperationKind;
}

/** A moment of an operation's window; a bare day is its start (`--from`) or the start of the next day (`--to`). */
export function parseMoment(value: string, option: string, endOfDay: boolean): Date {
  const text = value.trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const moment = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(text) ? text.replace(' ', 'T') : undefined;
  let parsed: Date | undefined;
  if (day) {
    parsed = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    if (parsed.toISOString().slice(0, 10) !== text) parsed = undefined;
    else if (endOfDay) parsed = new Date(parsed.getTime() + 86_400_000);
  } else if (moment) {
    parsed = new Date(/(Z|[+-]\d{2}:?\d{2})$/i.test(moment) ? moment : `${moment}Z`);
  }
  if (!parsed || Number.isNaN(parsed.getTime())) throw new UserError(`${option} '${value}' is not a day (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM, UTC unless an offset is given)`);
  return parsed;
}

function parseSubject(value: string): string {
  const match = /^(?:s|subject:)?(\d{1,18})$/i.exec(value.trim());
  if (!match) throw new UserError(`--subject '${value}' is not a subject id (e.g. 12 or s12)`);
  return match[1]!;
}

function finite(value: number | undefined, option: string, low: number, high: number): number | null {
  if (value === undefined) return null;
  if (!Number.isFinite(value) || value < low || value > high) throw new UserError(`${option} '${value}' must be a number from ${low} to ${high}`);
  return value;
}

function plan(input: DeconflictionInput, context: SelectorContext): Planned {
  const chosen = [input.target, input.subject, input.operation].filter((value) => value !== undefined).length;
  if (chosen !== 1) throw new UserError('give exactly one of --target SELECTOR, --subject ID or --operation KIND');
  const empty = { selector: null, subject: null, operation: null, startsAt: null, endsAt: null, place: null, placeKey: null, latitude: null, longitude: null, radiusM: null };
  const operationOnly = ['from', 'to', 'place', 'lat', 'lon', 'radiusM'] as const;
  if (input.operation === undefined) {
    const stray = operationOnly.find((name) => input[name] !== undefined);
    if (stray) throw new UserError(`--${stray === 'radiusM' ? 'radius-m' : stray} belongs to an --operation, not a target`);
  }
  if (input.target !== undefined) return { ...empty, kind: 'target', selector: parseSelector(input.target, { ...context, platform: input.platform }) };
  if (input.platform !== undefined) throw new UserError('--platform belongs to a --target handle');
  if (input.subject !== undefined) return { ...empty, kind: 'target', subject: parseSubject(input.subject) };

  const operation = parseOperationKind(input.operation!);
  if (input.from === undefined || input.to === undefined) throw new UserError('an operation needs its window: --from and --to');
  const startsAt = parseMoment(input.from, '--from', false);
  const endsAt = parseMoment(input.to, '--to', true);
  if (endsAt <= startsAt) throw new UserError(`--to ${input.to} is not after --from ${input.from}`);
  const latitude = finite(input.lat, '--lat', -90, 90);
  const longitude = finite(input.lon, '--lon', -180, 180);
  if ((latitude === null) !== (longitude === null)) throw new UserError('give --lat and --lon together');
  const radius = finite(input.radiusM, '--radius-m', 0, MAX_RADIUS_M);
  if (radius !== null && latitude === null) throw new UserError('--radius-m needs --lat and --lon');
  const place = input.place?.trim() ? input.place.trim() : null;
  const key = place === null ? null : placeKey(place);
  if (place !== null && key === '') throw new UserError(`--place '${input.place}' has no letters or digits`);
  if (key === null && latitude === null) throw new UserError('an operation needs a place: --place TEXT and/or --lat/--lon [--radius-m]');
  return {
    ...empty,
    kind: 'operation',
    operation,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    place,
    placeKey: key,
    latitude,
    longitude,
    radiusM: latitude === null ? null : (radius ?? DEFAULT_RADIUS_M),
  };
}

/** The case, if the acting user may see it; else the same "no case" as for one that does not exist. */
async function visibleCase(db: Kysely<Database>, ref: string): Promise<Case> {
  const found = await findCase(db, ref);
  if (!found) throw new UserError(`no case '${ref}' that you may see`, 'not_found');
  return found;
}

async function requireVisibleSubject(db: Kysely<Database>, id: string): Promise<void> {
  const found = await db.selectFrom('subjects').select('id').where('id', '=', id).executeTakeFirst();
  // An empty subject is visible to all while it is written; it is nobody's target.
  const members = found ? await db.selectFrom('subject_members').select('entity_id').where('subject_id', '=', id).limit(1).execute() : [];
  if (members.length === 0) throw new UserError(`no subject ${id} that you may see`, 'not_found');
}

/** The audit's account of a registration or check: the selector as shown (never a card number). */
function described(planned: Planned): Record<string, unknown> {
  if (planned.selector) return { kind: 'target', type: planned.selector.type, selector: planned.selector.shown };
  if (planned.subject) return { kind: 'target', subject: planned.subject };
  return { kind: 'operation', operation: planned.operation, from: planned.startsAt, to: planned.endsAt, place: planned.place, latitude: planned.latitude, longitude: planned.longitude, radiusM: planned.radiusM };
}

// ---- reading back -----------------------------------------------------------------------------------

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

async function registrations(db: Kysely<Database>, where: { id?: string; caseId?: string }): Promise<RegistrationView[]> {
  const rows = await deconflictionDb(db)
    .selectFrom('deconfliction_registrations as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .selectAll('r')
    .select('c.ref')
    .$if(where.id !== undefined, (qb) => qb.where('r.id', '=', where.id!))
    .$if(where.caseId !== undefined, (qb) => qb.where('r.case_id', '=', where.caseId!))
    .orderBy('r.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    case: row.ref,
    kind: row.kind,
    selector: row.identifier_type !== null && row.shown !== null ? { type: row.identifier_type, shown: row.shown } : null,
    subject: row.subject_id,
    operation:
      row.kind === 'operation'
        ? { kind: row.operation!, from: iso(row.starts_at!), to: iso(row.ends_at!), place: row.place, latitude: row.latitude, longitude: row.longitude, radiusM: row.radius_m }
        : null,
    registeredAt: iso(row.registered_at),
  }));
}

/** Alert rows the acting user may read: of their cases, and of their agency's identities. */
async function alerts(db: Kysely<Database>, where: { registrationId?: string; caseId?: string }): Promise<AlertView[]> {
  const rows = await deconflictionDb(db)
    .selectFrom('deconfliction_alerts as a')
    .leftJoin('cases as c', 'c.id', 'a.case_id')
    .select(['a.id', 'a.raised_at', 'a.reason', 'c.ref', 'a.registration_id', 'a.identity_id', 'a.contact'])
    .$if(where.registrationId !== undefined, (qb) => qb.where('a.registration_id', '=', where.registrationId!))
    .$if(where.caseId !== undefined, (qb) => qb.where('a.case_id', '=', where.caseId!))
    .orderBy('a.id')
    .execute();
  return rows.map(alertView);
}

/** An alert row as the list and the `alert` event give it (api/routes/deconfliction.ts reads rows for events). */
export function alertView(row: {
  id: string;
  raised_at: Date | string;
  reason: 'target' | 'operation';
  ref: string | null;
  registration_id: string | null;
  identity_id: string | null;
  contact: Contact | Record<string, unknown>;
}): AlertView {
  return {
    id: row.id,
    raisedAt: iso(row.raised_at),
    reason: row.reason,
    case: row.ref,
    registration: row.registration_id,
    identity: row.identity_id,
    contact: contactOf(row.contact),
    ...originOf(row.contact),
  };
}

/** Exactly the four contact fields, whatever else the stored JSON might one day hold. */
function contactOf(stored: Contact | Record<string, unknown>): Contact {
  const field = (name: string) => (typeof (stored as Record<string, unknown>)[name] === 'string' ? ((stored as Record<string, unknown>)[name] as string) : null);
  return { agency: field('agency') ?? '', officer: field('officer'), phone: field('phone'), email: field('email') };
}

/**
 * Where an alert from another node came from: its contact also names the node, the country and the
 * reference (federation/deconfliction.ts); a local alert's does not.
 */
function originOf(stored: object): { from?: AlertOrigin } {
  const { node, country, reference } = stored as Record<string, unknown>;
  return typeof node === 'string' && typeof reference === 'string' ? { from: { node, country: typeof country === 'string' ? country : '', reference } } : {};
}

// ---- the commands -------------------------------------------------------------------------------------

/**
 * Registers a target or planned operation for a case the acting user may see. Registering the
 * same target for the same case again returns the first registration (`created: false`).
 */
export async function registerDeconfliction(
  db: Kysely<Database>,
  actor: string,
  input: DeconflictionInput,
  context: SelectorContext,
): Promise<{ registration: RegistrationView; created: boolean; alerts: AlertView[] }> {
  const planned = plan(input, context);
  return inTransaction(db, async (trx) => {
    const target = await visibleCase(trx, input.caseRef);
    if (planned.subject) await requireVisibleSubject(trx, planned.subject);
    const existing = planned.kind === 'target' ? await sameTarget(trx, target.id, planned) : undefined;
    let id = existing;
    if (id === undefined) {
      try {
        ({ id } = await deconflictionDb(trx)
          .insertInto('deconfliction_registrations')
          .values({
            agency_id: target.agency_id,
            case_id: target.id,
            kind: planned.kind,
            identifier_type: planned.selector?.type ?? null,
            value: planned.selector?.value ?? null,
            shown: planned.selector?.shown ?? null,
            subject_id: planned.subject,
            operation: planned.operation,
            starts_at: planned.startsAt,
            ends_at: planned.endsAt,
            place: planned.place,
            place_key: planned.placeKey,
            latitude: planned.latitude,
            longitude: planned.longitude,
            radius_m: planned.radiusM,
          })
          .returning('id')
          .executeTakeFirstOrThrow());
      } catch (error) {
        if (isUniqueViolation(error)) throw new UserError(`case ${target.ref} registered this target a moment ago: run the command again`, 'conflict');
        throw error;
      }
    }
    const [registration] = await registrations(trx, { id });
    const raised = await alerts(trx, { registrationId: id });
    await appendAuditIn(trx, {
      actor,
      action: 'deconflict.register',
      agencyId: target.agency_id,
      caseId: target.id,
      target: `registration:${id}`,
      details: { ...described(planned), created: existing === undefined, alerts: raised.length },
    });
    return { registration: registration!, created: existing === undefined, alerts: raised };
  });
}

async function sameTarget(db: Kysely<Database>, caseId: string, planned: Planned): Promise<string | undefined> {
  const row = await deconflictionDb(db)
    .selectFrom('deconfliction_registrations')
    .select('id')
    .where('case_id', '=', caseId)
    .where('kind', '=', 'target')
    .$if(planned.selector !== null, (qb) => qb.where('identifier_type', '=', planned.selector!.type).where('value', '=', planned.selector!.value))
    .$if(planned.subject !== null, (qb) => qb.where('subject_id', '=', planned.subject))
    .executeTakeFirst();
  return row?.id;
}

/** Whom a registration would alert, by contact; registers and alerts nothing (the check is audited). */
export async function checkDeconfliction(db: Kysely<Database>, actor: string, input: DeconflictionInput, context: SelectorContext): Promise<{ case: string; conflicts: Conflict[] }> {
  const planned = plan(input, context);
  return inTransaction(db, async (trx) => {
    const target = await visibleCase(trx, input.caseRef);
    if (planned.subject) await requireVisibleSubject(trx, planned.subject);
    const rows = await sql<{ reason: 'target' | 'operation'; contact: Contact }>`
      SELECT reason, contact FROM crosslink_deconfliction_check(
        ${target.id}::bigint, ${planned.kind}::text, ${planned.selector?.type ?? null}::text, ${planned.selector?.value ?? null}::text, ${planned.subject}::bigint,
        ${planned.startsAt}::timestamptz, ${planned.endsAt}::timestamptz, ${planned.placeKey}::text,
        ${planned.latitude}::float8, ${planned.longitude}::float8, ${planned.radiusM}::float8)`.execute(trx);
    const conflicts = rows.rows.map((row) => ({ reason: row.reason, contact: contactOf(row.contact) }));
    await appendAuditIn(trx, { actor, action: 'deconflict.check', agencyId: target.agency_id, caseId: target.id, details: { ...described(planned), conflicts: conflicts.length } });
    return { case: target.ref, conflicts };
  });
}

/** The acting user's registrations and alerts: of every case they may see, or of one. */
export async function listDeconfliction(db: Kysely<Database>, actor: string, options: { caseRef?: string } = {}): Promise<{ registrations: RegistrationView[]; alerts: AlertView[] }> {
  return inTransaction(db, async (trx) => {
    const only = options.caseRef === undefined ? undefined : await visibleCase(trx, options.caseRef);
    const found = { registrations: await registrations(trx, { caseId: only?.id }), alerts: await alerts(trx, { caseId: only?.id }) };
    const unit = only ? { agencyId: only.agency_id } : await actingUnit(trx);
    await appendAuditIn(trx, {
      actor,
      action: 'deconflict.list',
      agencyId: unit.agencyId,
      caseId: only?.id ?? null,
      details: { registrations: found.registrations.length, alerts: found.alerts.length },
    });
    return found;
  });
}
