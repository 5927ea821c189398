/** Test-only: the shared PDQ reference data (../shared/testdata/pdq), read as tab-separated records. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const PDQ_TESTDATA = fileURLToPath(new URL('../../../../shared/testdata/pdq/', import.meta.url));

export function readTsv(relative: string): Record<string, string>[] {
  const { names, rows } = readTsvColumns(relative);
  return rows.map((cells) => Object.fromEntries(names.map((name, i) => [name, cells[i] ?? ''])));
}

/** The header names and the rows as arrays of cells (cheaper than records for 100,000 rows). */
export function readTsvColumns(relative: string): { names: string[]; rows: string[][] } {
  const raw = readFileSync(PDQ_TESTDATA + relative);
  const text = (relative.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const [header, ...rows] = text.split('\n').filter((line) => line.trim() !== '');
  return { names: (header ?? '').split('\t'), rows: rows.map((row) => row.split('\t')) };
}

/** A `%.9g` float dump (rows of tab-separated numbers) as float32 values, row-major. */
export function readFloatDump(relative: string): Float32Array {
  const values = readFileSync(PDQ_TESTDATA + relative, 'utf8').trim().split(/\s+/).map(Number);
  return Float32Array.from(values);
}

/** Deterministic PRNG (mulberry32) for randomised tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
