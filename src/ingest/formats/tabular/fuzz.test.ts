import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Mapping, ParsedItem, SourceFormat } from '../../types.ts';
import { arrestsCsv, chatJsonl, sightingsCsv, transactionsCsv } from './index.ts';
import { TESTDATA, textInput } from './testkit.ts';

/** Deterministic PRNG so a failure can be replayed. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(input: Buffer, random: () => number): Buffer {
  const lines = input.toString('latin1').split('\n');
  const pick = () => Math.floor(random() * lines.length);
  switch (Math.floor(random() * 7)) {
    case 0:
      return input.subarray(0, Math.floor(random() * input.length));
    case 1:
      lines.splice(pick(), 0, lines[pick()] ?? '');
      break;
    case 2:
      lines.splice(pick(), 1);
      break;
    case 3: {
      const a = pick();
      const b = pick();
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      break;
    }
    case 4: {
      const copy = Buffer.from(input);
      for (let i = 0; i < 20; i++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
      return copy;
    }
    case 5:
      lines.splice(pick(), 0, '\xff\xfe"\xc3(,;|\t"');
      break;
    default:
      lines.splice(pick(), 0, `"${'x'.repeat(200_000)}`, 'y'.repeat(300_000));
  }
  return Buffer.from(lines.join('\n'), 'latin1');
}

function wellFormed(item: ParsedItem): boolean {
  if (item.type === 'reject') return Number.isInteger(item.reject.line) && typeof item.reject.reason === 'string' && item.reject.raw.length <= 2001;
  const record = item.record;
  return typeof record.key === 'string' && record.key.length > 0 && typeof record.props === 'object' && (record.occurredAt == null || !Number.isNaN(record.occurredAt.getTime()));
}

async function run(format: SourceFormat, bytes: Buffer, mapping?: Mapping): Promise<void> {
  try {
    for await (const item of format.parse(textInput(bytes, mapping ? { mapping } : {}))) expect(wellFormed(item)).toBe(true);
  } catch (error) {
    // Only the whole file may be refused (no header, unrecognised header), naming the file.
    expect((error as Error).message).toMatch(/^\/cases\/test\.csv/);
  }
}

const arrestsMapping: Mapping = { kind: 'arrests', fields: { person_key: 'id', booking_time: 'arrest_datetime', charges: 'statute_description' } };
const seeds: { format: SourceFormat; bytes: Buffer; mapping?: Mapping }[] = [
  { format: arrestsCsv, bytes: readFileSync(join(TESTDATA, 'arrests/odp_arrests_firearm_deidentified.csv')), mapping: arrestsMapping },
  { format: arrestsCsv, bytes: readFileSync(join(TESTDATA, 'er/fake_1000.csv')) },
  { format: transactionsCsv, bytes: Buffer.from('id,card_number,time,amount\n1,4242424242424242,2024-01-01T10:00:00Z,"1,234.50"\n2,"5555 5555 5555 4444",2024-01-02,9\n') },
  { format: sightingsCsv, bytes: Buffer.from('time;ip;port;guid;sha1\n2024-01-01T00:00:00Z;192.0.2.1;6346;abc;urn:sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ\n') },
  { format: chatJsonl, bytes: Buffer.from('{"ts":"2024-01-01T00:00:00Z","from":"a","text":"hi"}\n{"ts":"2024-01-01T00:01:00Z","from":"b","text":"hello"}\n') },
];

describe('fuzz: tabular parsers never throw per line and never hang', () => {
  it('survives mutated real inputs', async () => {
    const random = rng(7);
    const started = Date.now();
    for (let round = 0; round < 30; round++) {
      for (const seed of seeds) await run(seed.format, mutate(seed.bytes, random), seed.mapping);
    }
    expect(Date.now() - started).toBeLessThan(50_000);
  }, 60_000);

  it('survives random bytes and random CSV-ish text', async () => {
    const random = rng(11);
    const alphabet = 'ab,;|\t"\n\r\\{}[]:0123456789 -/';
    for (let round = 0; round < 100; round++) {
      const bytes = Buffer.alloc(Math.floor(random() * 3000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = random() < 0.5 ? Math.floor(random() * 256) : alphabet.charCodeAt(Math.floor(random() * alphabet.length));
      const withHeader = Buffer.concat([Buffer.from('id,card_number,time,amount,ts,from,text\n'), bytes]);
      for (const format of [arrestsCsv, transactionsCsv, sightingsCsv, chatJsonl]) {
        await run(format, bytes);
        await run(format, withHeader, format === transactionsCsv ? { kind: 'transactions', fields: { key: 'id', card_number: 'card_number', amount: 'amount' } } : undefined);
      }
    }
  }, 60_000);

  it('reads a file of unbalanced quotes in bounded time', async () => {
    const lines = ['id,card_number,amount'];
    for (let i = 0; i < 3000; i++) lines.push(`${i},"4242424242424242,1`);
    const started = Date.now();
    const rejects: string[] = [];
    for await (const item of transactionsCsv.parse(textInput(lines.join('\n')))) if (item.type === 'reject') rejects.push(item.reject.raw);
    // Each quote closes at the next line's quote: pairs of lines, each with the wrong column count.
    expect(rejects).toHaveLength(1500);
    expect(rejects.join('\n')).not.toContain('4242424242424242');

    // One stray quote: its line is a reject, and every line after it still loads.
    const stray = ['id,card_number,amount', '0,"4242424242424242,1', ...Array.from({ length: 5000 }, (_, i) => `${i + 1},4242424242424242,2`)];
    let records = 0;
    const strayRejects: number[] = [];
    for await (const item of transactionsCsv.parse(textInput(stray.join('\n')))) {
      if (item.type === 'record') records++;
      else strayRejects.push(item.reject.line);
    }
    expect(strayRejects).toEqual([2]);
    expect(records).toBe(5000);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
