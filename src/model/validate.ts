/**
 * Validation of rows against the model declaration: what the store calls before writing,
 * so a typo in a kind or a malformed property is refused with a readable reason.
 */
import { ENTITY_KINDS, type EntityKind } from './entities.ts';
import { UserError } from './errors.ts';
import { IDENTIFIER_TYPES, type IdentifierType } from './identifiers.ts';
import { LINK_KINDS, type LinkKind } from './links.ts';
import { checkProperties, type Properties } from './properties.ts';
import { RECORD_KINDS, type RecordKind } from './records.ts';

function oneOf<K extends string>(what: string, table: Readonly<Record<K, unknown>>, value: string): K {
  if (!Object.hasOwn(table, value)) {
    throw new UserError(`unknown ${what} '${value}' (expected one of: ${Object.keys(table).join(', ')})`);
  }
  return value as K;
}

export const entityKind = (value: string): EntityKind => oneOf('entity kind', ENTITY_KINDS, value);
export const identifierType = (value: string): IdentifierType => oneOf('identifier type', IDENTIFIER_TYPES, value);
export const linkKind = (value: string): LinkKind => oneOf('link kind', LINK_KINDS, value);
export const recordKind = (value: string): RecordKind => oneOf('record kind', RECORD_KINDS, value);

function refuse(what: string, problems: string[]): void {
  if (problems.length > 0) throw new UserError(`${what}: ${problems.join('; ')}`);
}

export function validateEntity(kind: string, props: Properties): void {
  const spec = ENTITY_KINDS[entityKind(kind)];
  refuse(`${spec.label.toLowerCase()} properties`, checkProperties(spec.properties, props));
}

export function validateRecord(kind: string, props: Properties): void {
  const spec = RECORD_KINDS[recordKind(kind)];
  refuse(`${spec.label.toLowerCase()} properties`, checkProperties(spec.properties, props));
}

export function validateLink(kind: string, fromKind: string, toKind: string, props: Properties): void {
  const spec = LINK_KINDS[linkKind(kind)];
  const from = entityKind(fromKind);
  const to = entityKind(toKind);
  const allowedFrom: readonly string[] = spec.from;
  const allowedTo: readonly string[] = spec.to;
  if (!allowedFrom.includes(from) || !allowedTo.includes(to)) {
    throw new UserError(`a '${kind}' link cannot join ${from} to ${to}`);
  }
  refuse(`'${kind}' link properties`, checkProperties(spec.properties, props));
}
