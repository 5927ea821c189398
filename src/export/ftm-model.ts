/**
 * The part of the followthemoney (FtM) model that the FtM export writes: schemata, what they
 * extend, and the properties used with their FtM property types and entity ranges. Copied from the
 * schema YAML of FtM (https://followthemoney.tech/explorer/schemata/ — source in
 * followthemoney/schema/*.yaml of the followthemoney repository), so the writer can choose a link
 * schema by the ranges of its ends and the tests can check every line against the model.
 */

export type FtmPropertyType =
  | 'string'
  | 'name'
  | 'text'
  | 'email'
  | 'phone'
  | 'url'
  | 'ip'
  | 'date'
  | 'number'
  | 'country'
  | 'gender'
  | 'identifier'
  | 'checksum'
  | 'mimetype'
  | 'address'
  | 'entity';

export interface FtmProperty {
  readonly type: FtmPropertyType;
  /** For entity properties: the schema (or an ancestor of the schema) the referenced entity must have. */
  readonly range?: string;
}

export interface FtmSchema {
  readonly extends: readonly string[];
  readonly abstract?: boolean;
  /** FtM's `required`: Aleph refuses to create such an entity without them. */
  readonly required?: readonly string[];
  readonly properties: Readonly<Record<string, FtmProperty>>;
}

const p = (type: FtmPropertyType, range?: string): FtmProperty => (range ? { type, range } : { type });

export const FTM_SCHEMATA: Readonly<Record<string, FtmSchema>> = {
  Thing: {
    extends: [],
    abstract: true,
    required: ['name'],
    properties: {
      name: p('name'),
      alias: p('name'),
      weakAlias: p('name'),
      country: p('country'),
      summary: p('text'),
      description: p('text'),
      notes: p('text'),
      publisher: p('string'),
      keywords: p('string'),
      address: p('address'),
      addressEntity: p('entity', 'Address'),
    },
  },
  Value: { extends: [], abstract: true, properties: { amount: p('number'), currency: p('string') } },
  LegalEntity: {
    extends: ['Thing'],
    properties: { email: p('email'), phone: p('phone'), website: p('url'), classification: p('string'), idNumber: p('identifier') },
  },
  Person: {
    extends: ['LegalEntity'],
    required: ['name'],
    properties: {
      firstName: p('string'),
      middleName: p('string'),
      lastName: p('string'),
      birthDate: p('date'),
      gender: p('gender'),
      nationality: p('country'),
    },
  },
  Organization: { extends: ['LegalEntity'], required: ['name'], properties: {} },
  Asset: { extends: ['Thing', 'Value'], properties: {} },
  Company: { extends: ['Organization', 'Asset'], properties: { jurisdiction: p('country') } },
  UserAccount: {
    extends: ['Thing'],
    required: ['username'],
    properties: {
      owner: p('entity', 'LegalEntity'),
      service: p('string'),
      email: p('email'),
      number: p('phone'),
      username: p('string'),
      ipAddress: p('ip'),
    },
  },
  Address: {
    extends: ['Thing'],
    properties: {
      full: p('address'),
      street: p('string'),
      city: p('string'),
      postalCode: p('string'),
      region: p('string'),
      latitude: p('number'),
      longitude: p('number'),
    },
  },
  Document: {
    extends: ['Thing'],
    properties: {
      title: p('string'),
      fileName: p('string'),
      fileSize: p('number'),
      mimeType: p('mimetype'),
      contentHash: p('checksum'),
      emailMentioned: p('email'),
      phoneMentioned: p('phone'),
      ipMentioned: p('ip'),
    },
  },
  Interval: {
    extends: [],
    abstract: true,
    properties: { startDate: p('date'), endDate: p('date'), date: p('date'), summary: p('text'), recordId: p('string'), publisher: p('string') },
  },
  Interest: { extends: ['Interval'], abstract: true, properties: { role: p('string'), status: p('string') } },
  UnknownLink: { extends: ['Interest'], properties: { subject: p('entity', 'Thing'), object: p('entity', 'Thing') } },
  Membership: { extends: ['Interest'], properties: { member: p('entity', 'LegalEntity'), organization: p('entity', 'Organization') } },
  Ownership: { extends: ['Interest'], properties: { owner: p('entity', 'LegalEntity'), asset: p('entity', 'Asset') } },
  Payment: {
    extends: ['Interval', 'Value'],
    properties: { payer: p('entity', 'LegalEntity'), beneficiary: p('entity', 'LegalEntity'), purpose: p('string') },
  },
  Similar: {
    extends: [],
    properties: { candidate: p('entity', 'Thing'), match: p('entity', 'Thing'), confidenceScore: p('number'), criteria: p('string'), matcher: p('string') },
  },
};

/** True when `schema` is `ancestor` or extends it, directly or not. */
export function isA(schema: string, ancestor: string): boolean {
  if (schema === ancestor) return true;
  const spec = Object.hasOwn(FTM_SCHEMATA, schema) ? FTM_SCHEMATA[schema] : undefined;
  return spec !== undefined && spec.extends.some((parent) => isA(parent, ancestor));
}

/** A property of the schema or of one of its ancestors. */
export function ftmProperty(schema: string, name: string): FtmProperty | undefined {
  const spec = Object.hasOwn(FTM_SCHEMATA, schema) ? FTM_SCHEMATA[schema] : undefined;
  if (!spec) return undefined;
  if (Object.hasOwn(spec.properties, name)) return spec.properties[name];
  for (const parent of spec.extends) {
    const found = ftmProperty(parent, name);
    if (found) return found;
  }
  return undefined;
}

/** The required properties of the schema and its ancestors (a Thing needs a name, a UserAccount a username). */
export function requiredProperties(schema: string): string[] {
  const spec = Object.hasOwn(FTM_SCHEMATA, schema) ? FTM_SCHEMATA[schema] : undefined;
  if (!spec) return [];
  return [...new Set([...(spec.required ?? []), ...spec.extends.flatMap(requiredProperties)])];
}
