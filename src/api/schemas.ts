/**
 * The JSON schemas of everything the API takes and sends. Fastify validates requests with them,
 * serialises responses with them, and @fastify/swagger turns the same objects into the OpenAPI
 * document — so the documentation cannot drift from what the server does. Kinds of entity,
 * identifier, link and record, and each kind's properties, come from the model's declaration.
 */
import { ROLES } from '../access/index.ts';
import { ENTITY_KIND_NAMES, ENTITY_KINDS, IDENTIFIER_TYPE_NAMES, LINK_KIND_NAMES, propertiesJsonSchema, RECORD_KIND_NAMES } from '../model/index.ts';

type Schema = Record<string, unknown>;

const string: Schema = { type: 'string' };
const integer: Schema = { type: 'integer' };
const number: Schema = { type: 'number' };
const boolean: Schema = { type: 'boolean' };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const anyObject: Schema = { type: 'object', additionalProperties: true };
const id: Schema = { type: 'string', pattern: '^[0-9]+$', description: 'a database id (digits, as a string: ids may exceed 2^53)' };

/** `schema` or null. */
export function nullable(schema: Schema): Schema {
  if ('$ref' in schema) return { anyOf: [schema, { type: 'null' }] };
  const type = schema['type'];
  return { ...schema, type: [...(Array.isArray(type) ? type : [type]), 'null'] };
}

/** An object with exactly these properties, all required unless listed in `optional`. */
export function object(properties: Record<string, Schema>, optional: readonly string[] = [], description?: string): Schema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    additionalProperties: false,
  };
}

export const arrayOf = (items: Schema, description?: string): Schema => ({ type: 'array', items, ...(description ? { description } : {}) });
export const ref = (name: string): Schema => ({ $ref: `${name}#` });

const pascal = (kind: string) => kind.replace(/(^|_)([a-z])/g, (_, _sep: string, letter: string) => letter.toUpperCase());

const GRAPH_NODE_KINDS = [...ENTITY_KIND_NAMES, 'identifier', 'subject'];
const GRAPH_EDGE_KINDS = [...LINK_KIND_NAMES, 'mentions', 'member'];

/** Shared schemas, registered with `app.addSchema`; OpenAPI lists them under components.schemas by their $id. */
export function sharedSchemas(): Schema[] {
  const schemas: Record<string, Schema> = {
    Problem: object(
      {
        type: { type: 'string', description: "'about:blank': the status says what went wrong" },
        title: string,
        status: integer,
        detail: { type: 'string', description: 'one line saying what went wrong and what to do' },
        instance: { type: 'string', description: 'the path of the request' },
      },
      ['instance'],
      'An error, as RFC 9457 problem details (application/problem+json).',
    ),
    EntityKind: { type: 'string', enum: ENTITY_KIND_NAMES, description: 'entity kinds declared in src/model/entities.ts' },
    IdentifierType: { type: 'string', enum: IDENTIFIER_TYPE_NAMES, description: 'identifier types declared in src/model/identifiers.ts' },
    LinkKind: { type: 'string', enum: LINK_KIND_NAMES, description: 'link kinds declared in src/model/links.ts' },
    RecordKind: { type: 'string', enum: RECORD_KIND_NAMES, description: 'record kinds declared in src/model/records.ts' },
    User: object({ id, name: string, role: { type: 'string', enum: Object.keys(ROLES) }, agency: nullable({ type: 'string', description: 'agency name; null for a node administrator' }) }),
    Session: object({
      user: ref('User'),
      csrfToken: nullable({ type: 'string', description: 'send as X-CSRF-Token on every cookie-authenticated request that is not GET; null when authenticated by a bearer token' }),
      expiresAt: nullable(dateTime),
    }),
    CaseSummary: object({
      ref: string,
      title: nullable(string),
      agency: string,
      officer: nullable(string),
      status: string,
      openedAt: dateTime,
      sources: integer,
      records: integer,
    }),
    Source: object(
      {
        id,
        file: { type: 'string', description: 'the original file name' },
        sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        bytes: integer,
        format: string,
        origin: nullable({ type: 'string', description: 'host:path the file was read from' }),
        ingestedBy: string,
        ingestedAt: dateTime,
        completedAt: nullable(dateTime),
        records: integer,
        rejects: integer,
        status: { type: 'string', description: "'ingesting', 'complete' or 'failed'" },
      },
      [],
      'A source with its chain of custody.',
    ),
    CaseDetail: object({
      ref: string,
      title: nullable(string),
      agency: string,
      officer: nullable(string),
      status: string,
      openedAt: dateTime,
      sources: arrayOf(ref('Source')),
      records: integer,
    }),
    Reject: object({ line: integer, reason: string, raw: string }),
    RejectPage: object({ source: id, file: string, total: integer, limit: integer, offset: integer, items: arrayOf(ref('Reject')) }),
    Job: object(
      {
        id: string,
        kind: { type: 'string', enum: ['ingest', 'hashset'] },
        status: { type: 'string', enum: ['queued', 'running', 'complete', 'failed'] },
        case: nullable(string),
        file: string,
        format: nullable(string),
        phase: nullable({ type: 'string', description: "'fingerprint', 'parse', 'links' (ingest) or 'import' (hash set)" }),
        done: { type: 'integer', description: 'bytes read so far' },
        total: { type: 'integer', description: 'bytes in all' },
        records: integer,
        rejects: integer,
        source: nullable({ ...id, description: 'the source the ingest created (or found: the same file again adds nothing)' }),
        error: nullable(string),
        createdAt: dateTime,
        startedAt: nullable(dateTime),
        finishedAt: nullable(dateTime),
        result: nullable({ ...anyObject, description: "the ingest's or import's report once complete" }),
      },
      [],
      'A background job (an upload being ingested or imported); its progress also arrives as server-sent events.',
    ),
    JobAccepted: object({ job: ref('Job') }),
    RecordHit: object({
      id,
      case: string,
      agency: string,
      kind: ref('RecordKind'),
      occurredAt: nullable(dateTime),
      actor: nullable(string),
      snippet: { type: 'string', description: 'the text with the matches between « and »' },
      score: number,
      source: object({ id, file: string, line: nullable(integer) }),
    }),
    EntityHit: object({ id, case: string, agency: string, kind: ref('EntityKind'), label: string, matched: string, score: number }),
    HitNotice: object(
      {
        reference: { type: 'string', description: 'quote it when calling: the holding officer sees the same reference' },
        kind: { type: 'string', enum: ['identifier', 'subject', 'media'] },
        about: { type: 'string', description: 'what of yours it was about, in your own words' },
        agency: string,
        country: string,
        officer: nullable(string),
        phone: nullable(string),
        email: nullable(string),
      },
      [],
      'Another agency holds this: who to contact. Never that case’s data.',
    ),
    ...hitAndDeconflictionSchemas(),
    SearchResult: object(
      {
        records: object({
          total: integer,
          more: { type: 'boolean', description: 'true when more than `total` records match (counting stops at 1,000; the hits are then the best of the first 1,001 found: narrow the query for the rest)' },
          hits: arrayOf(ref('RecordHit')),
        }),
        entities: arrayOf(ref('EntityHit')),
        hits: arrayOf(ref('HitNotice'), 'when the query names identifiers or @handles: a notice for each that a case you may not see also holds'),
      },
      ['hits'],
    ),
    EntityView: object({
      id,
      kind: ref('EntityKind'),
      key: string,
      label: string,
      case: string,
      agency: string,
      props: { ...anyObject, description: 'the properties its kind declares (components <Kind>Properties)' },
      source: nullable(object({ id, file: string })),
      createdAt: dateTime,
      superseded: { type: 'boolean', description: 'a later correction replaces this row' },
    }),
    IdentifierView: object({ id: { type: 'string', description: 'i<id>: a node id for the graph routes' }, type: ref('IdentifierType'), value: string, display: nullable(string), mentions: integer }),
    EntityRecord: object({
      id,
      kind: ref('RecordKind'),
      occurredAt: nullable(dateTime),
      role: { type: 'string', enum: ['actor', 'target', 'room'] },
      text: nullable(string),
      source: object({ id, file: string, line: nullable(integer) }),
    }),
    LinkView: object({
      id,
      direction: { type: 'string', enum: ['out', 'in'] },
      other: object({ id: { type: 'string', description: 'e<id>' }, kind: ref('EntityKind'), label: string, case: string }),
      weight: number,
      firstSeen: nullable(dateTime),
      lastSeen: nullable(dateTime),
    }),
    LinkGroup: object({ kind: ref('LinkKind'), label: string, total: integer, links: arrayOf(ref('LinkView'), 'at most 200 per kind; `total` counts all') }),
    EntityPage: object({
      entity: ref('EntityView'),
      identifiers: arrayOf(ref('IdentifierView')),
      subject: nullable(object({ id, label: nullable(string), members: integer })),
      records: object({
        total: integer,
        more: { type: 'boolean', description: 'true when there are more than `total` (counting stops at 10,000)' },
        limit: integer,
        offset: integer,
        items: arrayOf(ref('EntityRecord')),
      }),
      links: arrayOf(ref('LinkGroup')),
    }),
    SubjectSummary: object({ id, label: nullable(string), members: integer, cases: arrayOf(string) }),
    SubjectPage: object({ total: integer, limit: integer, offset: integer, items: arrayOf(ref('SubjectSummary')) }),
    SubjectMember: object({
      entity: id,
      kind: ref('EntityKind'),
      case: string,
      source: nullable(string),
      key: string,
      label: string,
      score: number,
      reasons: arrayOf(anyObject, 'why resolution put it here: the pair it matched and the field comparisons'),
    }),
    Subject: object(
      { id, label: nullable(string), members: arrayOf(ref('SubjectMember')), hits: arrayOf(ref('HitNotice'), 'members in cases you may not see: who holds them, to contact') },
      ['hits'],
    ),
    MatchDecision: object({ a: id, b: id, verdict: { type: 'string', enum: ['confirm', 'reject'] }, decidedBy: string }),
    GraphNode: object(
      {
        id: { type: 'string', description: 'e<id> entity, i<id> identifier, s<id> subject' },
        kind: { type: 'string', enum: GRAPH_NODE_KINDS },
        label: string,
        caseRef: string,
        agency: string,
        identifierType: ref('IdentifierType'),
        props: anyObject,
        police: { type: 'boolean', enum: [true], description: 'an account police operate (a law-enforcement identity): police activity, never a suspect' },
      },
      ['caseRef', 'agency', 'identifierType', 'police'],
    ),
    GraphEdge: object(
      {
        id: string,
        source: string,
        target: string,
        kind: { type: 'string', enum: GRAPH_EDGE_KINDS },
        directed: boolean,
        weight: number,
        firstSeen: nullable(dateTime),
        lastSeen: nullable(dateTime),
        caseRef: string,
        props: anyObject,
      },
      ['caseRef'],
    ),
    Neighbourhood: object({
      start: arrayOf(string, 'the node ids `ref` named'),
      nodes: arrayOf(ref('GraphNode')),
      edges: arrayOf(ref('GraphEdge')),
      hubs: arrayOf(object({ id: string, degree: integer }), 'identifiers shown but not expanded: too many entities share them'),
      truncated: { type: 'boolean', description: 'true when the node limit stopped the expansion' },
    }),
    FoundNode: object({ id: string, label: string, caseRef: nullable(string) }, ['caseRef']),
    Path: object({
      nodes: arrayOf(ref('GraphNode')),
      steps: arrayOf(object({ from: string, to: string, evidence: arrayOf(ref('GraphEdge')) })),
      length: { type: 'number', description: 'sum of 1/strength: strong evidence is short' },
    }),
    Paths: object({ from: ref('FoundNode'), to: ref('FoundNode'), paths: arrayOf(ref('Path')) }),
    Community: object({
      id: integer,
      size: integer,
      leading: arrayOf(object({ id: string, label: string, kind: string, caseRef: string }, ['caseRef'])),
      cases: arrayOf(string),
      agencies: arrayOf(string),
    }),
    Communities: object({ modularity: number, count: integer, communities: arrayOf(ref('Community')) }),
    CentralNode: object({ id: string, label: string, kind: string, caseRef: string, degree: integer, strength: number, pagerank: number, betweenness: number }, ['caseRef']),
    Broker: object({
      id: string,
      label: string,
      kind: string,
      caseRef: string,
      communities: integer,
      cases: arrayOf(string),
      agencies: arrayOf(string),
      betweenness: number,
      score: number,
      reason: string,
    }, ['caseRef']),
    Central: object({ central: arrayOf(ref('CentralNode')), brokers: arrayOf(ref('Broker')) }, ['central', 'brokers'], '`central` (PageRank, betweenness, degree), or `brokers` when asked for'),
    SimilarCase: object({
      case: string,
      agency: string,
      score: number,
      reasons: arrayOf(string),
      shared: arrayOf(
        object({ what: { type: 'string', enum: ['subject', 'identifier', 'chat_room', 'merchant', 'media', 'time'] }, type: string, label: string, cases: integer, weight: number }, ['type', 'cases']),
      ),
    }),
    TimelineEntry: object({
      record: id,
      at: nullable(dateTime),
      kind: ref('RecordKind'),
      case: string,
      actor: nullable(string),
      target: nullable(string),
      room: nullable(string),
      text: nullable(string),
      source: object({ file: string, line: nullable(integer) }),
      police: { type: 'boolean', enum: [true], description: 'the actor is an identity police operated at the time: police activity' },
    }, ['police']),
    Timeline: object({
      of: object({ kind: { type: 'string', enum: ['case', 'subject', 'entity'] }, id, label: string }),
      total: integer,
      entries: arrayOf(ref('TimelineEntry')),
    }),
    Place: object({
      label: string,
      latitude: nullable(number),
      longitude: nullable(number),
      from: { type: 'string', enum: ['location', 'exif', 'address', 'merchant'] },
      entity: string,
      case: string,
    }),
    MediaItem: object(
      {
        entity: { type: 'string', description: 'e<id>; view it (opt-in, audited) at /api/media/{id}/view' },
        file: string,
        mimeType: nullable(string),
        bytes: nullable(integer),
        width: nullable(integer),
        height: nullable(integer),
        md5: nullable(string),
        sha1: nullable(string),
        sha256: string,
        pdq: nullable(string),
        quality: nullable(integer),
        capturedAt: nullable(string),
        camera: nullable(string),
        gps: nullable(object({ latitude: number, longitude: number })),
        category: nullable({ type: 'string', description: "your agency's latest category for this hash" }),
      },
      [],
      'A media file: hashes and metadata, never pixels.',
    ),
    MediaPage: object({ case: string, total: integer, limit: integer, offset: integer, items: arrayOf(ref('MediaItem')) }),
    MediaHit: object(
      {
        where: { type: 'string', enum: ['case', 'hash_set'] },
        signal: { type: 'string', enum: ['sha256', 'md5', 'sha1', 'pdq'] },
        distance: integer,
        case: string,
        agency: string,
        entity: string,
        file: string,
        set: string,
        category: nullable(string),
        series: nullable(string),
        victimIdentified: nullable(boolean),
      },
      ['case', 'agency', 'entity', 'file', 'set', 'category', 'series', 'victimIdentified'],
    ),
    MediaHits: object({
      media: object({ entity: string, file: string, sha256: string, pdq: nullable(string), quality: nullable(integer), category: nullable(string) }),
      hits: arrayOf(ref('MediaHit')),
    }),
    Categorisation: object({ sha256: string, category: string, by: string, agency: string }),
    HashSet: object({
      id,
      name: string,
      kind: { type: 'string', enum: ['categorised', 'known_good'] },
      format: string,
      file: string,
      sha256: string,
      entries: integer,
      importedBy: string,
      importedAt: dateTime,
    }),
    ExportFormat: object({ name: string, extension: string, mediaType: string, description: string }),
    AuditEntry: object({ id, at: dateTime, actor: string, action: string, agency: nullable(string), case: nullable(string), target: nullable(string), details: anyObject }),
    AuditReport: object(
      {
        ok: boolean,
        rows: integer,
        brokenAt: object({ id, reason: string }),
        head: nullable(object({ id, hash: string })),
        headFound: boolean,
      },
      ['brokenAt', 'headFound'],
    ),
    Stats: object({
      totals: { type: 'object', additionalProperties: { type: 'integer' }, description: 'rows per table that you may see' },
      cases: arrayOf(object({ ref: string, agency: string, title: nullable(string), sources: integer, records: integer, entities: integer, links: integer })),
    }),
    Health: object({ status: { type: 'string', enum: ['ok'] }, version: string, backend: { type: 'string', enum: ['embedded', 'postgres'] } }),
  };
  // Each kind's declared properties, for reading EntityView.props.
  for (const [kind, spec] of Object.entries(ENTITY_KINDS)) {
    schemas[`${pascal(kind)}Properties`] = { ...propertiesJsonSchema(spec.properties), description: `properties of a ${spec.label.toLowerCase()} entity` };
  }
  return Object.entries(schemas).map(([name, schema]) => ({ $id: name, ...schema }));
}

/** Hits both ways, deconfliction and law-enforcement identities (access/hits.ts, deconfliction.ts, identities.ts). */
function hitAndDeconflictionSchemas(): Record<string, Schema> {
  const contact = { agency: string, officer: nullable(string), phone: nullable(string), email: nullable(string) };
  const seen = { count: { type: 'integer', description: 'how many times' }, firstSeen: dateTime, lastSeen: dateTime };
  return {
    RaisedHit: object(
      {
        reference: string,
        kind: { type: 'string', enum: ['identifier', 'subject', 'media'] },
        about: { type: 'string', description: 'what of yours it was about, in your own words' },
        agency: string,
        country: string,
        officer: nullable(string),
        phone: nullable(string),
        email: nullable(string),
        ...seen,
      },
      [],
      'A hit you raised: the holding agency’s contact, never its case.',
    ),
    ReceivedHit: object(
      {
        reference: string,
        kind: { type: 'string', enum: ['identifier', 'subject', 'media'] },
        case: { type: 'string', description: 'your case that holds it' },
        what: { type: 'string', description: 'what of your case the seeker met' },
        seeker: object({ user: string, agency: nullable(string), country: nullable(string), phone: nullable(string), email: nullable(string) }, [], 'who looked, and how to reach them'),
        ...seen,
      },
      [],
      'A hit on a case of yours: someone who may not see it looked up what it holds.',
    ),
    HitList: object({ raised: arrayOf(ref('RaisedHit')), received: arrayOf(ref('ReceivedHit')) }),
    CaseContact: object({ case: string, phone: nullable(string), email: nullable(string) }),
    Contact: object(contact, [], 'the other side’s point of contact, nothing more'),
    Registration: object({
      id,
      case: string,
      kind: { type: 'string', enum: ['target', 'operation'] },
      selector: nullable(object({ type: string, shown: { type: 'string', description: 'as typed (a card: its safe rendering)' } })),
      subject: nullable(id),
      operation: nullable(
        object({
          kind: string,
          from: dateTime,
          to: dateTime,
          place: nullable(string),
          latitude: nullable(number),
          longitude: nullable(number),
          radiusM: nullable(number),
        }),
      ),
      registeredAt: dateTime,
    }),
    Alert: object(
      {
        id,
        raisedAt: dateTime,
        reason: { type: 'string', enum: ['target', 'operation'] },
        case: nullable({ type: 'string', description: 'your case whose registration met the other side' }),
        registration: nullable(id),
        identity: nullable({ ...id, description: "your agency's law-enforcement identity that another unit targets" }),
        contact: ref('Contact'),
        from: object(
          {
            node: { type: 'string', description: "the other agency's node" },
            country: string,
            reference: { type: 'string', description: 'quote it when calling' },
          },
          [],
          "only on an alert another agency's node raised (federation)",
        ),
      },
      ['from'],
      'Another unit works the same target, or the same place and time: whom to call.',
    ),
    Deconfliction: object({ registrations: arrayOf(ref('Registration')), alerts: arrayOf(ref('Alert')) }),
    Registered: object(
      {
        registration: ref('Registration'),
        created: { type: 'boolean', description: 'false when the case had registered this target before' },
        alerts: arrayOf(ref('Alert')),
        warnings: { ...arrayOf(string), description: "what to know about it, e.g. an operation too large to be offered to other agencies' nodes" },
      },
    ),
    Conflicts: object({ case: string, conflicts: arrayOf(object({ reason: { type: 'string', enum: ['target', 'operation'] }, contact: ref('Contact') })) }),
    Identity: object({
      id,
      type: string,
      selector: { type: 'string', description: 'as typed (a card: its safe rendering)' },
      platform: nullable(string),
      officer: string,
      authority: string,
      from: day,
      to: nullable(day),
      note: nullable(string),
      active: boolean,
      retiredAt: nullable(dateTime),
      addedAt: dateTime,
    }),
    IdentityAdded: object({ identity: ref('Identity'), alerts: { type: 'integer', description: 'deconfliction alerts raised: another unit targets it' } }),
  };
}

/** Error responses a route may give, all problem+json. */
export function problems(...statuses: number[]): Record<number, Schema> {
  return Object.fromEntries(statuses.map((status) => [status, { description: describeStatus(status), content: { 'application/problem+json': { schema: ref('Problem') } } }]));
}

function describeStatus(status: number): string {
  switch (status) {
    case 400:
      return 'the request is invalid';
    case 401:
      return 'not signed in (no session cookie or bearer token, or it expired)';
    case 403:
      return 'signed in, but not allowed (role, or a missing CSRF token)';
    case 404:
      return 'nothing by that name that you may see';
    case 409:
      return 'conflicts with what is there';
    case 413:
      return 'too large';
    case 429:
      return 'too many attempts; wait (see Retry-After)';
    default:
      return 'problem';
  }
}

export const paging = (maxLimit: number, defaultLimit: number): Record<string, Schema> => ({
  limit: { type: 'integer', minimum: 1, maximum: maxLimit, default: defaultLimit },
  offset: { type: 'integer', minimum: 0, default: 0 },
});

/** A yes/no query parameter: 1/0 or true/false. */
export const flag = (description: string): Schema => ({ type: 'string', enum: ['1', '0', 'true', 'false'], default: '0', description });
export const isOn = (value: string | undefined): boolean => value === '1' || value === 'true';

export const day: Schema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a day, YYYY-MM-DD' };
export { anyObject, boolean, dateTime, id, integer, number, string };
export type { Schema };
