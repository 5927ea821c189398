/**
 * Cross-agency hit notices: when a selector a user meets — an identifier they search for, a
 * subject they open, a picture of their case — is also held by a case they may not see, they get
 * a notice saying who to call and nothing else, and the holding case's members see who looked.
 * The database finds and records hits (definer functions of migration 0009, which read across
 * cases and return only the notice); this module calls them, audits every hit and lists them.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { UserError } from '../model/index.ts';
import { appendAudit, appendAuditIn, findCase, type Database } from '../store/index.ts';

export type HitKind = 'identifier' | 'subject' | 'media';

/** What a seeker is told: the hit to quote, what of theirs it was about, and the holder's point of contact. */
export interface HitNotice {
  /** Quote it when calling: the holding officer sees the same reference. */
  reference: string;
  kind: HitKind;
  /** The seeker's own selector, in their own words (what they typed, their subject, their file). */
  about: string;
  agency: string;
  country: string;
  officer: string | null;
  phone: string | null;
  email: string | null;
}

/** A selector as typed: an identifier's stored form, or a handle name on any platform (value without '@platform'). */
export interface HitSelector {
  type: string;
  value: string;
  /** How the seeker's notice names it back (for cards, the safe rendering, never the number). */
  label: string;
}

export interface RaisedHit extends HitNotice {
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** A hit on a case the user may see: which of its selectors, and who looked. */
export interface ReceivedHit {
  reference: string;
  kind: HitKind;
  case: string;
  /** The case's own identifier, subject or files the seeker met. */
  what: string;
  /** Who looked, and how to reach them (their agency's line). */
  seeker: { user: string; agency: string | null; country: string | null; phone: string | null; email: string | null };
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export interface HitList {
  /** Hits the user raised: another agency holds what they looked up. */
  raised: RaisedHit[];
  /** Hits on the user's cases: someone who may not see the case looked up what it holds. */
  received: ReceivedHit[];
}

interface NoticeRow {
  hit: string;
  kind: HitKind;
  about: string;
  agency: string;
  country: string;
  officer: string | null;
  phone: string | null;
  email: string | null;
}

const reference = (id: string | number) => `HIT-${id}`;

function toNotice(row: NoticeRow): HitNotice {
  return { reference: reference(row.hit), kind: row.kind, about: row.about, agency: row.agency, country: row.country, officer: row.officer, phone: row.phone, email: row.email };
}

/** The selectors a parsed search names: exact identifiers, and @handles on any platform. */
export function selectorsOf(query: { identifiers: readonly { type: string; value: string; shown: string }[]; handles: readonly string[] }): HitSelector[] {
  return [
    ...query.identifiers.map((term) => ({ type: term.type, value: term.value, label: `${term.type} ${term.shown}` })),
    ...query.handles.map((name) => ({ type: 'handle', value: name, label: `@${name}` })),
  ];
}

/** Identifiers the user looked up that cases they may not see also hold. */
export async function raiseIdentifierHits(db: Kysely<Database>, selectors: readonly HitSelector[]): Promise<HitNotice[]> {
  if (selectors.length === 0) return [];
  const rows = await sql<NoticeRow>`
    SELECT hit::text AS hit, kind, about, agency, country, officer, phone, email
    FROM crosslink_raise_identifier_hits(${selectors.map((s) => s.type)}::text[], ${selectors.map((s) => s.value)}::text[], ${selectors.map((s) => s.label)}::text[])`.execute(db);
  return audited(db, rows.rows.map(toNotice));
}

/** Members of a subject the user sees that sit in cases they may not see. */
export async function raiseSubjectHits(db: Kysely<Database>, subjectId: string): Promise<HitNotice[]> {
  if (!/^[0-9]{1,18}$/.test(subjectId)) return [];
  const rows = await sql<NoticeRow>`
    SELECT hit::text AS hit, kind, about, agency, country, officer, phone, email FROM crosslink_raise_subject_hits(${subjectId}::bigint)`.execute(db);
  return audited(db, rows.rows.map(toNotice));
}

/** Pictures of a case the user sees — the same file or a near-identical one — held by cases they may not see. */
export async function raiseMediaHits(db: Kysely<Database>, caseRef: string, options: { threshold?: number } = {}): Promise<HitNotice[]> {
  const target = await findCase(db, caseRef);
  if (!target) return [];
  const rows = await sql<NoticeRow>`
    SELECT hit::text AS hit, kind, about, agency, country, officer, phone, email
    FROM crosslink_raise_media_hits(${target.id}::bigint, ${options.threshold ?? null}::integer)`.execute(db);
  return audited(db, rows.rows.map(toNotice));
}

/** Every hit is a deliberate disclosure (a contact, to someone outside the case): each goes in the audit log. */
async function audited(db: Kysely<Database>, notices: HitNotice[]): Promise<HitNotice[]> {
  if (notices.length === 0) return notices;
  const actor = (await sql<{ name: string | null }>`SELECT crosslink_acting_name() AS name`.execute(db)).rows[0]?.name;
  if (!actor) throw new Error('a hit was raised on a connection acting for nobody');
  for (const notice of notices) {
    // Never the holding case: the seeker reads their own audit entries.
    const event = { actor, action: 'hit.raised', target: notice.reference, details: { kind: notice.kind, about: notice.about, agency: notice.agency } };
    if (db.isTransaction) await appendAuditIn(db as Transaction<Database>, event);
    else await appendAudit(db, event);
  }
  return notices;
}

/** One line for people: the notice, and nothing but the notice. */
export function describeNotice(notice: HitNotice): string {
  const contact = [notice.officer, `${notice.agency} (${notice.country})`, notice.phone, notice.email].filter((part) => part !== null && part !== '').join(', ');
  return `Hit: another agency holds ${notice.about} — contact ${contact}; quote ${notice.reference}`;
}

/**
 * The user's hits, both ways. With `caseRef` (a case the user may see): the hits on that case,
 * and those the user raised from it (its pictures; searches and subjects belong to no case).
 */
export async function listHits(db: Kysely<Database>, options: { caseRef?: string } = {}): Promise<HitList> {
  let caseId: string | null = null;
  if (options.caseRef !== undefined) {
    const found = await findCase(db, options.caseRef);
    if (!found) throw new UserError(`no case '${options.caseRef}' that you may see`, 'not_found');
    caseId = found.id;
  }
  const raised = await sql<NoticeRow & { count: number; first_seen: Date; last_seen: Date }>`
    SELECT hit::text AS hit, kind, about, agency, country, officer, phone, email, count, first_seen, last_seen
    FROM crosslink_hits_raised(NULL, ${caseId}::bigint)`.execute(db);
  // Row-level security shows the hits on the user's own cases; the seeker's side of a hit is not granted to them.
  const received = await sql<{
    id: string;
    kind: HitKind;
    case_ref: string;
    identifier_type: string | null;
    identifier: string | null;
    subject_id: string | null;
    entities: string[] | null;
    seeker_name: string;
    seeker_agency: string | null;
    seeker_country: string | null;
    seeker_contact: Record<string, unknown> | null;
    count: number;
    first_seen: Date;
    last_seen: Date;
  }>`
    SELECT h.id, h.kind, c.ref AS case_ref, i.type AS identifier_type, coalesce(i.display, i.value) AS identifier, h.subject_id::text AS subject_id,
           (SELECT array_agg(e.label ORDER BY e.id) FROM entities e WHERE e.id = ANY (h.holder_entities)) AS entities,
           h.seeker_name, a.name AS seeker_agency, a.country AS seeker_country, a.contact AS seeker_contact, h.count, h.first_seen, h.last_seen
    FROM hits h
    JOIN cases c ON c.id = h.holder_case_id
    LEFT JOIN identifiers i ON i.id = h.identifier_id
    LEFT JOIN agencies a ON a.id = h.seeker_agency_id
    WHERE ${caseId === null ? sql`true` : sql`h.holder_case_id = ${caseId}`}
    ORDER BY h.last_seen DESC, h.id DESC`.execute(db);
  const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
  return {
    raised: raised.rows.map((row) => ({ ...toNotice(row), count: row.count, firstSeen: row.first_seen.toISOString(), lastSeen: row.last_seen.toISOString() })),
    received: received.rows.map((row) => ({
      reference: reference(row.id),
      kind: row.kind,
      case: row.case_ref,
      what:
        row.kind === 'identifier'
          ? `${row.identifier_type ?? 'identifier'} ${row.identifier ?? '(no longer held)'}`
          : row.kind === 'subject'
            ? `subject s${row.subject_id}${row.entities ? `: ${row.entities.join(', ')}` : ''}`
            : (row.entities ?? []).join(', ') || 'pictures no longer held',
      seeker: {
        user: row.seeker_name,
        agency: row.seeker_agency,
        country: row.seeker_country,
        phone: text(row.seeker_contact?.['phone']),
        email: text(row.seeker_contact?.['email']),
      },
      count: row.count,
      firstSeen: row.first_seen.toISOString(),
      lastSeen: row.last_seen.toISOString(),
    })),
  };
}

/** A case officer's own line for the notices their case raises (the agency's stands in for what is left out). */
export async function setCaseContact(db: Kysely<Database>, caseRef: string, contact: { phone?: string; email?: string }): Promise<void> {
  const found = await findCase(db, caseRef);
  if (!found) throw new UserError(`no case '${caseRef}' that you may see`, 'not_found');
  const value = Object.fromEntries(Object.entries(contact).filter(([, part]) => typeof part === 'string' && part.trim() !== '').map(([key, part]) => [key, part!.trim()]));
  await sql`UPDATE cases SET contact = ${JSON.stringify(value)}::jsonb WHERE id = ${found.id}`.execute(db);
}
