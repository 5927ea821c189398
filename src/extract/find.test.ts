// findIdentifiers: de-overlapping, text order and offsets, randomised sentences with known identifiers, and noise.
import { describe, expect, it } from 'vitest';
import { luhnValid } from './card.ts';
import { findIdentifiers } from './index.ts';

const context = { region: 'CA', platform: 'telegram', secret: Buffer.from('find-test-secret-0123') };
const summary = (text: string) => findIdentifiers(text, context).map((f) => `${f.type}:${text.slice(f.start, f.end)}`);

/** A small seeded generator so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('findIdentifiers', () => {
  it('returns every type in text order with exact offsets', () => {
    const text =
      'Hi @sam_rowe! Mail sam.rowe@example.com or call (416) 555-0123; card 4111 1111 1111 1111; ' +
      'photos at https://garden.example.org/roses?x=1 from 198.51.100.23, hash d41d8cd98f00b204e9800998ecf8427e, ' +
      'tip 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, see example.net.';
    expect(summary(text)).toEqual([
      'handle:@sam_rowe',
      'email:sam.rowe@example.com',
      'phone:(416) 555-0123',
      'card:4111 1111 1111 1111',
      'url:https://garden.example.org/roses?x=1',
      'ip:198.51.100.23',
      'md5:d41d8cd98f00b204e9800998ecf8427e',
      'wallet:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      'domain:example.net',
    ]);
  });

  it('keeps an IP inside a URL as both url and ip', () => {
    expect(summary('see http://192.0.2.10:8080/cam now')).toEqual(['url:http://192.0.2.10:8080/cam', 'ip:192.0.2.10']);
  });

  it('settles overlaps: card over phone, url over email, email over domain and handle', () => {
    expect(summary('4111-1111-1111-1111')).toEqual(['card:4111-1111-1111-1111']);
    expect(summary('http://user@example.com/x')).toEqual(['url:http://user@example.com/x']);
    expect(summary('192.168.1.1@example.com')).toEqual(['email:192.168.1.1@example.com']);
  });

  it('never puts a full card number in anything but raw', () => {
    const [card] = findIdentifiers('pay with 5555 5555 5555 4444 please', context);
    expect(card?.raw).toBe('5555 5555 5555 4444');
    const { raw: _raw, ...rest } = card ?? { raw: '' };
    expect(JSON.stringify(rest)).not.toMatch(/5555555555554444|5555 5555 5555 4444/);
  });

  it('throws without a secret only when a valid card is present', () => {
    expect(() => findIdentifiers('card 4111 1111 1111 1111', {})).toThrow(/CROSSLINK_SECRET/);
    expect(findIdentifiers('nothing to see at 10:01', {})).toEqual([]);
  });

  it('finds nothing in ordinary chat', () => {
    for (const line of ['see you at 10:30 tomorrow', 'version 1.2.3 is out', 'it costs $12.50', 'node.js and io.js', 'score 3:1 :)', 'on 2024-03-05 at 10:01']) {
      expect(summary(line), line).toEqual([]);
    }
  });
});

describe('randomised sentences', () => {
  const random = rng(20240305);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const words = ['the', 'tomatoes', 'are', 'ripe', 'we', 'should', 'meet', 'at', 'garden', 'centre', 'rain', 'later', 'car', 'needs', 'new', 'tyres', 'game', 'tonight', 'ok'];

  function card(): string {
    const prefix = pick(['4', '51', '55', '37', '6011']);
    const length = prefix === '37' ? 15 : 16;
    let body = prefix + digits(length - prefix.length - 1);
    for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return groups(body + d);
    body = '';
    return body;
  }
  const groups = (n: string) => (random() < 0.5 ? n : (n.match(/.{1,4}/g) ?? []).join(pick([' ', '-'])));
  const generators: Record<string, () => string> = {
    card,
    phone: () => pick([`(416) 555-01${digits(2)}`, `+1 604 555 01${digits(2)}`, `416-555-01${digits(2)}`]),
    ip: () => `${pick(['192.0.2', '198.51.100', '203.0.113'])}.${Math.floor(random() * 256)}`,
    email: () => `${pick(words)}.${pick(words)}${digits(2)}@${pick(['example.com', 'example.org', 'example.net'])}`,
  };

  it('finds every planted identifier at its offsets', () => {
    for (let round = 0; round < 400; round++) {
      const planted: { type: string; start: number; end: number }[] = [];
      let text = '';
      let previousPlanted = false;
      for (let i = 0; i < 12; i++) {
        if (i > 0) text += pick([' ', ', ', '. ', ' - ', ' (']);
        // Two digit identifiers side by side with only a space between are one ambiguous run: keep a word between.
        previousPlanted = !previousPlanted && random() < 0.3;
        if (previousPlanted) {
          const type = pick(Object.keys(generators));
          const value = generators[type]?.() ?? '';
          planted.push({ type, start: text.length, end: text.length + value.length });
          text += value;
        } else {
          text += pick(words);
        }
      }
      text += pick(['.', '!', '', ' ok']);
      const found = findIdentifiers(text, context).map((f) => ({ type: f.type as string, start: f.start, end: f.end }));
      expect(found, text).toEqual(planted);
    }
  });

  it('survives random noise without crashing, and finds no cards or phones in letters', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ';
    for (let round = 0; round < 500; round++) {
      const letters = Array.from({ length: 200 }, () => pick([...alphabet])).join('');
      expect(findIdentifiers(letters, context).filter((f) => f.type === 'card' || f.type === 'phone')).toEqual([]);
      const bytes = Array.from({ length: 300 }, () => String.fromCharCode(Math.floor(random() * 0xffff))).join('');
      for (const f of findIdentifiers(bytes, context)) {
        expect(f.start).toBeGreaterThanOrEqual(0);
        expect(f.end).toBeLessThanOrEqual(bytes.length);
        expect(bytes.slice(f.start, f.end)).toBe(f.raw);
      }
      const punct = Array.from({ length: 300 }, () => pick([...'0123456789.:@-/ ()+x#abcf'])).join('');
      expect(() => findIdentifiers(punct, context)).not.toThrow();
    }
  });

  it('stays fast on long adversarial lines', () => {
    const lines = ['1'.repeat(100_000), 'a.'.repeat(50_000), '@'.repeat(100_000), ':'.repeat(100_000), '1.'.repeat(50_000), 'http://' + 'a'.repeat(100_000), 'f'.repeat(100_000)];
    for (const line of lines) {
      const t = performance.now();
      findIdentifiers(line, context);
      // A guard against catastrophic backtracking (minutes), with room for a loaded CI machine.
      expect(performance.now() - t, line.slice(0, 10)).toBeLessThan(6000);
    }
  });
});
