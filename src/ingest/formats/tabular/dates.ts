/**
 * Date formats of mapped columns ('yyyyMMdd', 'dd/MM/yyyy', 'MM/dd/yyyy hh:mm a', 'iso', 'unix'):
 * compiled once per source into a small token walker (no per-value regex backtracking).
 */
import { localToInstant, type LocalDateTime } from '../../time.ts';

export interface DateTimeParts extends LocalDateTime {
  /** Minutes east of UTC, when the value carries an offset. */
  offsetMinutes?: number;
  /** A precomputed instant (unix times). */
  epochMillis?: number;
}

export interface DateFormat {
  readonly pattern: string;
  /** True when the format has an hour token. */
  readonly hasTime: boolean;
  parse(value: string): DateTimeParts | null;
}

type NumberField = 'year' | 'year2' | 'month' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'fraction';
type Token =
  | { readonly kind: 'number'; readonly field: NumberField; readonly min: number; readonly max: number }
  | { readonly kind: 'ampm' }
  | { readonly kind: 'offset' }
  | { readonly kind: 'literal'; readonly text: string };

const NUMBER_TOKENS: Readonly<Record<string, { field: NumberField; max: number }>> = {
  yyyy: { field: 'year', max: 4 },
  yy: { field: 'year2', max: 2 },
  MM: { field: 'month', max: 2 },
  M: { field: 'month', max: 2 },
  dd: { field: 'day', max: 2 },
  d: { field: 'day', max: 2 },
  HH: { field: 'hour', max: 2 },
  H: { field: 'hour', max: 2 },
  hh: { field: 'hour12', max: 2 },
  h: { field: 'hour12', max: 2 },
  mm: { field: 'minute', max: 2 },
  ss: { field: 'second', max: 2 },
  SSS: { field: 'fraction', max: 9 },
};
const OTHER_TOKENS = ['a', 'X', 'XX', 'XXX', 'Z', 'ZZ'];
/** Shown in errors about a bad format. */
export const DATE_TOKENS = [...Object.keys(NUMBER_TOKENS), ...OTHER_TOKENS, "'literal'", 'iso', 'unix'];

const isLetter = (code: number): boolean => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const isSpace = (code: number): boolean => code === 32 || code === 9 || code === 0xa0 || code === 0x202f || code === 0x2009;

/** Compiles a pattern; throws an Error saying which token is wrong. */
export function compileDateFormat(pattern: string): DateFormat {
  const trimmed = pattern.trim();
  if (trimmed.toLowerCase() === 'iso') return ISO_FORMAT;
  if (trimmed.toLowerCase() === 'unix') return UNIX_FORMAT;
  const tokens = tokenize(trimmed);
  if (!tokens.some((token) => token.kind === 'number')) throw new Error(`date format '${pattern}' has no date fields (tokens: ${DATE_TOKENS.join(', ')})`);
  const fields = new Set(tokens.flatMap((token) => (token.kind === 'number' ? [token.field] : [])));
  if (!(fields.has('year') || fields.has('year2')) || !fields.has('month') || !fields.has('day')) {
    throw new Error(`date format '${pattern}' needs a year, a month and a day (yyyy or yy, MM, dd)`);
  }
  const hasTime = fields.has('hour') || fields.has('hour12');
  return { pattern, hasTime, parse: (value) => walk(tokens, value) };
}

/** The date part of a date-time format ('dd/MM/yyyy HH:mm' → 'dd/MM/yyyy'), to read birth dates with a booking-time format. */
export function datePartOf(format: DateFormat): DateFormat | undefined {
  if (!format.hasTime || format === ISO_FORMAT) return undefined;
  const match = /^(.*?[yMd])[^yMd]*[Hh]/.exec(format.pattern);
  if (!match?.[1]) return undefined;
  try {
    return compileDateFormat(match[1]);
  } catch {
    return undefined;
  }
}

function tokenize(pattern: string): Token[] {
  const raw: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const code = pattern.charCodeAt(i);
    if (code === 39 /* ' */) {
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) throw new Error(`date format '${pattern}' has an unclosed quote`);
      raw.push({ kind: 'literal', text: end === i + 1 ? "'" : pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (isLetter(code)) {
      let end = i + 1;
      while (end < pattern.length && pattern.charCodeAt(end) === code) end++;
      const run = pattern.slice(i, end);
      const number = NUMBER_TOKENS[run];
      if (number) raw.push({ kind: 'number', field: number.field, min: 1, max: number.max });
      else if (run === 'a') raw.push({ kind: 'ampm' });
      else if (run.startsWith('X') || run.startsWith('Z')) raw.push({ kind: 'offset' });
      else if (run === 'T') raw.push({ kind: 'literal', text: 'T' });
      else throw new Error(`date format '${pattern}' has an unknown token '${run}' (tokens: ${DATE_TOKENS.join(', ')})`);
      i = end;
    } else {
      raw.push({ kind: 'literal', text: pattern[i] ?? '' });
      i++;
    }
  }
  // Numbers written next to each other ('yyyyMMdd') must each use their full width.
  return raw.map((token, index) => {
    const adjacent = raw[index + 1]?.kind === 'number' || raw[index - 1]?.kind === 'number';
    if (token.kind === 'number' && adjacent) return { ...token, min: token.field === 'fraction' ? 3 : token.max, max: token.field === 'fraction' ? 3 : token.max };
    if (token.kind === 'number' && token.field === 'year') return { ...token, min: 4 };
    return token;
  });
}

function walk(tokens: readonly Token[], input: string): DateTimeParts | null {
  const value = input.trim();
  let i = 0;
  let year: number | undefined;
  let month = 0;
  let day = 0;
  let hour: number | undefined;
  let hour12: number | undefined;
  let minute: number | undefined;
  let second: number | undefined;
  let millisecond: number | undefined;
  let pm: boolean | undefined;
  let offsetMinutes: number | undefined;
  for (const token of tokens) {
    if (token.kind === 'literal') {
      if (token.text.length === 1 && isSpace(token.text.charCodeAt(0))) {
        if (!isSpace(value.charCodeAt(i))) return null;
        while (isSpace(value.charCodeAt(i))) i++;
      } else {
        if (value.slice(i, i + token.text.length).toLowerCase() !== token.text.toLowerCase()) return null;
        i += token.text.length;
      }
    } else if (token.kind === 'number') {
      const start = i;
      let n = 0;
      while (i - start < token.max && isDigit(value.charCodeAt(i))) n = n * 10 + value.charCodeAt(i++) - 48;
      const digits = i - start;
      if (digits < token.min || digits === 0) return null;
      switch (token.field) {
        case 'year':
          year = n;
          break;
        case 'year2':
          // Fixed pivot, so a re-run reads the same year: 00–49 → 2000s, 50–99 → 1900s.
          year = n < 50 ? 2000 + n : 1900 + n;
          break;
        case 'month':
          month = n;
          break;
        case 'day':
          day = n;
          break;
        case 'hour':
          hour = n;
          break;
        case 'hour12':
          hour12 = n;
          break;
        case 'minute':
          minute = n;
          break;
        case 'second':
          second = n;
          break;
        case 'fraction':
          millisecond = Math.floor(n / 10 ** Math.max(0, digits - 3)) * 10 ** Math.max(0, 3 - digits);
          break;
      }
    } else if (token.kind === 'ampm') {
      const read = readAmPm(value, i);
      if (!read) return null;
      pm = read.pm;
      i = read.end;
    } else {
      const read = readOffset(value, i);
      if (!read) return null;
      offsetMinutes = read.minutes;
      i = read.end;
    }
  }
  if (i !== value.length || year === undefined) return null;
  if (hour12 !== undefined) {
    if (pm === undefined) hour = hour12;
    else {
      if (hour12 < 1 || hour12 > 12) return null;
      hour = (hour12 % 12) + (pm ? 12 : 0);
    }
  }
  const parts: DateTimeParts = { year, month, day };
  if (hour !== undefined) parts.hour = hour;
  if (minute !== undefined) parts.minute = minute;
  if (second !== undefined) parts.second = second;
  if (millisecond !== undefined) parts.millisecond = millisecond;
  if (offsetMinutes !== undefined) parts.offsetMinutes = offsetMinutes;
  return parts;
}

function readAmPm(value: string, at: number): { pm: boolean; end: number } | null {
  const first = value[at]?.toLowerCase();
  if (first !== 'a' && first !== 'p') return null;
  let end = at + 1;
  if (value[end] === '.') end++;
  if (value[end]?.toLowerCase() !== 'm') return null;
  end++;
  if (value[end] === '.') end++;
  return { pm: first === 'p', end };
}

/** 'Z', '+02', '+0200', '+02:00' (also '−' U+2212). */
function readOffset(value: string, at: number): { minutes: number; end: number } | null {
  const sign = value[at];
  if (sign === 'Z' || sign === 'z') return { minutes: 0, end: at + 1 };
  if (sign !== '+' && sign !== '-' && sign !== '\u2212') return null;
  let i = at + 1;
  const digit = (): number | null => (isDigit(value.charCodeAt(i)) ? value.charCodeAt(i++) - 48 : null);
  const h1 = digit();
  const h2 = digit();
  if (h1 === null || h2 === null) return null;
  let minutes = 0;
  if (value[i] === ':') i++;
  const m1 = digit();
  if (m1 !== null) {
    const m2 = digit();
    if (m2 === null) return null;
    minutes = m1 * 10 + m2;
  }
  const hours = h1 * 10 + h2;
  if (hours > 18 || minutes > 59) return null;
  const total = hours * 60 + minutes;
  return { minutes: sign === '+' ? total : -total, end: i };
}

// Anchored, no nested quantifiers: linear time on any input.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)? ?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

export const ISO_FORMAT: DateFormat = {
  pattern: 'iso',
  hasTime: true,
  parse(input) {
    const match = ISO.exec(input.trim());
    if (!match) return null;
    const parts: DateTimeParts = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
    if (match[4] !== undefined) {
      parts.hour = Number(match[4]);
      parts.minute = Number(match[5]);
      if (match[6] !== undefined) parts.second = Number(match[6]);
      if (match[7] !== undefined) parts.millisecond = Number(match[7].slice(0, 3).padEnd(3, '0'));
      if (match[8] !== undefined) {
        const offset = readOffset(match[8], 0);
        if (!offset) return null;
        parts.offsetMinutes = offset.minutes;
      }
    }
    return parts;
  },
};

/** Seconds since 1970 (or milliseconds, for values of 12 digits and more). */
export const UNIX_FORMAT: DateFormat = {
  pattern: 'unix',
  hasTime: true,
  parse(input) {
    const value = input.trim();
    if (!/^-?\d{1,15}(?:\.\d{1,6})?$/.test(value)) return null;
    const number = Number(value);
    const millis = Math.abs(number) >= 1e11 ? number : number * 1000;
    const date = new Date(Math.round(millis));
    if (Number.isNaN(date.getTime())) return null;
    return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: date.getUTCHours(), epochMillis: date.getTime() };
  },
};

/** 'yyyy-mm-dd' when the parts are a real calendar date. */
export function toIsoDate(parts: DateTimeParts): string | null {
  if (!localToInstant({ year: parts.year, month: parts.month, day: parts.day })) return null;
  return `${String(parts.year).padStart(4, '0')}-${String(parts.month).padStart(2, '0')}-${String(parts.day).padStart(2, '0')}`;
}

/** The instant; zone-less values are read as wall-clock time in `zone`. Null for impossible dates or times. */
export function toInstant(parts: DateTimeParts, zone: string): Date | null {
  if (parts.epochMillis !== undefined) return new Date(parts.epochMillis);
  const local = {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
    millisecond: parts.millisecond ?? 0,
  };
  if (local.hour > 23 || local.minute > 59 || local.second > 59) return null;
  if (parts.offsetMinutes === undefined) return zone === 'UTC' ? localToInstant(local, zone) : zonedInstant(local, zone);
  const asUtc = localToInstant(local, 'UTC');
  return asUtc ? new Date(asUtc.getTime() - parts.offsetMinutes * 60_000) : null;
}

/** Zone offsets by 15-minute slot of local time: Intl lookups cost microseconds, and a file has few distinct slots. */
const SLOT_MS = 15 * 60_000;
const zoneOffsets = new Map<string, Map<number, number>>();

function zonedInstant(local: Required<Omit<DateTimeParts, 'offsetMinutes' | 'epochMillis'>>, zone: string): Date | null {
  const naive = localToInstant(local, 'UTC');
  if (!naive) return null;
  const slot = Math.floor(naive.getTime() / SLOT_MS) * SLOT_MS;
  let offsets = zoneOffsets.get(zone);
  if (!offsets || offsets.size > 50_000) {
    offsets = new Map();
    zoneOffsets.set(zone, offsets);
  }
  let shift = offsets.get(slot);
  if (shift === undefined) {
    // Offsets change only on slot boundaries (DST and zone changes happen at whole hours or :30/:45).
    const slotStart = new Date(slot);
    const instant = localToInstant(
      {
        year: slotStart.getUTCFullYear(),
        month: slotStart.getUTCMonth() + 1,
        day: slotStart.getUTCDate(),
        hour: slotStart.getUTCHours(),
        minute: slotStart.getUTCMinutes(),
      },
      zone,
    );
    if (!instant) return null;
    shift = instant.getTime() - slot;
    offsets.set(slot, shift);
  }
  return new Date(naive.getTime() + shift);
}
