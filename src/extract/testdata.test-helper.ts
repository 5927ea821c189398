/** Test-only: paths into the shared public test data, resolved from this folder (never read at run time). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../shared/testdata/', import.meta.url));

export function readTestData(relative: string): string {
  return readFileSync(ROOT + relative, 'utf8');
}

/** A CSV with a header row and no quoted commas in the columns we read; quoted fields are kept whole. */
export function readCsv(relative: string): Record<string, string>[] {
  const [header, ...rows] = readTestData(relative).split(/\r?\n/).filter((l) => l.trim() !== '');
  const names = splitCsvLine(header ?? '');
  return rows.map((row) => {
    const cells = splitCsvLine(row);
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cell);
      cell = '';
    } else cell += ch;
  }
  out.push(cell);
  return out;
}
