/**
 * Arrest and booking rows → 'arrest' records. Sources often write one row per charge: rows of
 * the same arrest (same key, or same person_key at the same booking time) become one record.
 */
import type { Properties } from '../../../model/index.ts';
import type { CanonicalRecord, FieldIdentifier, ParsedItem, ParseInput } from '../../types.ts';
import { recordKey, rejectItem, RowError, RowReader } from './rows.ts';
import type { Table, TableRow } from './table.ts';
import { splitList } from './values.ts';

/** Rows of one arrest may be interleaved with others of the same booking time; at most this many stay open. */
const MAX_OPEN_GROUPS = 256;

const OWN_PROPS: ReadonlySet<string> = new Set(['full_name', 'birth_date', 'agency_ref', 'national_id', 'charges']);

interface Group {
  record: CanonicalRecord;
  charges: string[];
  props: Properties;
  identifiers: FieldIdentifier[];
}

function buildArrest(reader: RowReader, row: TableRow): Group {
  const person = reader.person(row);
  const charges = splitList(row.get('charges') ?? '', ';|');
  const props: Properties = { ...row.extras() };
  if (person?.full_name !== undefined) props.full_name = person.full_name;
  if (person?.birth_date !== undefined) props.birth_date = person.birth_date;
  const agencyRef = row.get('agency_ref');
  if (agencyRef !== undefined) props.agency_ref = agencyRef;
  if (person?.national_id !== undefined) props.national_id = person.national_id;
  const identifiers: FieldIdentifier[] = [];
  reader.identifier(row, 'phone', 'phone', identifiers);
  reader.identifier(row, 'email', 'email', identifiers);
  const record: CanonicalRecord = {
    kind: 'arrest',
    key: recordKey(row),
    line: row.line,
    byteOffset: row.offset,
    occurredAt: reader.instant(row, 'booking_time'),
    text: null,
    props,
    ...(person ? { person } : {}),
  };
  return { record, charges, props, identifiers };
}

/** A later row of the same arrest: its charges, new identifiers, and differing extra columns as lists. */
function merge(group: Group, next: Group): void {
  group.charges.push(...next.charges);
  for (const identifier of next.identifiers) {
    if (!group.identifiers.some((known) => known.type === identifier.type && known.raw === identifier.raw)) group.identifiers.push(identifier);
  }
  for (const [name, value] of Object.entries(next.props)) {
    // The first row's person and reference stand for the arrest; only extra columns accumulate.
    if (OWN_PROPS.has(name)) continue;
    const current = group.props[name];
    if (current === undefined) group.props[name] = value;
    else if (Array.isArray(current)) {
      if (!current.includes(value)) current.push(value);
    } else if (current !== value) group.props[name] = [current, value];
  }
}

function finish(group: Group): ParsedItem {
  if (group.charges.length > 0) group.props.charges = group.charges;
  const record: CanonicalRecord = { ...group.record, props: group.props, ...(group.identifiers.length > 0 ? { identifiers: group.identifiers } : {}) };
  return { type: 'record', record };
}

function groupId(row: TableRow): string {
  const key = row.get('key');
  if (key !== undefined) return `k\u0000${key}`;
  const person = row.get('person_key');
  const time = row.get('booking_time');
  if (person !== undefined && time !== undefined) return `p\u0000${person}\u0000${time}`;
  return `l\u0000${row.line}`;
}

export async function* parseArrests(input: ParseInput, table: Table): AsyncGenerator<ParsedItem> {
  const reader = new RowReader(table, input.options);
  const open = new Map<string, Group>();
  let window: string | undefined;
  const hasTime = table.fields.booking_time !== undefined;

  for await (const item of table.rows()) {
    if (!item.row) {
      yield rejectItem(item.reject.line, item.reject.reason, item.reject.raw);
      continue;
    }
    const row = item.row;
    let built: Group;
    try {
      built = buildArrest(reader, row);
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      yield rejectItem(row.line, error.message, row.raw);
      continue;
    }
    const id = groupId(row);
    // Without a booking time only consecutive rows can belong together.
    const rowWindow = hasTime ? (row.get('booking_time') ?? '') : id;
    if (rowWindow !== window) {
      for (const group of open.values()) yield finish(group);
      open.clear();
      window = rowWindow;
    }
    const existing = open.get(id);
    if (existing) {
      merge(existing, built);
      continue;
    }
    if (open.size >= MAX_OPEN_GROUPS) {
      const [oldestId, oldest] = open.entries().next().value as [string, Group];
      open.delete(oldestId);
      yield finish(oldest);
    }
    open.set(id, built);
  }
  for (const group of open.values()) yield finish(group);
}
