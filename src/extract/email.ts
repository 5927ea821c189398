/**
 * Email addresses: practical RFC 5321/5322 validity (dot-atom local parts, host-name domains,
 * UTF-8 per RFC 6531), a lower-cased stored value and a provider-specific canonical form.
 */
import { domainToASCII } from 'node:url';
import type { ExtractContext, IdentifierExtractor, NormalisedIdentifier, TextMatch } from './types.ts';

/*
 * Accepted: isemail's "valid" category only. Rejected: every "err…" category and also the forms
 * RFC 5322 allows but no one uses to identify a person — quoted local parts, comments and folding
 * white space (cfws…, deprecated…), address literals (rfc5321AddressLiteral, rfc5322DomainLiteral,
 * rfc5322IPv6…), numeric TLDs (rfc5321TLDNumeric), and over-long parts (…TooLong).
 */

const LOCAL_ASCII = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
const DOMAIN_GMAIL = new Set(['gmail.com', 'googlemail.com']);

function isWellFormedUnicode(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

function validLocal(local: string): boolean {
  if (local.length === 0 || Buffer.byteLength(local, 'utf8') > 64) return false;
  for (const atom of local.split('.')) {
    if (atom.length === 0) return false; // leading, trailing or consecutive dots
    for (const ch of atom) {
      const code = ch.codePointAt(0) ?? 0;
      if (code < 0x80 ? !LOCAL_ASCII.test(ch) : code < 0xa0) return false;
    }
  }
  return true;
}

/** The domain in ASCII (punycode), lower-case, or null if it is not a usable host name. */
export function asciiDomain(domain: string): string | null {
  if (domain.length === 0 || domain.endsWith('.') || domain.startsWith('.')) return null;
  for (const label of domain.split('.')) {
    if (label.length === 0 || label.startsWith('-') || label.endsWith('-')) return null;
    for (const ch of label) {
      const code = ch.codePointAt(0) ?? 0;
      if (code < 0x80 && !/[A-Za-z0-9-]/.test(ch)) return null;
    }
  }
  // eslint-disable-next-line no-control-regex -- only ASCII needs no IDNA mapping
  const ascii = /^[\x00-\x7f]*$/.test(domain) ? domain.toLowerCase() : domainToASCII(domain.toLowerCase());
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.some((l) => l.length === 0 || l.length > 63)) return null;
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return null; // numeric TLD: an IP, not a name
  return ascii;
}

/** gmail ignores dots and +tags; most other providers honour +tags as sub-addresses. */
function canonicalForm(local: string, domain: string): string {
  const untagged = local.split('+')[0] || local;
  if (DOMAIN_GMAIL.has(domain)) return `${untagged.replaceAll('.', '')}@gmail.com`;
  return `${untagged}@${domain}`;
}

function normalise(raw: string): NormalisedIdentifier | null {
  let text = raw.trim();
  if (text.toLowerCase().startsWith('mailto:')) text = text.slice(7);
  if (!isWellFormedUnicode(text)) return null;
  const at = text.lastIndexOf('@');
  if (at <= 0) return null;
  const local = text.slice(0, at);
  if (!validLocal(local)) return null;
  const domain = asciiDomain(text.slice(at + 1));
  if (!domain) return null;
  // Providers treat local parts case-insensitively in practice, so the whole address is lower-cased.
  const lowerLocal = local.toLowerCase();
  const value = `${lowerLocal}@${domain}`;
  if (Buffer.byteLength(value, 'utf8') > 254) return null;
  const canonical = canonicalForm(lowerLocal, domain);
  return { type: 'email', value, props: { domain }, ...(canonical !== value ? { canonical } : {}) };
}

function isLocalChar(code: number): boolean {
  // A conservative subset for prose: quotes, slashes and braces around an address are punctuation.
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 46 || code === 95 || code === 45 || code === 43 || code === 37 ||
    (code > 0x7f && /[\p{L}\p{N}]/u.test(String.fromCharCode(code)))
  );
}

function isDomainChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 46 || code === 45 ||
    (code > 0x7f && /[\p{L}\p{N}]/u.test(String.fromCharCode(code)))
  );
}

function find(text: string): TextMatch[] {
  const out: TextMatch[] = [];
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > 0 && isLocalChar(text.charCodeAt(start - 1))) start--;
    while (start < at && text[start] === '.') start++;
    let end = at + 1;
    while (end < text.length && isDomainChar(text.charCodeAt(end))) end++;
    while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
    const domain = text.slice(at + 1, end);
    // In prose, demand a dotted domain with an alphabetic TLD: "me@home" is not an address.
    if (start < at && /\.(?:[\p{L}]{2,}|xn--[a-z0-9-]+)$/iu.test(domain) && text[end] !== '@' && text[start - 1] !== '@') {
      out.push({ type: 'email', raw: text.slice(start, end), start, end });
    }
    at = text.indexOf('@', Math.max(end, at + 1));
  }
  return out;
}

export const emailExtractor: IdentifierExtractor = {
  type: 'email',
  find: (text: string, _context: ExtractContext) => (text.indexOf('@') === -1 ? [] : find(text)),
  normalise: (raw: string) => normalise(raw),
  validate: (value: string) => normalise(value)?.value === value,
  examples: [
    { raw: 'Sam.Rowe@Example.COM', value: 'sam.rowe@example.com' },
    { raw: 'mailto:sam@example.org', value: 'sam@example.org' },
    { raw: 'garden.fan+seeds@gmail.com', value: 'garden.fan+seeds@gmail.com' },
    { raw: 'sam@bücher.example', value: 'sam@xn--bcher-kva.example' },
    { raw: 'sam@@example.com', value: null },
    { raw: '.sam@example.com', value: null },
    { raw: 'sam@example', value: 'sam@example' },
    { raw: '"sam"@example.com', value: null },
    { raw: 'sam@[192.0.2.1]', value: null },
  ],
};
