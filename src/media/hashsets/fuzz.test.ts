// Fuzzing every hash-set reader: seeded random damage to the shared fixtures and to writer output,
// streamed in random chunks. Each run must finish, yield only valid entries and placed rejects.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { HashSetItem } from './entry.ts';
import { readHashCsv, writeHashCsv } from './csv.ts';
import { readKnownGood, writeKnownGood } from './nsrl.ts';
import { checkItems, chunked, collect, mutate, randomEntry, seededRandom, TESTDATA, written } from './testkit.ts';
import { readVics, writeVics } from './vics.ts';

type Reader = (stream: Readable, file: string) => AsyncGenerator<HashSetItem>;

async function seeds(): Promise<Record<string, { reader: Reader; inputs: Buffer[] }>> {
  const random = seededRandom(1);
  const fields = ['md5', 'sha1', 'sha256', 'pdq', 'size', 'category', 'series', 'victimIdentified', 'isDistributed'] as const;
  const entries = Array.from({ length: 40 }, () => randomEntry(random, fields));
  const fixture = (name: string): Buffer => readFileSync(`${TESTDATA}${name}`);
  return {
    vics: {
      reader: readVics,
      inputs: [fixture('vics2_hashset_media.json'), fixture('vics2_case.json'), Buffer.from((await written((out) => writeVics(entries, out))).text)],
    },
    knownGood: {
      reader: readKnownGood,
      inputs: [
        fixture('nsrl_rds_v2/NSRLFile.txt'),
        fixture('hashkeeper/sample.hke'),
        fixture('hashset.sha256sum'),
        Buffer.from((await written((out) => writeKnownGood(entries, out, { layout: 'plain' }))).text),
      ],
    },
    csv: { reader: readHashCsv, inputs: [Buffer.from((await written((out) => writeHashCsv(entries, out))).text), fixture('hashkeeper/sample.hke')] },
  };
}

function lineCount(bytes: Buffer): number {
  let lines = 1;
  for (const byte of bytes) if (byte === 0x0a) lines++;
  return lines;
}

describe('fuzzing the hash-set readers', async () => {
  const all = await seeds();
  for (const [name, { reader, inputs }] of Object.entries(all)) {
    it(`${name}: mutated inputs never throw or hang`, async () => {
      const random = seededRandom(name.length * 7919);
      for (let round = 0; round < 300; round++) {
        const input = mutate(inputs[round % inputs.length] as Buffer, random);
        const result = await collect(reader(chunked(input, random), 'fuzz'));
        checkItems(result, 'fuzz', lineCount(input));
      }
    }, 60_000);

    it(`${name}: random bytes and random text never throw or hang`, async () => {
      const random = seededRandom(name.length * 104729);
      const alphabet = '{}[]",:\n\r\\ 0123456789abcdefABCDEF#;\t-.truefalsnMD5SHA1value';
      for (let round = 0; round < 300; round++) {
        const length = Math.floor(random() * 3000);
        const input =
          round % 2 === 0
            ? Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)))
            : Buffer.from(Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
        const result = await collect(reader(chunked(input, random), 'fuzz'));
        checkItems(result, 'fuzz', lineCount(input));
      }
    }, 60_000);
  }

  it('a deeply nested VICS document is rejected, not a stack overflow', async () => {
    const deep = `{"value":[${'['.repeat(200_000)}`;
    const result = await collect(readVics(Readable.from([Buffer.from(deep)]), 'deep.json'));
    expect(result.entries).toEqual([]);
    expect(result.rejects.length).toBeGreaterThan(0);
  });
});
