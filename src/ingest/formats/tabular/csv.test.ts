import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../lines.ts';
import { detectDelimiter, readCsvRows, splitLine, type CsvRow } from './csv.ts';

async function rows(text: string, delimiter = ','): Promise<CsvRow[]> {
  const out: CsvRow[] = [];
  for await (const row of readCsvRows(readLines(Readable.from([Buffer.from(text)])), delimiter)) out.push(row);
  return out;
}

describe('CSV reading', () => {
  it('detects the delimiter from the header line, ignoring quoted ones', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a;b;"c,d"')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('a|b|c')).toBe('|');
    expect(detectDelimiter('single')).toBe(',');
  });

  it('keeps start lines of quoted multi-line fields, with LF and CRLF', async () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['a,b', '1,"x', 'y"', '2,"he said ""hi""', '', 'bye"', '3,z'].join(eol) + eol;
      const read = await rows(text);
      expect(read.map((row) => row.line)).toEqual([1, 2, 4, 7]);
      expect(read[1]?.fields).toEqual(['1', 'x\ny']);
      expect(read[2]?.fields).toEqual(['2', 'he said "hi"\n\nbye']);
      expect(read[3]?.fields).toEqual(['3', 'z']);
    }
  });

  it('strips a BOM and reads empty and lenient fields', async () => {
    const read = await rows('\uFEFFa,b,c\n,,\n"q"x,a"b,""\n');
    expect(read[0]?.fields).toEqual(['a', 'b', 'c']);
    expect(read[1]?.fields).toEqual(['', '', '']);
    expect(read[2]?.fields).toEqual(['qx', 'a"b', '']);
  });

  it('makes an unterminated quote one problem row and reads on from the next line', async () => {
    const read = await rows('a,b\n1,2\n"open,3\n4,5\n6,7\n');
    expect(read.map((row) => [row.line, row.problem ?? row.fields.join('|')])).toEqual([
      [1, 'a|b'],
      [2, '1|2'],
      [3, 'unterminated quoted field'],
      [4, '4|5'],
      [5, '6|7'],
    ]);
  });

  it('splits a header line', () => {
    expect(splitLine('"Last, Name";DOB', ';')).toEqual(['Last, Name', 'DOB']);
  });
});
