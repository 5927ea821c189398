/**
 * Read queries the web app's screens need that the store does not offer yet: the case list with
 * counts, a case's sources (chain of custody), a source's rejects, an entity's page, subjects by
 * page, a case's media, hash sets. They run inside `withUser`, so row-level security limits them
 * to what the user may see like every other read. They belong in store/repositories/ — they are
 * here only until the store's owner takes them (see the API's notes in DESIGN.md).
 */
import { sql, type Kysely } from 'kysely';
import { LINK_KINDS, UserError, type LinkKind } from '../model/index.ts';
import type { Database } from '../store/index.ts';

type Db = Kysely<Database>;

const iso = (value: Date | string | null | undefined): string | null => (value === null || value === undefined ? null : new Date(value).toISOString());
const int = (value: string | number | bigint | null | undefined): number => (value === null || value === undefined ? 0 : Number(value));

export interface CaseSummaryView {
  ref: string;
  title: string | null;
  agency: string;
  officer: string | null;
  status: string;
  openedAt: string;
  sources: number;
  records: number;
}

/** The cases the user may see, with how many sources and records each holds. */
export async function caseSummaries(db: Db, ref?: string): Promise<CaseSummaryView[]> {
  const rows = await sql<{ id: string; ref: string; title: string | null; agency: string; officer: string | null; status: string; created_at: Date; sources: string | null; records: string | null }>`
    SELECT c.id, c.ref, c.title, a.name AS agency, c.officer, c.status, c.created_at, s.sources, s.records
    FROM cases c
    JOIN agencies a ON a.id = c.agency_id
    LEFT JOIN (SELECT case_id, count(*) AS sources, sum(record_count) AS records FROM sources GROUP BY case_id) s ON s.case_id = c.id
    WHERE ${ref === undefined ? sql`true` : sql`lower(c.ref) = ${ref.trim().toLowerCase()}`}
    ORDER BY c.ref`.execute(db);
  return rows.rows.map((row) => ({
    ref: row.ref,
    title: row.title,
    agency: row.agency,
    officer: row.officer,
    status: row.status,
    openedAt: iso(row.created_at)!,
    sources: int(row.sources),
    records: int(row.records),
  }));
}

export interface SourceView {
  id: string;
  file: string;
  sha256: string;
  bytes: number;
  format: string;
  origin: string | null;
  ingestedBy: string;
  ingestedAt: string;
  completedAt: string | null;
  records: number;
  rejects: number;
  status: string;
}

const noCase = (ref: string) => new UserError(`no case '${ref}' that you may see`, 'not_found');

/** A case with its sources and their chain of custody. */
export async function caseDetail(db: Db, ref: string): Promise<Omit<CaseSummaryView, 'sources'> & { sources: SourceView[] }> {
  const [summary] = await caseSummaries(db, ref);
  if (!summary) throw noCase(ref);
  const rows = await db
    .selectFrom('sources as s')
    .innerJoin('cases as c', 'c.id', 's.case_id')
    .selectAll('s')
    .where(sql<boolean>`lower(c.ref) = ${ref.trim().toLowerCase()}`)
    .orderBy('s.id')
    .execute();
  return {
    ...summary,
    sources: rows.map((row) => ({
      id: row.id,
      file: row.original_name,
      sha256: row.sha256,
      bytes: Number(row.bytes),
      format: row.format,
      origin: row.origin,
      ingestedBy: row.ingested_by,
      ingestedAt: iso(row.ingested_at)!,
      completedAt: iso(row.completed_at),
      records: row.record_count,
      rejects: row.reject_count,
      status: row.status,
    })),
  };
}

/** A source's rejected lines, by page. */
export async function sourceRejects(db: Db, caseRef: string, sourceId: string, page: { limit: number; offset: number }) {
  const source = /^[0-9]{1,18}$/.test(sourceId)
    ? await db
        .selectFrom('sources as s')
        .innerJoin('cases as c', 'c.id', 's.case_id')
        .select(['s.id', 's.original_name'])
        .where('s.id', '=', sourceId)
        .where(sql<boolean>`lower(c.ref) = ${caseRef.trim().toLowerCase()}`)
        .executeTakeFirst()
    : undefined;
  if (!source) throw new UserError(`no source ${sourceId} in a case '${caseRef}' that you may see`, 'not_found');
  const total = await db.selectFrom('source_rejects').select((eb) => eb.fn.countAll<string>().as('n')).where('source_id', '=', source.id).executeTakeFirstOrThrow();
  const items = await db
    .selectFrom('source_rejects')
    .select(['line', 'reason', 'raw'])
    .where('source_id', '=', source.id)
    .orderBy('line')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { source: source.id, file: source.original_name, total: int(total.n), ...page, items };
}

/** Records an entity's page counts exactly; past this it says "10,000+" (`more`), as search does. */
export const ENTITY_RECORD_COUNT_LIMIT = 10_000;

/**
 * The records an entity takes part in (as actor, target or room), by page in time order, and how
 * many (capped). A room may hold hundreds of thousands of messages: each role is read on its own
 * index (migration 0013), which is ordered as the page is and carries the columns row-level
 * security and the role checks need, so a page reads offset+limit index entries per role and then
 * only its own rows, and the count is three index-only scans stopped at the cap — instead of one
 * `actor OR target OR room` scan that sorted and counted every record. A record is listed once,
 * under its first role in the order actor, target, room.
 */
async function entityRecords(db: Db, entityId: string, page: { limit: number; offset: number }) {
  const id = sql`${entityId}::bigint`;
  const roles = [
    sql`r.actor_id = ${id}`,
    sql`r.target_id = ${id} AND r.actor_id IS DISTINCT FROM ${id}`,
    sql`r.room_id = ${id} AND r.actor_id IS DISTINCT FROM ${id} AND r.target_id IS DISTINCT FROM ${id}`,
  ];
  const cap = ENTITY_RECORD_COUNT_LIMIT + 1;
  const counts = roles.map((role) => sql`(SELECT count(*) FROM (SELECT 1 FROM records r WHERE ${role} LIMIT ${cap}) capped)`);
  const reach = page.offset + page.limit;
  const firsts = roles.map((role) => sql`(SELECT r.id, r.occurred_at FROM records r WHERE ${role} ORDER BY r.occurred_at NULLS LAST, r.id LIMIT ${reach})`);
  // One statement for the count and the page (a round trip each is felt under load).
  const rows = await sql<{ n: string; id: string | null; kind: string; occurred_at: Date | null; actor_id: string | null; target_id: string | null; text: string | null; file: string; source_id: string; line: number | null }>`
    SELECT counted.n, shown.*
    FROM (SELECT ${sql.join(counts, sql` + `)} AS n) counted
    LEFT JOIN LATERAL (
      SELECT r.id, r.kind, r.occurred_at, r.actor_id, r.target_id, left(r.text, 500) AS text, s.original_name AS file, r.source_id, r.line, p.id AS page_id, p.occurred_at AS page_at
      FROM (SELECT id, occurred_at FROM (${sql.join(firsts, sql` UNION ALL `)}) taking
            ORDER BY occurred_at NULLS LAST, id LIMIT ${page.limit} OFFSET ${page.offset}) p
      JOIN records r ON r.id = p.id
      JOIN sources s ON s.id = r.source_id) shown ON true
    ORDER BY shown.page_at NULLS LAST, shown.page_id`.execute(db);
  const total = int(rows.rows[0]?.n);
  const items = rows.rows.filter((row) => row.id !== null);
  return {
    total: Math.min(total, ENTITY_RECORD_COUNT_LIMIT),
    more: total > ENTITY_RECORD_COUNT_LIMIT,
    ...page,
    items: items.map((record) => ({
      id: record.id!,
      kind: record.kind,
      occurredAt: iso(record.occurred_at),
      role: record.actor_id === entityId ? ('actor' as const) : record.target_id === entityId ? ('target' as const) : ('room' as const),
      text: record.text,
      source: { id: record.source_id, file: record.file, line: record.line },
    })),
  };
}

/** Links shown per kind on an entity's page; the rest are counted. */
const LINKS_PER_KIND = 200;

/** An entity's page: what it is, its identifiers, its subject, the records it takes part in (by page), its links by kind. */
export async function entityPage(db: Db, entityId: string, page: { limit: number; offset: number }) {
  const notFound = new UserError(`no entity ${entityId} that you may see`, 'not_found');
  if (!/^[0-9]{1,18}$/.test(entityId)) throw notFound;
  const row = await sql<{
    id: string;
    kind: string;
    key: string;
    label: string;
    case_ref: string;
    agency: string;
    props: Record<string, unknown>;
    source_id: string | null;
    source_file: string | null;
    created_at: Date;
    superseded: boolean;
    case_id: string;
    agency_id: string;
    subject_id: string | null;
    subject_label: string | null;
    subject_members: string | null;
  }>`
    SELECT e.id, e.kind, e.key, e.label, c.ref AS case_ref, a.name AS agency, e.props, e.source_id, s.original_name AS source_file, e.created_at,
           EXISTS (SELECT 1 FROM entities later WHERE later.supersedes = e.id) AS superseded, e.case_id, e.agency_id,
           subject.id AS subject_id, subject.label AS subject_label, subject.members AS subject_members
    FROM entities e JOIN cases c ON c.id = e.case_id JOIN agencies a ON a.id = e.agency_id LEFT JOIN sources s ON s.id = e.source_id
    LEFT JOIN LATERAL (
      SELECT sj.id, crosslink_subject_label(sj.id) AS label, (SELECT count(*) FROM subject_members all_members WHERE all_members.subject_id = sj.id) AS members
      FROM subject_members sm JOIN subjects sj ON sj.id = sm.subject_id WHERE sm.entity_id = e.id LIMIT 1) subject ON true
    WHERE e.id = ${entityId}`.execute(db);
  const entity = row.rows[0];
  if (!entity) throw notFound;

  const identifiers = await sql<{ id: string; type: string; value: string; display: string | null; mentions: string }>`
    SELECT i.id, i.type, i.value, i.display, count(*) AS mentions
    FROM mentions m JOIN identifiers i ON i.id = m.identifier_id
    WHERE m.entity_id = ${entityId}
    GROUP BY i.id ORDER BY i.type, i.value`.execute(db);

  const records = await entityRecords(db, entityId, page);

  const links = await sql<{ id: string; kind: string; out: boolean; other_id: string; other_kind: string; other_label: string; other_case: string; weight: number; first_seen: Date | null; last_seen: Date | null; total: string; rank: string }>`
    SELECT * FROM (
      SELECT l.id, l.kind, l.from_entity_id = ${entityId} AS out, o.id AS other_id, o.kind AS other_kind, o.label AS other_label, c.ref AS other_case,
             l.weight, l.first_seen, l.last_seen,
             count(*) OVER (PARTITION BY l.kind) AS total,
             row_number() OVER (PARTITION BY l.kind ORDER BY l.weight DESC, l.id) AS rank
      FROM links l
      JOIN entities o ON o.id = CASE WHEN l.from_entity_id = ${entityId} THEN l.to_entity_id ELSE l.from_entity_id END
      JOIN cases c ON c.id = o.case_id
      WHERE (l.from_entity_id = ${entityId} OR l.to_entity_id = ${entityId}) AND l.supersedes IS NULL) ranked
    WHERE rank <= ${LINKS_PER_KIND}
    ORDER BY kind, rank`.execute(db);
  const groups = new Map<string, { kind: string; label: string; total: number; links: unknown[] }>();
  for (const link of links.rows) {
    const group = groups.get(link.kind) ?? { kind: link.kind, label: LINK_KINDS[link.kind as LinkKind]?.label ?? link.kind, total: int(link.total), links: [] };
    group.links.push({
      id: link.id,
      direction: link.out ? 'out' : 'in',
      other: { id: `e${link.other_id}`, kind: link.other_kind, label: link.other_label, case: link.other_case },
      weight: Number(link.weight),
      firstSeen: iso(link.first_seen),
      lastSeen: iso(link.last_seen),
    });
    groups.set(link.kind, group);
  }

  return {
    /** Where the audit entry of this read belongs (not part of the page). */
    scope: { caseId: entity.case_id, agencyId: entity.agency_id },
    entity: {
      id: entity.id,
      kind: entity.kind,
      key: entity.key,
      label: entity.label,
      case: entity.case_ref,
      agency: entity.agency,
      props: entity.props,
      source: entity.source_id === null ? null : { id: entity.source_id, file: entity.source_file ?? '' },
      createdAt: iso(entity.created_at)!,
      superseded: entity.superseded,
    },
    identifiers: identifiers.rows.map((identifier) => ({ id: `i${identifier.id}`, type: identifier.type, value: identifier.value, display: identifier.display, mentions: int(identifier.mentions) })),
    subject: entity.subject_id === null ? null : { id: entity.subject_id, label: entity.subject_label, members: int(entity.subject_members) },
    records,
    links: [...groups.values()],
  };
}

/** Subjects with a member the user may see, largest first; members and cases counted among the visible ones. */
export async function subjectPage(db: Db, page: { limit: number; offset: number }) {
  const total = await sql<{ n: string }>`SELECT count(DISTINCT subject_id) AS n FROM subject_members`.execute(db);
  const rows = await sql<{ id: string; label: string | null; members: string; cases: string[] }>`
    SELECT s.id, crosslink_subject_label(s.id) AS label, m.members, m.cases
    FROM (SELECT sm.subject_id, count(*) AS members, array_agg(DISTINCT c.ref ORDER BY c.ref) AS cases
          FROM subject_members sm JOIN cases c ON c.id = sm.case_id GROUP BY sm.subject_id) m
    JOIN subjects s ON s.id = m.subject_id
    ORDER BY m.members DESC, s.id
    LIMIT ${page.limit} OFFSET ${page.offset}`.execute(db);
  return { total: int(total.rows[0]?.n), ...page, items: rows.rows.map((row) => ({ id: row.id, label: row.label, members: int(row.members), cases: row.cases })) };
}

const text = (props: Record<string, unknown>, name: string): string | null => (typeof props[name] === 'string' && props[name] !== '' ? (props[name] as string) : null);
const whole = (props: Record<string, unknown>, name: string): number | null => (typeof props[name] === 'number' && Number.isFinite(props[name]) ? Math.round(props[name] as number) : null);

/** A case's media files: hashes and metadata (never pixels), with the agency's latest category for each. */
export async function caseMedia(db: Db, caseRef: string, agencyId: string | null, page: { limit: number; offset: number }) {
  const found = await sql<{ id: string; ref: string }>`SELECT id, ref FROM cases WHERE lower(ref) = ${caseRef.trim().toLowerCase()}`.execute(db);
  const target = found.rows[0];
  if (!target) throw noCase(caseRef);
  const where = sql`e.case_id = ${target.id} AND e.kind = 'media' AND e.supersedes IS NULL`;
  const total = await sql<{ n: string }>`SELECT count(*) AS n FROM entities e WHERE ${where}`.execute(db);
  const rows = await sql<{ id: string; label: string; props: Record<string, unknown>; category: string | null }>`
    SELECT e.id, e.label, e.props,
           (SELECT mc.category FROM media_categories mc WHERE mc.sha256 = e.props->>'sha256' AND mc.agency_id = ${agencyId} ORDER BY mc.id DESC LIMIT 1) AS category
    FROM entities e WHERE ${where}
    ORDER BY e.id LIMIT ${page.limit} OFFSET ${page.offset}`.execute(db);
  return {
    case: target.ref,
    total: int(total.rows[0]?.n),
    ...page,
    items: rows.rows.map(({ id, label, props, category }) => {
      const latitude = typeof props['gps_latitude'] === 'number' ? props['gps_latitude'] : null;
      const longitude = typeof props['gps_longitude'] === 'number' ? props['gps_longitude'] : null;
      const camera = [text(props, 'camera_make'), text(props, 'camera_model'), text(props, 'camera_serial') ? `serial ${text(props, 'camera_serial')}` : null].filter(Boolean).join(' ');
      return {
        entity: `e${id}`,
        file: text(props, 'file_name') ?? label,
        mimeType: text(props, 'mime_type'),
        bytes: whole(props, 'bytes'),
        width: whole(props, 'width'),
        height: whole(props, 'height'),
        md5: text(props, 'md5'),
        sha1: text(props, 'sha1'),
        sha256: text(props, 'sha256') ?? '',
        pdq: text(props, 'pdq'),
        quality: whole(props, 'pdq_quality'),
        capturedAt: text(props, 'captured_at'),
        camera: camera === '' ? null : camera,
        gps: latitude !== null && longitude !== null ? { latitude, longitude } : null,
        category,
      };
    }),
  };
}

/** Where a media entity's file was read from: the folder source's origin (host:folder) and the file's path in it. */
export async function mediaFile(db: Db, entityId: string): Promise<{ id: string; caseId: string; agencyId: string; sha256: string | null; origin: string | null; relativePath: string | null; mimeType: string | null } | undefined> {
  if (!/^[0-9]{1,18}$/.test(entityId)) return undefined;
  const rows = await sql<{ id: string; case_id: string; agency_id: string; sha256: string | null; mime_type: string | null; origin: string | null; relative_path: string | null }>`
    SELECT e.id, e.case_id, e.agency_id, e.props->>'sha256' AS sha256, e.props->>'mime_type' AS mime_type, s.origin, r.key AS relative_path
    FROM entities e
    LEFT JOIN LATERAL (SELECT r.key, r.source_id FROM records r WHERE r.actor_id = e.id AND r.kind = 'media' ORDER BY r.id LIMIT 1) r ON true
    LEFT JOIN sources s ON s.id = coalesce(r.source_id, e.source_id)
    WHERE e.id = ${entityId} AND e.kind = 'media'`.execute(db);
  const row = rows.rows[0];
  return row && { id: row.id, caseId: row.case_id, agencyId: row.agency_id, sha256: row.sha256, origin: row.origin, relativePath: row.relative_path, mimeType: row.mime_type };
}

/** Imported hash sets (hashes, numbers and categories only: every user may list them). */
export async function hashSets(db: Db) {
  const rows = await db.selectFrom('hash_sets').selectAll().orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    kind: row.kind,
    format: row.format,
    file: row.file_name,
    sha256: row.file_sha256,
    entries: row.entries,
    importedBy: row.imported_by,
    importedAt: iso(row.imported_at)!,
  }));
}

/** Agency names by id: the directory every user may read. */
export async function agencyName(db: Db, agencyId: string | null): Promise<string | null> {
  if (agencyId === null) return null;
  const row = await db.selectFrom('agencies').select('name').where('id', '=', agencyId).executeTakeFirst();
  return row?.name ?? null;
}
