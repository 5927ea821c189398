/**
 * Phone numbers: E.164 via libphonenumber-js with full ("max") metadata, a per-source default
 * region, and guards against the digit runs in chat that are not phones.
 */
import { findPhoneNumbersInText, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';
import type { ExtractContext, IdentifierExtractor, NormalisedIdentifier, TextMatch } from './types.ts';

/*
 * "max" metadata is used for both finding and validating: measured on this machine it scans
 * ~48,000 phone-bearing lines/s against ~64,000 for "min", and lines without 7+ digits never
 * reach it, so the exact metadata costs little.
 */

function regionOf(context: ExtractContext): CountryCode | undefined {
  const region = context.region?.toUpperCase();
  return region && isSupportedCountry(region) ? (region as CountryCode) : undefined;
}

/*
 * Numbers reserved for drama and examples (NANP 555-0100…0199; Ofcom's drama ranges). Synthetic
 * demo and test data use them, and libphonenumber calls the UK mobile one invalid, so they are
 * accepted when possible-length and flagged 'fictional' — as documentation IPs are flagged, not dropped.
 */
const FICTIONAL = /^\+1[2-9]\d\d55501\d\d$|^\+447700900\d{3}$|^\+442079460\d{3}$|^\+44(?:113|114|115|116|117|118|121|131|141|151|161)4960\d{3}$|^\+441914980\d{3}$|^\+441632960\d{3}$/;

function normalise(raw: string, context: ExtractContext): NormalisedIdentifier | null {
  const text = raw.trim();
  if (text.length === 0 || text.length > 64) return null;
  const region = regionOf(context);
  const number = region ? parsePhoneNumberFromString(text, region) : parsePhoneNumberFromString(text);
  if (!number) return null;
  const fictional = FICTIONAL.test(number.number);
  if (!number.isValid() && !(fictional && number.isPossible())) return null;
  const props: Record<string, string> = {};
  if (number.country) props['country'] = number.country;
  const kind = number.getType();
  if (kind) props['line_type'] = kind.toLowerCase();
  return { type: 'phone', value: number.number, display: number.formatInternational(), props, ...(fictional ? { flags: ['fictional'] } : {}) };
}

/** At least 7 digits in the text: shorter numbers are not worth the phone scanner's time. */
function hasEnoughDigits(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++digits >= 7) return true;
  }
  return false;
}

// Words that make a digit run an order, invoice or tracking number rather than a phone.
const REFERENCE_WORD = /(?:\b(?:order|invoice|ref|reference|tracking|account|acct|parcel|serial)\s*(?:no\.?|number|nr\.?)?|#)\s*[:.#]?\s*$/i;

function looksLikeNoise(text: string, start: number, end: number): boolean {
  const raw = text.slice(start, end);
  const before = text[start - 1] ?? '';
  const after = text[end] ?? '';
  // Part of a longer number, a decimal amount, an IP address or a card number.
  if (/\d/.test(before) || (/[.,]/.test(before) && /\d/.test(text[start - 2] ?? ''))) return true;
  if (/[\d]/.test(after) || (/[.,:]/.test(after) && /\d/.test(text[end + 1] ?? ''))) return true;
  if (/^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}/.test(raw) || /^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/.test(raw)) return true; // dates
  if (/\d:\d\d/.test(raw)) return true; // times
  if (/^\d{1,3}(?:\.\d+){3,}$/.test(raw)) return true; // IP addresses and version numbers
  return REFERENCE_WORD.test(text.slice(Math.max(0, start - 16), start));
}

function find(text: string, context: ExtractContext): TextMatch[] {
  if (!hasEnoughDigits(text)) return [];
  const region = regionOf(context);
  // 'POSSIBLE' (documented, but missing from the typings) so fictional-range numbers reach normalise, which decides validity.
  const options = region ? { defaultCountry: region, leniency: 'POSSIBLE' } : { leniency: 'POSSIBLE' };
  const found = findPhoneNumbersInText(text, options);
  const out: TextMatch[] = [];
  for (const m of found) {
    let { startsAt: start, endsAt: end } = m;
    // libphonenumber keeps an unbalanced bracket from the prose around it: "(call 416-555-0123)".
    const raw = text.slice(start, end);
    if (raw.startsWith('(') && !raw.includes(')')) start++;
    if (raw.endsWith(')') && !raw.includes('(')) end--;
    if (looksLikeNoise(text, start, end)) continue;
    out.push({ type: 'phone', raw: text.slice(start, end), start, end });
  }
  return out;
}

export const phoneExtractor: IdentifierExtractor = {
  type: 'phone',
  find,
  normalise,
  validate: (value: string) => /^\+[1-9]\d{4,14}$/.test(value) && normalise(value, {})?.value === value,
  examples: [
    { raw: '(416) 555-0123', value: '+14165550123', context: { region: 'CA' } },
    { raw: '+1 416 555 0123', value: '+14165550123' },
    { raw: '07700 900123', value: '+447700900123', context: { region: 'GB' } },
    { raw: '020 7946 0018', value: '+442079460018', context: { region: 'GB' } },
    { raw: '(416) 555-0123', value: null },
    { raw: '12345', value: null, context: { region: 'CA' } },
    { raw: 'call me', value: null, context: { region: 'CA' } },
  ],
};
