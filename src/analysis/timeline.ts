/**
 * Timelines and places. A case's timeline is its records in time order; a subject's is every
 * record its member entities acted in or were the target of, across the cases one may see — each
 * with its source file and line, so any entry can be shown in the original evidence.
 *
 * Places come from location entities, EXIF positions of media, and address fields of people and
 * merchants; only what the data says, never geocoded guesses.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { policeOperatedEntities, withinPoliceWindow } from '../access/index.ts';
import { UserError } from '../model/index.ts';
import { visibleCases as visible, type Database } from '../store/index.ts';

export interface TimelineEntry {
  record: string;
  at: string | null;
  kind: string;
  case: string;
  actor: string | null;
  target: string | null;
  room: string | null;
  text: string | null;
  source: { file: string; line: number | null };
  /** Set when the actor is an identity police operated at the time: police activity, never a suspect's. */
  police?: true;
}

export interface Timeline {
  of: { kind: 'case' | 'subject' | 'entity'; id: string; label: string };
  total: number;
  entries: TimelineEntry[];
}

export interface TimelineOptions {
  visibleCaseIds?: readonly string[];
  from?: Date;
  to?: Date;
  limit?: number;
  offset?: number;
}

export interface Place {
  label: string;
  latitude: number | null;
  longitude: number | null;
  /** Where it comes from: a location entity, a photo's EXIF, a person's address, a merchant. */
  from: 'location' | 'exif' | 'address' | 'merchant';
  entity: string;
  case: string;
}

/** What a timeline is of: a case reference, a subject (`s12` or `subject:12`) or an entity (`e34`). */
export async function resolveTimelineTarget(
  db: Kysely<Database>,
  reference: string,
  visibleCaseIds: readonly string[] | undefined,
): Promise<{ kind: 'case' | 'subject' | 'entity'; id: string; label: string; entityIds?: string[] }> {
  const subject = /^(?:s|subject:)(\d+)$/i.exec(reference);
  if (subject) {
    const members = await sql<{ entity_id: string; label: string | null }>`
      SELECT sm.entity_id, crosslink_subject_label(s.id) AS label FROM subject_members sm JOIN subjects s ON s.id = sm.subject_id
      WHERE sm.subject_id = ${subject[1]!} AND ${visible('sm.case_id', visibleCaseIds)}`.execute(db);
    if (members.rows.length === 0) throw new UserError(`no subject ${subject[1]} that you may see`, 'not_found');
    return { kind: 'subject', id: subject[1]!, label: members.rows[0]!.label ?? `subject ${subject[1]}`, entityIds: members.rows.map((row) => row.entity_id) };
  }
  const entity = /^(?:e|entity:)(\d+)$/i.exec(reference);
  if (entity) {
    const row = await sql<{ id: string; label: string }>`SELECT id, label FROM entities e WHERE id = ${entity[1]!} AND ${visible('e.case_id', visibleCaseIds)}`.execute(db);
    if (row.rows.length === 0) throw new UserError(`no entity ${entity[1]} that you may see`, 'not_found');
    return { kind: 'entity', id: entity[1]!, label: row.rows[0]!.label, entityIds: [entity[1]!] };
  }
  const found = await sql<{ id: string; ref: string; title: string | null }>`
    SELECT id, ref, title FROM cases c WHERE lower(ref) = ${reference.toLowerCase()} AND ${visible('c.id', visibleCaseIds)}`.execute(db);
  if (found.rows.length === 0) throw new UserError(`no case, subject (s<id>) or entity (e<id>) '${reference}' that you may see`, 'not_found');
  const row = found.rows[0]!;
  return { kind: 'case', id: row.id, label: row.title ? `${row.ref} — ${row.title}` : row.ref };
}

export async function timeline(db: Kysely<Database>, reference: string, options: TimelineOptions = {}): Promise<Timeline> {
  const target = await resolveTimelineTarget(db, reference, options.visibleCaseIds);
  const conditions: RawBuilder<unknown>[] = [visible('r.case_id', options.visibleCaseIds)];
  if (target.kind === 'case') conditions.push(sql`r.case_id = ${target.id}`);
  else {
    const ids = target.entityIds!;
    conditions.push(sql`(r.actor_id = ANY(${ids}::bigint[]) OR r.target_id = ANY(${ids}::bigint[]))`);
  }
  if (options.from) conditions.push(sql`r.occurred_at >= ${options.from.toISOString()}::timestamptz`);
  if (options.to) conditions.push(sql`r.occurred_at < ${options.to.toISOString()}::timestamptz`);
  const where = sql.join(conditions, sql` AND `);
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
  const offset = Math.max(options.offset ?? 0, 0);
  const counted = await sql<{ n: string }>`SELECT count(*) AS n FROM records r WHERE ${where}`.execute(db);
  const rows = await sql<{ id: string; occurred_at: Date | null; kind: string; case_ref: string; actor_id: string | null; actor: string | null; target: string | null; room: string | null; text: string | null; file: string; line: number | null }>`
    SELECT r.id, r.occurred_at, r.actor_id, r.kind, c.ref AS case_ref, actor.label AS actor, target.label AS target, room.label AS room,
           left(r.text, 500) AS text, s.original_name AS file, r.line
    FROM (SELECT * FROM records r WHERE ${where} ORDER BY r.occurred_at NULLS LAST, r.id LIMIT ${limit} OFFSET ${offset}) r
    JOIN cases c ON c.id = r.case_id
    JOIN sources s ON s.id = r.source_id
    LEFT JOIN entities actor ON actor.id = r.actor_id
    LEFT JOIN entities target ON target.id = r.target_id
    LEFT JOIN entities room ON room.id = r.room_id
    ORDER BY r.occurred_at NULLS LAST, r.id`.execute(db);
  const actors = [...new Set(rows.rows.flatMap((row) => (row.actor_id === null ? [] : [row.actor_id])))];
  const police = await policeOperatedEntities(db, { entityIds: actors });
  return {
    of: { kind: target.kind, id: target.id, label: target.label },
    total: Number(counted.rows[0]?.n ?? 0),
    entries: rows.rows.map((row) => ({
      record: row.id,
      at: row.occurred_at ? new Date(row.occurred_at).toISOString() : null,
      kind: row.kind,
      case: row.case_ref,
      actor: row.actor,
      target: row.target,
      room: row.room,
      text: row.text,
      source: { file: row.file, line: row.line },
      ...(row.actor_id !== null && withinPoliceWindow(police.get(row.actor_id), row.occurred_at) ? { police: true as const } : {}),
    })),
  };
}

const text = (props: Record<string, unknown>, name: string): string | undefined => (typeof props[name] === 'string' && props[name] !== '' ? (props[name] as string) : undefined);
const number = (props: Record<string, unknown>, name: string): number | null => (typeof props[name] === 'number' && Number.isFinite(props[name]) ? (props[name] as number) : null);

/** Places in a case, or of a subject's or entity's records and entities. */
export async function places(db: Kysely<Database>, reference: string, options: { visibleCaseIds?: readonly string[] } = {}): Promise<Place[]> {
  const target = await resolveTimelineTarget(db, reference, options.visibleCaseIds);
  const scope =
    target.kind === 'case'
      ? sql`e.case_id = ${target.id}`
      : // The member entities themselves and whatever they link to (the merchant a card holder paid, a photo they sent).
        sql`(e.id = ANY(${target.entityIds!}::bigint[]) OR e.id IN (SELECT to_entity_id FROM links WHERE from_entity_id = ANY(${target.entityIds!}::bigint[])))`;
  const rows = await sql<{ id: string; kind: string; label: string; props: Record<string, unknown>; case_ref: string }>`
    SELECT e.id, e.kind, e.label, e.props, c.ref AS case_ref FROM entities e JOIN cases c ON c.id = e.case_id
    WHERE e.supersedes IS NULL AND e.kind IN ('location', 'media', 'person', 'merchant') AND ${scope} AND ${visible('e.case_id', options.visibleCaseIds)}
    ORDER BY e.id`.execute(db);
  const found: Place[] = [];
  for (const row of rows.rows) {
    const props = row.props;
    const base = { entity: `e${row.id}`, case: row.case_ref };
    if (row.kind === 'location') {
      found.push({ ...base, label: row.label, latitude: number(props, 'latitude'), longitude: number(props, 'longitude'), from: 'location' });
    } else if (row.kind === 'media') {
      const latitude = number(props, 'gps_latitude');
      const longitude = number(props, 'gps_longitude');
      if (latitude !== null && longitude !== null) found.push({ ...base, label: `${row.label} (photo position)`, latitude, longitude, from: 'exif' });
    } else {
      const parts = [text(props, 'street'), text(props, 'city'), text(props, 'postcode'), text(props, 'region'), text(props, 'country')].filter((part) => part !== undefined);
      if (row.kind === 'person' ? parts.length >= 2 : parts.length >= 1) {
        found.push({ ...base, label: `${row.label}: ${parts.join(', ')}`, latitude: null, longitude: null, from: row.kind === 'person' ? 'address' : 'merchant' });
      }
    }
  }
  return found;
}
