/**
 * @module extract — identifier types: the explicit registry, finding every identifier in free text
 * (de-overlapped, in text order) and normalising structured-column values.
 */
import type { IdentifierType } from '../model/index.ts';
import { cardExtractor } from './card.ts';
import { clientGuidExtractor } from './client-guid.ts';
import { domainExtractor } from './domain.ts';
import { emailExtractor } from './email.ts';
import { handleExtractor } from './handle.ts';
import { md5Extractor, sha1Extractor, sha256Extractor } from './hashes.ts';
import { cameraSerialExtractor, pdqExtractor } from './media-signals.ts';
import { ipExtractor } from './ip.ts';
import { phoneExtractor } from './phone.ts';
import type { ExtractContext, IdentifierExtractor, NormalisedIdentifier } from './types.ts';
import { urlExtractor } from './url.ts';
import { walletExtractor } from './wallet.ts';

export type { ExtractContext, IdentifierExtractor, NormalisedIdentifier, TextMatch } from './types.ts';
export { cardSecretFromEnv } from './secret.ts';

/**
 * Every registered type. The order is also the precedence when two finds overlap: a URL beats the
 * email-like "user@host" inside it, a card beats the phone-like digits inside it, an IP beats a
 * phone, and so on. name_dob is made by resolution, not found.
 */
export const EXTRACTORS: readonly IdentifierExtractor[] = [
  urlExtractor,
  emailExtractor,
  walletExtractor,
  cardExtractor,
  sha256Extractor,
  sha1Extractor,
  md5Extractor,
  ipExtractor,
  phoneExtractor,
  domainExtractor,
  handleExtractor,
  clientGuidExtractor,
  pdqExtractor,
  cameraSerialExtractor,
];

const BY_TYPE = new Map<IdentifierType, IdentifierExtractor>();
const PRECEDENCE = new Map<IdentifierType, number>();
for (const [index, extractor] of EXTRACTORS.entries()) {
  if (BY_TYPE.has(extractor.type)) throw new Error(`extract: two extractors registered for identifier type '${extractor.type}'`);
  BY_TYPE.set(extractor.type, extractor);
  PRECEDENCE.set(extractor.type, index);
}

export function extractorFor(type: IdentifierType): IdentifierExtractor | undefined {
  return BY_TYPE.get(type);
}

export interface FoundIdentifier extends NormalisedIdentifier {
  /** Exactly as written in the text (for cards: the full number — never store or log it). */
  raw: string;
  start: number;
  end: number;
}

/** Cheap test that a line could hold any identifier at all: most chat lines cannot. */
function mayHoldIdentifier(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // '.', ':', '@', digits, full-width '＠'
    if (c === 46 || c === 58 || c === 64 || (c >= 48 && c <= 57) || c === 0xff20) return true;
  }
  return false;
}

function overlaps(a: FoundIdentifier, b: FoundIdentifier): boolean {
  return a.start < b.end && b.start < a.end;
}

/** An IP inside a URL is kept as both: the IP links on its own, the URL keeps the path. */
function mayNest(inner: FoundIdentifier, outer: FoundIdentifier): boolean {
  return inner.type === 'ip' && outer.type === 'url' && inner.start >= outer.start && inner.end <= outer.end;
}

/**
 * All valid identifiers in free text, in text order. Overlaps are settled by EXTRACTORS' order
 * (then the longer match): an email's domain is not also a domain or URL, a card's digits are not
 * also a phone, an IP inside a URL is reported as both url and ip. A host inside a URL is not a
 * separate domain: read the URL's `props.domain`.
 * Throws when the text holds a valid card number and `context.secret` is missing.
 */
export function findIdentifiers(text: string, context: ExtractContext): FoundIdentifier[] {
  if (!mayHoldIdentifier(text)) return [];
  const candidates: FoundIdentifier[] = [];
  for (const extractor of EXTRACTORS) {
    for (const match of extractor.find(text, context)) {
      const normalised = extractor.normalise(match.raw, context);
      if (normalised) candidates.push({ ...normalised, raw: match.raw, start: match.start, end: match.end });
    }
  }
  if (candidates.length <= 1) return candidates;
  candidates.sort(
    (a, b) => (PRECEDENCE.get(a.type) ?? 99) - (PRECEDENCE.get(b.type) ?? 99) || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: FoundIdentifier[] = [];
  for (const candidate of candidates) {
    if (kept.every((k) => !overlaps(candidate, k) || mayNest(candidate, k))) kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** The stored form of a structured-column value of a known type; null if invalid. Throws for a type with no extractor. */
export function normaliseIdentifier(type: IdentifierType, raw: string, context: ExtractContext): NormalisedIdentifier | null {
  const extractor = BY_TYPE.get(type);
  if (!extractor) throw new Error(`extract: no extractor is registered for identifier type '${type}'`);
  return extractor.normalise(raw, context);
}
