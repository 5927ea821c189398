/**
 * The current log date and the instant of each line's wall-clock time. IRC logs write the date
 * once (header, day-change line, file name) and only the time per line, so this carries the date.
 */
import { isValidTimeZone, localToInstant } from '../../time.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 1–12 for an English month abbreviation (`Mar`, `mar`), 0 otherwise. */
export function monthNumber(name: string): number {
  if (name.length < 3) return 0;
  const key = name[0]!.toUpperCase() + name.slice(1, 3).toLowerCase();
  return MONTHS.indexOf(key) + 1;
}

/** The two-digit number at `at` in `text`, or -1 when those are not two ASCII digits. */
export function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** The four-digit number at `at` in `text`, or -1. */
export function fourDigits(text: string, at: number): number {
  const high = twoDigits(text, at);
  const low = twoDigits(text, at + 2);
  return high < 0 || low < 0 ? -1 : high * 100 + low;
}

/** A wall-clock time of day, checked for range. */
export interface TimeOfDay {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Parses `HH:MM` or `HH:MM:SS` at `at`; returns the time and the index after it, or null. */
export function readTime(text: string, at: number): { time: TimeOfDay; end: number } | null {
  const hour = twoDigits(text, at);
  const minute = twoDigits(text, at + 3);
  if (hour < 0 || minute < 0 || text.charCodeAt(at + 2) !== 0x3a || hour > 23 || minute > 59) return null;
  if (text.charCodeAt(at + 5) === 0x3a) {
    const second = twoDigits(text, at + 6);
    if (second < 0 || second > 60) return null;
    return { time: { hour, minute, second }, end: at + 8 };
  }
  return { time: { hour, minute, second: 0 }, end: at + 5 };
}

/**
 * Reads `Tue Mar 05 09:58:12 2024`, `Tue Mar  5 09:58:12 2024`, `Wed Mar 06 2024` (and the
 * same without the weekday) into a date; null when it is not such a date.
 */
export function readLongDate(text: string): { year: number; month: number; day: number } | null {
  const words = text.trim().split(/ +/);
  if (words.length > 0 && monthNumber(words[0] ?? '') === 0) words.shift();
  const month = monthNumber(words[0] ?? '');
  const day = Number(words[1]);
  const yearWord = words.find((word, index) => index >= 2 && /^\d{4}$/.test(word));
  if (month === 0 || !Number.isInteger(day) || day < 1 || day > 31 || words[0]!.length !== 3) return null;
  return { year: yearWord ? Number(yearWord) : 0, month, day };
}

/** A backward jump larger than this is a new day, not a DST fall-back (which is at most an hour). */
const ROLLOVER_GAP_SECONDS = 3600;

export class DayClock {
  private year = 0;
  private month = 0;
  private day = 0;
  private lastSeconds = -1;
  private cachedHourKey = -1;
  private cachedHourStart = Number.NaN;

  constructor(private readonly zone: string) {}

  /** Throws when the zone is unknown: a bad option, not a bad line. */
  static forZone(zone: string | undefined, path: string): DayClock {
    const chosen = zone ?? 'UTC';
    if (!isValidTimeZone(chosen)) throw new Error(`${path}: unknown time zone '${chosen}'`);
    return new DayClock(chosen);
  }

  get hasDate(): boolean {
    return this.year !== 0;
  }

  get currentMonth(): number {
    return this.month;
  }

  /** Sets the date; an impossible date (or year 0) leaves the date unknown. */
  setDate(year: number, month: number, day: number): void {
    if (year === this.year && month === this.month && day === this.day && year !== 0) return;
    const check = new Date(Date.UTC(year, month - 1, day));
    const valid = year > 0 && check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
    this.year = valid ? year : 0;
    this.month = valid ? month : 0;
    this.day = valid ? day : 0;
    this.lastSeconds = -1;
  }

  /** Sets month and day, keeping the year and moving to the next year when the month goes back (December → January). */
  setMonthDay(month: number, day: number): void {
    if (this.year === 0) return;
    if (month === this.month && day === this.day) return;
    const year = month < this.month ? this.year + 1 : this.year;
    this.setDate(year, month, day);
  }

  /** Sets the date with a year that may be missing (0), inferring it from the current date. */
  setDateMaybeWithoutYear(year: number, month: number, day: number): void {
    if (year > 0) this.setDate(year, month, day);
    else this.setMonthDay(month, day);
  }

  private nextDay(): void {
    const next = new Date(Date.UTC(this.year, this.month - 1, this.day + 1));
    this.setDate(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
  }

  /**
   * The instant of `time` on the current date, or null while the date is unknown. With
   * `rollover`, a time well before the previous line's starts the next day, for layouts
   * (mIRC) that write no day-change line.
   */
  at(time: TimeOfDay, rollover = false): Date | null {
    if (this.year === 0) return null;
    const seconds = time.hour * 3600 + time.minute * 60 + time.second;
    if (rollover && this.lastSeconds - seconds > ROLLOVER_GAP_SECONDS) this.nextDay();
    this.lastSeconds = seconds;
    // One zone lookup per hour of log: offsets change only on hour boundaries in practice,
    // and localToInstant costs two Intl calls.
    const hourKey = ((this.year * 16 + this.month) * 32 + this.day) * 24 + time.hour;
    if (hourKey !== this.cachedHourKey) {
      this.cachedHourKey = hourKey;
      const start = localToInstant({ year: this.year, month: this.month, day: this.day, hour: time.hour }, this.zone);
      this.cachedHourStart = start ? start.getTime() : Number.NaN;
    }
    if (Number.isNaN(this.cachedHourStart)) return null;
    return new Date(this.cachedHourStart + time.minute * 60_000 + Math.min(time.second, 59) * 1000);
  }
}
