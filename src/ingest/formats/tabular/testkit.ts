/**
 * Test helpers for the tabular formats: a ParseInput over a string or a file, and collecting
 * a parser's records and rejects. Used by the *.test.ts files beside it only.
 */
import { createReadStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CanonicalRecord, ParseInput, ParseOptions, Reject, SourceFormat } from '../../types.ts';

/** /work/shared/testdata, found from this file (project root/../shared/testdata). */
export const TESTDATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/testdata');

/** Input over text, delivered in small chunks so chunk boundaries are exercised too. */
export function textInput(text: string | Buffer, options: ParseOptions = {}, path = '/cases/test.csv'): ParseInput {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  return {
    path,
    options,
    open: () => {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
      return Readable.from(chunks);
    },
  };
}

export function fileInput(path: string, options: ParseOptions = {}): ParseInput {
  return { path, options, open: () => createReadStream(path) };
}

export async function collect(format: SourceFormat, input: ParseInput): Promise<{ records: CanonicalRecord[]; rejects: Reject[] }> {
  const records: CanonicalRecord[] = [];
  const rejects: Reject[] = [];
  for await (const item of format.parse(input)) {
    if (item.type === 'record') records.push(item.record);
    else rejects.push(item.reject);
  }
  return { records, rejects };
}
