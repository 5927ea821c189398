// Robustness of the Telegram, Discord and WhatsApp parsers: random and damaged inputs never throw
// or hang and yield only well-formed items; the demo world's chat files load with zero rejects.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../demo/index.ts';
import type { SourceFormat } from '../types.ts';
import { isWellFormed, mutate, parseBytes, parseFile, prng, randomBytes, TESTDATA } from './chat-test-kit.ts';
import { discordFormat } from './discord.ts';
import { telegramFormat } from './telegram.ts';
import { whatsappFormat } from './whatsapp.ts';

const SEEDS: Record<string, Buffer[]> = {
  'telegram-json': ['test_single_export.json', 'test_batch_export.json'].map((f) => readFileSync(join(TESTDATA, 'chat/telegram', f))),
  'discord-json': [
    Buffer.from(
      JSON.stringify(
        {
          guild: { id: '1', name: 'Gardeners', iconUrl: '' },
          channel: { id: '2', type: 'GuildTextChat', categoryId: '3', category: 'Text', name: 'general', topic: null },
          dateRange: { after: null, before: null },
          exportedAt: '2024-01-01T00:00:00+00:00',
          messages: Array.from({ length: 6 }, (_, i) => ({
            id: String(100 + i), type: i === 0 ? 'GuildMemberJoin' : 'Default', timestamp: `2024-01-01T10:0${i}:00+00:00`, timestampEdited: null,
            isPinned: false, content: `tomatoes ${i} "quoted" \\ slash ✿`, author: { id: '9', name: 'ava', discriminator: '0000', nickname: 'Ava', isBot: false },
            attachments: [], embeds: [], mentions: [], reference: i > 2 ? { messageId: '101' } : undefined,
          })),
          messageCount: 6,
        },
        null,
        2,
      ),
    ),
  ],
  'whatsapp-txt': ['test_ddmmyy_24hrs.txt', 'test_mmddyyyy_12hrs.txt', 'test_[mmddyy]_24hrs.txt', 'format_variants.txt'].map((f) => readFileSync(join(TESTDATA, 'chat/whatsapp', f))),
};

const FORMATS: readonly SourceFormat[] = [telegramFormat, discordFormat, whatsappFormat];

/** Parses damaged input; returns how many records survived. */
async function expectRobust(format: SourceFormat, bytes: Buffer, chunkSize: number): Promise<number> {
  const started = Date.now();
  const { items } = await parseBytes(format, bytes, '/case/fuzz.txt', { timezone: 'Europe/London' }, chunkSize);
  expect(Date.now() - started).toBeLessThan(10_000);
  for (const item of items) if (!isWellFormed(item)) expect.fail(`${format.name}: malformed item ${JSON.stringify(item).slice(0, 300)}`);
  return items.filter((item) => item.type === 'record').length;
}

describe.each(FORMATS.map((format) => [format.name, format] as const))('%s under fuzzing', (name, format) => {
  it('random bytes, plain and shaped like the format', async () => {
    const random = prng(0xc0ffee);
    const prefixes = ['', '{', '{"messages": [', '{"guild": {}, "channel": {}, "messages": [', '01/02/2025, 10:00 - ', '[01.02.25, 10:00:00] '];
    for (let round = 0; round < 60; round++) {
      const prefix = Buffer.from(prefixes[round % prefixes.length] as string);
      await expectRobust(format, Buffer.concat([prefix, randomBytes(random, Math.floor(random() * 4000))]), 1 + Math.floor(random() * 5000));
    }
  });

  it('damaged real inputs: truncated, lines lost, repeated or swapped, flipped bytes, bad UTF-8, huge lines', async () => {
    const random = prng(name.length * 7919);
    const seeds = SEEDS[name] ?? [];
    let survivors = 0;
    for (let round = 0; round < 120; round++) {
      const seed = seeds[round % seeds.length] as Buffer;
      survivors += await expectRobust(format, mutate(seed, random), 1 + Math.floor(random() * 300));
    }
    // Damage loses some messages, not all: the good parts before (and, for text, after) still load.
    expect(survivors).toBeGreaterThan(20);
  });

  it('pathological shapes: deep nesting, one enormous line, no newline at all, empty input', async () => {
    const shapes = [
      Buffer.from('['.repeat(200_000)),
      Buffer.from(`{"messages": [${'['.repeat(100_000)}${']'.repeat(100_000)}]}`),
      Buffer.from(`{"messages": [{"text": "${'a'.repeat(3_000_000)}"}]}`),
      Buffer.from(`01/02/2025, 10:00 - Ava: ${'b'.repeat(3_000_000)}`),
      Buffer.from('x'.repeat(2_000_000)),
      Buffer.alloc(0),
      Buffer.from('\uFEFF'),
    ];
    for (const shape of shapes) await expectRobust(format, shape, 65_536);
  });
});

describe('the demo world', () => {
  const out = mkdtempSync(join(tmpdir(), 'crosslink-chat-demo-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('loads every Telegram, Discord and WhatsApp file with zero rejects and the manifest counts', async () => {
    await generateWorld({ seed: 7, scale: 'small', out });
    const manifest: unknown = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const files: { path: string; format: string; records: number; timezone?: string; locale?: string }[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        const entry = node as Record<string, unknown>;
        if (typeof entry.path === 'string' && typeof entry.format === 'string' && typeof entry.records === 'number') files.push(entry as (typeof files)[number]);
        Object.values(entry).forEach(walk);
      }
    };
    walk(manifest);
    const byName = new Map(FORMATS.map((format) => [format.name, format]));
    const chatFiles = files.filter((file) => byName.has(file.format));
    expect(new Set(chatFiles.map((file) => file.format))).toEqual(new Set(byName.keys()));
    for (const file of chatFiles) {
      const format = byName.get(file.format) as SourceFormat;
      const options = { ...(file.timezone && { timezone: file.timezone }), ...(file.locale && { locale: file.locale }) };
      const { items, records, rejects } = await parseFile(format, join(out, file.path), options);
      expect(items.every(isWellFormed)).toBe(true);
      expect({ file: file.path, rejects }).toEqual({ file: file.path, rejects: [] });
      expect({ file: file.path, messages: records.filter((r) => r.kind === 'message').length }).toEqual({ file: file.path, messages: file.records });
    }
  });
});
