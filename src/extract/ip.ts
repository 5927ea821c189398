/**
 * IP addresses (v4 and v6): strict parsing, canonical text forms (dotted decimal; RFC 5952 for v6;
 * IPv4-mapped v6 → v4) and range flags. Documentation ranges are flagged, never dropped.
 */
import type { ExtractContext, IdentifierExtractor, NormalisedIdentifier, TextMatch } from './types.ts';

/** Four octets, or null. Leading zeros are read as decimal (not octal) and dropped. */
export function parseIPv4(raw: string): number[] | null {
  const parts = raw.split('.');
  if (parts.length !== 4) return null;
  const octets: number[] = [];
  for (const part of parts) {
    if (part.length === 0 || part.length > 3 || !/^\d+$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    octets.push(n);
  }
  return octets;
}

/** Eight 16-bit groups, or null. Accepts `::` compression and a trailing dotted IPv4. */
export function parseIPv6(raw: string): number[] | null {
  let text = raw;
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (text.length < 2 || text.length > 45) return null;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) !== -1) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return null;
    tail.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    const prefix = text.slice(0, lastColon + 1);
    text = prefix.endsWith('::') ? prefix : prefix.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (g.length === 0 || g.length > 4 || !/^[0-9a-fA-F]+$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0] ?? '');
  if (!head) return null;
  if (halves.length === 1) {
    const groups = [...head, ...tail];
    return groups.length === 8 ? groups : null;
  }
  const rest = parseGroups(halves[1] ?? '');
  if (!rest) return null;
  const known = head.length + rest.length + tail.length;
  if (known > 7) return null; // "::" stands for at least one zero group
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
}

/** RFC 5952: lower-case, no leading zeros, the longest run (≥ 2) of zero groups as "::", first one on a tie. */
export function formatIPv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function inV4(o: readonly number[], base: readonly number[], bits: number): boolean {
  const a = (((o[0] ?? 0) << 24) | ((o[1] ?? 0) << 16) | ((o[2] ?? 0) << 8) | (o[3] ?? 0)) >>> 0;
  const b = (((base[0] ?? 0) << 24) | ((base[1] ?? 0) << 16) | ((base[2] ?? 0) << 8) | (base[3] ?? 0)) >>> 0;
  if (bits === 0) return true;
  const mask = bits === 32 ? 0xffffffff : (~0 << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

export function ipv4Flags(o: readonly number[]): string[] {
  const flags: string[] = [];
  if (inV4(o, [10, 0, 0, 0], 8) || inV4(o, [172, 16, 0, 0], 12) || inV4(o, [192, 168, 0, 0], 16)) flags.push('private');
  if (inV4(o, [127, 0, 0, 0], 8)) flags.push('loopback');
  if (inV4(o, [169, 254, 0, 0], 16)) flags.push('link-local');
  if (inV4(o, [100, 64, 0, 0], 10)) flags.push('cgnat');
  if (inV4(o, [192, 0, 2, 0], 24) || inV4(o, [198, 51, 100, 0], 24) || inV4(o, [203, 0, 113, 0], 24)) flags.push('documentation');
  if (inV4(o, [224, 0, 0, 0], 4)) flags.push('multicast');
  if (
    inV4(o, [0, 0, 0, 0], 8) ||
    inV4(o, [240, 0, 0, 0], 4) ||
    inV4(o, [192, 0, 0, 0], 24) ||
    inV4(o, [198, 18, 0, 0], 15)
  ) {
    flags.push('reserved');
  }
  return flags;
}

export function ipv6Flags(g: readonly number[]): string[] {
  const flags: string[] = [];
  const first = g[0] ?? 0;
  const allZeroBefore7 = g.slice(0, 7).every((x) => x === 0);
  if (allZeroBefore7 && g[7] === 1) flags.push('loopback');
  else if (allZeroBefore7 && g[7] === 0) flags.push('reserved'); // the unspecified address
  if ((first & 0xfe00) === 0xfc00) flags.push('private'); // unique local fc00::/7
  if ((first & 0xffc0) === 0xfe80) flags.push('link-local');
  if ((first & 0xff00) === 0xff00) flags.push('multicast');
  if (first === 0x2001 && g[1] === 0x0db8) flags.push('documentation');
  if ((first & 0xfff0) === 0x3ff0) flags.push('documentation'); // 3fff::/20 (RFC 9637)
  if (first === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) flags.push('reserved'); // discard-only 100::/64
  return flags;
}

function isV4Mapped(g: readonly number[]): boolean {
  return g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
}

function normalise(raw: string): NormalisedIdentifier | null {
  const text = raw.trim();
  if (text.includes(':')) {
    const groups = parseIPv6(text);
    if (!groups) return null;
    if (isV4Mapped(groups)) {
      const v4 = [(groups[6] ?? 0) >> 8, (groups[6] ?? 0) & 255, (groups[7] ?? 0) >> 8, (groups[7] ?? 0) & 255];
      return ipv4Result(v4, 'mapped');
    }
    const flags = ipv6Flags(groups);
    return { type: 'ip', value: formatIPv6(groups), props: { version: '6' }, ...(flags.length ? { flags } : {}) };
  }
  const octets = parseIPv4(text);
  return octets ? ipv4Result(octets) : null;
}

function ipv4Result(octets: number[], from?: 'mapped'): NormalisedIdentifier {
  const flags = ipv4Flags(octets);
  return {
    type: 'ip',
    value: octets.join('.'),
    props: from ? { version: '4', from: 'ipv4-mapped-ipv6' } : { version: '4' },
    ...(flags.length ? { flags } : {}),
  };
}

// Lookbehind keeps "v10.0.0.1", "a1.2.3.4" and the tail of "1.2.3.4.5" out; lookahead keeps "1.2.3.4.5" and "1.2.3.4a" out.
const IPV4_IN_TEXT = /(?<![\w.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\w|\.\d)/g;
// Runs of hex digits, colons and dots that start a token; checked by the strict parser afterwards.
const IPV6_TOKEN = /(?<![\w:.])[0-9A-Fa-f:][0-9A-Fa-f:.]*/g;

function find(text: string): TextMatch[] {
  const out: TextMatch[] = [];
  if (text.indexOf('.') !== -1) {
    for (const m of text.matchAll(IPV4_IN_TEXT)) {
      if (parseIPv4(m[0])) out.push({ type: 'ip', raw: m[0], start: m.index, end: m.index + m[0].length });
    }
  }
  let colon = text.indexOf(':');
  if (colon !== -1 && text.indexOf(':', colon + 1) !== -1) {
    for (const m of text.matchAll(IPV6_TOKEN)) {
      let token = m[0];
      // Sentence punctuation after an address ("…::1." or "fe80::1:") is not part of it.
      while (token.endsWith('.') || (token.endsWith(':') && !token.endsWith('::'))) token = token.slice(0, -1);
      const end = m.index + token.length;
      if (/[\w]/.test(text[end] ?? '')) continue;
      colon = token.indexOf(':');
      if (colon === -1 || token.indexOf(':', colon + 1) === -1) continue;
      if (!/[0-9A-Fa-f]/.test(token)) continue; // a bare "::" in prose is not an address
      if (parseIPv6(token)) out.push({ type: 'ip', raw: token, start: m.index, end });
    }
    out.sort((a, b) => a.start - b.start);
  }
  return out;
}

export const ipExtractor: IdentifierExtractor = {
  type: 'ip',
  find: (text: string, _context: ExtractContext) => find(text),
  normalise: (raw: string) => normalise(raw),
  validate: (value: string) => normalise(value)?.value === value,
  examples: [
    { raw: '198.51.100.23', value: '198.51.100.23' },
    { raw: '192.000.002.015', value: '192.0.2.15' },
    { raw: '256.1.1.1', value: null },
    { raw: '1.2.3', value: null },
    { raw: '2001:DB8:0:0:0:0:0:1', value: '2001:db8::1' },
    { raw: '2001:db8:0:1:1:1:1:1', value: '2001:db8:0:1:1:1:1:1' },
    { raw: '2001:0db8:0000:0000:1:0000:0000:0001', value: '2001:db8::1:0:0:1' },
    { raw: '::ffff:192.0.2.128', value: '192.0.2.128' },
    { raw: '[2001:db8::5]', value: '2001:db8::5' },
    { raw: '2001:db8::1::2', value: null },
    { raw: '12:30:45', value: null },
  ],
};
