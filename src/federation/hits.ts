/**
 * Federated hits as an investigator sees them: on a connection acting as the user, so row-level
 * security shows only hits on cases the user is a member of. Each says which of the case's own
 * selectors another node also holds, and who to call there — nothing of the other node's case.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import type { HitNotice } from './notices.ts';
import { federationDb } from './tables.ts';

export interface FederatedHitView {
  id: string;
  case: string;
  /** Our selector that matched (the user's own case data). */
  identifier: { type: string; value: string };
  /** The other node, its agency and whom to call, quoting the reference. */
  node: string;
  agency: { name: string; country: string };
  contact: HitNotice['contact'];
  reference: string;
  /** The other case's reference and officer, where that case shares `all`. */
  otherCase: { ref: string; officer?: string } | null;
  receivedAt: string;
}

export async function listFederatedHits(db: Kysely<Database>, options: { caseRef?: string; limit?: number } = {}): Promise<FederatedHitView[]> {
  const limit = Math.min(Math.max(options.limit ?? 200, 1), 5000);
  const rows = await federationDb(db)
    .selectFrom('federation_hits as h')
    .innerJoin('cases as c', 'c.id', 'h.case_id')
    .innerJoin('identifiers as i', 'i.id', 'h.identifier_id')
    .select(['h.id', 'c.ref', 'i.type', 'i.value', 'h.reference', 'h.notice', 'h.received_at'])
    .$if(options.caseRef !== undefined, (qb) => qb.where((eb) => eb(eb.fn('lower', ['c.ref']), '=', options.caseRef!.trim().toLowerCase())))
    .orderBy('h.received_at', 'desc')
    .orderBy('h.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => {
    const notice = row.notice as unknown as HitNotice & { node: string };
    return {
      id: row.id,
      case: row.ref,
      identifier: { type: row.type, value: row.value },
      node: notice.node,
      agency: notice.agency,
      contact: notice.contact,
      reference: row.reference,
      otherCase: notice.case ?? null,
      receivedAt: row.received_at.toISOString(),
    };
  });
}

export type SentNoticeView =
  | { kind: 'hit'; reference: string; case: string; identifier: { type: string; value: string }; sentAt: string }
  | { kind: 'conflict'; reference: string; case: string; registration: string; sentAt: string };

/**
 * A reference another agency quotes when it calls — of a hit notice, or of a conflict notice about
 * a registration — and which of the caller's visible cases it points to.
 */
export async function findSentNotice(db: Kysely<Database>, reference: string): Promise<SentNoticeView | undefined> {
  const quoted = reference.trim().toUpperCase();
  const hit = await federationDb(db)
    .selectFrom('federation_notices as n')
    .innerJoin('cases as c', 'c.id', 'n.case_id')
    .innerJoin('identifiers as i', 'i.id', 'n.identifier_id')
    .select(['n.reference', 'c.ref', 'i.type', 'i.value', 'n.created_at'])
    .where('n.reference', '=', quoted)
    .executeTakeFirst();
  if (hit) return { kind: 'hit', reference: hit.reference, case: hit.ref, identifier: { type: hit.type, value: hit.value }, sentAt: hit.created_at.toISOString() };
  const conflict = (
    await sql<{ reference: string; ref: string; registration_id: string; created_at: Date }>`
      SELECT s.reference, c.ref, s.registration_id::text AS registration_id, s.created_at
      FROM federation_dx_sent s JOIN deconfliction_registrations r ON r.id = s.registration_id JOIN cases c ON c.id = r.case_id
      WHERE s.reference = ${quoted}`.execute(db)
  ).rows[0];
  return conflict && { kind: 'conflict', reference: conflict.reference, case: conflict.ref, registration: conflict.registration_id, sentAt: new Date(conflict.created_at).toISOString() };
}
