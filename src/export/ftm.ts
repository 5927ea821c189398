/**
 * followthemoney (FtM) entities as JSON lines, as Aleph imports them (`alephclient write-entities`,
 * `ftm` tools): `{"id", "schema", "properties": {name: [strings]}}`, one per line.
 *
 * Entities: person → Person, account → UserAccount, organisation and chat room → Organization
 * (a room is a group people are members of; FtM has no closer schema), merchant → Company,
 * location → Address, media → Document, device → Asset, subject → Person; any other kind →
 * LegalEntity. Identifier nodes are not entities — in FtM an e-mail or phone is a property — so
 * their values go onto every entity they are linked to (email/phone/website/…, or a note when the
 * schema has no such property). Links become interval entities: Membership, Payment and Ownership
 * where FtM's ranges allow, Similar for resolution (subject membership, "same as"), UnknownLink
 * with a role otherwise. Ids are stable: derived from the node or link id, never random.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { GraphData, GraphEdge, GraphNode } from '../analysis/graph-data.ts';
import { IDENTIFIER_TYPES } from '../model/index.ts';
import { FTM_SCHEMATA, ftmProperty, isA } from './ftm-model.ts';
import { linkLabel, propertyLabel } from './labels.ts';
import { LIST_SEPARATOR, flattenProps } from './props.ts';
import { wellFormed, writeTo } from './sink.ts';
import type { ExportFormat, ExportStream } from './types.ts';

export interface FtmEntity {
  id: string;
  schema: string;
  properties: Record<string, string[]>;
}

/** An entity under construction: values are cleaned, de-duplicated, and checked against the model. */
class EntityBuilder {
  private readonly values = new Map<string, Set<string>>();

  constructor(
    readonly id: string,
    readonly schema: string,
  ) {
    if (!Object.hasOwn(FTM_SCHEMATA, schema) || FTM_SCHEMATA[schema]?.abstract) throw new Error(`FtM export: '${schema}' is not a concrete schema`);
  }

  add(property: string, value: string | number | null | undefined): void {
    if (value === null || value === undefined) return;
    if (!ftmProperty(this.schema, property)) throw new Error(`FtM export: ${this.schema} has no property '${property}'`);
    const text = wellFormed(String(value)).trim();
    if (text === '') return;
    let set = this.values.get(property);
    if (!set) this.values.set(property, (set = new Set()));
    set.add(text);
  }

  has(property: string): boolean {
    return this.values.has(property);
  }

  toJSON(): FtmEntity {
    const properties: Record<string, string[]> = {};
    for (const [property, values] of this.values) properties[property] = [...values];
    return { id: this.id, schema: this.schema, properties };
  }
}

const SAFE_ID = /^[A-Za-z0-9-]{1,100}$/;

/**
 * `crosslink-node-e12`, `crosslink-link-l7`; an id with other characters (or a long one) is
 * hashed as `crosslink-node_<sha1>` — `_` never occurs in the plain form, so the two cannot
 * collide, and `.` is avoided because Aleph reads it as a namespace separator.
 */
export function ftmId(space: 'node' | 'link', id: string): string {
  if (SAFE_ID.test(id)) return `crosslink-${space}-${id}`;
  return `crosslink-${space}_${createHash('sha1').update(id, 'utf8').digest('hex')}`;
}

// ---- values ---------------------------------------------------------------------------------

/** FtM dates are ISO prefixes without zone: 2024, 2024-03, 2024-03-07, 2024-03-07T18:04:05 (UTC here). */
function ftmDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(text)) return text;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString().slice(0, 19);
}

function ftmNumber(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim())) return value.trim();
  return undefined;
}

/** FtM countries are lower-case ISO 3166-1 alpha-2 codes; a name stays out (it goes to notes). */
function ftmCountry(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z]{2}$/.test(value.trim()) ? value.trim().toLowerCase() : undefined;
}

function ftmGender(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'm' || text === 'male') return 'male';
  if (text === 'f' || text === 'female') return 'female';
  return undefined;
}

function ftmString(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Cleans a value for the FtM type of the property; undefined when it does not fit. */
function cleanFor(schema: string, property: string, value: unknown): string | undefined {
  switch (ftmProperty(schema, property)?.type) {
    case 'date':
      return ftmDate(value);
    case 'number':
      return ftmNumber(value);
    case 'country':
      return ftmCountry(value);
    case 'gender':
      return ftmGender(value);
    case 'email':
      return typeof value === 'string' && /^[^@\s]+@[^@\s]+$/.test(value.trim()) ? value.trim() : undefined;
    case 'phone':
      return typeof value === 'string' && /^\+[1-9]\d{4,14}$/.test(value.trim()) ? value.trim() : undefined;
    case 'ip':
      return typeof value === 'string' && isIP(value.trim()) !== 0 ? value.trim() : undefined;
    case 'url':
      return typeof value === 'string' && /^https?:\/\/\S+$/i.test(value.trim()) ? value.trim() : undefined;
    case 'checksum':
      return typeof value === 'string' && /^[0-9a-f]{40}$/i.test(value.trim()) ? value.trim().toLowerCase() : undefined;
    case 'mimetype':
      return typeof value === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(value.trim()) ? value.trim().toLowerCase() : undefined;
    case undefined:
      return undefined;
    default:
      return ftmString(value);
  }
}

// ---- entities -------------------------------------------------------------------------------

const NODE_SCHEMA: Record<string, string> = {
  person: 'Person',
  account: 'UserAccount',
  chat_room: 'Organization',
  organisation: 'Organization',
  merchant: 'Company',
  location: 'Address',
  media: 'Document',
  device: 'Asset',
  subject: 'Person',
};
const FALLBACK_SCHEMA = 'LegalEntity';

/** Crosslink entity properties that have an FtM home; the rest become notes ("Serial number: …"). */
const PROPERTY_MAP: Record<string, Record<string, string>> = {
  person: {
    full_name: 'name',
    first_name: 'firstName',
    middle_name: 'middleName',
    last_name: 'lastName',
    aliases: 'alias',
    birth_date: 'birthDate',
    sex: 'gender',
    nationality: 'nationality',
  },
  account: { platform: 'service', handle: 'username', display_name: 'weakAlias' },
  chat_room: { name: 'name', topic: 'description' },
  organisation: { name: 'name', country: 'country' },
  merchant: { name: 'name', mcc: 'classification', country: 'country' },
  location: { address: 'full', city: 'city', postcode: 'postalCode', region: 'region', country: 'country', latitude: 'latitude', longitude: 'longitude' },
  media: { file_name: 'fileName', bytes: 'fileSize', mime_type: 'mimeType' },
};

/** Where an identifier's value goes, by the first schema the entity is; otherwise a note. */
const IDENTIFIER_PROPERTY: Record<string, ReadonlyArray<readonly [string, string]>> = {
  email: [
    ['UserAccount', 'email'],
    ['LegalEntity', 'email'],
    ['Document', 'emailMentioned'],
  ],
  phone: [
    ['UserAccount', 'number'],
    ['LegalEntity', 'phone'],
    ['Document', 'phoneMentioned'],
  ],
  ip: [
    ['UserAccount', 'ipAddress'],
    ['Document', 'ipMentioned'],
  ],
  url: [['LegalEntity', 'website']],
  sha1: [['Document', 'contentHash']],
  // A handle is a name someone goes by, but too weak to match people on: FtM's weakAlias.
  handle: [
    ['UserAccount', 'weakAlias'],
    ['LegalEntity', 'weakAlias'],
  ],
};

function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function schemaOf(node: GraphNode): string {
  return own(NODE_SCHEMA, node.kind) ?? FALLBACK_SCHEMA;
}

function identifierOf(node: GraphNode): { type: string; value: string } {
  const type = node.identifierType ?? (typeof node.props['type'] === 'string' ? node.props['type'] : '');
  const value = typeof node.props['value'] === 'string' ? node.props['value'] : node.label;
  return { type, value };
}

function addIdentifier(entity: EntityBuilder, identifier: GraphNode): void {
  const { type, value } = identifierOf(identifier);
  for (const [schema, property] of own(IDENTIFIER_PROPERTY, type) ?? []) {
    if (!isA(entity.schema, schema)) continue;
    const clean = cleanFor(entity.schema, property, value);
    if (clean !== undefined) {
      entity.add(property, clean);
      return;
    }
  }
  entity.add('notes', `${own(IDENTIFIER_TYPES, type)?.label ?? (type || 'Identifier')}: ${value}`);
}

const UNNAMED = '(no name)';

function nodeEntity(node: GraphNode, identifiers: readonly GraphNode[]): EntityBuilder {
  const entity = new EntityBuilder(ftmId('node', node.id), schemaOf(node));
  entity.add('name', node.label);
  const map = own(PROPERTY_MAP, node.kind) ?? {};
  for (const [key, raw] of Object.entries(node.props)) {
    const property = own(map, key);
    const values = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      if (value === null || value === undefined) continue;
      const clean = property ? cleanFor(entity.schema, property, value) : undefined;
      if (property && clean !== undefined) entity.add(property, clean);
      else entity.add('notes', `${propertyLabel(node.kind, key)}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
    }
  }
  // Required by FtM and Aleph: an entity without a label is named by its id, and failing that as unnamed.
  for (const fallback of [node.id, UNNAMED]) if (!entity.has('name')) entity.add('name', fallback);
  if (entity.schema === 'UserAccount') for (const fallback of [node.label, node.id, UNNAMED]) if (!entity.has('username')) entity.add('username', fallback);
  if (node.agency) entity.add('publisher', node.agency);
  if (node.caseRef) entity.add('notes', `Case: ${node.caseRef}`);
  for (const identifier of identifiers) addIdentifier(entity, identifier);
  return entity;
}

// ---- links ----------------------------------------------------------------------------------

interface End {
  readonly id: string;
  readonly schema: string;
}

function summary(edge: GraphEdge): string {
  const parts = [linkLabel(edge)];
  if (Number.isFinite(edge.weight)) parts.push(`weight ${edge.weight}`);
  if (edge.caseRef) parts.push(`case ${edge.caseRef}`);
  for (const [key, value] of flattenProps(edge.props)) parts.push(`${propertyLabel(edge.kind, key)}: ${String(value)}`);
  return parts.join(LIST_SEPARATOR);
}

function linkEntity(edge: GraphEdge, source: End, target: End): EntityBuilder {
  const id = ftmId('link', edge.id);
  if (edge.kind === 'same_as' || edge.kind === 'member') {
    // Both say "presumed the same person": FtM's Similar, with the score that says how sure.
    const similar = new EntityBuilder(id, 'Similar');
    similar.add('candidate', source.id);
    similar.add('match', target.id);
    similar.add('confidenceScore', ftmNumber(edge.weight));
    similar.add('criteria', typeof edge.props['reason'] === 'string' ? edge.props['reason'] : linkLabel(edge));
    similar.add('matcher', 'Crosslink');
    return similar;
  }
  let entity: EntityBuilder;
  if (edge.kind === 'member_of' && isA(source.schema, 'LegalEntity') && isA(target.schema, 'Organization')) {
    entity = new EntityBuilder(id, 'Membership');
    entity.add('member', source.id);
    entity.add('organization', target.id);
    entity.add('role', ftmString(edge.props['role']));
  } else if (edge.kind === 'paid' && isA(source.schema, 'LegalEntity') && isA(target.schema, 'LegalEntity')) {
    entity = new EntityBuilder(id, 'Payment');
    entity.add('payer', source.id);
    entity.add('beneficiary', target.id);
    entity.add('amount', ftmNumber(edge.props['total']));
    entity.add('currency', ftmString(edge.props['currency']));
  } else if (edge.kind === 'owns' && isA(source.schema, 'LegalEntity') && isA(target.schema, 'Asset')) {
    entity = new EntityBuilder(id, 'Ownership');
    entity.add('owner', source.id);
    entity.add('asset', target.id);
  } else {
    entity = new EntityBuilder(id, 'UnknownLink');
    entity.add('subject', source.id);
    entity.add('object', target.id);
    entity.add('role', linkLabel(edge));
  }
  entity.add('startDate', ftmDate(edge.firstSeen));
  entity.add('endDate', ftmDate(edge.lastSeen));
  entity.add('summary', summary(edge));
  return entity;
}

// ---- writer ---------------------------------------------------------------------------------

export async function writeFtm(graph: GraphData, out: ExportStream): Promise<void> {
  const nodes = new Map<string, GraphNode>();
  for (const node of graph.nodes) nodes.set(node.id, node);
  const isIdentifier = (node: GraphNode | undefined) => node?.kind === 'identifier';

  // Identifier values fold into the entities they are linked to.
  const identifiersOf = new Map<string, GraphNode[]>();
  for (const edge of graph.edges) {
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if (!source || !target || isIdentifier(source) === isIdentifier(target)) continue;
    const [entity, identifier] = isIdentifier(source) ? [target, source] : [source, target];
    const list = identifiersOf.get(entity.id);
    if (list) list.push(identifier);
    else identifiersOf.set(entity.id, [identifier]);
  }

  await writeTo(out, async (sink) => {
    const ends = new Map<string, End>();
    for (const node of graph.nodes) {
      if (isIdentifier(node)) continue;
      const entity = nodeEntity(node, identifiersOf.get(node.id) ?? []);
      ends.set(node.id, { id: entity.id, schema: entity.schema });
      await sink.write(JSON.stringify(entity.toJSON()) + '\n');
    }
    for (const edge of graph.edges) {
      const source = ends.get(edge.source);
      const target = ends.get(edge.target);
      // Links to identifiers were folded above; a link to a node outside the graph has nothing to point at.
      if (!source || !target) continue;
      await sink.write(JSON.stringify(linkEntity(edge, source, target).toJSON()) + '\n');
    }
  });
}

export const ftmFormat: ExportFormat = {
  name: 'ftm',
  extension: 'ftm.json',
  mediaType: 'application/x-ndjson',
  description: 'followthemoney entities as JSON lines, for Aleph (identifiers become properties of the entities that use them)',
  write: writeFtm,
};
