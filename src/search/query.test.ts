import { describe, expect, it } from 'vitest';
import { parseQuery } from './query.ts';

const secret = Buffer.alloc(32, 3);

describe('parseQuery', () => {
  it('finds identifiers typed in any notation and leaves the words', () => {
    const query = parseQuery('tomatoes (416) 555-0123 Sam.Rowe@Example.com "spring planting"', { region: 'CA', secret });
    expect(query.identifiers).toEqual([
      { type: 'phone', value: '+14165550123', shown: '(416) 555-0123' },
      { type: 'email', value: 'sam.rowe@example.com', shown: 'Sam.Rowe@Example.com' },
    ]);
    expect(query.text).toBe('tomatoes "spring planting"');
  });

  it('turns a card number into its token and never keeps the number', () => {
    const query = parseQuery('4111 1111 1111 1111', { secret });
    expect(query.identifiers).toHaveLength(1);
    expect(query.identifiers[0]).toMatchObject({ type: 'card', shown: '411111…1111' });
    expect(query.identifiers[0]!.value).toMatch(/^hmac:[0-9a-f]{64}$/);
    expect(JSON.stringify(query)).not.toContain('4111111111111111');
    expect(JSON.stringify(query)).not.toContain('4111 1111 1111 1111');
  });

  it('reads filters, fuzzy terms and handles', () => {
    const query = parseQuery('case:HV-2025-0001 agency:"Tri-River Task Force" kind:message platform:IRC from:2025-01-01 to:2025-01-31 ~rogres ~"ryan rogers" @Rusty_Beacon engine', { secret });
    expect(query.filters).toEqual({
      cases: ['HV-2025-0001'],
      agencies: ['Tri-River Task Force'],
      kinds: ['message'],
      platforms: ['irc'],
      from: new Date('2025-01-01T00:00:00Z'),
      to: new Date('2025-02-01T00:00:00Z'),
    });
    expect(query.fuzzy).toEqual(['rogres', 'ryan rogers']);
    expect(query.handles).toEqual(['rusty_beacon']);
    expect(query.text).toBe('engine');
  });

  it('refuses a malformed date naming the filter', () => {
    expect(() => parseQuery('from:2025-02-30', { secret })).toThrow(/from:2025-02-30 is not a date/);
  });

  it('never throws on random input (randomised)', () => {
    const alphabet = 'ab 1@.:~"-()+#_casefromtokindplatform';
    for (let trial = 0; trial < 500; trial++) {
      const input = Array.from({ length: Math.floor(Math.random() * 60) }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
      try {
        parseQuery(input, { secret });
      } catch (error) {
        expect(String(error)).toMatch(/is not a date/);
      }
    }
  });
});
