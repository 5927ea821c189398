// The module as the CLI uses it: format detection on the shared fixtures, reading them from disk,
// and the expected matches of testdata/hashsets/expected_matches.csv for every format.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectHashSetFormat, readHashSetFile, writeHashSetFile, type HashSetFormat } from './index.ts';
import { collect, content, randomEntry, seededRandom, TESTDATA } from './testkit.ts';

const FIXTURES: [string, HashSetFormat][] = [
  ['vics2_hashset_media.json', 'vics'],
  ['vics2_case.json', 'vics'],
  ['nsrl_rds_v2/NSRLFile.txt', 'known-good'],
  ['hashkeeper/sample.hke', 'known-good'],
  ['hashset.md5sum', 'known-good'],
  ['hashset.sha1sum', 'known-good'],
  ['hashset.sha256sum', 'known-good'],
];

/** expected_matches.csv: each EXIF photo's hashes and whether it is in the hash set. */
const expected = readFileSync(`${TESTDATA}expected_matches.csv`, 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((line) => {
    const [path, md5, sha1, sha256, , inSet] = line.split(',') as string[];
    return { path, md5: (md5 as string).toLowerCase(), sha1: (sha1 as string).toLowerCase(), sha256: (sha256 as string).toLowerCase(), inSet: inSet === '1' };
  });

describe('hash-set files', () => {
  it('detects the format of each fixture', () => {
    for (const [file, format] of FIXTURES) expect(detectHashSetFormat(readFileSync(`${TESTDATA}${file}`, 'utf8').slice(0, 4096)), file).toBe(format);
    expect(detectHashSetFormat('md5,category,series\n')).toBe('csv');
    expect(detectHashSetFormat('hello world\n')).toBeUndefined();
  });

  for (const [file, format] of FIXTURES) {
    it(`matches exactly the photos expected_matches.csv lists as in the set (${file})`, async () => {
      const { entries, rejects } = await collect(readHashSetFile(`${TESTDATA}${file}`, format, file));
      expect(rejects).toEqual([]);
      const hashes = new Set(entries.flatMap((e) => [e.md5, e.sha1, e.sha256]).filter((h) => h !== undefined));
      expect(expected).toHaveLength(19);
      for (const photo of expected) {
        const hit = hashes.has(photo.md5) || hashes.has(photo.sha1) || hashes.has(photo.sha256);
        expect(hit, photo.path).toBe(photo.inSet);
      }
    });
  }

  it('writes files that read back identically in every format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crosslink-hashsets-'));
    const random = seededRandom(8);
    const entries = Array.from({ length: 300 }, () => randomEntry(random, ['md5', 'sha1', 'sha256', 'pdq', 'size', 'category', 'series', 'victimIdentified']));
    for (const format of ['vics', 'csv'] as const) {
      const path = join(dir, `set.${format}`);
      expect(await writeHashSetFile(path, format, entries)).toEqual({ written: 300, skipped: 0 });
      const back = await collect(readHashSetFile(path, format));
      expect(back.entries.map(content)).toEqual(entries.map(content));
      expect(back.entries[0]?.source.file).toBe(path);
    }
    const knownGood = entries.map((e) => ({ ...(e.md5 ? { md5: e.md5 } : {}), ...(e.sha1 ? { sha1: e.sha1 } : {}), ...(e.sha256 ? { sha256: e.sha256 } : {}), ...(e.size !== undefined ? { size: e.size } : {}), source: e.source }));
    const carried = knownGood.filter((e) => e.md5 || e.sha1 || e.sha256);
    const path = join(dir, 'known.csv');
    await writeHashSetFile(path, 'known-good', knownGood, { layout: 'plain' });
    const back = await collect(readHashSetFile(path, 'known-good'));
    expect(back.entries.map(content)).toEqual(carried.map(content));
  });
});
