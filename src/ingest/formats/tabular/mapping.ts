/**
 * Mapping files (JSON: kind, canonical field → column, dateFormat): loading and validation with
 * errors that name the file and the problem, so an investigator can fix the file in one go.
 */
import { readFile } from 'node:fs/promises';
import type { Mapping } from '../../types.ts';
import { compileDateFormat } from './dates.ts';
import { CANONICAL_FIELDS, MAPPING_KINDS, type MappingKind } from './fields.ts';

/**
 * The contract's Mapping plus two optional keys: `timeFormat` for date-time columns when they are
 * written differently from dates (as the demo's mapping files do), and a fixed chat `platform`.
 */
export interface TabularMapping extends Mapping {
  readonly timeFormat?: string;
  readonly platform?: string;
}

const KEYS = ['kind', 'fields', 'dateFormat', 'timeFormat', 'platform'];

/** Checks a parsed mapping; `where` (a file name) starts every error message. */
export function validateMapping(value: unknown, where: string): TabularMapping {
  const fail = (problem: string): never => {
    throw new Error(`${where}: ${problem}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('a mapping must be a JSON object');
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!KEYS.includes(key)) fail(`unknown key '${key}' (allowed: ${KEYS.join(', ')})`);
  }
  const kind = object.kind;
  if (typeof kind !== 'string' || !(MAPPING_KINDS as readonly string[]).includes(kind)) {
    fail(`unknown kind ${JSON.stringify(kind)} (allowed: ${MAPPING_KINDS.join(', ')})`);
  }
  const allowed = CANONICAL_FIELDS[kind as MappingKind];
  const fields = object.fields;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return fail("'fields' must be an object of canonical field → column name");
  const columnOwner = new Map<string, string>();
  for (const [field, column] of Object.entries(fields)) {
    if (!allowed.includes(field)) fail(`unknown field '${field}' for kind '${kind}' (allowed: ${allowed.join(', ')})`);
    if (typeof column !== 'string' || column.trim() === '') fail(`field '${field}' must name a column (a non-empty string)`);
    const owner = columnOwner.get(column as string);
    if (owner !== undefined) fail(`column '${column}' is mapped twice (to ${owner} and ${field})`);
    columnOwner.set(column as string, field);
  }
  for (const key of ['dateFormat', 'timeFormat', 'platform'] as const) {
    const setting = object[key];
    if (setting !== undefined && (typeof setting !== 'string' || setting.trim() === '')) fail(`'${key}' must be a non-empty string`);
  }
  for (const key of ['dateFormat', 'timeFormat'] as const) {
    const format = object[key];
    if (typeof format !== 'string') continue;
    try {
      compileDateFormat(format);
    } catch (error) {
      fail(`bad ${key}: ${(error as Error).message}`);
    }
  }
  return object as unknown as TabularMapping;
}

/** Reads and validates a mapping file; throws an Error naming the file and the problem. */
export async function loadMapping(path: string): Promise<TabularMapping> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read the mapping file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return validateMapping(value, path);
}
