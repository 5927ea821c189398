/**
 * Law-enforcement-controlled identities: the online accounts police operate (undercover accounts,
 * or an arrested person's account used with lawful authority), with the operating officer, the
 * authority and the validity window. Only the operating agency's users can read them (row-level
 * security, migration 0010); resolution and analysis ask `crosslink_police_selectors()`, which
 * tells them which selectors are police-operated and nothing about who operates them.
 *
 * Also the selector parsing deconfliction shares: an identifier typed in any notation, normalised
 * by the same extractors search uses.
 */
import { sql, type ColumnType, type Generated, type Kysely, type Transaction } from 'kysely';
import { extractorFor, findIdentifiers, type ExtractContext } from '../extract/index.ts';
import { UserError, type IdentifierType } from '../model/index.ts';
import { appendAuditIn, isUniqueViolation, type Database } from '../store/index.ts';

// ---- selectors ----------------------------------------------------------------------------------

export interface Selector {
  type: IdentifierType;
  /** The stored form (E.164, lower-case email, handle@platform, card token …). */
  value: string;
  /** For people: as typed, or for a card its safe rendering — never the number. */
  shown: string;
}

export interface SelectorContext extends ExtractContext {
  /** For a handle: the platform it lives on (telegram, irc …). */
  readonly platform?: string;
}

const STORED_HANDLE = /^[^\s@]{1,64}@[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * One identifier, typed as a person would (a phone as written, an email in any case, @handle with
 * a platform, a card number), in its stored form. Anything else is the user's error.
 */
export function parseSelector(text: string, context: SelectorContext): Selector {
  const typed = text.trim();
  if (typed === '') throw new UserError('a selector is empty: give an identifier such as an email, phone, handle or IP');
  let found;
  try {
    found = findIdentifiers(typed, context);
  } catch (error) {
    // Only a card number needs the key: it is stored as a keyed token, never as itself.
    if (!context.secret) throw new UserError('a card number is matched by its keyed token: set CROSSLINK_SECRET to the key the cases were ingested with', 'unavailable');
    throw error;
  }
  // The identifier must be all there is but punctuation (a phone's brackets; an IP nested in a URL
  // is the URL's part, not a second one). With a platform, a bare name is a handle there, not a domain.
  const bare = (rest: string) => !/[\p{L}\p{N}]/u.test(rest);
  const whole = found.filter(
    (item) => item.type !== 'handle' && !(context.platform !== undefined && item.type === 'domain') && bare(typed.slice(0, item.start)) && bare(typed.slice(item.end)),
  );
  const best = whole.sort((a, b) => b.end - b.start - (a.end - a.start))[0];
  if (best) return { type: best.type, value: best.value, shown: best.type === 'card' ? (best.display ?? '[card]') : best.raw.trim() };
  if (context.platform !== undefined) {
    const handle = extractorFor('handle')!.normalise(typed, context);
    if (!handle) throw new UserError(`'${typed}' is not a handle on platform '${context.platform}' (letters, digits and punctuation, no spaces)`);
    return { type: 'handle', value: handle.value, shown: handle.display ?? typed };
  }
  if (/^[@＠]/.test(typed)) throw new UserError(`'${typed}' looks like a handle: say where it lives with --platform (e.g. --platform telegram)`);
  // A handle already in its stored form: name@platform.
  if (STORED_HANDLE.test(typed.toLowerCase()) && !found.some((item) => item.type === 'email')) return { type: 'handle', value: typed.toLowerCase(), shown: typed };
  if (whole.length === 0 && found.length > 1) throw new UserError(`'${typed}' holds ${found.length} identifiers: give one selector at a time`);
  throw new UserError(`'${typed}' is not an identifier Crosslink recognises (an email, phone, handle with --platform, IP, URL, domain, card, wallet or file hash)`);
}

// ---- the table ----------------------------------------------------------------------------------

type Moment = ColumnType<Date | null, never, Date | string | null>;

export interface LeIdentityTable {
  id: Generated<string>;
  agency_id: string;
  identifier_type: string;
  value: string;
  shown: string;
  platform: string | null;
  officer: string;
  authority: string;
  valid_from: ColumnType<string, string, never>;
  valid_to: ColumnType<string | null, string | null, never>;
  note: string | null;
  added_by: ColumnType<string | null, never, never>;
  created_at: ColumnType<Date, never, never>;
  retired_at: Moment;
  retired_by: ColumnType<string | null, never, string | null>;
}

export type IdentityTables = { le_identities: LeIdentityTable };

function identityDb(db: Kysely<Database>): Kysely<Database & IdentityTables> {
  return db.withTables<IdentityTables>();
}

/** In the caller's transaction (a server's withUser), or a new one (the CLI's acting store). */
export async function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}

/** Who is acting, as the database knows them (acting connections cannot read users). */
export async function actingUnit(db: Kysely<Database>): Promise<{ agencyId: string | null; agency: string | null; role: string | null }> {
  const row = await sql<{ agency_id: string | null; role: string | null }>`SELECT crosslink_acting_agency()::text AS agency_id, crosslink_acting_role() AS role`.execute(db);
  const agencyId = row.rows[0]?.agency_id ?? null;
  const agency = agencyId === null ? undefined : await db.selectFrom('agencies').select('name').where('id', '=', agencyId).executeTakeFirst();
  return { agencyId, agency: agency?.name ?? null, role: row.rows[0]?.role ?? null };
}

// ---- identities -----------------------------------------------------------------------------------

export interface NewIdentity {
  selector: string;
  /** The operating agency: only one's own (the default). */
  agency?: string;
  officer: string;
  /** The warrant, order or authorisation reference. */
  authority: string;
  /** YYYY-MM-DD; `to` inclusive, open-ended without. */
  from: string;
  to?: string;
  platform?: string;
  note?: string;
}

export interface IdentityView {
  id: string;
  type: string;
  selector: string;
  platform: string | null;
  officer: string;
  authority: string;
  from: string;
  to: string | null;
  note: string | null;
  active: boolean;
  retiredAt: string | null;
  addedAt: string;
}

export function parseDay(value: string, option: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const day = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value.trim()) throw new UserError(`${option} '${value}' is not a date as YYYY-MM-DD`);
  return value.trim();
}

function required(value: string | undefined, option: string, what: string): string {
  const text = value?.trim() ?? '';
  if (text === '') throw new UserError(`${option} is required: ${what}`);
  if (text.length > 200) throw new UserError(`${option} is longer than 200 characters`);
  return text;
}

/** The acting user's agency, which alone may register and see its identities. */
async function operatingAgency(db: Kysely<Database>, named: string | undefined): Promise<{ id: string; name: string }> {
  const unit = await actingUnit(db);
  if (unit.agencyId === null || unit.agency === null) {
    throw new UserError('a law-enforcement identity belongs to an agency, and a node administrator has none: act as a user of the operating agency (--token)', 'forbidden');
  }
  if (named !== undefined && named.trim().toLowerCase() !== unit.agency.toLowerCase()) {
    throw new UserError(`you may register identities only for your own agency (${unit.agency}), not '${named}'`, 'forbidden');
  }
  if (unit.role === 'auditor') throw new UserError('auditors do not register or retire law-enforcement identities', 'forbidden');
  return { id: unit.agencyId, name: unit.agency };
}

type IdentityRow = {
  id: string;
  identifier_type: string;
  shown: string;
  platform: string | null;
  officer: string;
  authority: string;
  valid_from: string;
  valid_to: string | null;
  note: string | null;
  retired_at: Date | null;
  created_at: Date;
};

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function identityView(row: IdentityRow): IdentityView {
  // Dates as text (see the selects): a JS Date would shift them by the time zone.
  const now = today();
  return {
    id: row.id,
    type: row.identifier_type,
    selector: row.shown,
    platform: row.platform,
    officer: row.officer,
    authority: row.authority,
    from: row.valid_from,
    to: row.valid_to,
    note: row.note,
    active: row.retired_at === null && row.valid_from <= now && (row.valid_to === null || row.valid_to >= now),
    retiredAt: row.retired_at?.toISOString() ?? null,
    addedAt: row.created_at.toISOString(),
  };
}

function selectIdentities(db: Kysely<Database>) {
  return identityDb(db)
    .selectFrom('le_identities')
    .select(['id', 'identifier_type', 'shown', 'platform', 'officer', 'authority', 'note', 'retired_at', 'created_at'])
    .select([sql<string>`valid_from::text`.as('valid_from'), sql<string | null>`valid_to::text`.as('valid_to')]);
}

/**
 * Registers an identity the acting user's agency operates. The audit entry names its id and type,
 * never the selector: auditors of every agency read the log, and this is an undercover account.
 * If another agency already targets the selector, both sides get a deconfliction alert.
 */
export async function addIdentity(db: Kysely<Database>, actor: string, input: NewIdentity, context: SelectorContext): Promise<{ identity: IdentityView; alerts: number }> {
  const selector = parseSelector(input.selector, { ...context, platform: input.platform });
  const officer = required(input.officer, '--officer', 'the officer who operates the identity');
  const authority = required(input.authority, '--authority', 'the warrant or authorisation reference');
  const from = parseDay(input.from, '--from');
  const to = input.to === undefined ? null : parseDay(input.to, '--to');
  if (to !== null && to < from) throw new UserError(`--to ${to} is before --from ${from}`);
  const note = input.note?.trim() ? input.note.trim() : null;
  return inTransaction(db, async (trx) => {
    const agency = await operatingAgency(trx, input.agency);
    let id: string;
    try {
      ({ id } = await identityDb(trx)
        .insertInto('le_identities')
        .values({
          agency_id: agency.id,
          identifier_type: selector.type,
          value: selector.value,
          shown: selector.shown,
          platform: selector.type === 'handle' ? (selector.value.split('@').pop() ?? null) : (input.platform?.trim().toLowerCase() ?? null),
          officer,
          authority,
          valid_from: from,
          valid_to: to,
          note,
        })
        .returning('id')
        .executeTakeFirstOrThrow());
    } catch (error) {
      if (isUniqueViolation(error)) throw new UserError(`${agency.name} already has a current identity for ${selector.shown} (see 'crosslink identity list')`, 'conflict');
      throw error;
    }
    const alerts = await sql<{ n: string }>`SELECT count(*) AS n FROM deconfliction_alerts WHERE identity_id = ${id}`.execute(trx);
    const identity = identityView((await selectIdentities(trx).where('id', '=', id).executeTakeFirstOrThrow()) as IdentityRow);
    const raised = Number(alerts.rows[0]?.n ?? 0);
    await appendAuditIn(trx, { actor, action: 'identity.add', agencyId: agency.id, target: `identity:${id}`, details: { type: selector.type, from, to, alerts: raised } });
    return { identity, alerts: raised };
  });
}

/** The acting user's agency's identities, current and retired (the database shows no other agency's). */
export async function listIdentities(db: Kysely<Database>, actor: string): Promise<IdentityView[]> {
  return inTransaction(db, async (trx) => {
    const rows = (await selectIdentities(trx).orderBy('id').execute()) as IdentityRow[];
    const unit = await actingUnit(trx);
    await appendAuditIn(trx, { actor, action: 'identity.list', agencyId: unit.agencyId, details: { shown: rows.length } });
    return rows.map(identityView);
  });
}

/** Ends an identity: from now on it is no longer police-operated (its alerts stay). */
export async function retireIdentity(db: Kysely<Database>, actor: string, id: string): Promise<IdentityView> {
  const wanted = /^\d{1,18}$/.test(id.trim()) ? id.trim() : undefined;
  if (wanted === undefined) throw new UserError(`identity id '${id}' must be a number (see 'crosslink identity list')`);
  return inTransaction(db, async (trx) => {
    const agency = await operatingAgency(trx, undefined);
    const updated = await identityDb(trx)
      .updateTable('le_identities')
      .set({ retired_at: sql<Date>`now()`, retired_by: sql<string>`crosslink_acting_user()` })
      .where('id', '=', wanted)
      .where('retired_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    const row = (await selectIdentities(trx).where('id', '=', wanted).executeTakeFirst()) as IdentityRow | undefined;
    if (!row) throw new UserError(`no identity ${wanted} of ${agency.name} (see 'crosslink identity list')`, 'not_found');
    if (!updated) throw new UserError(`identity ${wanted} was already retired on ${row.retired_at?.toISOString().slice(0, 10)}`, 'conflict');
    await appendAuditIn(trx, { actor, action: 'identity.retire', agencyId: agency.id, target: `identity:${wanted}` });
    return identityView(row);
  });
}

// ---- what resolution and analysis need to know --------------------------------------------------

/** A police-operated stretch of an entity's life: the identity's validity window (dates, `to` inclusive). */
export interface PoliceWindow {
  from: string;
  to: string | null;
}

/**
 * Entities that carry (mention) an active police-operated selector, with the windows it is
 * operated in: all of them for the node's own work on the owner's store, only those in the
 * caller's visible cases on an acting connection. `kinds` and `entityIds` narrow the search.
 */
export async function policeOperatedEntities(
  db: Kysely<Database>,
  options: { kinds?: readonly string[]; entityIds?: readonly string[] } = {},
): Promise<Map<string, PoliceWindow[]>> {
  const found = new Map<string, PoliceWindow[]>();
  if (options.entityIds?.length === 0 || options.kinds?.length === 0) return found;
  const rows = await sql<{ entity_id: string; valid_from: string; valid_to: string | null }>`
    SELECT DISTINCT m.entity_id, p.valid_from::text AS valid_from, p.valid_to::text AS valid_to
    FROM crosslink_police_selectors() p
    JOIN identifiers i ON i.type = p.type AND i.value = p.value
    JOIN mentions m ON m.identifier_id = i.id
    JOIN entities e ON e.id = m.entity_id
    WHERE m.entity_id IS NOT NULL
      ${options.kinds ? sql`AND e.kind = ANY(${[...options.kinds]}::text[])` : sql``}
      ${options.entityIds ? sql`AND m.entity_id = ANY(${[...options.entityIds]}::bigint[])` : sql``}`.execute(db);
  for (const row of rows.rows) {
    const list = found.get(row.entity_id) ?? [];
    list.push({ from: row.valid_from, to: row.valid_to });
    found.set(row.entity_id, list);
  }
  return found;
}

/** Whether a moment falls in one of the windows (a record without a time: any window counts). */
export function withinPoliceWindow(windows: readonly PoliceWindow[] | undefined, at: Date | string | null): boolean {
  if (!windows || windows.length === 0) return false;
  if (at === null) return true;
  const day = (at instanceof Date ? at : new Date(at)).toISOString().slice(0, 10);
  return windows.some((window) => window.from <= day && (window.to === null || day <= window.to));
}

/** Police-operated selectors (type:value) occurring where the caller may look. */
export async function policeSelectors(db: Kysely<Database>): Promise<{ type: string; value: string }[]> {
  const rows = await sql<{ type: string; value: string }>`SELECT type, value FROM crosslink_police_selectors() ORDER BY type, value`.execute(db);
  return rows.rows;
}
