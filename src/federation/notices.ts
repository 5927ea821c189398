/**
 * Hit notices: when a node finds a selector of one of its sharing cases in its intersection with a
 * peer, it tells the peer who to call — the agency, its point of contact, a reference number (and,
 * where the case shares `all`, the case officer and the case reference). Never the selector, a
 * record, a name from the case or anything else of its content: the peer knows which of its own
 * selectors matched from the tag, and can only act on it by calling.
 *
 * A node accepts a notice only about a match it has found itself, so a peer cannot plant hits.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { appendAuditIn, type Database } from '../store/index.ts';
import { Rejection } from './envelope.ts';
import { knownMatches, withIdentifiersHeld, type Match } from './matching.ts';
import type { FederationNode } from './node.ts';
import { enqueue, firstDelivery } from './outbox.ts';
import type { Peer } from './peers.ts';
import { sharingCases, type SharingCase } from './policy.ts';

/**
 * Notices per message: one round trip for many hits, small enough to retry whole (about 1.3 MB of
 * JSON at most). With 500, delivering 50,000 notices took a hundred round trips, each waiting for the
 * other node's transaction, and the two cores sat 40 % idle meanwhile (benchmark "a day on A").
 */
const NOTICES_PER_MESSAGE = 5000;
/** Rows per multi-row INSERT: one statement for thousands of hits instead of one each. */
const ROWS_PER_INSERT = 5000;

/** Runs `insert` over `rows` in slices of ROWS_PER_INSERT, collecting what each returns. */
async function inSlices<T, R>(rows: readonly T[], insert: (slice: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) out.push(...(await insert(rows.slice(start, start + ROWS_PER_INSERT))));
  return out;
}

export interface HitNotice {
  /** Quote it when calling: the sending node finds its case by it. */
  reference: string;
  /** Hex of the 16-byte tag of the match: which of the receiver's selectors it is about. */
  tag: string;
  agency: { name: string; country: string };
  contact: { officer?: string; phone?: string; email?: string };
  /** Only where the case shares `all`. */
  case?: { ref: string; officer?: string };
}

export interface NoticeMessage {
  node: string;
  notices: HitNotice[];
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A reference that reads well over the phone: XL-7K3M-Q9TD (40 random bits). */
export function newReference(): string {
  return newReferences(1)[0]!;
}

/** `count` references from one draw of randomness: a draw each cost about 10 µs (0.5 s of a node's main thread per 50,000 notices, CPU profile). */
export function newReferences(count: number): string[] {
  const bytes = randomBytes(8 * count);
  return Array.from({ length: count }, (_, i) => {
    let chars = '';
    for (let j = 8 * i; j < 8 * i + 8; j++) chars += CROCKFORD[bytes[j]! & 31]!;
    return `XL-${chars.slice(0, 4)}-${chars.slice(4, 8)}`;
  });
}

function contactOf(source: Record<string, unknown>): HitNotice['contact'] {
  const contact: HitNotice['contact'] = {};
  for (const field of ['officer', 'phone', 'email'] as const) {
    const value = source[field];
    if (typeof value === 'string' && value.trim() !== '') contact[field] = value.trim().slice(0, 200);
  }
  return contact;
}

/**
 * For new matches with a peer: a notice per sharing case holding the selector, recorded (so the
 * reference can be looked up when the peer calls) and queued for the peer in the caller's
 * transaction. Returns how many were queued.
 */
export async function queueNotices(trx: Transaction<Database>, node: FederationNode, peer: Peer, matches: readonly Match[], actor: string): Promise<number> {
  return (await queueNoticeMessages(trx, node, peer, matches, actor)).count;
}

/** A notice message as queued in the outbox: its id (the envelope's, kept across retries) and body. */
export interface QueuedNoticeMessage {
  id: string;
  message: NoticeMessage;
}

export interface NoticeCandidate {
  holder: SharingCase;
  reference: string;
  tag: Buffer;
}

/**
 * Records the notices in `federation_notices`, one multi-row INSERT per slice. A notice recorded
 * before (same peer, tag and case) is skipped. A reference is
 * 40 random bits, so among a node's hundreds of thousands of notices two do meet (the birthday
 * bound: about one run in fifty of the 100,000 benchmark refused a whole push over one): a
 * candidate whose reference is taken gets a new one (in place) and is tried again. Returns the
 * candidates recorded.
 */
export async function recordNotices(trx: Transaction<Database>, peer: Peer, candidates: NoticeCandidate[]): Promise<Set<NoticeCandidate>> {
  const recorded = new Set<NoticeCandidate>();
  const key = (reference: string, tag: Buffer | string, caseId: string) => `${reference}/${typeof tag === 'string' ? tag : tag.toString('hex')}/${caseId}`;
  let trying = candidates;
  for (let attempt = 1; trying.length > 0; attempt++) {
    if (attempt > 5) throw new Error(`could not find free references for ${trying.length} hit notices in 5 attempts`);
    const inserted = new Set(
      await inSlices(trying, async (slice) => {
        const rows = await sql<{ reference: string; tag: string; case_id: string }>`
          INSERT INTO federation_notices (reference, peer_id, tag, identifier_id, agency_id, case_id)
          SELECT t.reference, ${peer.id}, decode(t.tag, 'hex'), t.identifier_id, t.agency_id, t.case_id
          FROM unnest(${slice.map((c) => c.reference)}::text[], ${slice.map((c) => c.tag.toString('hex'))}::text[], ${slice.map((c) => c.holder.identifierId)}::bigint[],
            ${slice.map((c) => c.holder.agencyId)}::bigint[], ${slice.map((c) => c.holder.caseId)}::bigint[]) AS t (reference, tag, identifier_id, agency_id, case_id)
          ON CONFLICT DO NOTHING
          RETURNING reference, encode(tag, 'hex') AS tag, case_id`.execute(trx);
        return rows.rows.map((row) => key(row.reference, row.tag, row.case_id));
      }),
    );
    const missed = trying.filter((c) => {
      if (!inserted.has(key(c.reference, c.tag, c.holder.caseId))) return true;
      recorded.add(c);
      return false;
    });
    if (missed.length === 0) break;
    // Of those not inserted, the ones recorded before stay out; the rest met a taken reference.
    const before = await sql<{ tag: string; case_id: string }>`
      SELECT encode(n.tag, 'hex') AS tag, n.case_id FROM federation_notices n
      JOIN unnest(${missed.map((c) => c.tag.toString('hex'))}::text[], ${missed.map((c) => c.holder.caseId)}::bigint[]) AS t (tag, case_id) ON n.tag = decode(t.tag, 'hex') AND n.case_id = t.case_id
      WHERE n.peer_id = ${peer.id}`.execute(trx);
    const done = new Set(before.rows.map((row) => `${row.tag}/${row.case_id}`));
    trying = missed.filter((c) => !done.has(`${c.tag.toString('hex')}/${c.holder.caseId}`));
    const fresh = newReferences(trying.length);
    trying.forEach((c, i) => (c.reference = fresh[i]!));
  }
  return recorded;
}

/** `queueNotices`, also returning the messages queued (a PSI reply carries them: push.ts). */
export async function queueNoticeMessages(
  trx: Transaction<Database>,
  node: FederationNode,
  peer: Peer,
  matches: readonly Match[],
  actor: string,
): Promise<{ count: number; messages: QueuedNoticeMessage[]; holders: SharingCase[] }> {
  if (matches.length === 0) return { count: 0, messages: [], holders: [] };
  const tagOf = new Map(matches.map((match) => [match.identifierId, match.tag]));
  const cases = await sharingCases(trx, [...tagOf.keys()]);
  const notices: HitNotice[] = [];
  const perCase = new Map<string, { agencyId: string; ref: string; references: string[] }>();
  const references = newReferences(cases.length);
  const candidates = cases.map((holder, i) => ({ holder, reference: references[i]!, tag: tagOf.get(holder.identifierId)! }));
  const recorded = await recordNotices(trx, peer, candidates);
  for (const candidate of candidates) {
    if (!recorded.has(candidate)) continue;
    const { holder, reference, tag } = candidate;
    const contact = contactOf(holder.agencyContact);
    if (holder.sharing === 'all' && holder.officer) contact.officer = holder.officer.slice(0, 200);
    notices.push({
      reference,
      tag: tag.toString('hex'),
      agency: { name: holder.agency.slice(0, 200), country: holder.country },
      contact,
      ...(holder.sharing === 'all' ? { case: { ref: holder.caseRef, ...(holder.officer ? { officer: holder.officer.slice(0, 200) } : {}) } } : {}),
    });
    const entry = perCase.get(holder.caseId) ?? { agencyId: holder.agencyId, ref: holder.caseRef, references: [] };
    entry.references.push(reference);
    perCase.set(holder.caseId, entry);
  }
  const messages: QueuedNoticeMessage[] = [];
  for (let start = 0; start < notices.length; start += NOTICES_PER_MESSAGE) {
    const message: NoticeMessage = { node: node.identity.name, notices: notices.slice(start, start + NOTICES_PER_MESSAGE) };
    messages.push({ id: await enqueue(trx, peer.id, 'hit.notice', message as unknown as Record<string, unknown>), message });
  }
  for (const [caseId, entry] of perCase) {
    await appendAuditIn(trx, {
      actor,
      action: 'federation.notice.queued',
      agencyId: entry.agencyId,
      caseId,
      target: peer.name,
      details: { peer: peer.name, notices: entry.references.length, references: entry.references.slice(0, 100) },
    });
  }
  return { count: notices.length, messages, holders: cases };
}

const TEXT = (value: unknown, max = 200) => typeof value === 'string' && value.length > 0 && value.length <= max;
const OPTIONAL_TEXT = (value: unknown) => value === undefined || TEXT(value);

/** The notice message's shape, strictly: a field this version does not know is refused, not stored. */
export function parseNoticeMessage(body: unknown): NoticeMessage {
  const message = body as Partial<NoticeMessage> | null;
  const exact = (value: unknown, keys: string[]) => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).every((key) => keys.includes(key));
  const ok =
    exact(message, ['node', 'notices']) &&
    TEXT(message!.node, 64) &&
    Array.isArray(message!.notices) &&
    message!.notices.length > 0 &&
    message!.notices.length <= NOTICES_PER_MESSAGE &&
    message!.notices.every(
      (notice) =>
        exact(notice, ['reference', 'tag', 'agency', 'contact', 'case']) &&
        typeof notice.reference === 'string' &&
        /^[A-Za-z0-9-]{4,40}$/.test(notice.reference) &&
        typeof notice.tag === 'string' &&
        /^[0-9a-f]{32}$/.test(notice.tag) &&
        exact(notice.agency, ['name', 'country']) &&
        TEXT(notice.agency?.name) &&
        typeof notice.agency?.country === 'string' &&
        /^[A-Z]{2}$/.test(notice.agency.country) &&
        exact(notice.contact, ['officer', 'phone', 'email']) &&
        OPTIONAL_TEXT(notice.contact?.officer) &&
        OPTIONAL_TEXT(notice.contact?.phone) &&
        OPTIONAL_TEXT(notice.contact?.email) &&
        (notice.case === undefined || (exact(notice.case, ['ref', 'officer']) && TEXT(notice.case.ref, 64) && OPTIONAL_TEXT(notice.case.officer))),
    );
  if (!ok) throw new Rejection('invalid-body', 'not a hit notice message: { node, notices: [{ reference, tag, agency: { name, country }, contact, case? }] } with nothing else');
  return message as NoticeMessage;
}

/**
 * Applies a notice message from a peer: each notice becomes a federated hit on every local case
 * that shares the matching selector. All or nothing: a notice about a match this node has not found
 * (yet) refuses the message, which the peer retries later. A message id seen before is acknowledged
 * and not applied again.
 */
export async function receiveNotices(node: FederationNode, peer: Peer, messageId: string, body: unknown): Promise<{ duplicate: boolean; hits: number }> {
  const message = parseNoticeMessage(body);
  return withIdentifiersHeld(node.store.db, (trx) => applyNotices(trx, peer, messageId, message));
}

/** The local identifier of each notice's tag, for the matches this node has found with the peer. */
export async function matchesOfNotices(trx: Transaction<Database>, peer: Peer, message: NoticeMessage): Promise<Map<string, string>> {
  const tags = message.notices.map((notice) => Buffer.from(notice.tag, 'hex'));
  return new Map((await knownMatches(trx, peer.id, tags)).map((match) => [match.tag.toString('hex'), match.identifierId]));
}

/**
 * `receiveNotices` in the caller's transaction. `known` (tag in hex → local identifier id) saves the
 * lookup when the caller has the matches at hand, and `sharing` the sharing cases of their
 * identifiers when the caller has looked them up; either may hold more than the message's. Throws a
 * 'not-matched' Rejection when a notice is about a match not found here.
 */
export async function applyNotices(
  trx: Transaction<Database>,
  peer: Peer,
  messageId: string,
  message: NoticeMessage,
  known?: Map<string, string>,
  sharing?: readonly SharingCase[],
): Promise<{ duplicate: boolean; hits: number }> {
  if (!(await firstDelivery(trx, peer.id, messageId, 'hit.notice'))) return { duplicate: true, hits: 0 };
  const matches = known ?? (await matchesOfNotices(trx, peer, message));
  const unknown = message.notices.filter((notice) => !matches.has(notice.tag)).length;
  if (unknown > 0) throw new Rejection('not-matched', `${unknown} of ${message.notices.length} notices are about matches this node has not found (yet): send them again later`);
  const holders = sharing ?? (await sharingCases(trx, [...new Set(message.notices.map((notice) => matches.get(notice.tag)!))]));
  const holdersOf = new Map<string, typeof holders>();
  for (const holder of holders) holdersOf.set(holder.identifierId, [...(holdersOf.get(holder.identifierId) ?? []), holder]);
  const candidates = message.notices.flatMap((notice) => {
    const identifierId = matches.get(notice.tag)!;
    return (holdersOf.get(identifierId) ?? []).map((holder) => ({ notice, identifierId, holder }));
  });
  // One multi-row INSERT per slice; a hit already stored (same peer, reference and case) is skipped.
  const stored = new Set(
    await inSlices(candidates, async (slice) => {
      const rows = await sql<{ reference: string; case_id: string }>`
        INSERT INTO federation_hits (peer_id, reference, identifier_id, agency_id, case_id, notice)
        SELECT ${peer.id}, t.reference, t.identifier_id, t.agency_id, t.case_id, t.notice
        FROM unnest(${slice.map((c) => c.notice.reference)}::text[], ${slice.map((c) => c.identifierId)}::bigint[], ${slice.map((c) => c.holder.agencyId)}::bigint[],
          ${slice.map((c) => c.holder.caseId)}::bigint[], ${slice.map((c) => JSON.stringify({ node: message.node, ...c.notice }))}::jsonb[]) AS t (reference, identifier_id, agency_id, case_id, notice)
        ON CONFLICT (peer_id, reference, case_id) DO NOTHING
        RETURNING reference, case_id`.execute(trx);
      return rows.rows.map((row) => `${row.reference}/${row.case_id}`);
    }),
  );
  const perCase = new Map<string, { agencyId: string; references: string[] }>();
  let hits = 0;
  for (const { notice, holder } of candidates) {
    if (!stored.has(`${notice.reference}/${holder.caseId}`)) continue;
    hits++;
    const entry = perCase.get(holder.caseId) ?? { agencyId: holder.agencyId, references: [] };
    entry.references.push(notice.reference);
    perCase.set(holder.caseId, entry);
  }
  for (const [caseId, entry] of perCase) {
    await appendAuditIn(trx, {
      actor: `peer:${peer.name}`,
      action: 'federation.hit',
      agencyId: entry.agencyId,
      caseId,
      target: peer.name,
      details: { peer: peer.name, node: message.node, hits: entry.references.length, references: entry.references.slice(0, 100) },
    });
  }
  await appendAuditIn(trx, { actor: `peer:${peer.name}`, action: 'federation.notice.received', target: peer.name, details: { peer: peer.name, notices: message.notices.length, hits } });
  return { duplicate: false, hits };
}
