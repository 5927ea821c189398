/**
 * A record's text as evidence reads: the identifiers it mentions become chips that open the entity
 * holding them, and the words of the search it was opened from are marked. Ingestion does not keep
 * where in the text an identifier stood, so it is found again here from its stored form (a phone in
 * any notation, a card as its masked rendering, a handle with its @); one not found in the text is
 * still listed beside it by the caller, never dropped.
 */
import { Fragment, type ReactNode } from 'react';
import { entityUrl, Link } from '../../router.tsx';
import type { RecordIdentifier } from '../../types.ts';

/** A short badge per identifier type, so a chip never relies on colour to say what it is. */
const TYPE_BADGE: Record<string, string> = {
  phone: 'tel',
  email: 'mail',
  handle: '@',
  card: 'card',
  url: 'url',
  domain: 'web',
  ip: 'ip',
  wallet: 'coin',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  pdq: 'pdq',
  client_guid: 'guid',
  camera_serial: 'cam',
  name_dob: 'id',
};

const TYPE_WORDS: Record<string, string> = { phone: 'phone number', email: 'e-mail address', handle: 'handle', card: 'payment card', url: 'link', ip: 'IP address', client_guid: 'P2P client id' };

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SEPARATORS = '[\\s.()\\-]*';
const interleave = (digits: string) => digits.split('').join(SEPARATORS);

/**
 * A phone in any notation: with its country code (+1 416 555 0123), or national with or without a
 * trunk 0 ((416) 555-0123, 020 7946 0958). Country codes are one to three digits, so each split is tried.
 */
function phonePattern(value: string): string | null {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 7) return null;
  const national = [1, 2, 3].map((split) => digits.slice(split)).filter((rest) => rest.length >= 7);
  const forms = [`\\+?${interleave(digits)}`, ...national.map((rest) => `\\(?0?${SEPARATORS}${interleave(rest)}`)];
  return `(?<![\\d+])(?:${forms.join('|')})(?!\\d)`;
}

/** Patterns that find one identifier in a text, most specific first; none for types never written in text. */
function patternsFor(identifier: RecordIdentifier): string[] {
  const literal = (text: string) => `(?<![\\w@.])${escape(text)}(?![\\w@])`;
  switch (identifier.type) {
    case 'phone': {
      const phone = phonePattern(identifier.value);
      return phone ? [phone] : [];
    }
    case 'card':
      // The stored text holds only the masked rendering (BIN…last 4); the value is a keyed token.
      return identifier.display ? [escape(identifier.display)] : [];
    case 'handle': {
      const local = identifier.value.replace(/@[^@]*$/, '');
      const forms = [identifier.display, `@${local}`].filter((form): form is string => Boolean(form && form.length > 1));
      return [...new Set(forms)].map((form) => `(?<![\\w@])${escape(form)}(?![\\w])`);
    }
    case 'name_dob':
      return [];
    default:
      return [...new Set([identifier.value, identifier.display].filter((form): form is string => Boolean(form && form.length > 2)))].map(literal);
  }
}

export interface Span {
  start: number;
  end: number;
  identifier: RecordIdentifier;
}

/** Where the identifiers stand in the text: leftmost first, the longer of two that overlap. */
export function identifierSpans(text: string, identifiers: readonly RecordIdentifier[]): Span[] {
  const found: Span[] = [];
  const seen = new Set<string>();
  for (const identifier of identifiers) {
    if (seen.has(identifier.id)) continue;
    seen.add(identifier.id);
    for (const pattern of patternsFor(identifier)) {
      for (const match of text.matchAll(new RegExp(pattern, 'giu'))) {
        if (match[0].length > 0) found.push({ start: match.index, end: match.index + match[0].length, identifier });
      }
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Span[] = [];
  for (const span of found) if (kept.every((other) => span.start >= other.end || span.end <= other.start)) kept.push(span);
  return kept;
}

/**
 * The words of a search worth marking: phrases and words, without exclusions (-word), filters
 * (case:…, from:…) or operators; a leading ~ or @ is dropped (fuzzy names, handles).
 */
export function searchTerms(query: string): string[] {
  const terms: string[] = [];
  for (const match of query.matchAll(/(-?)"([^"]+)"|(\S+)/g)) {
    if (match[1] === '-') continue;
    if (match[2]) {
      terms.push(match[2].trim());
      continue;
    }
    const word = (match[3] ?? '').replace(/^[~@]/, '');
    if (word.startsWith('-') || /^[a-z_]+:/i.test(word) || /^(OR|AND|NOT)$/.test(word) || word.length < 2) continue;
    terms.push(word);
  }
  return [...new Set(terms.filter(Boolean))];
}

/** One pattern for all terms: each from the start of a word (so "garden" also marks "gardening"). */
export function termPattern(terms: readonly string[]): RegExp | null {
  if (terms.length === 0) return null;
  const sorted = [...terms].sort((a, b) => b.length - a.length).map(escape);
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${sorted.join('|')})`, 'giu');
}

export function hasTerm(text: string | null | undefined, pattern: RegExp | null): boolean {
  if (!text || !pattern) return false;
  pattern.lastIndex = 0;
  return new RegExp(pattern.source, pattern.flags).test(text);
}

function Marked({ text, pattern }: { text: string; pattern: RegExp | null }) {
  if (!pattern || text === '') return <>{text}</>;
  const parts: ReactNode[] = [];
  let at = 0;
  for (const match of text.matchAll(new RegExp(pattern.source, pattern.flags))) {
    if (match[0].length === 0) continue;
    parts.push(<Fragment key={`t${at}`}>{text.slice(at, match.index)}</Fragment>);
    parts.push(<mark key={`m${match.index}`}>{match[0]}</mark>);
    at = match.index + match[0].length;
  }
  parts.push(<Fragment key={`t${at}`}>{text.slice(at)}</Fragment>);
  return <>{parts}</>;
}

/** Where a chip leads: the entity holding the identifier in this case, else a search of every case for it. */
export function chipUrl(identifier: RecordIdentifier): string {
  if (identifier.entity) return entityUrl(identifier.entity);
  return `/search?q=${encodeURIComponent(identifier.display ?? identifier.value)}`;
}

/** An identifier as a chip: a typed badge and the value as written (or as stored), linking onwards. */
export function IdentifierChip({ identifier, written, hit = false }: { identifier: RecordIdentifier; written?: string; hit?: boolean }) {
  const shown = written ?? identifier.display ?? identifier.value;
  const words = TYPE_WORDS[identifier.type] ?? identifier.type.replace(/_/g, ' ');
  const where = identifier.entity ? 'open the entity that holds it' : 'no entity of this case holds it: search every case';
  return (
    <Link to={chipUrl(identifier)} className={`id-chip id-${identifier.type}${hit ? ' hit' : ''}${identifier.entity ? '' : ' unheld'}`} title={`${words} ${identifier.display ?? identifier.value}: ${where}`} data-identifier={identifier.id}>
      <span className="id-chip-type" aria-hidden="true">
        {TYPE_BADGE[identifier.type] ?? identifier.type}
      </span>
      <span className="visually-hidden">{words} </span>
      <span className="id-chip-value">{shown}</span>
    </Link>
  );
}

/**
 * The text with chips and marks. Returns the identifiers it did not find in the text too, so the
 * caller can list them beside it.
 */
export function EvidenceText({ text, identifiers, terms }: { text: string; identifiers: readonly RecordIdentifier[]; terms: RegExp | null }) {
  const spans = identifierSpans(text, identifiers);
  const parts: ReactNode[] = [];
  let at = 0;
  for (const span of spans) {
    parts.push(<Marked key={`p${at}`} text={text.slice(at, span.start)} pattern={terms} />);
    const written = text.slice(span.start, span.end);
    parts.push(<IdentifierChip key={`c${span.start}`} identifier={span.identifier} written={written} hit={hasTerm(written, terms) || hasTerm(span.identifier.value, terms)} />);
    at = span.end;
  }
  parts.push(<Marked key={`p${at}`} text={text.slice(at)} pattern={terms} />);
  return <span className="evidence-text">{parts}</span>;
}

/** The identifiers of a record that its text does not show (found in its fields, or written differently). */
export function identifiersBeside(text: string | null, identifiers: readonly RecordIdentifier[], roles?: (role: string | null) => boolean): RecordIdentifier[] {
  const inText = new Set(text ? identifierSpans(text, identifiers).map((span) => span.identifier.id) : []);
  const seen = new Set<string>();
  return identifiers.filter((identifier) => {
    if (inText.has(identifier.id) || seen.has(identifier.id) || (roles && !roles(identifier.role))) return false;
    seen.add(identifier.id);
    return true;
  });
}
