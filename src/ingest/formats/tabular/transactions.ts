/**
 * Card transaction rows → 'transaction' records. The PAN goes only into a 'card' identifier
 * (the pipeline tokenises it); props keep BIN and last 4, and any other card-like number is masked.
 */
import type { Properties } from '../../../model/index.ts';
import type { CanonicalRecord, FieldIdentifier, ParsedItem, ParseInput } from '../../types.ts';
import { buildRows, recordKey, RowError, RowReader } from './rows.ts';
import type { Table, TableRow } from './table.ts';
import { maskCardNumbers, parseAmount, readCard } from './values.ts';

/** Extra columns may hold a card number too (a 'notes' or 'raw' column): mask every card-length digit run. */
function safeExtras(row: TableRow): Properties {
  const props = row.extras();
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'string') props[name] = maskCardNumbers(value);
  }
  return props;
}

export function parseTransactions(input: ParseInput, table: Table): AsyncIterable<ParsedItem> {
  const reader = new RowReader(table, input.options);
  // The decimal style seen on earlier rows settles amounts like '1,234'.
  let decimalHint: ',' | '.' | undefined;

  return buildRows(table, (row) => {
    const props: Properties = safeExtras(row);
    const identifiers: FieldIdentifier[] = [];
    const card = row.get('card_number');
    if (card !== undefined) {
      const reading = readCard(card);
      if (!reading) throw new RowError(`card_number: not a card number (column '${reader.column('card_number')}')`);
      if (reading.bin !== undefined) props.card_bin = reading.bin;
      if (reading.last4 !== undefined) props.card_last4 = reading.last4;
      if (reading.pan !== undefined) identifiers.push({ type: 'card', raw: reading.pan, role: `column:${reader.column('card_number')}` });
    }
    const amountText = row.get('amount');
    if (amountText !== undefined) {
      const amount = parseAmount(amountText, decimalHint);
      if (amount === null) return reader.fail(row, 'amount', 'an amount');
      if ('value' in amount) {
        props.amount = amount.value;
        decimalHint ??= amount.decimal;
      } else props.amount_raw = amountText;
    }
    const currency = row.get('currency');
    if (currency !== undefined) props.currency = currency.toUpperCase();
    for (const field of ['merchant', 'mcc', 'merchant_country']) {
      const value = row.get(field);
      if (value !== undefined) props[field] = field === 'merchant_country' && value.length <= 3 ? value.toUpperCase() : value;
    }
    reader.identifier(row, 'ip', 'ip', identifiers);
    reader.identifier(row, 'email', 'email', identifiers);
    reader.identifier(row, 'phone', 'phone', identifiers);
    const person = reader.person(row);
    const record: CanonicalRecord = {
      kind: 'transaction',
      key: recordKey(row),
      line: row.line,
      byteOffset: row.offset,
      occurredAt: reader.instant(row, 'time'),
      text: null,
      props,
      ...(person ? { person } : {}),
      ...(identifiers.length > 0 ? { identifiers } : {}),
    };
    return record;
  });
}
