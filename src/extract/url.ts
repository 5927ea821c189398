/**
 * URLs with an http, https or ftp scheme, and bare "www." ones. Stored form: lower-case scheme
 * and host, no default port, no fragment; `props.domain` is the registrable domain.
 */
import { hostInfo } from './host.ts';
import type { ExtractContext, IdentifierExtractor, NormalisedIdentifier, TextMatch } from './types.ts';

const SCHEME_START = /\b(?:https?|ftp):\/\//gi;
const WWW_START = /(?<![\w.@/-])www\./gi;
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{', '>': '<' };
const OPENERS = new Set(['(', '[', '{', '<']);

function isUrlChar(code: number): boolean {
  // Everything but white space, control characters, backticks and angle brackets; quotes are settled by urlEnd.
  // CJK and full-width punctuation (U+3000–303F, U+FF01–FF65) ends a URL too: "｜http://x.example｜".
  return (
    code > 0x20 &&
    code !== 0x3c && code !== 0x3e && code !== 0x7f && code !== 0x60 && code !== 0xa0 &&
    // Spaces and direction marks end a URL; the joiners U+200C/U+200D are part of Indic words.
    !(code >= 0x2000 && code <= 0x200b) && code !== 0x200e && code !== 0x200f &&
    !(code >= 0x3000 && code <= 0x303f) &&
    !(code >= 0xff01 && code <= 0xff65)
  );
}

/** End of a URL that starts at `start`: stops at white space or an unbalanced closing bracket; drops trailing punctuation. */
function urlEnd(text: string, start: number): number {
  const stack: string[] = [];
  let end = start;
  while (end < text.length) {
    const ch = text[end] ?? '';
    if (!isUrlChar(ch.charCodeAt(0))) break;
    if (OPENERS.has(ch)) stack.push(ch);
    else if (ch in CLOSERS) {
      if (stack[stack.length - 1] !== CLOSERS[ch]) break;
      stack.pop();
    }
    end++;
  }
  // Sentence punctuation after a URL, and a quote that closes one opened before the URL.
  for (;;) {
    const last = text[end - 1] ?? '';
    if ('.,;:!?*'.includes(last)) end--;
    else if ((last === "'" || last === '"') && countChar(text, start, end, last) % 2 === 1) end--;
    else break;
  }
  return end;
}

function countChar(text: string, start: number, end: number, ch: string): number {
  let n = 0;
  for (let i = start; i < end; i++) if (text[i] === ch) n++;
  return n;
}

function find(text: string): TextMatch[] {
  const out: TextMatch[] = [];
  const hasScheme = text.indexOf('://') !== -1;
  const hasWww = text.indexOf('www.') !== -1 || text.indexOf('WWW.') !== -1;
  if (!hasScheme && !hasWww) return out;
  let covered = -1;
  const starts: number[] = [];
  if (hasScheme) for (const m of text.matchAll(SCHEME_START)) starts.push(m.index);
  if (hasWww) for (const m of text.matchAll(WWW_START)) starts.push(m.index);
  starts.sort((a, b) => a - b);
  for (const start of starts) {
    if (start < covered) continue; // "www." inside a URL already taken
    const end = urlEnd(text, start);
    const raw = text.slice(start, end);
    if (!splitUrl(raw)) continue;
    out.push({ type: 'url', raw, start, end });
    covered = end;
  }
  return out;
}

interface UrlParts {
  readonly scheme: string;
  readonly host: string;
}

/** Scheme and raw host of a candidate, with the host checked by hand: WHATWG URL accepts hosts like "-example.com". */
function splitUrl(raw: string): UrlParts | null {
  const m = /^(?:(https?|ftp):\/\/)?(?:[^\s/?#@]*@)?(\[[0-9A-Fa-f:.]+\]|[^\s/?#:@]+)(?::(\d{1,5}))?(?=[/?#]|$)/i.exec(raw);
  if (!m) return null;
  const scheme = (m[1] ?? 'http').toLowerCase();
  const host = m[2] ?? '';
  if (!m[1] && !/^www\./i.test(host)) return null;
  if (m[3] !== undefined && Number(m[3]) > 65535) return null;
  const info = hostInfo(host);
  if (!info) return null;
  if (!m[1] && !info.knownSuffix) return null; // "www.thing" without a scheme needs a real suffix
  return { scheme, host };
}

function normalise(raw: string): NormalisedIdentifier | null {
  const text = raw.trim();
  const parts = splitUrl(text);
  if (!parts) return null;
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    return null;
  }
  url.hash = '';
  const info = hostInfo(url.hostname);
  const props: Record<string, string> = { host: url.hostname };
  if (info?.domain) props['domain'] = info.domain;
  return { type: 'url', value: url.href, props };
}

export const urlExtractor: IdentifierExtractor = {
  type: 'url',
  find: (text: string, _context: ExtractContext) => find(text),
  normalise: (raw: string) => normalise(raw),
  validate: (value: string) => normalise(value)?.value === value,
  examples: [
    { raw: 'HTTPS://Example.COM:443/Garden?x=1#top', value: 'https://example.com/Garden?x=1' },
    { raw: 'http://example.com:8080/a', value: 'http://example.com:8080/a' },
    { raw: 'www.example.org/seeds', value: 'http://www.example.org/seeds' },
    { raw: 'ftp://files.example.net/pub/', value: 'ftp://files.example.net/pub/' },
    { raw: 'http://bücher.example/', value: 'http://xn--bcher-kva.example/' },
    { raw: 'http://-example.com', value: null },
    { raw: 'example.com/page', value: null },
    { raw: 'hppt://example.com', value: null },
  ],
};
