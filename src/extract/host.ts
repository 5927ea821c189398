/**
 * Host names shared by the url and domain types: label rules and the registrable domain from
 * the public suffix list bundled in `tldts` (no download at run time).
 */
import { parse } from 'tldts';
import { asciiDomain } from './email.ts';
import { parseIPv4, parseIPv6 } from './ip.ts';

export interface HostInfo {
  /** Lower-case ASCII host (punycode for IDN), IPv6 in brackets as written. */
  readonly host: string;
  readonly isIp: boolean;
  /** Registrable domain ("shop.example.co.uk" → "example.co.uk"), when the host has one. */
  readonly domain: string | null;
  /** The host ends in a suffix that ICANN or the private section of the list knows. */
  readonly knownSuffix: boolean;
}

// Private-section suffixes (github.io, blogspot.com) count: each user's site there is its own domain.
const TLDTS_OPTIONS = { allowPrivateDomains: true, extractHostname: false, validateHostname: false } as const;

export function hostInfo(rawHost: string): HostInfo | null {
  if (rawHost.startsWith('[')) {
    return rawHost.endsWith(']') && parseIPv6(rawHost) ? { host: rawHost.toLowerCase(), isIp: true, domain: null, knownSuffix: false } : null;
  }
  if (/^[\d.]+$/.test(rawHost)) {
    const v4 = parseIPv4(rawHost);
    return v4 ? { host: v4.join('.'), isIp: true, domain: null, knownSuffix: false } : null;
  }
  const host = asciiDomain(rawHost.endsWith('.') ? rawHost.slice(0, -1) : rawHost);
  if (!host) return null;
  // Tor onion services are not in the public suffix list but are exactly what an investigator links on.
  const onion = /(?:^|\.)([a-z2-7]{16}|[a-z2-7]{56})\.onion$/.exec(host);
  if (onion) return { host, isIp: false, domain: `${onion[1]}.onion`, knownSuffix: true };
  const parsed = parse(host, TLDTS_OPTIONS);
  const knownSuffix = parsed.isIcann === true || parsed.isPrivate === true;
  return { host, isIp: false, domain: knownSuffix ? parsed.domain : null, knownSuffix };
}
