/**
 * Runs a parsed query against the cases a caller may see: records by full-text (ranked, with
 * highlighted snippets) and by the identifiers they mention; entities (accounts, people, rooms…)
 * by identifier, handle or fuzzy name. Every statement is limited to the visible cases.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { raiseIdentifierHits, selectorsOf, type HitNotice } from '../access/index.ts';
import type { Database } from '../store/index.ts';
import type { SearchQuery } from './query.ts';

export interface SearchOptions {
  /** Ids of the cases the caller may see; undefined means all (the local administrator, until access control lands). */
  visibleCaseIds?: readonly string[];
  /** Records per page (default 20, at most 200) and where the page starts. */
  limit?: number;
  offset?: number;
}

export interface RecordHit {
  id: string;
  case: string;
  agency: string;
  kind: string;
  occurredAt: string | null;
  /** Who: the record's actor (sender, person, card holder …), when it has one. */
  actor: string | null;
  /** The text with matches between « and ». */
  snippet: string;
  score: number;
  source: { id: string; file: string; line: number | null };
}

export interface EntityHit {
  id: string;
  case: string;
  agency: string;
  kind: string;
  label: string;
  /** Why it matched: 'phone', 'email', 'handle', 'fuzzy' … */
  matched: string;
  score: number;
}

export interface SearchResult {
  /** `total` is exact up to COUNT_LIMIT; beyond it `more` is true, total is the limit and the hits are ranked among the first COUNT_LIMIT + 1 found. */
  records: { total: number; more: boolean; hits: RecordHit[] };
  entities: EntityHit[];
  /**
   * When the query names identifiers or @handles: a notice for each that a case the caller may not
   * see also holds — who to contact, never that case's data (see access/hits.ts).
   */
  hits?: HitNotice[];
}

const MARK_START = '«';
const MARK_STOP = '»';
const ENTITY_LIMIT = 50;
/**
 * How many matching records a search looks at, at most. A common word matches a tenth of a large
 * store (130,000 of 1M messages in the medium world); ranking every match read every one of them
 * (2.5 s for one search there) and counting them cost almost as much. So a search takes the first
 * COUNT_LIMIT + 1 matches the index yields, counts those ("200+" beyond) and ranks among them:
 * when `more` is true the best hits shown are the best of those found first, not of every match,
 * and narrowing the query (more words, a case, kind or dates) brings the rest into reach.
 * Why 200 and not 1,000 (as until issue 9's load test): finding 1,001 matches of a mid-frequency
 * word cost 7.2 ms on average over the benchmark's 200 words against 4.9 ms for 201, and at 200
 * searches/s on two cores that difference is the difference between keeping up and a queue of
 * seconds. Ten pages of twenty are as many as anyone reads before narrowing the query.
 */
export const COUNT_LIMIT = 200;

/** A condition limiting `column` (a case id) to the visible cases, or true when all are visible. */
function visible(column: RawBuilder<unknown>, options: SearchOptions): RawBuilder<unknown> {
  return options.visibleCaseIds === undefined ? sql`true` : sql`${column} = ANY(${[...options.visibleCaseIds]}::bigint[])`;
}

function filtersOn(alias: 'r' | 'e', query: SearchQuery): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  const { filters } = query;
  const caseId = sql.ref(`${alias}.case_id`);
  if (filters.cases.length > 0) parts.push(sql`${caseId} IN (SELECT id FROM cases WHERE lower(ref) = ANY(${filters.cases.map((ref) => ref.toLowerCase())}::text[]))`);
  if (filters.agencies.length > 0) {
    parts.push(sql`${sql.ref(`${alias}.agency_id`)} IN (SELECT id FROM agencies WHERE lower(name) = ANY(${filters.agencies.map((name) => name.toLowerCase())}::text[]))`);
  }
  if (filters.kinds.length > 0) parts.push(sql`${sql.ref(`${alias}.kind`)} = ANY(${filters.kinds}::text[])`);
  if (filters.platforms.length > 0) parts.push(sql`${sql.ref(`${alias}.props`)}->>'platform' = ANY(${filters.platforms}::text[])`);
  if (alias === 'r' && filters.from) parts.push(sql`r.occurred_at >= ${filters.from.toISOString()}::timestamptz`);
  if (alias === 'r' && filters.to) parts.push(sql`r.occurred_at < ${filters.to.toISOString()}::timestamptz`);
  return parts.length === 0 ? sql`true` : sql.join(parts, sql` AND `);
}

/** Identifier ids the query names (exact values, and handles on any platform). */
function identifierIds(query: SearchQuery): RawBuilder<unknown> | undefined {
  const exact = query.identifiers.map((term) => sql`(i.type = ${term.type} AND i.value = ${term.value})`);
  const handles = query.handles.map((name) => sql`(i.type = 'handle' AND i.value LIKE ${`${name.replace(/[\\%_]/g, '\\$&')}@%`})`);
  const all = [...exact, ...handles];
  return all.length === 0 ? undefined : sql`SELECT i.id FROM identifiers i WHERE ${sql.join(all, sql` OR `)}`;
}

export async function search(db: Kysely<Database>, query: SearchQuery, options: SearchOptions = {}): Promise<SearchResult> {
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 200);
  const offset = Math.max(options.offset ?? 0, 0);
  const ids = identifierIds(query);
  const hasText = query.text !== '';
  const tsquery = sql`websearch_to_tsquery('simple', ${query.text})`;

  const recordConditions: RawBuilder<unknown>[] = [visible(sql.ref('r.case_id'), options), filtersOn('r', query)];
  if (hasText) recordConditions.push(sql`r.search @@ ${tsquery}`);
  if (ids) recordConditions.push(sql`r.id IN (SELECT m.record_id FROM mentions m WHERE m.record_id IS NOT NULL AND m.identifier_id IN (${ids}))`);
  const searchesRecords = hasText || ids !== undefined || (query.fuzzy.length === 0 && hasFilters(query));
  let records: SearchResult['records'] = { total: 0, more: false, hits: [] };
  if (searchesRecords) {
    const where = sql.join(recordConditions, sql` AND `);
    // "The first found" must be the same rows on the next page: a sequential scan of a large table
    // may otherwise start where a concurrent one is (synchronised scans). The API's transactions
    // (access/acting.ts withUser) turn synchronised scans off; outside one there is nothing to make
    // the setting local to.
    // Two statements. The first finds the candidates once (materialised, so counting and ranking
    // share the one scan), counts them and picks the page; PostgreSQL plans it for each query, as a
    // frequent word wants a sequential scan and a rare one the index. The second reads what the page
    // shows, by id, with a plan kept for the connection: as one statement, planning the joins and
    // their row-level security for every search cost 2 ms of a word search's 11 (medium world).
    const found = await sql<{ total: string; id: string | null; score: number | null }>`
      WITH candidates AS MATERIALIZED (
        SELECT r.id, r.occurred_at, ${hasText ? sql`ts_rank(r.search, ${tsquery})` : sql`0`}::float8 AS score
        FROM records r WHERE ${where}
        LIMIT ${COUNT_LIMIT + 1})
      SELECT counted.total, page.id, page.score
      FROM (SELECT count(*) AS total FROM candidates) counted
      LEFT JOIN LATERAL (SELECT * FROM candidates ORDER BY score DESC, occurred_at DESC NULLS LAST, id LIMIT ${limit} OFFSET ${offset}) page ON true
      ORDER BY page.score DESC, page.occurred_at DESC NULLS LAST, page.id`.execute(db);
    const page = found.rows.filter((row) => row.id !== null);
    const rows = page.length === 0 ? { rows: [] } : await sql<{
      id: string;
      case_ref: string;
      agency: string;
      kind: string;
      occurred_at: Date | null;
      actor: string | null;
      snippet: string | null;
      source_id: string;
      file: string;
      line: number | null;
    }>`
      SELECT r.id, c.ref AS case_ref, a.name AS agency, r.kind, r.occurred_at, actor.label AS actor,
             ${hasText ? sql`ts_headline('simple', coalesce(r.text, ''), ${tsquery}, ${`StartSel=${MARK_START}, StopSel=${MARK_STOP}, MaxFragments=2, MaxWords=24, MinWords=8`})` : sql`left(coalesce(r.text, ''), 240)`} AS snippet,
             s.id AS source_id, s.original_name AS file, r.line
      FROM unnest(${page.map((row) => row.id)}::bigint[]) WITH ORDINALITY AS page(id, n)
      JOIN records r ON r.id = page.id
      JOIN cases c ON c.id = r.case_id
      JOIN agencies a ON a.id = r.agency_id
      JOIN sources s ON s.id = r.source_id
      LEFT JOIN entities actor ON actor.id = r.actor_id
      ORDER BY page.n`.execute(db);
    const scores = new Map(page.map((row) => [row.id!, row.score ?? 0]));
    const total = Number(found.rows[0]?.total ?? 0);
    records = {
      total: Math.min(total, COUNT_LIMIT),
      more: total > COUNT_LIMIT,
      hits: rows.rows.map((row) => ({
        id: row.id,
        case: row.case_ref,
        agency: row.agency,
        kind: row.kind,
        occurredAt: row.occurred_at ? row.occurred_at.toISOString() : null,
        actor: row.actor,
        snippet: row.snippet ?? '',
        score: Math.round(scores.get(row.id)! * 10_000) / 10_000,
        source: { id: row.source_id, file: row.file, line: row.line },
      })),
    };
  }

  const entities = await findEntities(db, query, ids, options);
  const selectors = selectorsOf(query);
  if (selectors.length === 0) return { records, entities };
  return { records, entities, hits: await raiseIdentifierHits(db, selectors) };
}

function hasFilters(query: SearchQuery): boolean {
  const { filters } = query;
  return filters.cases.length + filters.agencies.length + filters.kinds.length + filters.platforms.length > 0 || !!filters.from || !!filters.to;
}

async function findEntities(db: Kysely<Database>, query: SearchQuery, ids: RawBuilder<unknown> | undefined, options: SearchOptions): Promise<EntityHit[]> {
  const branches: RawBuilder<unknown>[] = [];
  const scope = sql.join([visible(sql.ref('e.case_id'), options), filtersOn('e', query)], sql` AND `);
  if (ids) {
    branches.push(sql`
      SELECT DISTINCT ON (e.id) e.id, i.type AS matched, 1.0::float8 AS score
      FROM mentions m JOIN identifiers i ON i.id = m.identifier_id JOIN entities e ON e.id = m.entity_id
      WHERE m.identifier_id IN (${ids}) AND ${scope}`);
  }
  for (const term of query.fuzzy) {
    const lowered = term.toLowerCase();
    branches.push(sql`
      SELECT e.id, 'fuzzy' AS matched, similarity(lower(e.label), ${lowered})::float8 AS score
      FROM entities e WHERE lower(e.label) % ${lowered} AND ${scope}`);
    branches.push(sql`
      SELECT DISTINCT ON (e.id) e.id, 'fuzzy' AS matched, similarity(i.value, ${lowered})::float8 AS score
      FROM identifiers i JOIN mentions m ON m.identifier_id = i.id JOIN entities e ON e.id = m.entity_id
      WHERE i.type = 'handle' AND i.value % ${lowered} AND ${scope}`);
  }
  if (branches.length === 0) return [];
  const rows = await sql<{ id: string; case_ref: string; agency: string; kind: string; label: string; matched: string; score: number }>`
    SELECT e.id, c.ref AS case_ref, a.name AS agency, e.kind, e.label, best.matched, best.score
    FROM (SELECT DISTINCT ON (id) id, matched, score FROM (${sql.join(branches, sql` UNION ALL `)}) found ORDER BY id, score DESC) best
    JOIN entities e ON e.id = best.id
    JOIN cases c ON c.id = e.case_id
    JOIN agencies a ON a.id = e.agency_id
    ORDER BY best.score DESC, e.label, e.id
    LIMIT ${ENTITY_LIMIT}`.execute(db);
  return rows.rows.map((row) => ({
    id: row.id,
    case: row.case_ref,
    agency: row.agency,
    kind: row.kind,
    label: row.label,
    matched: row.matched,
    score: Math.round(row.score * 1000) / 1000,
  }));
}
