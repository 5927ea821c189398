// Wall-clock formatting in an IANA zone without locale-dependent output: Intl is asked only for
// the zone offset (cached per UTC hour), and every string is assembled by hand.

export const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
export const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Messages fall between these instants (2025-01-01 .. 2026-10-31 UTC). */
export const EPOCH_START = Date.UTC(2025, 0, 1);
export const EPOCH_END = Date.UTC(2026, 9, 31);

const HOUR = 3_600_000;

export interface Local { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number; dow: number }

export class Zone {
  private dtf: Intl.DateTimeFormat;
  private cache = new Map<number, number>();

  constructor(readonly name: string) {
    this.dtf = new Intl.DateTimeFormat('en-US', {
      timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  }

  /** Offset from UTC in ms at the given instant. */
  offset(ms: number): number {
    const hour = Math.floor(ms / HOUR);
    const hit = this.cache.get(hour);
    if (hit !== undefined) return hit;
    const at = hour * HOUR;
    const parts: Record<string, number> = {};
    for (const p of this.dtf.formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const asUtc = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
    const off = asUtc - at;
    this.cache.set(hour, off);
    return off;
  }

  local(ms: number): Local {
    return utcParts(ms + this.offset(ms));
  }
}

export function utcParts(ms: number): Local {
  const t = new Date(ms);
  return {
    y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(),
    mi: t.getUTCMinutes(), s: t.getUTCSeconds(), ms: t.getUTCMilliseconds(), dow: t.getUTCDay(),
  };
}

export function p2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function isoDate(l: Local): string {
  return `${l.y}-${p2(l.mo)}-${p2(l.d)}`;
}

export function isoLocal(l: Local): string {
  return `${l.y}-${p2(l.mo)}-${p2(l.d)}T${p2(l.h)}:${p2(l.mi)}:${p2(l.s)}`;
}

/** Formats a date with the small pattern language the CSV mappings declare. */
export function formatDate(l: Local, pattern: string): string {
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss/g, (tok) => {
    switch (tok) {
      case 'yyyy': return String(l.y);
      case 'MM': return p2(l.mo);
      case 'dd': return p2(l.d);
      case 'HH': return p2(l.h);
      case 'mm': return p2(l.mi);
      default: return p2(l.s);
    }
  });
}
