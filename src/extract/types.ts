/**
 * The identifier-type plug-in: find candidates in free text, normalise a raw value (from text
 * or a structured column) to the stored form, and validate a stored form. One file per type.
 */
import type { IdentifierType } from '../model/index.ts';

export interface ExtractContext {
  /** Default region for phone numbers without a country code (ISO 3166 alpha-2), e.g. 'CA'. */
  readonly region?: string;
  /** Platform of the source, for handles ('telegram', 'irc', …). */
  readonly platform?: string;
  /** Key for card-number tokens (HMAC-SHA256). Required to normalise cards. */
  readonly secret?: Buffer;
}

/** A candidate found in text: character offsets into the text (UTF-16 units, as JS strings index). */
export interface TextMatch {
  readonly type: IdentifierType;
  readonly raw: string;
  readonly start: number;
  readonly end: number;
}

export interface NormalisedIdentifier {
  readonly type: IdentifierType;
  /** The stored, matchable value: E.164 phone, lower-case email, `handle@platform`, card token, … */
  readonly value: string;
  /** Safe to show: for cards `411111…1111` (BIN and last 4), never the full number. */
  readonly display?: string;
  /** A second, looser form that also links (email without provider dots and +tags). */
  readonly canonical?: string;
  /** Facts worth keeping: 'private', 'reserved', 'documentation' (IPs), 'testnet' (wallets), brand for cards … */
  readonly flags?: readonly string[];
  /** Further facts as properties, e.g. { bin: '411111', last4: '1111', brand: 'visa' } or { domain: 'example.com' }. */
  readonly props?: Readonly<Record<string, string>>;
}

export interface IdentifierExtractor {
  readonly type: IdentifierType;
  /** Candidates in free text; may include invalid ones (normalise decides). */
  find(text: string, context: ExtractContext): TextMatch[];
  /** The stored form, or null when `raw` is not a valid identifier of this type. */
  normalise(raw: string, context: ExtractContext): NormalisedIdentifier | null;
  /** True when `value` is a well-formed stored value of this type. */
  validate(value: string): boolean;
  /** Examples used by the extractor's own tests and by docs: raw → expected stored value (null: invalid). */
  readonly examples: readonly { raw: string; value: string | null; context?: ExtractContext }[];
}
