// VICS JSON: the shared Project VIC fixtures (hash-set and case shapes, VICS 2.0), the documented
// 1.x layouts, rejects with their lines, and write → read round trips of random entries.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chunked, collect, content, randomEntry, seededRandom, TESTDATA, written } from './testkit.ts';
import { readVics, writeVics } from './vics.ts';

function fromText(text: string): Readable {
  return Readable.from([Buffer.from(text, 'utf8')]);
}

/** md5/sha1/sha256sum fixture lines → hash → file name (the same hashes as every other fixture). */
function sums(name: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of readFileSync(`${TESTDATA}${name}`, 'utf8').split('\n')) {
    const [hash, ...rest] = line.trim().split(/\s+/);
    if (hash) map.set(hash.toLowerCase(), rest.join(' '));
  }
  return map;
}

describe('readVics on the shared fixtures', () => {
  it('reads the VICS 2.0 hash-set shape: all 29 media with their hashes, sizes and flags', async () => {
    const file = 'vics2_hashset_media.json';
    const raw = JSON.parse(readFileSync(`${TESTDATA}${file}`, 'utf8')) as { value: Record<string, unknown>[] };
    const { entries, rejects } = await collect(readVics(fromText(readFileSync(`${TESTDATA}${file}`, 'utf8')), file));
    expect(rejects).toEqual([]);
    expect(entries).toHaveLength(29);
    expect(new Set(entries.map((e) => e.md5))).toEqual(new Set(sums('hashset.md5sum').keys()));
    expect(new Set(entries.map((e) => e.sha1))).toEqual(new Set(sums('hashset.sha1sum').keys()));
    entries.forEach((entry, i) => {
      const item = raw.value[i] as Record<string, unknown>;
      expect(entry.size).toBe(item.MediaSize);
      expect(entry.category).toBe(item.Category);
      expect(entry.isPrecategorized).toBe(item.IsPrecategorized);
    });
    // Each item starts on its own line in the fixture: "value": [ on line 3, items every 9 lines.
    expect(entries[0]?.source).toEqual({ file, line: 4 });
    expect(entries[1]?.source.line).toBe(13);
  });

  it('reads the case shape: media inside value[].Media[], SHA-256 from AlternativeHashes, no names kept', async () => {
    const file = 'vics2_case.json';
    const { entries, rejects } = await collect(readVics(fromText(readFileSync(`${TESTDATA}${file}`, 'utf8')), file));
    expect(rejects).toEqual([]);
    expect(entries).toHaveLength(24);
    const sha256 = sums('hashset.sha256sum');
    for (const entry of entries) {
      expect(sha256.has(entry.sha256 as string)).toBe(true);
      expect(sums('hashset.md5sum').has(entry.md5 as string)).toBe(true);
    }
    const everything = JSON.stringify(entries);
    expect(everything).not.toMatch(/\.jpg|\.heic|\.png|exif-samples|Files\\\\|examiner/i);
  });

  it('accepts a UTF-8 BOM and any chunking of the stream', async () => {
    const text = readFileSync(`${TESTDATA}vics2_case.json`);
    const plain = await collect(readVics(fromText(text.toString('utf8')), 'f'));
    const random = seededRandom(11);
    for (let round = 0; round < 20; round++) {
      const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]);
      const again = await collect(readVics(chunked(withBom, random), 'f'));
      expect(again).toEqual(plain);
    }
  });
});

describe('readVics on the documented 1.x layouts', () => {
  it('reads a 1.3 hash set: string flags and categories, PhotoDNA ignored, MediaFiles not kept', async () => {
    const text = `{
  "odata.metadata":"http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media","value":[
    {
      "odata.id":"Media(\\"588cd1c0e48916d8e7403310402d0a68\\")","MediaFiles@odata.navigationLinkUrl":"/Media(588cd1c0e48916d8e7403310402d0a68)/MediaFiles","MediaFiles":[
        {"MD5":"588cd1c0e48916d8e7403310402d0a68","FileName":"holiday.jpg","FilePath":"Users/x/Pictures"}
      ],
      "MD5":"588CD1C0E48916D8E7403310402D0A68","SHA1":"","Category":"2","Series":"Lake","VictimIdentified":"true","OffenderIdentified":"False","IsDistributed":true,
      "AlternativeHashes":[{"HashName":"PhotoDNA","HashValue":"AAECAwQ="},{"HashName":"PDQ","HashValue":"F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22"}]
    }
  ]
}`;
    const { entries, rejects } = await collect(readVics(fromText(text), 'v13.json'));
    expect(rejects).toEqual([]);
    expect(entries).toEqual([
      {
        md5: '588cd1c0e48916d8e7403310402d0a68',
        pdq: 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22',
        category: 2,
        series: 'Lake',
        victimIdentified: true,
        offenderIdentified: false,
        isDistributed: true,
        source: { file: 'v13.json', line: 3 },
      },
    ]);
    expect(JSON.stringify(entries)).not.toContain('holiday');
  });

  it('reads a 1.x case export (value[].Media[] beside CaseMetadata)', async () => {
    const text = JSON.stringify({
      'odata.metadata': 'http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Cases',
      value: [
        {
          'odata.id': 'Case("x")',
          CaseMetadata: [{ CaseID: 'x', PropertyName: 'Examiner', PropertyValue: 'someone' }],
          Media: [
            { MD5: 'd41d8cd98f00b204e9800998ecf8427e', Category: 1 },
            { MD5: '0cc175b9c0f1b6a831c399e269772661', SHA1: '86f7e437faa5a7fce15d1ddcb9eaeaea377667b8', Category: 0 },
          ],
          CaseID: 'x',
        },
      ],
    });
    const { entries, rejects } = await collect(readVics(fromText(text), 'case13.json'));
    expect(rejects).toEqual([]);
    expect(entries.map((e) => [e.md5, e.category])).toEqual([
      ['d41d8cd98f00b204e9800998ecf8427e', 1],
      ['0cc175b9c0f1b6a831c399e269772661', 0],
    ]);
  });

  it('reads a bare array of media items', async () => {
    const { entries } = await collect(readVics(fromText('[{"MD5":"d41d8cd98f00b204e9800998ecf8427e"}]'), 'a.json'));
    expect(entries.map((e) => e.md5)).toEqual(['d41d8cd98f00b204e9800998ecf8427e']);
  });
});

describe('readVics rejects', () => {
  it('rejects bad items with file:line and reason, and still loads the good ones', async () => {
    const text = [
      '{"@odata.context":"x/2.0.xml/Default/$metadata#Media","value":[',
      '{"MediaID":1,"MD5":"d41d8cd98f00b204e9800998ecf8427e"},',
      '{"MediaID":2,"MD5":"not-a-hash","FileName":"secret-name.jpg"},',
      '{"MediaID":3,"SHA1":"86f7e437faa5a7fce15d1ddcb9eaeaea377667b8","VictimIdentified":"maybe"},',
      '{"MediaID":4,"Category":3},',
      '{"MediaID":5,"MD5":"0cc175b9c0f1b6a831c399e269772661"}',
      ']}',
    ].join('\n');
    const { entries, rejects } = await collect(readVics(fromText(text), 'bad.json'));
    expect(entries.map((e) => e.source.line)).toEqual([2, 6]);
    expect(rejects.map((r) => [r.line, r.reason.split(':')[0]])).toEqual([
      [3, 'md5'],
      [4, 'victimIdentified'],
      [5, 'no hash (md5, sha1, sha256 or pdq)'],
    ]);
    // The rejects report shows identifiers and hashes, not names.
    expect(rejects[0]?.raw).not.toContain('secret-name');
  });

  it('keeps the items before a break in the JSON and rejects at the break', async () => {
    const text = '{"value":[\n{"MD5":"d41d8cd98f00b204e9800998ecf8427e"},\n{"MD5": oops}\n]}';
    const { entries, rejects } = await collect(readVics(fromText(text), 'cut.json'));
    expect(entries).toHaveLength(1);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]?.line).toBe(3);
  });

  it('says when a JSON file is not VICS', async () => {
    const { entries, rejects } = await collect(readVics(fromText('{"hello":"world"}'), 'other.json'));
    expect(entries).toEqual([]);
    expect(rejects[0]?.reason).toMatch(/not a VICS file/);
  });
});

describe('writeVics', () => {
  it('writes what readVics reads back identically (random entries)', async () => {
    const random = seededRandom(2024);
    for (let round = 0; round < 30; round++) {
      const count = Math.floor(random() * 40);
      const entries = Array.from({ length: count }, () =>
        randomEntry(random, ['md5', 'sha1', 'sha256', 'pdq', 'size', 'category', 'series', 'victimIdentified', 'offenderIdentified', 'isDistributed', 'isPrecategorized']),
      );
      const { text, report } = await written((out) => writeVics(entries, out));
      expect(report).toEqual({ written: count, skipped: 0 });
      const back = await collect(readVics(chunked(Buffer.from(text), random), 'out.json'));
      expect(back.rejects).toEqual([]);
      expect(back.entries.map(content)).toEqual(entries.map(content));
      // One item per line, after the three opening lines.
      expect(back.entries.map((e) => e.source.line)).toEqual(entries.map((_, i) => i + 4));
      expect(() => JSON.parse(text) as unknown).not.toThrow();
    }
  });
});
