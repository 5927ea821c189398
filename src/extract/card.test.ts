// Cards: Luhn and brands over the providers' published test numbers, tokens, and the secret from the environment.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CARD_BRAND_RULES, cardBrand } from './card-brands.ts';
import { cardExtractor, luhnValid } from './card.ts';
import { cardSecretFromEnv, DEV_SECRET } from './secret.ts';
import { readCsv, readTestData } from './testdata.test-helper.ts';

const secret = Buffer.from('test-secret-0123456789');
const cards = readCsv('payments/test_cards.csv');

describe('test_cards.csv', () => {
  it('has the fixture', () => {
    expect(cards.length).toBeGreaterThan(60);
  });

  it.each(cards.map((c) => [c['number'] ?? '', c] as const))('%s', (number, row) => {
    expect(luhnValid(number)).toBe(row['luhn_valid'] === 'true');
    const result = cardExtractor.normalise(number, { secret });
    expect(result !== null).toBe(row['luhn_valid'] === 'true');
    if (!result) return;
    // credit-card-type's detection (prefix and length); blank there means no brand fits.
    expect(result.props?.['brand']).toBe(row['detected_brand_credit_card_type'] || 'unknown');
    expect(result.value).toBe(`hmac:${createHmac('sha256', secret).update(number).digest('hex')}`);
    expect(result.display).toBe(`${number.slice(0, 6)}…${number.slice(-4)}`);
    expect(result.props?.['bin']).toBe(number.slice(0, number.length >= 16 ? 8 : 6));
    expect(result.props?.['last4']).toBe(number.slice(-4));
    // The full number appears nowhere in what is returned.
    expect(JSON.stringify(result)).not.toContain(number);
    expect(JSON.stringify(result)).not.toContain(number.slice(0, 12));
  });
});

describe('brand table', () => {
  it('is exactly card-types.json (embedded at build time, checked here)', () => {
    const json = JSON.parse(readTestData('payments/card-types.json')) as Record<string, { lengths: number[]; patterns: (number | number[])[] }>;
    const fromFile = Object.entries(json).map(([brand, t]) => ({ brand, lengths: t.lengths, prefixes: t.patterns }));
    expect(CARD_BRAND_RULES).toEqual(fromFile);
  });

  it('prefers the longest matching prefix', () => {
    expect(cardBrand('6282000123842342')).toBe('unionpay'); // 6282 beats maestro's 6
    expect(cardBrand('5063516945005047')).toBe('maestro');
    expect(cardBrand('4007000000027')).toBe('unknown'); // 13-digit Visa: not a length credit-card-type allows
  });
});

describe('card tokens', () => {
  it('are keyed: a different secret gives a different token, the same secret the same one', () => {
    const a = cardExtractor.normalise('4111 1111 1111 1111', { secret });
    const b = cardExtractor.normalise('4111-1111-1111-1111', { secret });
    const c = cardExtractor.normalise('4111111111111111', { secret: Buffer.from('another-secret-0123456') });
    expect(a?.value).toBe(b?.value);
    expect(a?.value).not.toBe(c?.value);
  });

  it('refuse to be made without a secret', () => {
    expect(() => cardExtractor.normalise('4111111111111111', {})).toThrow(/CROSSLINK_SECRET/);
    expect(cardExtractor.normalise('4111111111111112', {})).toBeNull(); // not a card: no need for a key
  });

  it('in text: grouped by single spaces or dashes, not inside longer digit runs', () => {
    const raws = (text: string) => cardExtractor.find(text, {}).map((m) => m.raw);
    expect(raws('card 4111 1111 1111 1111, exp 12/27')).toEqual(['4111 1111 1111 1111']);
    expect(raws('amex 3782-822463-10005.')).toEqual(['3782-822463-10005']);
    expect(raws('id 41111111111111111111111 end')).toEqual([]);
    expect(raws('4111  1111 1111 1111')).toEqual([]);
  });
});

describe('cardSecretFromEnv', () => {
  it('reads hex or UTF-8, at least 16 bytes', () => {
    expect(cardSecretFromEnv({ CROSSLINK_SECRET: '00'.repeat(32) })).toEqual(Buffer.alloc(32));
    expect(cardSecretFromEnv({ CROSSLINK_SECRET: 'a passphrase of some length' }).toString()).toBe('a passphrase of some length');
    expect(() => cardSecretFromEnv({ CROSSLINK_SECRET: 'short' })).toThrow(/too short/);
    expect(() => cardSecretFromEnv({ CROSSLINK_SECRET: 'abcd'.repeat(3) })).toThrow(/too short/);
  });

  it('explains how to set it when unset, and allows the dev default only on request', () => {
    expect(() => cardSecretFromEnv({})).toThrow(/CROSSLINK_SECRET is not set.*openssl rand -hex 32/s);
    expect(() => cardSecretFromEnv({ CROSSLINK_ALLOW_DEV_SECRET: 'true' })).toThrow(/not set/);
    expect(cardSecretFromEnv({ CROSSLINK_ALLOW_DEV_SECRET: '1' }).toString()).toBe(DEV_SECRET);
  });
});
