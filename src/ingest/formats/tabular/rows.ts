/**
 * Shared row reading for the mapped formats: typed field getters that turn a bad value into a
 * reject naming the column and the value, and the loop from table rows to parsed items.
 */
import { rawForReport } from '../../lines.ts';
import type { CanonicalRecord, FieldIdentifier, ParsedItem, ParseOptions, PersonFields } from '../../types.ts';
import type { IdentifierType } from '../../../model/index.ts';
import { toInstant, toIsoDate } from './dates.ts';
import type { Table, TableRow } from './table.ts';
import { maskCardNumbers, splitList } from './values.ts';

/** A value in a row that cannot be read: the row becomes a reject, the source goes on. */
export class RowError extends Error {}

/** Reads typed values of one row, naming the column when a value is bad. */
export class RowReader {
  constructor(
    readonly table: Table,
    readonly options: ParseOptions,
  ) {}

  column(field: string): string {
    return this.table.fields[field] ?? field;
  }

  fail(row: TableRow, field: string, what: string): never {
    throw new RowError(`${field}: cannot read '${row.get(field) ?? ''}' as ${what} (column '${this.column(field)}')`);
  }

  date(row: TableRow, field: string): string | undefined {
    const value = row.get(field);
    if (value === undefined) return undefined;
    for (const format of this.table.dateFormats) {
      const parts = format.parse(value);
      const date = parts && toIsoDate(parts);
      if (date) return date;
    }
    return this.fail(row, field, `a date (format ${this.table.dateFormats[0]?.pattern ?? 'iso'})`);
  }

  instant(row: TableRow, field: string): Date | null {
    const value = row.get(field);
    if (value === undefined) return null;
    for (const format of this.table.timeFormats) {
      const parts = format.parse(value);
      const instant = parts && toInstant(parts, this.options.timezone ?? 'UTC');
      if (instant) return instant;
    }
    return this.fail(row, field, `a date-time (format ${this.table.timeFormats[0]?.pattern ?? 'iso'})`);
  }

  /** Identifier from a column, role 'column:<name>'. */
  identifier(row: TableRow, field: string, type: IdentifierType, into: FieldIdentifier[]): void {
    const raw = row.get(field);
    if (raw !== undefined) into.push({ type, raw, role: `column:${this.column(field)}` });
  }

  /** Person fields of the row; full_name composed from its parts when the source has none. */
  person(row: TableRow): PersonFields | undefined {
    const person: Record<string, unknown> = {};
    for (const field of ['first_name', 'middle_name', 'last_name', 'full_name', 'sex', 'street', 'city', 'postcode', 'region', 'country', 'national_id']) {
      const value = row.get(field);
      if (value !== undefined) person[field] = value;
    }
    const key = row.get('person_key');
    if (key !== undefined) person.key = key;
    const birth = this.date(row, 'birth_date');
    if (birth !== undefined) person.birth_date = birth;
    const aliases = row.get('aliases');
    if (aliases !== undefined) person.aliases = splitList(aliases, ';|,');
    if (person.full_name === undefined) {
      const parts = [person.first_name, person.middle_name, person.last_name].filter((part) => part !== undefined);
      if (parts.length > 0) person.full_name = parts.join(' ');
    }
    return Object.keys(person).length > 0 ? (person as PersonFields) : undefined;
  }
}

export function recordKey(row: TableRow): string {
  return row.get('key') ?? `line:${row.line}`;
}

/** A reject with card numbers masked: a raw line may hold a PAN, and rejects are shown to people. */
export function rejectItem(line: number, reason: string, raw: string): ParsedItem {
  return { type: 'reject', reject: { line, reason: maskCardNumbers(reason), raw: rawForReport(maskCardNumbers(raw)) } };
}

/** Table rows → parsed items, one record per row (`build` throws RowError for a bad value). */
export async function* buildRows(table: Table, build: (row: TableRow) => CanonicalRecord): AsyncGenerator<ParsedItem> {
  for await (const item of table.rows()) {
    if (!item.row) {
      yield rejectItem(item.reject.line, item.reject.reason, item.reject.raw);
      continue;
    }
    let record: CanonicalRecord;
    try {
      record = build(item.row);
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      yield rejectItem(item.row.line, error.message, item.row.raw);
      continue;
    }
    yield { type: 'record', record };
  }
}
