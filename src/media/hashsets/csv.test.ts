// The categorised CSV: round trips of random entries (quotes, commas and line breaks in series),
// spreadsheet-style headers and flags, and rejects with their lines.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HASH_CSV_HEADER, readHashCsv, writeHashCsv } from './csv.ts';
import { chunked, collect, content, randomEntry, seededRandom, written } from './testkit.ts';

function fromText(text: string): Readable {
  return Readable.from([Buffer.from(text, 'utf8')]);
}

describe('writeHashCsv and readHashCsv', () => {
  it('write what reads back identically (random entries)', async () => {
    const random = seededRandom(31337);
    for (let round = 0; round < 30; round++) {
      const entries = Array.from({ length: Math.floor(random() * 60) }, () =>
        randomEntry(random, ['md5', 'sha1', 'sha256', 'pdq', 'size', 'category', 'series', 'victimIdentified', 'offenderIdentified', 'isDistributed', 'isPrecategorized']),
      );
      const { text, report } = await written((out) => writeHashCsv(entries, out));
      expect(text.startsWith(`${HASH_CSV_HEADER}\n`)).toBe(true);
      expect(report.written).toBe(entries.length);
      const back = await collect(readHashCsv(chunked(Buffer.from(text), random), 'set.csv'));
      expect(back.rejects).toEqual([]);
      expect(back.entries.map(content)).toEqual(entries.map(content));
    }
  });

  it('gives each record the line it starts on, also after a quoted line break', async () => {
    const text = `${HASH_CSV_HEADER}\nd41d8cd98f00b204e9800998ecf8427e,,,,,1,"two\nlines",,,,\n0cc175b9c0f1b6a831c399e269772661,,,,,2,,,,,\n`;
    const { entries } = await collect(readHashCsv(fromText(text), 'set.csv'));
    expect(entries.map((e) => [e.series, e.source.line])).toEqual([
      ['two\nlines', 2],
      [undefined, 4],
    ]);
  });
});

describe('readHashCsv on hand-made files', () => {
  it('reads spreadsheet headers, yes/no flags and category labels', async () => {
    const text = 'MD5 Hash\tCategory\tSeries\tVictim Identified\tOffender Identified\n' + 'D41D8CD98F00B204E9800998ECF8427E\tCat A\t Lake \tyes\tno\n';
    const { entries, rejects } = await collect(readHashCsv(fromText(text), 'sheet.tsv'));
    expect(rejects).toEqual([]);
    expect(entries).toEqual([
      {
        md5: 'd41d8cd98f00b204e9800998ecf8427e',
        category: 'Cat A',
        series: 'Lake',
        victimIdentified: true,
        offenderIdentified: false,
        source: { file: 'sheet.tsv', line: 2 },
      },
    ]);
  });

  it('rejects bad hashes and flags with file:line and reason, and loads the good rows', async () => {
    const text = [
      'md5,pdq,category,victim_identified',
      'd41d8cd98f00b204e9800998ecf8427e,,1,true',
      ',f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b2,1,true',
      'zz1d8cd98f00b204e9800998ecf8427e,,1,true',
      'd41d8cd98f00b204e9800998ecf8427e,,1,perhaps',
      '"unterminated,,1,true',
      '0cc175b9c0f1b6a831c399e269772661,,2,false',
    ].join('\n');
    const { entries, rejects } = await collect(readHashCsv(fromText(text), 'mine.csv'));
    expect(entries.map((e) => [e.md5, e.category, e.victimIdentified, e.source.line])).toEqual([
      ['d41d8cd98f00b204e9800998ecf8427e', 1, true, 2],
      ['0cc175b9c0f1b6a831c399e269772661', 2, false, 7],
    ]);
    expect(rejects.map((r) => [r.line, r.reason.split(':')[0]])).toEqual([
      [3, 'pdq'],
      [4, 'md5'],
      [5, 'victimIdentified'],
      [6, 'unterminated quoted field'],
    ]);
  });
});
