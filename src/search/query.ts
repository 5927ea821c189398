/**
 * The search language, shared by the search box and the CLI: free words and "quoted phrases"
 * (full-text, with -word to exclude), ~fuzzy names and handles, identifiers typed in any
 * notation (a phone as written, an email in any case, a card number — found by its token), and
 * filters (case:, agency:, kind:, platform:, from:, to:).
 */
import { findIdentifiers, type ExtractContext } from '../extract/index.ts';
import { UserError, type IdentifierType } from '../model/index.ts';

export interface IdentifierTerm {
  type: IdentifierType;
  /** The stored form (E.164, lower-case email, card token, …). */
  value: string;
  /** As typed, for showing back; for cards the safe rendering, never the number. */
  shown: string;
}

export interface SearchFilters {
  cases: string[];
  agencies: string[];
  kinds: string[];
  platforms: string[];
  from?: Date;
  to?: Date;
}

export interface SearchQuery {
  /** Free text for PostgreSQL's websearch syntax (words, "phrases", -exclusions, or). */
  text: string;
  identifiers: IdentifierTerm[];
  /** Handles typed as @name (platform unknown): matched as name@any platform. */
  handles: string[];
  fuzzy: string[];
  filters: SearchFilters;
}

const FILTER = /(?:^|\s)(case|agency|kind|platform|from|to):("([^"]*)"|(\S+))/gi;
const FUZZY = /(?:^|\s)~("([^"]+)"|(\S+))/g;
const HANDLE = /(?:^|\s)@([A-Za-z0-9_.-]{2,64})(?=\s|$)/g;

function parseDay(value: string, name: string, endOfDay: boolean): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) throw new UserError(`${name}:${value} is not a date as YYYY-MM-DD`);
  return endOfDay ? new Date(date.getTime() + 86_400_000) : date;
}

/** Cuts the spans matched by `pattern` out of `text`, handing each match to `take`. */
function cut(text: string, pattern: RegExp, take: (match: RegExpExecArray) => void): string {
  return text.replace(pattern, (...args: unknown[]) => {
    const groups = args.slice(0, -2) as string[];
    const match = Object.assign([...groups], { index: 0, input: text }) as unknown as RegExpExecArray;
    take(match);
    return ' ';
  });
}

export function parseQuery(input: string, context: ExtractContext): SearchQuery {
  const filters: SearchFilters = { cases: [], agencies: [], kinds: [], platforms: [] };
  let rest = cut(input, FILTER, (match) => {
    const name = match[1]!.toLowerCase();
    const value = match[3] ?? match[4] ?? '';
    if (name === 'case') filters.cases.push(value);
    else if (name === 'agency') filters.agencies.push(value);
    else if (name === 'kind') filters.kinds.push(value.toLowerCase());
    else if (name === 'platform') filters.platforms.push(value.toLowerCase());
    else if (name === 'from') filters.from = parseDay(value, 'from', false);
    else filters.to = parseDay(value, 'to', true);
  });
  const fuzzy: string[] = [];
  rest = cut(rest, FUZZY, (match) => fuzzy.push((match[2] ?? match[3] ?? '').trim()));
  // Identifiers before handles: an email's @ is not a handle.
  const identifiers: IdentifierTerm[] = [];
  const found = findIdentifiers(rest, context).filter((item) => item.type !== 'handle' && item.type !== 'domain');
  let text = '';
  let at = 0;
  for (const item of found) {
    text += `${rest.slice(at, item.start)} `;
    at = item.end;
    identifiers.push({ type: item.type, value: item.value, shown: item.type === 'card' ? (item.display ?? '[card]') : item.raw });
  }
  rest = text + rest.slice(at);
  const handles: string[] = [];
  rest = cut(rest, HANDLE, (match) => handles.push(match[1]!.toLowerCase()));
  return { text: rest.replace(/\s+/g, ' ').trim(), identifiers, handles, fuzzy: fuzzy.filter((term) => term !== ''), filters };
}
