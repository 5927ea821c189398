/**
 * @module model — the declaration of what Crosslink knows about: entity, identifier, link and
 * record kinds with their properties. Pure data and pure functions; no I/O.
 */
export { ENTITY_KINDS, ENTITY_KIND_NAMES, type EntityKind, type EntityKindSpec } from './entities.ts';
export { IDENTIFIER_TYPES, IDENTIFIER_TYPE_NAMES, type IdentifierType, type IdentifierTypeSpec } from './identifiers.ts';
export { LINK_KINDS, LINK_KIND_NAMES, type LinkKind, type LinkKindSpec } from './links.ts';
export { RECORD_KINDS, RECORD_KIND_NAMES, type RecordKind, type RecordKindSpec } from './records.ts';
export { checkProperties, propertiesJsonSchema, type Properties, type PropertyMap, type PropertySpec, type PropertyType } from './properties.ts';
export { UserError, isUserError, type UserErrorCode } from './errors.ts';
export { entityKind, identifierType, linkKind, recordKind, validateEntity, validateLink, validateRecord } from './validate.ts';
