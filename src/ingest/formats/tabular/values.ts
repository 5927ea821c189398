/**
 * Reading typed cell values: lists, amounts in either decimal style, ports, card numbers (kept
 * out of every readable field) and file hashes typed by length, incl. Gnutella base32 SHA-1.
 */

/** Splits on any of `separators`, trimming and dropping empty parts. */
export function splitList(value: string, separators: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i === value.length || separators.includes(value.charAt(i))) {
      const part = value.slice(start, i).trim();
      if (part) parts.push(part);
      start = i + 1;
    }
  }
  return parts;
}

export type AmountReading = { readonly value: number; readonly decimal?: ',' | '.' } | { readonly ambiguous: true } | null;

const CURRENCY_MARKS = /^[\s$€£¥₹]+|[\s$€£¥₹]+$/g;

/**
 * '1,234.50', '1.234,50', '1234,5', '-12', '$7.00'. A single separator followed by exactly three
 * digits ('1,234') is ambiguous unless `decimalHint` (seen earlier in the same source) settles it.
 */
export function parseAmount(input: string, decimalHint?: ',' | '.'): AmountReading {
  let text = input.replace(CURRENCY_MARKS, '').replace(/[\s'\u00a0\u202f]/g, '');
  let negative = false;
  if (text.startsWith('(') && text.endsWith(')')) {
    negative = true;
    text = text.slice(1, -1);
  }
  if (text.startsWith('-') || text.startsWith('+')) {
    negative = text.startsWith('-');
    text = text.slice(1);
  }
  if (!/^[\d.,]+$/.test(text) || !/\d/.test(text)) return null;
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  let decimal: ',' | '.' | undefined;
  if (lastComma !== -1 && lastDot !== -1) decimal = lastComma > lastDot ? ',' : '.';
  else if (lastComma !== -1 || lastDot !== -1) {
    const separator = lastComma !== -1 ? ',' : '.';
    const count = text.split(separator).length - 1;
    const after = text.length - text.lastIndexOf(separator) - 1;
    if (count > 1) decimal = separator === ',' ? '.' : ',';
    else if (after !== 3) decimal = separator;
    else if (decimalHint) decimal = decimalHint;
    else return { ambiguous: true };
  }
  const grouping = decimal === ',' ? '.' : ',';
  const [whole = '', fraction] = decimal && text.includes(decimal) ? splitOnce(text, decimal) : [text, undefined];
  if (fraction !== undefined && !/^\d*$/.test(fraction)) return null;
  if (whole.includes(grouping) && !/^\d{1,3}(?:[.,]\d{3})*$/.test(whole)) return null;
  const digits = whole.split(grouping).join('');
  if (!/^\d*$/.test(digits) || (digits === '' && !fraction)) return null;
  const value = Number(`${digits || '0'}.${fraction || '0'}`);
  if (!Number.isFinite(value)) return null;
  const reading: { value: number; decimal?: ',' | '.' } = { value: negative ? -value : value };
  // Only a separator with other than three digits after it is evidence of the file's style.
  if (decimal && fraction !== undefined && fraction.length !== 3) reading.decimal = decimal;
  return reading;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.lastIndexOf(separator);
  return [text.slice(0, at), text.slice(at + 1)];
}

export function parsePort(value: string): number | null {
  if (!/^\d{1,5}$/.test(value.trim())) return null;
  const port = Number(value);
  return port <= 65535 ? port : null;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * Replaces runs of 13–19 digits (single spaces or dashes allowed between them, as cards are
 * written) with BIN…last4. With `luhnOnly`, only runs that pass the Luhn check are masked.
 */
export function maskCardNumbers(text: string, luhnOnly = false): string {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    if (!isDigit(text.charCodeAt(i)) || (i > 0 && isDigit(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    let end = i;
    let digits = '';
    let j = i;
    while (j < text.length) {
      const code = text.charCodeAt(j);
      if (isDigit(code)) {
        digits += text[j];
        end = ++j;
      } else if ((code === 32 || code === 45) && isDigit(text.charCodeAt(j + 1))) j++;
      else break;
      if (digits.length > 19) break;
    }
    if (digits.length >= 13 && digits.length <= 19 && (!luhnOnly || luhnValid(digits))) {
      out += `${text.slice(copied, i)}${digits.slice(0, 6)}…${digits.slice(-4)}`;
      copied = end;
    }
    i = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

export interface CardReading {
  /** The full PAN (digits only), when the column holds one. */
  readonly pan?: string;
  readonly bin?: string;
  readonly last4?: string;
}

/** A card column: a full PAN, or a masked one ('424242******4242', 'XXXX-XXXX-XXXX-4242'); null if neither. */
export function readCard(value: string): CardReading | null {
  const compact = value.replace(/[\s-]/g, '');
  if (/^\d{12,19}$/.test(compact)) return { pan: compact, bin: compact.slice(0, 6), last4: compact.slice(-4) };
  if (!/^[\dXx*#•.…]{8,19}$/.test(compact) || !/\d{4}$/.test(compact)) return null;
  const reading: { bin?: string; last4: string } = { last4: compact.slice(-4) };
  if (/^\d{6}/.test(compact)) reading.bin = compact.slice(0, 6);
  return reading;
}

export type HashType = 'md5' | 'sha1' | 'sha256';

const HEX = /^[0-9a-f]+$/;
const BASE32 = /^[A-Z2-7]{32}$/;

/** The hash's type by its length, lower-case hex; Gnutella `urn:sha1:` base32 becomes hex SHA-1. Null if not a hash. */
export function readHash(input: string): { type: HashType; value: string } | null {
  let value = input.trim();
  const lower = value.toLowerCase();
  let base32 = false;
  for (const prefix of ['urn:sha1:', 'sha1:', 'urn:sha256:', 'sha256:', 'md5:', 'urn:md5:']) {
    if (lower.startsWith(prefix)) {
      base32 = prefix === 'urn:sha1:' || prefix === 'sha1:';
      value = value.slice(prefix.length);
      break;
    }
  }
  const hex = value.toLowerCase();
  if (HEX.test(hex)) {
    if (hex.length === 32) return { type: 'md5', value: hex };
    if (hex.length === 40) return { type: 'sha1', value: hex };
    if (hex.length === 64) return { type: 'sha256', value: hex };
  }
  const upper = value.toUpperCase();
  // 32 base32 characters = 160 bits. Without a urn:sha1 prefix, only when it cannot be hex md5.
  if (BASE32.test(upper) && (base32 || !HEX.test(hex))) return { type: 'sha1', value: base32ToHex(upper) };
  return null;
}

/** RFC 4648 base32 (no padding) to lower-case hex. */
export function base32ToHex(text: string): string {
  let bits = 0;
  let buffer = 0;
  let hex = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code >= 65 && code <= 90 ? code - 65 : code - 50 + 26;
    buffer = (buffer << 5) | value;
    bits += 5;
    while (bits >= 4) {
      bits -= 4;
      hex += ((buffer >> bits) & 0xf).toString(16);
    }
    buffer &= (1 << bits) - 1;
  }
  return hex;
}
