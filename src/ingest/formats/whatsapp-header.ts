/**
 * Recognises the date-time header that starts each WhatsApp export line, in the layouts phones
 * write (Android `d/m/y, h:mm - `, iOS `[d.m.y, h:mm:ss] `, 12/24 h, NBSP, Finnish `klo`, Croatian).
 * Hand-written over char codes: no regex backtracking, no allocation per line.
 */

/** Filled in by scanHeader; one instance is reused for every line. */
export interface HeaderScan {
  /** The three numbers of the date, in the order written, and how many digits each had. */
  part1: number;
  part2: number;
  part3: number;
  digits1: number;
  digits2: number;
  digits3: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = 24 h clock, 1 = AM, 2 = PM. */
  meridiem: 0 | 1 | 2;
  /** Index in the line where the author (or the system text) starts. */
  bodyStart: number;
  /** True when only a space separates header and body (Croatian): the weakest evidence of a header. */
  bareSpace: boolean;
}

export function newHeaderScan(): HeaderScan {
  return { part1: 0, part2: 0, part3: 0, digits1: 0, digits2: 0, digits3: 0, hour: 0, minute: 0, second: 0, meridiem: 0, bodyStart: 0, bareSpace: false };
}

/** Bidirectional marks phones put around names, numbers and system lines. */
export function isDirectionMark(c: number): boolean {
  return c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0xfeff;
}

/** Space, no-break space or narrow no-break space (newer phones put U+202F before AM/PM). */
function isSpaceLike(c: number): boolean {
  return c === 0x20 || c === 0xa0 || c === 0x202f;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c > 0x7f;
}

function isDateSeparator(c: number): boolean {
  return c === 0x2f || c === 0x2e || c === 0x2d; // / . -
}

function isTimeSeparator(c: number): boolean {
  return c === 0x3a || c === 0x2e; // : .
}

/** At most this many characters between date and time (', ', ' klo ', ' à '). */
const MAX_GAP = 8;

/**
 * True if `line` starts with a WhatsApp header; fills `out` (also partly when false). The date numbers are left
 * uninterpreted: which is the day depends on the whole file (see dateOrder in whatsapp.ts).
 */
export function scanHeader(line: string, out: HeaderScan): boolean {
  const n = line.length;
  let i = 0;
  while (i < n && isDirectionMark(line.charCodeAt(i))) i++;
  const bracket = line.charCodeAt(i) === 0x5b;
  if (bracket) i++;

  // Date: three numbers of 1–4 digits separated by / . or -, each separator optionally followed by a space.
  for (let p = 0; p < 3; p++) {
    let value = 0;
    let count = 0;
    while (i < n && count < 5 && isDigit(line.charCodeAt(i))) {
      value = value * 10 + line.charCodeAt(i) - 0x30;
      count++;
      i++;
    }
    if (count === 0 || count > 4) return false;
    if (p === 0) {
      out.part1 = value;
      out.digits1 = count;
    } else if (p === 1) {
      out.part2 = value;
      out.digits2 = count;
    } else {
      out.part3 = value;
      out.digits3 = count;
    }
    if (p < 2) {
      if (!isDateSeparator(line.charCodeAt(i))) return false;
      i++;
      if (line.charCodeAt(i) === 0x20) i++;
    }
  }
  const comma = line.charCodeAt(i);
  if (comma === 0x2c || comma === 0x2e) i++;

  // Gap before the time: at least one space, at most a few non-digits ('klo').
  if (!isSpaceLike(line.charCodeAt(i))) return false;
  const gapEnd = Math.min(n, i + MAX_GAP);
  while (i < gapEnd && !isDigit(line.charCodeAt(i))) i++;

  // Time: h[h]:mm[:ss] with ':' or '.'.
  let hour = 0;
  let hourDigits = 0;
  while (i < n && hourDigits < 3 && isDigit(line.charCodeAt(i))) {
    hour = hour * 10 + line.charCodeAt(i) - 0x30;
    hourDigits++;
    i++;
  }
  if (hourDigits === 0 || hourDigits > 2 || !isTimeSeparator(line.charCodeAt(i))) return false;
  i++;
  const minute = twoDigits(line, i);
  if (minute < 0) return false;
  i += 2;
  let second = 0;
  if (isTimeSeparator(line.charCodeAt(i)) && isDigit(line.charCodeAt(i + 1))) {
    second = twoDigits(line, i + 1);
    if (second < 0) return false;
    i += 3;
  }
  if (hour > 24 || minute > 59 || second > 60) return false;

  // AM/PM in its spellings: 'PM', 'pm', 'p.m.', 'p. m.', 'p.\u00a0m.', after a space or narrow space.
  let meridiem: 0 | 1 | 2 = 0;
  if (isSpaceLike(line.charCodeAt(i))) {
    let j = i + 1;
    const first = line.charCodeAt(j) | 0x20;
    if (first === 0x61 || first === 0x70) {
      j++;
      if (line.charCodeAt(j) === 0x2e) j++;
      if (isSpaceLike(line.charCodeAt(j))) j++;
      if ((line.charCodeAt(j) | 0x20) === 0x6d) {
        j++;
        if (line.charCodeAt(j) === 0x2e) j++;
        if (!isLetter(line.charCodeAt(j)) && !isDigit(line.charCodeAt(j))) {
          meridiem = first === 0x61 ? 1 : 2;
          i = j;
        }
      }
    }
  }

  // Separator between header and body: '] ', ' - ', ': ' or (Croatian) a single space.
  const c = line.charCodeAt(i);
  let bareSpace = false;
  if (c === 0x5d) {
    i++;
    if (!isSpaceLike(line.charCodeAt(i))) return false;
    i++;
  } else if (bracket) {
    return false;
  } else if (isSpaceLike(c) && (line.charCodeAt(i + 1) === 0x2d || line.charCodeAt(i + 1) === 0x2013) && isSpaceLike(line.charCodeAt(i + 2))) {
    i += 3;
  } else if (c === 0x3a && isSpaceLike(line.charCodeAt(i + 1))) {
    i += 2;
  } else if (isSpaceLike(c)) {
    bareSpace = true;
    i++;
  } else {
    return false;
  }
  if (i >= n) return false;

  out.hour = hour;
  out.minute = minute;
  out.second = second;
  out.meridiem = meridiem;
  out.bodyStart = i;
  out.bareSpace = bareSpace;
  return true;
}

function twoDigits(line: string, i: number): number {
  const a = line.charCodeAt(i);
  const b = line.charCodeAt(i + 1);
  if (!isDigit(a) || !isDigit(b)) return -1;
  return (a - 0x30) * 10 + (b - 0x30);
}
