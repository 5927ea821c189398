/**
 * Entity and link properties as flat columns for the formats that only know scalar attributes
 * (GraphML, GEXF, CSV): nested objects become dotted names (`address.city`), lists of scalars one
 * text joined by "; ", and each column gets the narrowest type that fits every value in it.
 */

export type Scalar = string | number | boolean;
export type ColumnType = 'boolean' | 'long' | 'double' | 'string';

export const LIST_SEPARATOR = '; ';
const MAX_DEPTH = 4;

/** The flattened scalar properties, in the order they appear; null and undefined are left out. */
export function flattenProps(props: Record<string, unknown>): Map<string, Scalar> {
  const flat = new Map<string, Scalar>();
  addProps(flat, '', props, 0);
  return flat;
}

function addProps(flat: Map<string, Scalar>, prefix: string, props: Record<string, unknown>, depth: number): void {
  for (const [key, value] of Object.entries(props)) {
    const name = prefix + key;
    const scalar = toScalar(value);
    if (scalar !== undefined) flat.set(name, scalar);
    else if (isPlainObject(value) && depth < MAX_DEPTH) addProps(flat, `${name}.`, value, depth + 1);
    else if (value !== null && value !== undefined) flat.set(name, JSON.stringify(value) ?? String(value));
  }
}

function toScalar(value: unknown): Scalar | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    default:
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
      if (Array.isArray(value) && value.length > 0 && value.every((item) => toScalar(item) !== undefined && typeof item !== 'object')) {
        return value.map((item) => String(toScalar(item))).join(LIST_SEPARATOR);
      }
      return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The type of a single value: non-finite numbers are text, since not every reader parses NaN. */
function typeOf(value: Scalar): ColumnType {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return 'long';
    return Number.isFinite(value) ? 'double' : 'string';
  }
  return 'string';
}

/** The narrowest type holding both: long widens to double, anything mixed becomes string. */
function widen(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b) return a;
  if ((a === 'long' && b === 'double') || (a === 'double' && b === 'long')) return 'double';
  return 'string';
}

/**
 * The property columns of a set of items, named so that none collides with a fixed column of the
 * format: a property called like one (`label`, `kind`, …) becomes `props.<name>`.
 */
export class PropColumns {
  readonly types = new Map<string, ColumnType>();

  constructor(private readonly reserved: ReadonlySet<string>) {}

  columnName(key: string): string {
    return this.reserved.has(key) ? `props.${key}` : key;
  }

  add(props: Record<string, unknown>): void {
    for (const [key, value] of flattenProps(props)) {
      const name = this.columnName(key);
      const type = typeOf(value);
      const known = this.types.get(name);
      this.types.set(name, known === undefined ? type : widen(known, type));
    }
  }

  /** The item's values by column name. */
  values(props: Record<string, unknown>): Map<string, Scalar> {
    const values = new Map<string, Scalar>();
    for (const [key, value] of flattenProps(props)) values.set(this.columnName(key), value);
    return values;
  }
}

/** A value as text for a column of the given type. */
export function formatScalar(value: Scalar): string {
  return typeof value === 'string' ? value : String(value);
}
