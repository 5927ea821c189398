import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFile } from './hashes.ts';
import { buildSignalRegistry, isMatch, md5Signal, SIGNAL_TYPES } from './signals.ts';

describe('hashFile', () => {
  it('matches node:crypto over the whole file, empty and multi-chunk files included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crosslink-hash-'));
    const big = Buffer.alloc(3 * (1 << 20) + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    for (const [name, content] of [['empty', Buffer.alloc(0)], ['big', big], ['text', Buffer.from('sunny with light rain\n')]] as const) {
      const path = join(dir, name);
      writeFileSync(path, content);
      const hashes = await hashFile(path, { headBytes: 4 });
      const bytes = readFileSync(path);
      expect(hashes).toMatchObject({
        md5: createHash('md5').update(bytes).digest('hex'),
        sha1: createHash('sha1').update(bytes).digest('hex'),
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.length,
      });
      expect(hashes.head).toEqual(bytes.subarray(0, 4));
    }
    expect((await hashFile(join(dir, 'empty'))).md5).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });
});

describe('signal types', () => {
  it('holds md5, sha1 and sha256 as exact-match signals and PDQ as a distance signal, and refuses duplicate names', async () => {
    expect([...SIGNAL_TYPES.keys()]).toEqual(['md5', 'sha1', 'sha256', 'pdq']);
    expect(SIGNAL_TYPES.get('pdq')?.threshold).toBe(31);
    expect(isMatch(md5Signal, 'D41D8CD98F00B204E9800998ECF8427E', 'd41d8cd98f00b204e9800998ecf8427e')).toBe(true);
    expect(md5Signal.distance('a', 'b')).toBe(1);
    expect(() => buildSignalRegistry([md5Signal, md5Signal])).toThrow("signal type 'md5' is registered twice");
    const dir = mkdtempSync(join(tmpdir(), 'crosslink-signal-'));
    writeFileSync(join(dir, 'f'), '');
    expect(await SIGNAL_TYPES.get('sha256')?.compute(join(dir, 'f'))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
