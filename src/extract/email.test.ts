// Email validity against isemail's published cases, stored and canonical forms, and finding in prose.
import { describe, expect, it } from 'vitest';
import { emailExtractor } from './email.ts';
import { readTestData } from './testdata.test-helper.ts';

const cases = JSON.parse(readTestData('extraction/email/tests.json')) as [string, string][];
const normalise = (raw: string) => emailExtractor.normalise(raw, {});

describe('email validity (isemail tests.json)', () => {
  // Accepted: the "valid" category. Rejected: all others (errors, and the quoted / commented /
  // address-literal / numeric-TLD / over-long forms that no one uses as an identity). See email.ts.
  // normalise trims surrounding white space by design (a padded CSV cell is still that address), so
  // the folding-white-space cases around a valid address are checked as the trimmed address.
  // One deliberate difference: a domain with an unassigned code point (U+103FF) fails IDNA, so it
  // cannot be a real domain and is rejected although isemail calls it valid.
  const unassigned = (address: string) => address.includes('\u{103ff}');
  it.each(cases.map(([address, category]) => [JSON.stringify(address), category, address] as const))('%s is %s', (_label, category, address) => {
    if (address !== address.trim()) {
      expect(normalise(address)?.value).toBe(normalise(address.trim())?.value);
    } else if (unassigned(address)) {
      expect(normalise(address)).toBeNull();
    } else {
      expect(normalise(address) !== null).toBe(category === 'valid');
    }
  });

  it('covers both sides', () => {
    expect(cases.filter(([, c]) => c === 'valid').length).toBeGreaterThan(15);
    expect(cases.length).toBeGreaterThan(200);
  });
});

describe('email forms', () => {
  it('lower-cases the whole address and the IDN domain to punycode', () => {
    expect(normalise('Sam.Rowe@Example.COM')).toMatchObject({ value: 'sam.rowe@example.com', props: { domain: 'example.com' } });
    expect(normalise('ÉLAN@Bücher.example')?.value).toBe('élan@xn--bcher-kva.example');
  });

  it('gives gmail a canonical form without dots and +tags, and googlemail maps to gmail', () => {
    expect(normalise('Garden.Fan+Seeds@gmail.com')).toMatchObject({ value: 'garden.fan+seeds@gmail.com', canonical: 'gardenfan@gmail.com' });
    expect(normalise('garden.fan@googlemail.com')?.canonical).toBe('gardenfan@gmail.com');
    expect(normalise('gardenfan@gmail.com')?.canonical).toBeUndefined(); // already canonical
  });

  it('drops only the +tag for other providers', () => {
    expect(normalise('sam.rowe+weather@example.org')?.canonical).toBe('sam.rowe@example.org');
    expect(normalise('sam.rowe@example.org')?.canonical).toBeUndefined();
  });
});

describe('email in text', () => {
  const find = (text: string) => emailExtractor.find(text, {}).map((m) => text.slice(m.start, m.end));

  it('finds addresses among punctuation and quotes', () => {
    expect(find('mail "sam@example.com", or <jo.b+x@example.org>.')).toEqual(['sam@example.com', 'jo.b+x@example.org']);
    expect(find('(email@example.com)')).toEqual(['email@example.com']);
    expect(find('mailto:name@example.com')).toEqual(['name@example.com']);
    expect(find('｜test@example.net｜bar')).toEqual(['test@example.net']);
  });

  it('does not take handles, bare hosts or "@@" for addresses', () => {
    expect(find('@example.com is not an address')).toEqual([]);
    expect(find('ask me@home later')).toEqual([]);
    expect(find('@username email me @test@example.com')).toEqual([]);
  });
});
