// Fuzzing every IRC layout with random bytes and mutated real logs: parsing never throws,
// finishes in bounded time, and yields only well-formed records and rejects.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IRC_FORMATS } from './index.ts';
import { IRC_SAMPLES, malformations, parseBytes, sampleOf } from './testkit.ts';

/** Small deterministic PRNG (mulberry32) so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SOURCES = [
  { format: 'irc-irssi', path: 'irssi_gardening.log' },
  { format: 'irc-weechat', path: 'weechat_irc.libera.#gardening.weechatlog' },
  { format: 'irc-znc', path: 'znc/#gardening/2024-03-05.log' },
  { format: 'irc-mirc', path: 'mirc_#gardening.log' },
  { format: 'irc-hexchat', path: 'hexchat_libera-#gardening.log' },
] as const;

function mutate(original: Buffer, next: () => number): Buffer {
  const lines = original.toString('latin1').split('\n');
  const pick = (): number => Math.floor(next() * lines.length);
  const choice = Math.floor(next() * 7);
  switch (choice) {
    case 0:
      return original.subarray(0, Math.floor(next() * original.length));
    case 1: {
      const at = pick();
      lines.splice(at, 0, lines[at] ?? '');
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    case 2:
      lines.splice(pick(), 1);
      return Buffer.from(lines.join('\n'), 'latin1');
    case 3: {
      const a = pick();
      const b = pick();
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    case 4: {
      const copy = Buffer.from(original);
      for (let i = 0; i < 8; i++) copy[Math.floor(next() * copy.length)] = Math.floor(next() * 256);
      return copy;
    }
    case 5: {
      const at = Math.floor(next() * original.length);
      return Buffer.concat([original.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), original.subarray(at)]);
    }
    default: {
      const at = pick();
      const line = lines[at] ?? '';
      lines[at] = line + line.slice(Math.floor(line.length / 2)).repeat(20_000);
      return Buffer.from(lines.join('\n'), 'latin1');
    }
  }
}

async function expectWellFormed(formatName: string, path: string, bytes: Buffer): Promise<void> {
  const started = Date.now();
  const { items } = await parseBytes(formatName, path, bytes);
  expect(Date.now() - started).toBeLessThan(5_000);
  for (const item of items) expect(malformations(item), JSON.stringify(item).slice(0, 300)).toEqual([]);
}

describe.each(SOURCES)('$format fuzz', ({ format: formatName, path }) => {
  const file = join(IRC_SAMPLES, path);
  const original = readFileSync(file);

  it('survives random bytes', async () => {
    const next = random(1);
    for (let round = 0; round < 30; round++) {
      const bytes = Buffer.alloc(Math.floor(next() * 4000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = next() < 0.1 ? 0x0a : Math.floor(next() * 256);
      await expectWellFormed(formatName, file, bytes);
    }
  });

  it('survives mutated real logs', async () => {
    const next = random(2);
    for (let round = 0; round < 150; round++) await expectWellFormed(formatName, file, mutate(original, next));
  });

  it('survives huge lines that look like the start of an event', async () => {
    const prefixes = ['10:00 -!- a [', '10:00 < ', '2024-03-05 10:00:00\t<--\ta (', '[10:00:00] *** Quits: a (', '[10:00] * a (', 'Mar 05 10:00:00 *\ta '];
    for (const prefix of prefixes) {
      for (const filler of ['x', ' (', '] ', 'a ']) {
        await expectWellFormed(formatName, file, Buffer.from(`${prefix}${filler.repeat(600_000)}\n10:00 < a> ok\n`));
      }
    }
  });

  it('detection never throws and scores within [0, 1]', () => {
    const next = random(3);
    for (let round = 0; round < 100; round++) {
      const bytes = mutate(original, next);
      for (const candidate of IRC_FORMATS) {
        const score = candidate.detect(sampleOf(file, bytes.toString('utf8')));
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      }
    }
  });
});
