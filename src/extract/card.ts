/**
 * Payment cards: 13–19 digits passing Luhn, stored only as a keyed HMAC-SHA256 token with BIN,
 * last 4 and brand. The full number never leaves this module except as the caller's own `raw`.
 */
import { createHmac } from 'node:crypto';
import { cardBrand } from './card-brands.ts';
import type { ExtractContext, IdentifierExtractor, NormalisedIdentifier, TextMatch } from './types.ts';

// Groups of digits joined by single spaces or dashes, not part of a longer digit run on either side.
const CARD_IN_TEXT = /(?<!\d[ -]?)\d(?:[ -]?\d){12,18}(?![ -]?\d)/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The digits of a plausible card number, or null: right length, Luhn-valid, not one repeated digit. */
export function cardDigits(raw: string): string | null {
  const text = raw.trim();
  if (!/^\d(?:[ -]?\d)+$/.test(text)) return null;
  const digits = text.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return null;
  if (/^(\d)\1+$/.test(digits)) return null;
  return luhnValid(digits) ? digits : null;
}

function normalise(raw: string, context: ExtractContext): NormalisedIdentifier | null {
  const digits = cardDigits(raw);
  if (!digits) return null;
  if (!context.secret || context.secret.length === 0) {
    throw new Error('A card number needs a secret key to be tokenised: set CROSSLINK_SECRET (see cardSecretFromEnv).');
  }
  const token = createHmac('sha256', context.secret).update(digits).digest('hex');
  const last4 = digits.slice(-4);
  const brand = cardBrand(digits);
  return {
    type: 'card',
    value: `hmac:${token}`,
    display: `${digits.slice(0, 6)}…${last4}`,
    props: { bin: digits.slice(0, digits.length >= 16 ? 8 : 6), last4, brand },
  };
}

function hasThirteenDigits(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++digits >= 13) return true;
  }
  return false;
}

function find(text: string): TextMatch[] {
  if (!hasThirteenDigits(text)) return [];
  const out: TextMatch[] = [];
  for (const m of text.matchAll(CARD_IN_TEXT)) {
    out.push({ type: 'card', raw: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const EXAMPLE_SECRET = Buffer.from('example-secret-for-documentation');

export const cardExtractor: IdentifierExtractor = {
  type: 'card',
  find: (text: string, _context: ExtractContext) => find(text),
  normalise,
  validate: (value: string) => /^hmac:[0-9a-f]{64}$/.test(value),
  examples: [
    {
      raw: '4111 1111 1111 1111',
      value: `hmac:${createHmac('sha256', EXAMPLE_SECRET).update('4111111111111111').digest('hex')}`,
      context: { secret: EXAMPLE_SECRET },
    },
    {
      raw: '3782-822463-10005',
      value: `hmac:${createHmac('sha256', EXAMPLE_SECRET).update('378282246310005').digest('hex')}`,
      context: { secret: EXAMPLE_SECRET },
    },
    { raw: '4242424242424241', value: null, context: { secret: EXAMPLE_SECRET } },
    { raw: '0000 0000 0000 0000', value: null, context: { secret: EXAMPLE_SECRET } },
    { raw: '4111  1111 1111 1111', value: null, context: { secret: EXAMPLE_SECRET } },
  ],
};
