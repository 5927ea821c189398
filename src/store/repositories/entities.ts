/** Entities and the links between them, case-scoped and validated against the model. */
import type { Kysely } from 'kysely';
import { UserError, validateEntity, validateLink, type Properties } from '../../model/index.ts';
import type { Database, Entity, Link } from '../schema.ts';
import type { CaseScope } from './sources.ts';

export interface NewEntityInput {
  kind: string;
  /** Natural key within the case, e.g. `telegram:user123` for an account. */
  key: string;
  label: string;
  props?: Properties;
  sourceId?: string;
}

/** Returns the case's entity with this kind and key, creating it if it is new. */
export async function ensureEntity(db: Kysely<Database>, scope: CaseScope, input: NewEntityInput): Promise<Entity> {
  const props = input.props ?? {};
  validateEntity(input.kind, props);
  const inserted = await db
    .insertInto('entities')
    .values({
      agency_id: scope.agencyId,
      case_id: scope.caseId,
      kind: input.kind,
      key: input.key,
      label: input.label,
      props,
      source_id: input.sourceId ?? null,
    })
    .onConflict((oc) => oc.columns(['case_id', 'kind', 'key']).where('supersedes', 'is', null).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  return db
    .selectFrom('entities')
    .selectAll()
    .where('case_id', '=', scope.caseId)
    .where('kind', '=', input.kind)
    .where('key', '=', input.key)
    .where('supersedes', 'is', null)
    .executeTakeFirstOrThrow();
}

/** Records a correction of an entity: a new row that supersedes it; the original stays. */
export async function correctEntity(db: Kysely<Database>, original: Entity, changes: { label?: string; props?: Properties }): Promise<Entity> {
  const props = { ...original.props, ...changes.props };
  validateEntity(original.kind, props);
  return db
    .insertInto('entities')
    .values({
      agency_id: original.agency_id,
      case_id: original.case_id,
      kind: original.kind,
      key: original.key,
      label: changes.label ?? original.label,
      props,
      source_id: original.source_id,
      supersedes: original.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface NewLinkInput {
  kind: string;
  from: Entity;
  to: Entity;
  weight?: number;
  evidence?: string[];
  props?: Properties;
  firstSeen?: Date | null;
  lastSeen?: Date | null;
}

export async function appendLink(db: Kysely<Database>, scope: CaseScope, input: NewLinkInput): Promise<Link> {
  const props = input.props ?? {};
  validateLink(input.kind, input.from.kind, input.to.kind, props);
  if (input.from.id === input.to.id) throw new UserError(`a '${input.kind}' link needs two different entities`);
  return db
    .insertInto('links')
    .values({
      agency_id: scope.agencyId,
      case_id: scope.caseId,
      kind: input.kind,
      from_entity_id: input.from.id,
      to_entity_id: input.to.id,
      weight: input.weight ?? 1,
      evidence: input.evidence ?? [],
      props,
      first_seen: input.firstSeen ?? null,
      last_seen: input.lastSeen ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
