/**
 * Domains: the registrable domain (public suffix list via `tldts`), lower-case, IDN in punycode.
 * In text, bare host names with a known suffix ("example.com"); hosts inside URLs and emails are
 * left to those types.
 */
import { hostInfo } from './host.ts';
import type { ExtractContext, IdentifierExtractor, NormalisedIdentifier, TextMatch } from './types.ts';

// Starts only at a token start (the lookbehind), so each word is tried once: linear in the text.
const HOST_IN_TEXT = /(?<![\p{L}\p{N}_.@/:\\-])[\p{L}\p{N}][\p{L}\p{N}-]*(?:\.[\p{L}\p{N}-]+)+/gu;

/*
 * Bare mentions without a scheme are where false positives live: "notes.md", "run.sh", or a missing
 * space after a full stop ("fine.how" — .how is a real gTLD). So a bare mention must end in a
 * country code or one of the long-established generic TLDs; two-letter codes that are also common
 * words or file extensions need a third label. URLs with a scheme are not limited this way.
 */
const BARE_GENERIC_TLDS = new Set(['com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'info', 'biz', 'name', 'pro', 'mobi', 'xyz', 'online', 'site', 'top', 'app', 'dev', 'shop', 'club', 'store', 'tech', 'live', 'xxx', 'onion']);
const AMBIGUOUS_CC_TLDS = new Set(['md', 'sh', 'py', 'pl', 'pm', 'rs', 'ps', 'cs', 'so', 'in', 'am', 'it', 'is', 'at', 'to', 'do', 'me', 'no', 'be', 'us', 'go', 'my', 'on', 'an', 'as', 'by', 'of', 'or', 'ok', 'hi', 'ai', 'im', 'js', 'ts']);

function plausibleBareTld(tld: string, labels: number): boolean {
  if (tld.startsWith('xn--')) return true;
  if (tld.length === 2) return !AMBIGUOUS_CC_TLDS.has(tld) || labels >= 3;
  return BARE_GENERIC_TLDS.has(tld);
}

function normalise(raw: string): NormalisedIdentifier | null {
  let text = raw.trim();
  if (text.includes('://') || text.includes('/')) {
    try {
      text = new URL(text.includes('://') ? text : `http://${text}`).hostname;
    } catch {
      return null;
    }
  }
  const info = hostInfo(text);
  if (!info || info.isIp || !info.domain) return null;
  return { type: 'domain', value: info.domain, ...(info.domain !== info.host ? { props: { host: info.host } } : {}) };
}

function find(text: string): TextMatch[] {
  const out: TextMatch[] = [];
  for (const m of text.matchAll(HOST_IN_TEXT)) {
    let raw = m[0];
    while (raw.endsWith('-') || raw.endsWith('.')) raw = raw.slice(0, -1);
    const end = m.index + raw.length;
    const after = text[end] ?? '';
    if (after === '@' || /[\p{L}\p{N}_]/u.test(after)) continue;
    const tld = raw.slice(raw.lastIndexOf('.') + 1).toLowerCase();
    // An internationalised TLD ("рф") is never a file extension; ASCII ones must be plausible.
    const idnTld = /^[\p{L}]+$/u.test(tld) && !/^[a-z]+$/.test(tld);
    if (!idnTld && (!/^[a-z]{2,63}$|^xn--/.test(tld) || !plausibleBareTld(tld, raw.split('.').length))) continue;
    out.push({ type: 'domain', raw, start: m.index, end });
  }
  return out;
}

export const domainExtractor: IdentifierExtractor = {
  type: 'domain',
  find: (text: string, _context: ExtractContext) => (text.indexOf('.') === -1 ? [] : find(text)),
  normalise: (raw: string) => normalise(raw),
  validate: (value: string) => normalise(value)?.value === value,
  examples: [
    { raw: 'Shop.Example.co.uk', value: 'example.co.uk' },
    { raw: 'example.com', value: 'example.com' },
    { raw: 'https://garden.example.org/x', value: 'example.org' },
    { raw: 'bücher.example.de', value: 'example.de' },
    { raw: 'bücher.de', value: 'xn--bcher-kva.de' },
    { raw: 'example.invalid', value: null },
    { raw: 'localhost', value: null },
    { raw: '192.0.2.1', value: null },
  ],
};
