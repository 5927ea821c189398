/**
 * Local wall-clock times (IRC, WhatsApp, Telegram's `date`, CSV columns) to instants, in an
 * IANA zone. Uses Intl only; caches one formatter per zone, as parsers call this per line.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, found);
  }
  return found;
}

/** True when `zone` is an IANA zone name this runtime knows (or 'UTC'). */
export function isValidTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC, in milliseconds, at the instant `utcMillis`. */
function offsetAt(zone: string, utcMillis: number): number {
  const parts = formatter(zone).formatToParts(new Date(utcMillis));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMillis / 1000) * 1000;
}

export interface LocalDateTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
}

/**
 * The instant at which the wall clock in `zone` showed `local`; null if the fields are not a
 * real date (31 February, hour 25). In a DST gap the later offset applies; in an overlap, the earlier.
 */
export function localToInstant(local: LocalDateTime, zone = 'UTC'): Date | null {
  const { year, month, day, hour = 0, minute = 0, second = 0, millisecond = 0 } = local;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const naive = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millisecond);
  const check = new Date(naive);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  if (zone === 'UTC') return check;
  // Two passes settle the offset around DST transitions.
  let guess = naive - offsetAt(zone, naive);
  guess = naive - offsetAt(zone, guess);
  return new Date(guess);
}
