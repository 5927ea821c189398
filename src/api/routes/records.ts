/**
 * Records: the canonical events of a case's sources (messages, transactions, arrests, sightings,
 * media), listed by page and read one at a time with where each came from (source file and line)
 * and who took part. A page carries what the evidence viewer draws — participants, properties and
 * the identifiers each record mentions, each tied to the entity of the case that holds it — in a
 * fixed number of queries whatever the page size. A source's overview lists its kinds, rooms and
 * participants. Runs acting as the user: row-level security decides which records exist, so a
 * record of a case one may not see is "no such record", like one that does not exist.
 */
import type { FastifyInstance } from 'fastify';
import { sql, type RawBuilder, type Transaction } from 'kysely';
import { RECORD_KIND_NAMES, RECORD_KINDS, UserError, type PropertyType } from '../../model/index.ts';
import type { Database } from '../../store/index.ts';
import { caseScope, type ApiContext } from '../context.ts';
import { anyObject, arrayOf, boolean, dateTime, flag, id, integer, isOn, nullable, object, paging, problems, ref, string } from '../schemas.ts';
import { caseParams } from './cases.ts';

const TEXT_PREVIEW = 500;
/** Rooms and participants an overview lists at most (with the total, so the cap shows). */
const OVERVIEW_LIMIT = 200;

const participant = nullable(object({ id: { type: 'string', description: 'e<id>: its entity page is /api/entities/{id}' }, kind: ref('EntityKind'), label: string }));
const origin = object({ id, file: { type: 'string', description: 'the original file name' }, line: nullable(integer) }, [], 'the source and line it was read from');

/**
 * Properties a page may be sorted by: every scalar property a record kind declares. Numbers sort
 * as numbers; lists (charges, attachments) do not sort.
 */
const SORTABLE_PROPERTIES: ReadonlyMap<string, PropertyType> = new Map(
  Object.values(RECORD_KINDS).flatMap((kind) => Object.entries(kind.properties).filter(([, spec]) => spec.type !== 'string[]').map(([name, spec]) => [name, spec.type] as const)),
);
const SORT_FIELDS = ['line', 'time', ...SORTABLE_PROPERTIES.keys()];

/** Registered with the server's shared schemas, so they appear in the OpenAPI components. */
const RECORD_SCHEMAS = {
  RecordIdentifier: object(
    {
      id: { type: 'string', description: 'i<id>: a node id for the graph routes' },
      type: ref('IdentifierType'),
      value: string,
      display: nullable(string),
      role: nullable({ type: 'string', description: "how the record holds it: 'sender', 'target', 'in_text' (found in the text), 'column:<name>', …" }),
      entity: nullable({
        type: 'string',
        description: 'e<id>: the entity of this case that holds the identifier in its own right (for one found in the text: not its writer); null when none does',
      }),
    },
    [],
    'An identifier a record mentions.',
  ),
  RecordSummary: object({
    id,
    kind: ref('RecordKind'),
    occurredAt: nullable(dateTime),
    actor: nullable({ type: 'string', description: "the actor's label" }),
    text: nullable({ type: 'string', description: `the first ${TEXT_PREVIEW} characters` }),
    truncated: { ...boolean, description: `the text is longer than ${TEXT_PREVIEW} characters: GET /api/records/{id} has all of it` },
    props: { ...anyObject, description: 'the properties its kind declares (src/model/records.ts), and any others its source carried' },
    parties: object({ actor: participant, target: participant, room: participant }, [], 'who took part, and where'),
    identifiers: arrayOf(ref('RecordIdentifier')),
    source: origin,
  }),
  RecordPage: object({
    case: string,
    total: integer,
    limit: integer,
    offset: { ...integer, description: 'the offset of this page (for `record`, the page that holds it)' },
    sort: { type: 'string', enum: SORT_FIELDS },
    desc: boolean,
    items: arrayOf(ref('RecordSummary')),
  }),
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
      identifiers: arrayOf(ref('RecordIdentifier')),
      supersedes: nullable({ ...id, description: 'the record this one corrects' }),
      superseded: { ...boolean, description: 'a later correction replaces this record' },
    },
    [],
    'One record with its provenance and participants.',
  ),
  SourceOverview: object(
    {
      case: string,
      source: object({ id, file: { type: 'string', description: 'the original file name' }, format: string, status: { type: 'string', description: "'ingesting', 'complete' or 'failed'" } }),
      records: integer,
      kinds: arrayOf(object({ kind: ref('RecordKind'), records: integer }), 'most first'),
      rooms: object(
        {
          total: integer,
          items: arrayOf(object({ room: participant, records: integer, first: nullable(dateTime), last: nullable(dateTime) }), 'the rooms its records took place in, most records first; room null: records of no room'),
        },
        [],
        `at most ${OVERVIEW_LIMIT}; total says how many there are`,
      ),
      participants: object(
        {
          total: integer,
          items: arrayOf(object({ entity: participant, records: integer }), 'who wrote or acted in its records, most records first'),
        },
        [],
        `at most ${OVERVIEW_LIMIT}; total says how many there are`,
      ),
    },
    [],
    "What a source holds: its records' kinds, rooms and participants, for the evidence viewer.",
  ),
};

interface RecordListQuery {
  kind?: string;
  source?: string;
  /** e<id> of a room, or 'none' for records of no room. */
  room?: string;
  /** A record whose page to answer. */
  record?: string;
  sort?: string;
  desc?: string;
  limit: number;
  offset: number;
}

const entityRef = (entityId: string | null, kind: string | null, label: string | null) => (entityId === null ? null : { id: `e${entityId}`, kind: kind!, label: label! });

/**
 * The ORDER BY of a page, as terms shared by the page query and by finding a record's page.
 * Ties always fall back to the source's line order, so a page never reshuffles between requests.
 */
function orderTerms(sort: string, desc: boolean): RawBuilder<unknown>[] {
  const direction = sql.raw(desc ? 'DESC' : 'ASC');
  const ties = [sql`r.line ASC NULLS LAST`, sql`r.id ASC`];
  if (sort === 'line') return [sql`r.line ${direction} NULLS LAST`, sql`r.id ${direction}`];
  if (sort === 'time') return [sql`r.occurred_at ${direction} NULLS LAST`, ...ties];
  const type = SORTABLE_PROPERTIES.get(sort);
  const value =
    type === 'number' || type === 'integer'
      ? sql`CASE WHEN jsonb_typeof(r.props -> ${sort}) = 'number' THEN (r.props ->> ${sort})::numeric END`
      : sql`r.props ->> ${sort}`;
  return [sql`${value} ${direction} NULLS LAST`, ...ties];
}

/**
 * The identifiers each of `recordIds` mentions, in one query. An identifier found in a message's
 * text is tied by ingestion to the message's writer; what the viewer links it to is the entity of
 * the case that holds it in its own right (the account that sent from that phone, the card holder),
 * found once per identifier of the page, not once per mention.
 */
async function identifiersOf(db: Transaction<Database>, caseId: string, recordIds: readonly string[]) {
  if (recordIds.length === 0) return new Map<string, ReturnType<typeof identifierView>[]>();
  const foundInText = db.selectFrom('mentions as t').select('t.identifier_id').where('t.record_id', 'in', recordIds).where('t.role', '=', 'in_text');
  const holders = db
    .selectFrom('mentions as own')
    .select(['own.identifier_id', (eb) => eb.fn.min('own.entity_id').as('entity_id')])
    .where('own.case_id', '=', caseId)
    .where('own.identifier_id', 'in', foundInText)
    .where('own.entity_id', 'is not', null)
    .where(sql<boolean>`own.role IS DISTINCT FROM 'in_text'`)
    .groupBy('own.identifier_id');
  const rows = await db
    .selectFrom('mentions as m')
    .innerJoin('identifiers as i', 'i.id', 'm.identifier_id')
    .leftJoin(holders.as('holder'), 'holder.identifier_id', 'm.identifier_id')
    .select(['m.record_id', 'i.id', 'i.type', 'i.value', 'i.display', 'm.role', sql<string | null>`CASE WHEN m.role = 'in_text' THEN holder.entity_id ELSE m.entity_id END`.as('entity_id')])
    .distinct()
    .where('m.record_id', 'in', recordIds)
    .orderBy('m.record_id')
    .orderBy('i.type')
    .orderBy('i.value')
    .orderBy('m.role')
    .execute();
  const byRecord = new Map<string, ReturnType<typeof identifierView>[]>();
  for (const row of rows) {
    const list = byRecord.get(row.record_id!) ?? [];
    list.push(identifierView(row));
    byRecord.set(row.record_id!, list);
  }
  return byRecord;
}

function identifierView(row: { id: string; type: string; value: string; display: string | null; role: string | null; entity_id: string | null }) {
  return { id: `i${row.id}`, type: row.type, value: row.value, display: row.display, role: row.role, entity: row.entity_id === null ? null : `e${row.entity_id}` };
}

/** A case's records by page: of one kind, source or room if asked, in the order asked (a source's in line order by default). */
async function caseRecords(db: Transaction<Database>, scope: { caseId: string; target: string }, query: RecordListQuery) {
  const roomId = query.room === undefined || query.room === 'none' ? undefined : query.room.replace(/^[eE]/, '');
  const base = db
    .selectFrom('records as r')
    .where('r.case_id', '=', scope.caseId)
    .$if(query.kind !== undefined, (qb) => qb.where('r.kind', '=', query.kind!))
    .$if(query.source !== undefined, (qb) => qb.where('r.source_id', '=', query.source!))
    .$if(query.room === 'none', (qb) => qb.where('r.room_id', 'is', null))
    .$if(roomId !== undefined, (qb) => qb.where('r.room_id', '=', roomId!));
  const sort = query.sort ?? (query.source !== undefined ? 'line' : 'time');
  const desc = isOn(query.desc);
  const order = sql.join(orderTerms(sort, desc));

  let offset = query.offset;
  if (query.record !== undefined) {
    // The page that holds the record, in this very order (a search hit opens where it lies).
    const recordId = query.record.replace(/^[rR]/, '');
    const ranked = base.select(['r.id', sql<string>`row_number() OVER (ORDER BY ${order}) - 1`.as('position')]);
    const found = await db.selectFrom(ranked.as('ranked')).select('ranked.position').where('ranked.id', '=', recordId).executeTakeFirst();
    if (!found) throw new UserError(`record r${recordId} is not among these records of case ${scope.target}`, 'not_found');
    offset = Math.floor(Number(found.position) / query.limit) * query.limit;
  }

  const total = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .innerJoin('sources as s', 's.id', 'r.source_id')
    .leftJoin('entities as actor', 'actor.id', 'r.actor_id')
    .leftJoin('entities as target', 'target.id', 'r.target_id')
    .leftJoin('entities as room', 'room.id', 'r.room_id')
    .select([
      'r.id', 'r.kind', 'r.occurred_at', 'r.props', 'r.source_id', 's.original_name', 'r.line',
      sql<string | null>`left(r.text, ${TEXT_PREVIEW})`.as('text'),
      sql<boolean | null>`length(r.text) > ${TEXT_PREVIEW}`.as('truncated'),
      'r.actor_id', 'actor.kind as actor_kind', 'actor.label as actor_label',
      'r.target_id', 'target.kind as target_kind', 'target.label as target_label',
      'r.room_id', 'room.kind as room_kind', 'room.label as room_label',
    ])
    .orderBy(order)
    .limit(query.limit)
    .offset(offset)
    .execute();
  const identifiers = await identifiersOf(
    db,
    scope.caseId,
    rows.map((row) => row.id),
  );
  return {
    total: Number(total.n),
    offset,
    sort,
    desc,
    items: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      occurredAt: row.occurred_at?.toISOString() ?? null,
      actor: row.actor_label,
      text: row.text,
      truncated: Boolean(row.truncated),
      props: row.props as Record<string, unknown>,
      parties: {
        actor: entityRef(row.actor_id, row.actor_kind, row.actor_label),
        target: entityRef(row.target_id, row.target_kind, row.target_label),
        room: entityRef(row.room_id, row.room_kind, row.room_label),
      },
      identifiers: identifiers.get(row.id) ?? [],
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
  const identifiers = await identifiersOf(db, row.case_id, [row.id]);
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
      actor: entityRef(row.actor_id, row.actor_kind, row.actor_label),
      target: entityRef(row.target_id, row.target_kind, row.target_label),
      room: entityRef(row.room_id, row.room_kind, row.room_label),
      identifiers: identifiers.get(row.id) ?? [],
      supersedes: row.supersedes,
      superseded: Boolean(row.superseded),
    },
    scope: { agencyId: row.agency_id, caseId: row.case_id, target: `r${row.id}` },
  };
}

/** What one source of a case holds: kinds, rooms and participants with their counts. */
async function sourceOverview(db: Transaction<Database>, scope: { caseId: string; target: string }, sourceId: string) {
  const source = await db
    .selectFrom('sources')
    .select(['id', 'original_name', 'format', 'status'])
    .where('case_id', '=', scope.caseId)
    .where('id', '=', sourceId)
    .executeTakeFirst();
  if (!source) throw new UserError(`no source ${sourceId} in case ${scope.target} that you may see`, 'not_found');
  const records = db.selectFrom('records as r').where('r.source_id', '=', sourceId).where('r.case_id', '=', scope.caseId);
  const count = sql<string>`count(*)`;
  // Each grouped list carries how many groups there are in all, so a cap never hides silently.
  const groups = sql<string>`count(*) OVER ()`;
  // One after another: the queries share the transaction's one connection.
  const kinds = await records.select(['r.kind', count.as('n')]).groupBy('r.kind').orderBy(sql`count(*)`, 'desc').orderBy('r.kind').execute();
  const rooms = await records
      .leftJoin('entities as e', 'e.id', 'r.room_id')
      .select(['r.room_id', 'e.kind', 'e.label', count.as('n'), groups.as('groups'), (eb) => eb.fn.min('r.occurred_at').as('first'), (eb) => eb.fn.max('r.occurred_at').as('last')])
      .groupBy(['r.room_id', 'e.kind', 'e.label'])
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('r.room_id')
      .limit(OVERVIEW_LIMIT)
      .execute();
  const participants = await records
      .innerJoin('entities as e', 'e.id', 'r.actor_id')
      .select(['r.actor_id', 'e.kind', 'e.label', count.as('n'), groups.as('groups')])
      .groupBy(['r.actor_id', 'e.kind', 'e.label'])
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('r.actor_id')
      .limit(OVERVIEW_LIMIT)
      .execute();
  const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
  return {
    case: scope.target,
    source: { id: source.id, file: source.original_name, format: source.format, status: source.status },
    records: kinds.reduce((sum, row) => sum + Number(row.n), 0),
    kinds: kinds.map((row) => ({ kind: row.kind, records: Number(row.n) })),
    rooms: {
      total: Number(rooms[0]?.groups ?? 0),
      items: rooms.map((row) => ({ room: entityRef(row.room_id, row.kind, row.label), records: Number(row.n), first: iso(row.first), last: iso(row.last) })),
    },
    participants: {
      total: Number(participants[0]?.groups ?? 0),
      items: participants.map((row) => ({ entity: entityRef(row.actor_id, row.kind, row.label), records: Number(row.n) })),
    },
  };
}

const sourceParams = object({ ...(caseParams['properties'] as Record<string, unknown>), id: { type: 'string', pattern: '^[0-9]{1,18}$', description: 'a source id' } });

export default async function recordRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  for (const [name, schema] of Object.entries(RECORD_SCHEMAS)) app.addSchema({ $id: name, ...schema });

  app.get<{ Params: { ref: string }; Querystring: RecordListQuery }>(
    '/api/cases/:ref/records',
    {
      schema: {
        tags: ['records'],
        summary: "A case's records by page, oldest first (or one source's, in line order), with participants, properties and the identifiers each mentions",
        params: caseParams,
        querystring: object(
          {
            kind: { type: 'string', enum: RECORD_KIND_NAMES, description: 'only records of this kind (src/model/records.ts)' },
            source: { type: 'string', pattern: '^[0-9]{1,18}$', description: "only this source's records, in line order" },
            room: { type: 'string', pattern: '^([eE]?[0-9]{1,18}|none)$', description: "only the records of this room (e<id>), or 'none' for records of no room" },
            record: { type: 'string', pattern: '^[rR]?[0-9]{1,18}$', description: 'answer the page that holds this record (offset is then ignored)' },
            sort: { type: 'string', enum: SORT_FIELDS, description: "'line' (a source's default), 'time' (otherwise the default), or a property a record kind declares; ties in line order" },
            desc: flag('sort the other way: largest, latest or last first'),
            ...paging(500, 50),
          },
          ['kind', 'source', 'room', 'record', 'sort', 'desc', 'limit', 'offset'],
        ),
        response: { 200: ref('RecordPage'), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const scope = await caseScope(db, request.params.ref);
        const page = await caseRecords(db, scope, request.query);
        const { kind, source, room, record, sort } = request.query;
        acting.auditRead('record.list', { kind, source, room, record, sort, offset: page.offset, shown: page.items.length }, scope);
        return { case: scope.target, total: page.total, limit: request.query.limit, offset: page.offset, sort: page.sort, desc: page.desc, items: page.items };
      }),
  );

  app.get<{ Params: { ref: string; id: string } }>(
    '/api/cases/:ref/sources/:id/overview',
    {
      schema: {
        tags: ['records'],
        summary: "What a source holds: its records' kinds, and its rooms and participants with how many records each has",
        params: sourceParams,
        response: { 200: ref('SourceOverview'), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const scope = await caseScope(db, request.params.ref);
        const overview = await sourceOverview(db, scope, request.params.id);
        acting.auditRead('source.overview', { source: request.params.id }, scope);
        return overview;
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
        acting.auditRead('record.read', {}, scope);
        return view;
      }),
  );
}
