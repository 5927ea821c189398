import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prepareRecords, type PersonRecord } from './compare.ts';
import { resolve, resolveOnThreads } from './resolve.ts';

const FAKE_1000 = fileURLToPath(new URL('../../../shared/testdata/er/fake_1000.csv', import.meta.url));

function fake1000(): PersonRecord[] {
  const [, ...rows] = readFileSync(FAKE_1000, 'utf8').trimEnd().split('\n');
  return rows.map((row) => {
    const [id, firstName, lastName, birthDate, city, email] = row.split(',');
    return { id: id!, firstName: firstName || undefined, lastName: lastName || undefined, birthDate: birthDate || undefined, city: city || undefined, identifiers: email ? [`email:${email}`] : [] };
  });
}

describe('comparisons on worker threads', () => {
  it('give exactly the patterns and subjects of one thread, trained or with a given model', async () => {
    const records = fake1000();
    const alone = resolve(prepareRecords(records));
    const threaded = await resolveOnThreads(prepareRecords(records), { threads: 3, minimumPairs: 0 });
    expect(threaded.pairs.count).toBeGreaterThan(1000);
    expect(Array.from(threaded.pairs.pattern)).toEqual(Array.from(alone.pairs.pattern));
    expect(Array.from(threaded.cluster)).toEqual(Array.from(alone.cluster));

    // Scored with a stored model: no pair was compared in training, every one on the threads.
    const given = await resolveOnThreads(prepareRecords(records), { parameters: alone.parameters, threads: 2, minimumPairs: 0 });
    const givenAlone = resolve(prepareRecords(records), { parameters: alone.parameters });
    expect(Array.from(given.cluster)).toEqual(Array.from(givenAlone.cluster));
  });
});
