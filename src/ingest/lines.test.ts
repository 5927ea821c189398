import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from './lines.ts';

async function collect(chunks: (string | Buffer)[]) {
  const lines = [];
  for await (const line of readLines(Readable.from(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk))))) lines.push(line);
  return lines;
}

describe('readLines', () => {
  it('numbers lines, gives byte offsets, strips BOM and CRLF, keeps a last line without newline', async () => {
    const lines = await collect(['\uFEFFfirst\r\nsé', 'cond\nthird']);
    expect(lines).toEqual([
      { text: 'first', number: 1, offset: 0 },
      { text: 'sécond', number: 2, offset: 10 },
      { text: 'third', number: 3, offset: 18 },
    ]);
  });

  it('joins a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from('ünïcode\n');
    const lines = await collect([bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4)]);
    expect(lines.map((line) => line.text)).toEqual(['ünïcode']);
  });

  it('gives the same lines and offsets however the input is chunked (randomised)', async () => {
    const text = Array.from({ length: 200 }, (_, i) => `line ${i} ${'ä'.repeat(i % 7)}`).join('\n');
    const whole = Buffer.from(text);
    const expected = await collect([whole]);
    for (let trial = 0; trial < 20; trial++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < whole.length; ) {
        const size = 1 + Math.floor(Math.random() * 50);
        chunks.push(whole.subarray(at, at + size));
        at += size;
      }
      expect(await collect(chunks)).toEqual(expected);
    }
    for (const line of expected) expect(whole.subarray(line.offset, line.offset + Buffer.byteLength(line.text)).toString()).toBe(line.text);
  });
});
