/**
 * The cross-case match review queue (UI screen 7): pairs of person records in different cases that
 * resolution tied together, least certain first, each with its score, the field comparisons behind
 * it and both records side by side, for an analyst to call same / different (match decisions, which
 * later runs respect) or unsure, one pair or a selected batch at a time, and to take a call back
 * (match-review-decisions.ts).
 *
 * The pairs are what resolution runs store: each member's best pair and that pair's reasons. Pairs
 * below the threshold are not kept by a run, so the queue starts at the threshold and rises.
 * Row-level security decides what exists: a pair is listed only if the user may see both records.
 */
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { UserError } from '../../model/index.ts';
import type { Database } from '../../store/index.ts';
import type { ApiContext } from '../context.ts';
import { forbidden } from '../problem.ts';
import { arrayOf, nullable, object, paging, problems } from '../schemas.ts';
import { entityIdParam } from './entities.ts';
import { batchBody, checkBatch, decideBatch, decided, decidedBatch, unsureMarked, UNSURE, withdrawBatch, withdrawnBatch, type PairDecision } from './match-review-decisions.ts';

type Db = Kysely<Database>;
type Status = 'open' | 'unsure';

/** Person properties shown side by side, in this order (the ones resolution compares). */
const ATTRIBUTES = [
  ['full_name', 'full name'],
  ['first_name', 'first name'],
  ['last_name', 'last name'],
  ['birth_date', 'date of birth'],
  ['city', 'city'],
] as const;
/** Identifiers shown per record; the rest are counted, never dropped silently. */
const IDENTIFIERS_SHOWN = 12;
const NO_AUDITORS = 'auditors read and verify the audit log; they do not decide matches';

const idText = { type: 'string', pattern: '^[0-9]+$' };
const side = object({
  entity: idText,
  label: { type: 'string' },
  key: { type: 'string' },
  case: { type: 'string' },
  agency: { type: 'string' },
  source: nullable({ type: 'string' }),
  attributes: arrayOf(object({ name: { type: 'string' }, label: { type: 'string' }, value: { type: 'string' } })),
  identifiers: arrayOf(object({ type: { type: 'string' }, value: { type: 'string' } })),
  identifierTotal: { type: 'integer' },
});
const reviewPage = object({
  threshold: nullable({ type: 'number', description: 'the match threshold of the latest resolution run' }),
  status: { type: 'string', enum: ['open', 'unsure'] },
  case: nullable({ type: 'string' }),
  total: { type: 'integer' },
  limit: { type: 'integer' },
  offset: { type: 'integer' },
  cases: arrayOf(object({ ref: { type: 'string' }, agency: { type: 'string' }, pairs: { type: 'integer' } }), 'pivot: how many pairs of this status each case takes part in'),
  items: arrayOf(
    object({
      a: side,
      b: side,
      probability: { type: 'number' },
      fields: arrayOf(object({ field: { type: 'string' }, level: { type: 'string' }, weight: { type: 'number' } }), 'the field comparisons and what each weighed'),
    }),
  ),
});

/** Cross-case pairs as the latest runs left them, undecided, of this status for `actor`, in `caseId` if given. */
function pairsQuery(actor: string, status: Status, caseId: string | null) {
  const unsure = unsureMarked(actor, sql`p.a::text || ',' || p.b::text`);
  return sql`
    WITH pairs AS (
      SELECT least(sm.entity_id, sm.reason_with) AS a, greatest(sm.entity_id, sm.reason_with) AS b,
             max(sm.reason_probability) AS probability, (array_agg(r.fields))[1] AS fields
      FROM subject_members sm
      JOIN resolution_reasons r ON r.run = sm.reason_run AND r.reason = sm.reason
      WHERE sm.reason_with IS NOT NULL AND sm.reason_probability IS NOT NULL
      GROUP BY 1, 2
    )
    SELECT p.a::text AS a, p.b::text AS b, p.probability, p.fields, ea.case_id AS case_a, eb.case_id AS case_b
    FROM pairs p
    JOIN entities ea ON ea.id = p.a
    JOIN entities eb ON eb.id = p.b
    WHERE ea.case_id <> eb.case_id
      AND NOT ${decided(sql`p.a`, sql`p.b`)}
      AND ${status === 'unsure' ? unsure : sql`NOT ${unsure}`}
      AND ${caseId === null ? sql`true` : sql`(ea.case_id = ${caseId} OR eb.case_id = ${caseId})`}`;
}

interface PairRow {
  a: string;
  b: string;
  probability: number;
  fields: { field: string; level: string; weight: number }[];
  case_a: string;
  case_b: string;
}

async function sides(db: Db, ids: string[]) {
  if (ids.length === 0) return new Map<string, ReturnType<typeof toSide>>();
  const rows = await sql<{ id: string; label: string; key: string; case_ref: string; agency: string; source: string | null; props: Record<string, unknown>; identifiers: { type: string; value: string }[] | null; identifier_total: string }>`
    SELECT e.id::text AS id, e.label, e.key, c.ref AS case_ref, ag.name AS agency, s.original_name AS source, e.props,
           (SELECT jsonb_agg(jsonb_build_object('type', x.type, 'value', x.value) ORDER BY x.type, x.value)
              FROM (SELECT DISTINCT i.type, coalesce(i.display, i.value) AS value FROM mentions m JOIN identifiers i ON i.id = m.identifier_id
                    WHERE m.entity_id = e.id ORDER BY i.type, value LIMIT ${IDENTIFIERS_SHOWN}) x) AS identifiers,
           (SELECT count(DISTINCT m.identifier_id) FROM mentions m WHERE m.entity_id = e.id) AS identifier_total
    FROM entities e
    JOIN cases c ON c.id = e.case_id
    JOIN agencies ag ON ag.id = e.agency_id
    LEFT JOIN sources s ON s.id = e.source_id
    WHERE e.id = ANY (${ids}::bigint[])`.execute(db);
  return new Map(rows.rows.map((row) => [row.id, toSide(row)]));
}

function toSide(row: { id: string; label: string; key: string; case_ref: string; agency: string; source: string | null; props: Record<string, unknown>; identifiers: { type: string; value: string }[] | null; identifier_total: string }) {
  const attributes = ATTRIBUTES.flatMap(([name, label]) => {
    const value = row.props[name];
    return typeof value === 'string' && value !== '' ? [{ name, label, value }] : [];
  });
  return {
    entity: row.id,
    label: row.label,
    // A person made from a row is keyed `record:<the row's key>`: show the row's key.
    key: row.key.replace(/^record:/, ''),
    case: row.case_ref,
    agency: row.agency,
    source: row.source,
    attributes,
    identifiers: row.identifiers ?? [],
    identifierTotal: Number(row.identifier_total),
  };
}

export async function reviewQueue(db: Db, actor: string, options: { status: Status; caseRef?: string; limit: number; offset: number }) {
  let caseId: string | null = null;
  if (options.caseRef !== undefined) {
    const found = await db.selectFrom('cases').select(['id', 'ref']).where(sql<boolean>`lower(ref) = ${options.caseRef.trim().toLowerCase()}`).executeTakeFirst();
    if (!found) throw new UserError(`no case '${options.caseRef}' that you may see`, 'not_found');
    caseId = found.id;
  }
  const threshold = await sql<{ threshold: number }>`SELECT threshold FROM resolution_runs ORDER BY number DESC LIMIT 1`.execute(db);
  const all = pairsQuery(actor, options.status, null);
  // The pivot counts pairs of this status over every case, so the list of cases stays put when one is chosen.
  const pivot = await sql<{ ref: string; agency: string; pairs: string }>`
    SELECT c.ref, ag.name AS agency, count(*) AS pairs
    FROM (${all}) q CROSS JOIN LATERAL (VALUES (q.case_a), (q.case_b)) AS x(case_id)
    JOIN cases c ON c.id = x.case_id JOIN agencies ag ON ag.id = c.agency_id
    GROUP BY c.ref, ag.name ORDER BY count(*) DESC, c.ref`.execute(db);
  const chosen = pairsQuery(actor, options.status, caseId);
  const total = await sql<{ n: string }>`SELECT count(*) AS n FROM (${chosen}) q`.execute(db);
  // Least certain first: the pairs nearest the threshold are where a person's judgement counts most.
  const page = await sql<PairRow>`SELECT * FROM (${chosen}) q ORDER BY q.probability, q.a, q.b LIMIT ${options.limit} OFFSET ${options.offset}`.execute(db);
  const byId = await sides(db, [...new Set(page.rows.flatMap((row) => [row.a, row.b]))]);
  const caseRef = caseId === null ? null : (await db.selectFrom('cases').select('ref').where('id', '=', caseId).executeTakeFirstOrThrow()).ref;
  return {
    threshold: threshold.rows[0]?.threshold ?? null,
    status: options.status,
    case: caseRef,
    total: Number(total.rows[0]?.n ?? 0),
    limit: options.limit,
    offset: options.offset,
    cases: pivot.rows.map((row) => ({ ref: row.ref, agency: row.agency, pairs: Number(row.pairs) })),
    items: page.rows.flatMap((row) => {
      const a = byId.get(row.a);
      const b = byId.get(row.b);
      // With a pivot, the chosen case's record stands on the left.
      if (!a || !b) return [];
      const swap = caseId !== null && row.case_a !== caseId && row.case_b === caseId;
      return [{ a: swap ? b : a, b: swap ? a : b, probability: Number(row.probability), fields: Array.isArray(row.fields) ? row.fields : [] }];
    }),
  };
}

export default async function matchReviewRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Querystring: { status: Status; case?: string; limit: number; offset: number } }>(
    '/api/match-review',
    {
      schema: {
        tags: ['subjects'],
        summary: 'Cross-case match review: pairs of person records in different cases that resolution tied together, least certain first',
        description:
          'Each pair: both records side by side (case, agency, source, compared properties, identifiers), the probability and the field comparisons. Undecided pairs only; `status=unsure` lists the pairs you marked unsure. Both records must be in cases you may see. Decide with POST /api/match-review/decisions (one pair or a batch), POST /api/match-decisions or POST /api/match-review/unsure; take a call back with POST /api/match-review/decisions/withdraw.',
        querystring: object(
          {
            status: { type: 'string', enum: ['open', 'unsure'], default: 'open' },
            case: { type: 'string', minLength: 1, maxLength: 64, description: 'pivot: only pairs with a record in this case' },
            ...paging(200, 25),
          },
          ['status', 'case', 'limit', 'offset'],
        ),
        response: { 200: reviewPage, ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const page = await reviewQueue(db, acting.user.name, { status: request.query.status, caseRef: request.query.case, limit: request.query.limit, offset: request.query.offset });
        acting.auditRead('match-review.list', { status: page.status, case: page.case, offset: page.offset, shown: page.items.length });
        return page;
      }),
  );

  app.post<{ Body: { a: string; b: string } }>(
    '/api/match-review/unsure',
    {
      schema: {
        tags: ['subjects'],
        summary: 'Mark a pair unsure: it leaves your open queue for your unsure list; resolution is unchanged',
        description: 'Recorded in the audit log in your name. A later same / different decision on the pair takes it off both lists.',
        body: object({ a: entityIdParam, b: entityIdParam }),
        response: { 201: object({ a: idText, b: idText, verdict: { type: 'string', enum: ['unsure'] }, decidedBy: { type: 'string' } }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const answer = await ctx.asUser(request, async (db, acting) => {
        if (acting.user.role === 'auditor') throw forbidden(NO_AUDITORS);
        // The same checks as a batch of one: two different person records the user may see.
        const [pair] = await checkBatch(db, [{ a: request.body.a, b: request.body.b, decision: 'unsure' }]);
        await acting.audit(UNSURE, {}, { target: pair!.key });
        return { a: pair!.a, b: pair!.b, verdict: 'unsure' as const, decidedBy: acting.user.name };
      });
      return reply.code(201).send(answer);
    },
  );

  app.post<{ Body: { decisions: PairDecision[] } }>(
    '/api/match-review/decisions',
    {
      schema: {
        tags: ['subjects'],
        summary: 'Decide a batch of pairs at once: same, different or unsure for each, in your name',
        description:
          'All or nothing: if any record is not a person in a case you may see, the answer is 404 and nothing is stored. Same and different are appended as match decisions (the latest on a pair counts, and every later resolution run respects it); unsure marks the pair on your own list. Each pair is audited, with the batch named.',
        body: batchBody,
        response: { 201: decidedBatch, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const answer = await ctx.asUser(request, async (db, acting) => {
        if (acting.user.role === 'auditor') throw forbidden(NO_AUDITORS);
        return decideBatch(db, acting, request.body.decisions);
      });
      return reply.code(201).send(answer);
    },
  );

  app.post<{ Body: { decisions: PairDecision[] } }>(
    '/api/match-review/decisions/withdraw',
    {
      schema: {
        tags: ['subjects'],
        summary: 'Take back your own calls on a batch of pairs (undo): the pairs return to the queue',
        description:
          'Each call named must still stand and be yours: a same / different decision that is still the latest on its pair, an unsure mark you have not taken back. Otherwise 409 and nothing is withdrawn. A withdrawal is appended (history is kept); resolution then treats the pair as undecided. Each pair is audited.',
        body: batchBody,
        response: { 200: withdrawnBatch, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        if (acting.user.role === 'auditor') throw forbidden(NO_AUDITORS);
        return withdrawBatch(db, acting, request.body.decisions);
      }),
  );
}
