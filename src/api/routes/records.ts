/**
 * Records: the canonical events of a case's sources (messages, transactions, arrests, sightings,
 * media), listed by page and read one at a time with where each came from (source file and line)
 * and who took part. Runs acting as the user: row-level security decides which records exist, so
 * a record of a case one may not see is "no such record", like one that does not exist.
 */
import type { FastifyInstance } from 'fastify';
import { sql, type Transaction } from 'kysely';
import { RECORD_KIND_NAMES, UserError } from '../../model/index.ts';
import type { Database } from '../../store/index.ts';
import { caseScope, type ApiContext } from '../context.ts';
import { anyObject, arrayOf, boolean, dateTime, id, integer, nullable, object, paging, problems, ref, string } from '../schemas.ts';
import { caseParams } from './cases.ts';

const TEXT_PREVIEW = 500;

const participant = nullable(object({ id: { type: 'string', description: 'e<id>: its entity page is /api/entities/{id}' }, kind: ref('EntityKind'), label: string }));
const origin = object({ id, file: { type: 'string', description: 'the original file name' }, line: nullable(integer) }, [], 'the source and line it was read from');

/** Registered with the server's shared schemas, so they appear in the OpenAPI components. */
const RECORD_SCHEMAS = {
  RecordSummary: object({
    id,
    kind: ref('RecordKind'),
    occurredAt: nullable(dateTime),
    actor: nullable({ type: 'string', description: "the actor's label" }),
    text: nullable({ type: 'string', description: `the first ${TEXT_PREVIEW} characters` }),
    source: origin,
  }),
  RecordPage: object({ case: string, total: integer, limit: integer, offset: integer, items: arrayOf(ref('RecordSummary')) }),
  RecordView: object(
    {
      id,
      kind: ref('RecordKind'),
      key: { type: 'string', description: "the record's key within its source" },
      case: string,
      agency: string,
      occurredAt: nullable(dateTime),
      text: nullable(string),
      props: { ...anyObject, description: 'the properties its kind declares (src/model/records.ts)' },
      source: origin,
      actor: participant,
      target: participant,
      room: participant,
      identifiers: arrayOf(object({ id: { type: 'string', description: 'i<id>: a node id for the graph routes' }, type: ref('IdentifierType'), value: string, display: nullable(string), role: nullable(string) })),
      supersedes: nullable({ ...id, description: 'the record this one corrects' }),
      superseded: { ...boolean, description: 'a later correction replaces this record' },
    },
    [],
    'One record with its provenance and participants.',
  ),
};

interface RecordListQuery {
  kind?: string;
  source?: string;
  limit: number;
  offset: number;
}

/** A case's records by page: of one kind, or of one source in line order, if asked. */
async function caseRecords(db: Transaction<Database>, caseId: string, query: RecordListQuery) {
  const base = db
    .selectFrom('records as r')
    .where('r.case_id', '=', caseId)
    .$if(query.kind !== undefined, (qb) => qb.where('r.kind', '=', query.kind!))
    .$if(query.source !== undefined, (qb) => qb.where('r.source_id', '=', query.source!));
  const total = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .innerJoin('sources as s', 's.id', 'r.source_id')
    .leftJoin('entities as actor', 'actor.id', 'r.actor_id')
    .select(['r.id', 'r.kind', 'r.occurred_at', 'actor.label as actor', sql<string | null>`left(r.text, ${TEXT_PREVIEW})`.as('text'), 'r.source_id', 's.original_name', 'r.line'])
    .$if(query.source !== undefined, (qb) => qb.orderBy('r.line').orderBy('r.id'))
    .$if(query.source === undefined, (qb) => qb.orderBy(sql`r.occurred_at NULLS LAST`).orderBy('r.id'))
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return {
    total: Number(total.n),
    items: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      occurredAt: row.occurred_at?.toISOString() ?? null,
      actor: row.actor,
      text: row.text,
      source: { id: row.source_id, file: row.original_name, line: row.line },
    })),
  };
}

/** One record, if the user may see its case. */
async function recordView(db: Transaction<Database>, recordId: string) {
  const notFound = new UserError(`no record ${recordId} that you may see`, 'not_found');
  const row = await db
    .selectFrom('records as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .innerJoin('agencies as a', 'a.id', 'r.agency_id')
    .innerJoin('sources as s', 's.id', 'r.source_id')
    .leftJoin('entities as actor', 'actor.id', 'r.actor_id')
    .leftJoin('entities as target', 'target.id', 'r.target_id')
    .leftJoin('entities as room', 'room.id', 'r.room_id')
    .select([
      'r.id', 'r.kind', 'r.key', 'r.occurred_at', 'r.text', 'r.props', 'r.line', 'r.supersedes', 'r.source_id', 'r.case_id', 'r.agency_id',
      'c.ref as case_ref', 'a.name as agency', 's.original_name',
      'actor.id as actor_id', 'actor.kind as actor_kind', 'actor.label as actor_label',
      'target.id as target_id', 'target.kind as target_kind', 'target.label as target_label',
      'room.id as room_id', 'room.kind as room_kind', 'room.label as room_label',
    ])
    .select((eb) => eb.exists(eb.selectFrom('records as later').select('later.id').whereRef('later.supersedes', '=', 'r.id')).as('superseded'))
    .where('r.id', '=', recordId)
    .executeTakeFirst();
  if (!row) throw notFound;
  const identifiers = await db
    .selectFrom('mentions as m')
    .innerJoin('identifiers as i', 'i.id', 'm.identifier_id')
    .select(['i.id', 'i.type', 'i.value', 'i.display', 'm.role'])
    .distinct()
    .where('m.record_id', '=', recordId)
    .orderBy('i.type')
    .orderBy('i.value')
    .execute();
  const entity = (entityId: string | null, kind: string | null, label: string | null) => (entityId === null ? null : { id: `e${entityId}`, kind: kind!, label: label! });
  return {
    view: {
      id: row.id,
      kind: row.kind,
      key: row.key,
      case: row.case_ref,
      agency: row.agency,
      occurredAt: row.occurred_at?.toISOString() ?? null,
      text: row.text,
      props: row.props as Record<string, unknown>,
      source: { id: row.source_id, file: row.original_name, line: row.line },
      actor: entity(row.actor_id, row.actor_kind, row.actor_label),
      target: entity(row.target_id, row.target_kind, row.target_label),
      room: entity(row.room_id, row.room_kind, row.room_label),
      identifiers: identifiers.map((identifier) => ({ id: `i${identifier.id}`, type: identifier.type, value: identifier.value, display: identifier.display, role: identifier.role })),
      supersedes: row.supersedes,
      superseded: Boolean(row.superseded),
    },
    scope: { agencyId: row.agency_id, caseId: row.case_id, target: `r${row.id}` },
  };
}

export default async function recordRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  for (const [name, schema] of Object.entries(RECORD_SCHEMAS)) app.addSchema({ $id: name, ...schema });

  app.get<{ Params: { ref: string }; Querystring: RecordListQuery }>(
    '/api/cases/:ref/records',
    {
      schema: {
        tags: ['records'],
        summary: "A case's records by page, oldest first (or one source's, in line order)",
        params: caseParams,
        querystring: object(
          {
            kind: { type: 'string', enum: RECORD_KIND_NAMES, description: 'only records of this kind (src/model/records.ts)' },
            source: { type: 'string', pattern: '^[0-9]{1,18}$', description: "only this source's records, in line order" },
            ...paging(500, 50),
          },
          ['kind', 'source', 'limit', 'offset'],
        ),
        response: { 200: ref('RecordPage'), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const scope = await caseScope(db, request.params.ref);
        const page = await caseRecords(db, scope.caseId, request.query);
        await acting.audit('record.list', { kind: request.query.kind, source: request.query.source, offset: request.query.offset, shown: page.items.length }, scope);
        return { case: scope.target, total: page.total, limit: request.query.limit, offset: request.query.offset, items: page.items };
      }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/records/:id',
    {
      schema: {
        tags: ['records'],
        summary: 'A record: its text and properties, the source file and line it came from, who took part, the identifiers it mentions',
        params: object({ id: { type: 'string', pattern: '^[rR]?[0-9]{1,18}$', description: 'a record id, with or without its r prefix' } }),
        response: { 200: ref('RecordView'), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const { view, scope } = await recordView(db, request.params.id.replace(/^[rR]/, ''));
        await acting.audit('record.read', {}, scope);
        return view;
      }),
  );
}
