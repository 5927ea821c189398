/**
 * Property declarations shared by entity, record and link kinds: the small type system
 * that validation, JSON Schema (API), exports and UI labels all read.
 */

export type PropertyType = 'string' | 'text' | 'number' | 'integer' | 'boolean' | 'date' | 'datetime' | 'string[]';

export interface PropertySpec {
  readonly type: PropertyType;
  readonly label: string;
  readonly required?: boolean;
}

export type PropertyMap = Readonly<Record<string, PropertySpec>>;

/** A JSON object as stored in the `props` column of a row. */
export type Properties = Record<string, unknown>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isValidDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

function checkType(type: PropertyType, value: unknown): boolean {
  switch (type) {
    case 'string':
    case 'text':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && isValidDate(value);
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
  }
}

const EXPECTED: Record<PropertyType, string> = {
  string: 'a string',
  text: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  date: 'a date as YYYY-MM-DD',
  datetime: 'an ISO 8601 date-time',
  'string[]': 'a list of strings',
};

/**
 * Checks `props` against a declaration. Undeclared properties are allowed (ingestion keeps
 * unmapped columns), declared ones must have the declared type. Returns readable problems.
 */
export function checkProperties(declared: PropertyMap, props: Properties): string[] {
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(declared)) {
    const value = props[name];
    if (value === undefined || value === null) {
      if (spec.required) problems.push(`${name} is required`);
      continue;
    }
    if (!checkType(spec.type, value)) problems.push(`${name} must be ${EXPECTED[spec.type]}`);
  }
  return problems;
}

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) for a property map. */
export function propertiesJsonSchema(declared: PropertyMap): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(declared)) {
    properties[name] = { ...jsonSchemaOf(spec.type), title: spec.label };
    if (spec.required) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: true };
}

function jsonSchemaOf(type: PropertyType): Record<string, unknown> {
  switch (type) {
    case 'string':
    case 'text':
      return { type: 'string' };
    case 'number':
      return { type: 'number' };
    case 'integer':
      return { type: 'integer' };
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'string[]':
      return { type: 'array', items: { type: 'string' } };
  }
}
