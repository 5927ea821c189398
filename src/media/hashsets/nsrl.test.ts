// Known-good lists: the shared NSRL RDS, HashKeeper and md5sum-style fixtures, plain CSVs in the
// spellings tools use, rejects with their lines, and write → read round trips of random entries.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NSRL_RDS_HEADER, readKnownGood, writeKnownGood } from './nsrl.ts';
import { chunked, collect, content, randomEntry, seededRandom, TESTDATA, written } from './testkit.ts';

function fromText(text: string): Readable {
  return Readable.from([Buffer.from(text, 'utf8')]);
}

async function readFixture(name: string): Promise<Awaited<ReturnType<typeof collect>>> {
  return collect(readKnownGood(fromText(readFileSync(`${TESTDATA}${name}`, 'utf8')), name));
}

/** The fixture's own md5sum file, read without our reader: hash → file name. */
const md5sum = new Map(
  readFileSync(`${TESTDATA}hashset.md5sum`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => [line.slice(0, 32), line.slice(34)] as const),
);

describe('readKnownGood on the shared fixtures', () => {
  it('reads the NSRL RDS 2.x NSRLFile.txt: SHA-1, MD5 and size of all 29 files', async () => {
    const { entries, rejects } = await readFixture('nsrl_rds_v2/NSRLFile.txt');
    expect(rejects).toEqual([]);
    expect(entries).toHaveLength(29);
    expect(new Set(entries.map((e) => e.md5))).toEqual(new Set(md5sum.keys()));
    // Sizes as listed for the EXIF photos in expected_matches.csv.
    const sizes = new Map(
      readFileSync(`${TESTDATA}expected_matches.csv`, 'utf8')
        .split(/\r?\n/)
        .slice(1)
        .filter((line) => line.endsWith(',1'))
        .map((line) => {
          const fields = line.split(',');
          return [(fields[1] as string).toLowerCase(), Number(fields[4])] as const;
        }),
    );
    expect(sizes.size).toBe(10);
    for (const entry of entries) if (sizes.has(entry.md5 as string)) expect(entry.size).toBe(sizes.get(entry.md5 as string));
    expect(entries[0]?.source.line).toBe(2);
    // Names in the list are not kept.
    expect(JSON.stringify(entries)).not.toContain('decoy_0.bin');
  });

  it('reads a HashKeeper table by its "hash" column', async () => {
    const { entries, rejects } = await readFixture('hashkeeper/sample.hke');
    expect(rejects).toEqual([]);
    expect(new Set(entries.map((e) => e.md5))).toEqual(new Set(md5sum.keys()));
  });

  it('reads md5sum, sha1sum and sha256sum output', async () => {
    for (const [file, kind] of [
      ['hashset.md5sum', 'md5'],
      ['hashset.sha1sum', 'sha1'],
      ['hashset.sha256sum', 'sha256'],
    ] as const) {
      const { entries, rejects } = await readFixture(file);
      expect(rejects).toEqual([]);
      expect(entries).toHaveLength(29);
      expect(entries.every((e) => e[kind] !== undefined && Object.keys(content(e)).length === 1)).toBe(true);
    }
  });
});

describe('readKnownGood on other layouts', () => {
  it('reads a plain CSV whatever the header spelling, ignoring category columns', async () => {
    const text = 'File Name;SHA-256;MD5 Hash;File_Size;Category\nreadme.txt;' + 'AB'.repeat(32) + ';;12;3\n';
    const { entries } = await collect(readKnownGood(fromText(text), 'plain.csv'));
    expect(entries).toEqual([{ sha256: 'ab'.repeat(32), size: 12, source: { file: 'plain.csv', line: 2 } }]);
  });

  it('reads a bare list of hashes of mixed kinds, skipping blank and comment lines', async () => {
    const text = '# exported list\n\nd41d8cd98f00b204e9800998ecf8427e\n86f7e437faa5a7fce15d1ddcb9eaeaea377667b8\n';
    const { entries, rejects } = await collect(readKnownGood(fromText(text), 'bare.txt'));
    expect(rejects).toEqual([]);
    expect(entries.map((e) => [e.md5 ?? e.sha1, e.source.line])).toEqual([
      ['d41d8cd98f00b204e9800998ecf8427e', 3],
      ['86f7e437faa5a7fce15d1ddcb9eaeaea377667b8', 4],
    ]);
  });

  it('rejects bad rows with file:line and reason, and loads the good ones', async () => {
    const text = [
      NSRL_RDS_HEADER,
      '"86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8","0CC175B9C0F1B6A831C399E269772661","E8B7BE43","a.txt",1,1001,"362",""',
      '"86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B","0CC175B9C0F1B6A831C399E269772661","E8B7BE43","b.txt",1,1001,"362",""',
      '"","","","c.txt",1,1001,"362",""',
      '"86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8","0CC175B9C0F1B6A831C399E269772661","E8B7BE43","d.txt",-5,1001,"362",""',
      '"86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8","0CC175B9C0F1B6A831C399E269772661"',
      '"DA39A3EE5E6B4B0D3255BFEF95601890AFD80709","D41D8CD98F00B204E9800998ECF8427E","00000000","e, with comma.txt",0,1001,"362",""',
    ].join('\r\n');
    const { entries, rejects } = await collect(readKnownGood(fromText(text), 'NSRLFile.txt'));
    expect(entries.map((e) => e.source.line)).toEqual([2, 7]);
    expect(rejects.map((r) => [r.file, r.line, r.reason])).toEqual([
      ['NSRLFile.txt', 3, "sha1: expected 40 hex digits, found '86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B'"],
      ['NSRLFile.txt', 4, 'no hash (md5, sha1, sha256 or pdq)'],
      ['NSRLFile.txt', 5, "size: expected a whole number of bytes, found '-5'"],
      ['NSRLFile.txt', 6, 'expected 8 fields, found 2'],
    ]);
  });

  it('refuses a table with no hash column, in one reject', async () => {
    const { entries, rejects } = await collect(readKnownGood(fromText('name,size\na,1\nb,2\n'), 'x.csv'));
    expect(entries).toEqual([]);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]?.line).toBe(1);
  });
});

describe('writeKnownGood', () => {
  it('writes the RDS layout that reads back identically (MD5, SHA-1, size)', async () => {
    const random = seededRandom(99);
    for (let round = 0; round < 25; round++) {
      const entries = Array.from({ length: Math.floor(random() * 50) }, () => randomEntry(random, ['md5', 'sha1', 'size']));
      const { text, report } = await written((out) => writeKnownGood(entries, out));
      expect(text.split('\r\n')[0]).toBe(NSRL_RDS_HEADER);
      expect(report).toEqual({ written: entries.length, skipped: 0 });
      const back = await collect(readKnownGood(chunked(Buffer.from(text), random), 'NSRLFile.txt'));
      expect(back.rejects).toEqual([]);
      expect(back.entries.map(content)).toEqual(entries.map(content));
    }
  });

  it('skips in the RDS layout what it cannot carry, and keeps SHA-256 in the plain layout', async () => {
    const random = seededRandom(5);
    const entries = Array.from({ length: 200 }, () => randomEntry(random, ['md5', 'sha1', 'sha256', 'size']));
    const carried = entries.filter((e) => e.md5 || e.sha1);
    const rds = await written((out) => writeKnownGood(entries, out, { layout: 'rds' }));
    expect(rds.report).toEqual({ written: carried.length, skipped: entries.length - carried.length });
    const plain = await written((out) => writeKnownGood(entries, out, { layout: 'plain' }));
    expect(plain.report).toEqual({ written: entries.length, skipped: 0 });
    const back = await collect(readKnownGood(chunked(Buffer.from(plain.text), random), 'plain.csv'));
    expect(back.entries.map(content)).toEqual(entries.map(content));
  });
});
