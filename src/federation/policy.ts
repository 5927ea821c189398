/**
 * What each case shares with other nodes: `none` (the default — a case without a decision shares
 * nothing), `hit-only` (its selectors take part in private matching, and a hit names the agency and
 * its point of contact) or `all` (a hit also names the case officer and the case reference);
 * optionally only some identifier types. Set by a supervisor or administrator who is a member of
 * the case, on a connection acting as them: row-level security (migration 0012) enforces it.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Principal } from '../access/index.ts';
import { SERVICE_HANDLES } from '../analysis/strength.ts';
import { IDENTIFIER_TYPE_NAMES, UserError } from '../model/index.ts';
import { appendAudit, findCase, type Database } from '../store/index.ts';
import { federationDb } from './tables.ts';

export const SHARING = ['none', 'hit-only', 'all'] as const;
export type Sharing = (typeof SHARING)[number];

export interface CasePolicyView {
  case: string;
  sharing: Sharing;
  /** null: every identifier type. */
  types: string[] | null;
  setBy: string | null;
  setAt: string | null;
}

export function parseSharing(text: string): Sharing {
  const value = text.trim().toLowerCase();
  if (!(SHARING as readonly string[]).includes(value)) throw new UserError(`sharing '${text}' must be one of: ${SHARING.join(', ')}`);
  return value as Sharing;
}

export function parseTypes(text: string | string[] | undefined): string[] | null {
  if (text === undefined) return null;
  const list = (Array.isArray(text) ? text : text.split(',')).map((type) => type.trim().toLowerCase()).filter(Boolean);
  if (list.length === 0) return null;
  const unknown = list.filter((type) => !(IDENTIFIER_TYPE_NAMES as readonly string[]).includes(type));
  if (unknown.length > 0) throw new UserError(`unknown identifier type '${unknown[0]}' in --types (known: ${IDENTIFIER_TYPE_NAMES.join(', ')})`);
  return [...new Set(list)].sort();
}

/** Sets a case's sharing policy; `db` acts as `actor`, whose membership and role PostgreSQL checks. */
export async function setCasePolicy(db: Kysely<Database>, actor: Pick<Principal, 'name' | 'role'>, caseRef: string, sharing: Sharing, types: string[] | null = null): Promise<CasePolicyView> {
  if (actor.role !== 'supervisor' && actor.role !== 'admin') throw new UserError(`sharing a case with other nodes is a supervisor's or administrator's decision, not an ${actor.role}'s`, 'forbidden');
  const found = await findCase(db, caseRef);
  if (!found) throw new UserError(`no case '${caseRef}' that you may see`, 'not_found');
  const row = await federationDb(db)
    .insertInto('federation_case_policy')
    .values({ case_id: found.id, agency_id: found.agency_id, sharing, types })
    .onConflict((oc) =>
      oc.column('case_id').doUpdateSet({
        sharing: (eb) => eb.ref('excluded.sharing'),
        types: (eb) => eb.ref('excluded.types'),
        set_by: sql<string>`excluded.set_by`,
        set_at: sql<Date>`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(db, { actor: actor.name, action: 'federation.policy', agencyId: found.agency_id, caseId: found.id, target: found.ref, details: { sharing, types } });
  return { case: found.ref, sharing: row.sharing as Sharing, types: row.types, setBy: row.set_by, setAt: row.set_at.toISOString() };
}

/** The policy of every case the caller may see (`none` where nobody decided). */
export async function listCasePolicies(db: Kysely<Database>): Promise<CasePolicyView[]> {
  const rows = await federationDb(db)
    .selectFrom('cases as c')
    .leftJoin('federation_case_policy as p', 'p.case_id', 'c.id')
    .select(['c.ref', 'p.sharing', 'p.types', 'p.set_by', 'p.set_at'])
    .orderBy('c.ref')
    .execute();
  return rows.map((row) => ({ case: row.ref, sharing: (row.sharing ?? 'none') as Sharing, types: row.types ?? null, setBy: row.set_by ?? null, setAt: row.set_at?.toISOString() ?? null }));
}

export interface Selector {
  id: string;
  type: string;
  value: string;
}

/**
 * Handles of network services every IRC user meets (ChanServ …): they say nothing about who
 * someone is, so they are never offered to peers — each would be a "hit" between every pair of
 * IRC cases in the world.
 */
const SERVICE_SELECTORS = [...SERVICE_HANDLES].map((name) => `${name}@irc`);

/**
 * The predicate "some case shares this identifier", over identifiers aliased `i` with ids in
 * (`afterId`, `throughId`]. The bounds are repeated on the mentions: without them PostgreSQL merged
 * the identifiers with the mentions from the first one on, so each batch of a sync read every
 * mention before it (105,000 to find 5,000 past the 100,000th; 12 ms with the bound, 85 ms without).
 */
export function sharedAfter(afterId: string, throughId?: string): RawBuilder<boolean> {
  const upTo = (column: RawBuilder<unknown>) => (throughId === undefined ? sql`true` : sql`${column} <= ${throughId}`);
  return sql<boolean>`i.id > ${afterId} AND ${upTo(sql`i.id`)} AND (EXISTS (
    SELECT 1 FROM mentions m JOIN federation_case_policy p ON p.case_id = m.case_id
    WHERE m.identifier_id = i.id AND m.identifier_id > ${afterId} AND ${upTo(sql`m.identifier_id`)}
      AND p.sharing <> 'none' AND (p.types IS NULL OR i.type = ANY (p.types)))
    AND NOT (i.type = 'handle' AND i.value = ANY (${SERVICE_SELECTORS}::text[])))`;
}

/**
 * Identifier ids a read of unsent selectors covers at once. Every statement then reads a bounded
 * slice of identifiers, mentions and exchanged tags whatever plan PostgreSQL picks: unbounded, a
 * plan made while the tables were still being loaded (hash joins over every mention or every tag
 * exchanged with the peer) cost 400 ms a batch in a sync of a million selectors. A round starts
 * from the first identifier, so it passes every selector already exchanged: the window's exchanged
 * ids are read once into a hashed list (NOT IN), 17–23 ms a window of 20,000 all exchanged, where
 * a probe of the exchanged tags per identifier (NOT EXISTS) took 94 ms.
 */
const UNSENT_WINDOW = 20_000;

/**
 * The next selectors (by id, after `afterId`) that some case shares and that have not been exchanged
 * with the peer yet: the incremental sync's work list. Owner store (the node's own work). PDQ
 * values are left out: they are near-matched instead (pdq.ts), which finds the exact ones too.
 * Read a window of ids at a time until `limit` are found or the identifiers end.
 */
export async function unsentSelectors(db: Kysely<Database>, peerId: string, afterId: string, limit: number): Promise<Selector[]> {
  const last = (await sql<{ id: string | null }>`SELECT max(id)::text AS id FROM identifiers`.execute(db)).rows[0]?.id;
  if (!last) return [];
  const found: Selector[] = [];
  for (let from = BigInt(afterId); found.length < limit && from < BigInt(last); from += BigInt(UNSENT_WINDOW)) {
    const through = String(from + BigInt(UNSENT_WINDOW));
    const rows = await sql<Selector>`
      SELECT i.id, i.type, i.value FROM identifiers i
      WHERE i.type <> 'pdq' AND ${sharedAfter(String(from), through)}
        AND i.id NOT IN (SELECT f.identifier_id FROM federation_mine f WHERE f.peer_id = ${peerId} AND f.identifier_id > ${String(from)} AND f.identifier_id <= ${through})
      ORDER BY i.id LIMIT ${limit - found.length}`.execute(db);
    found.push(...rows.rows);
  }
  return found;
}

export interface SharingCase {
  identifierId: string;
  caseId: string;
  caseRef: string;
  officer: string | null;
  agencyId: string;
  agency: string;
  country: string;
  agencyContact: Record<string, unknown>;
  sharing: Exclude<Sharing, 'none'>;
}

/**
 * The cases that share each of these identifiers, with what a hit notice about them may say. Driven
 * from the list (unnest), each identifier read by key: written as `= ANY (list)` conditions, a plan
 * kept for small lists (prepared statements, store/prepared.ts) took 5.5 s for a list of 5,000. The
 * pairs and the cases' details are read apart: a batch's thousands of identifiers mostly belong to
 * a few cases, whose reference, officer and agency contact (JSON) came back once per identifier.
 */
export async function sharingCases(db: Kysely<Database>, identifierIds: readonly string[]): Promise<SharingCase[]> {
  if (identifierIds.length === 0) return [];
  const pairs = await sql<{ identifier_id: string; case_id: string }>`
    SELECT DISTINCT m.identifier_id, m.case_id
    FROM unnest(${[...identifierIds]}::bigint[]) AS asked (id)
    JOIN identifiers i ON i.id = asked.id
    JOIN mentions m ON m.identifier_id = asked.id
    JOIN federation_case_policy p ON p.case_id = m.case_id
    WHERE p.sharing <> 'none' AND (p.types IS NULL OR i.type = ANY (p.types))
    ORDER BY m.identifier_id, m.case_id`.execute(db);
  if (pairs.rows.length === 0) return [];
  const details = await sql<{ case_id: string; ref: string; officer: string | null; agency_id: string; name: string; country: string; contact: Record<string, unknown> | null; sharing: Exclude<Sharing, 'none'> }>`
    SELECT c.id AS case_id, c.ref, c.officer, a.id AS agency_id, a.name, a.country, a.contact, p.sharing
    FROM unnest(${[...new Set(pairs.rows.map((pair) => pair.case_id))]}::bigint[]) AS asked (id)
    JOIN cases c ON c.id = asked.id
    JOIN agencies a ON a.id = c.agency_id
    JOIN federation_case_policy p ON p.case_id = c.id
    WHERE p.sharing <> 'none'`.execute(db);
  const caseOf = new Map(
    details.rows.map((row) => [
      row.case_id,
      { caseId: row.case_id, caseRef: row.ref, officer: row.officer, agencyId: row.agency_id, agency: row.name, country: row.country, agencyContact: row.contact ?? {}, sharing: row.sharing },
    ]),
  );
  return pairs.rows.flatMap((pair) => {
    const holder = caseOf.get(pair.case_id);
    return holder ? [{ identifierId: pair.identifier_id, ...holder }] : [];
  });
}
