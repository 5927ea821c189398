import { describe, expect, it } from 'vitest';
import { base32ToHex, maskCardNumbers, parseAmount, readCard, readHash, splitList } from './values.ts';

describe('cell values', () => {
  it('reads amounts in either decimal style where unambiguous', () => {
    expect(parseAmount('1,234.50')).toEqual({ value: 1234.5, decimal: '.' });
    expect(parseAmount('1.234,50')).toEqual({ value: 1234.5, decimal: ',' });
    expect(parseAmount('12,5')).toEqual({ value: 12.5, decimal: ',' });
    expect(parseAmount('1,234,567')).toEqual({ value: 1234567 });
    expect(parseAmount('-7.00')).toEqual({ value: -7, decimal: '.' });
    expect(parseAmount('$ 19.99')).toEqual({ value: 19.99, decimal: '.' });
    expect(parseAmount('42')).toEqual({ value: 42 });
    expect(parseAmount('1,234')).toEqual({ ambiguous: true });
    expect(parseAmount('1,234', '.')).toEqual({ value: 1234 });
    expect(parseAmount('1,234', ',')).toEqual({ value: 1.234 });
    expect(parseAmount('abc')).toBeNull();
    expect(parseAmount('1,23,4.5')).toBeNull();
  });

  it('masks 13–19 digit runs as BIN…last4, also when spaced', () => {
    expect(maskCardNumbers('card 4242424242424242 ok')).toBe('card 424242…4242 ok');
    expect(maskCardNumbers('4242 4242 4242 4242,x')).toBe('424242…4242,x');
    expect(maskCardNumbers('id 123456789012')).toBe('id 123456789012');
    expect(maskCardNumbers('12345678901234567890123')).toBe('12345678901234567890123');
    expect(maskCardNumbers('4242424242424241', true)).toBe('4242424242424241');
  });

  it('reads full and masked card numbers', () => {
    expect(readCard('4242-4242-4242-4242')).toEqual({ pan: '4242424242424242', bin: '424242', last4: '4242' });
    expect(readCard('424242******4242')).toEqual({ bin: '424242', last4: '4242' });
    expect(readCard('XXXX XXXX XXXX 4242')).toEqual({ last4: '4242' });
    expect(readCard('not a card')).toBeNull();
  });

  it('types hashes by length and converts Gnutella base32 SHA-1', () => {
    expect(readHash('D41D8CD98F00B204E9800998ECF8427E')).toEqual({ type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' });
    expect(readHash('da39a3ee5e6b4b0d3255bfef95601890afd80709')?.type).toBe('sha1');
    expect(readHash('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')?.type).toBe('sha256');
    // SHA-1 of the empty string in base32, as Gnutella writes it.
    expect(readHash('urn:sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ')).toEqual({ type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' });
    expect(base32ToHex('3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ')).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(readHash('abc')).toBeNull();
  });

  it('splits lists', () => {
    expect(splitList('a; b | c;;', ';|')).toEqual(['a', 'b', 'c']);
    expect(splitList('', ';')).toEqual([]);
  });
});
