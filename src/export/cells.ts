/**
 * CSV cells for the spreadsheet-shaped exports (plain CSV, i2): RFC 4180 quoting, CRLF record
 * ends, a UTF-8 byte-order mark so Excel reads names in any script, and a guard against formula
 * injection — analysts open these files in Excel, and a label like `=HYPERLINK(…)` must stay text.
 */
import { wellFormed } from './sink.ts';

export type Cell = string | number | boolean | null | undefined;

/** Excel reads UTF-8 only when the file starts with this; RFC 4180 readers should skip it. */
export const BYTE_ORDER_MARK = '\uFEFF';
export const RECORD_END = '\r\n';

// OWASP's list for CSV injection: a cell starting with one of these may be run as a formula.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** Text with a leading apostrophe when a spreadsheet could take it for a formula. */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * One cell. Numbers and booleans are written as such (a negative number is data, not a formula);
 * text is made well-formed, guarded and quoted when it holds a comma, quote or line break.
 */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = guardFormula(wellFormed(value));
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(cells: readonly Cell[]): string {
  return cells.map(csvCell).join(',') + RECORD_END;
}
