import { describe, expect, it } from 'vitest';
import { clusterIds, compare, FIELDS, isNickname, jaroWinkler, prepareRecords, resolve, scoredPairs, soundex, type PersonRecord } from './index.ts';
import { jaroWinklerBound, letterProfiles } from './strings.ts';

const person = (id: string, firstName: string, lastName: string, birthDate?: string, extra: Partial<PersonRecord> = {}): PersonRecord => ({
  id,
  firstName,
  lastName,
  birthDate,
  identifiers: [],
  ...extra,
});

describe('string measures', () => {
  it('Jaro-Winkler and Soundex give the published values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('same', 'same')).toBe(1);
    expect(soundex('Robert')).toBe('R163');
    expect(soundex('Rupert')).toBe('R163');
    expect(soundex('Tymczak')).toBe('T522');
    expect(soundex('Ashcraft')).toBe('A261');
  });

  it('bounds Jaro-Winkler from above by letter profiles (seeded random strings)', () => {
    let state = 7;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
    const alphabet = 'aaeeioursntlhdcmb-1é ';
    const words = Array.from({ length: 400 }, () => Array.from({ length: Math.floor(random() * 14) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
    const profiles = letterProfiles(words);
    for (let i = 0; i < words.length; i++) {
      for (let j = 0; j < 40; j++) {
        const other = Math.floor(random() * words.length);
        expect(jaroWinklerBound(words, profiles, i, other)).toBeGreaterThanOrEqual(jaroWinkler(words[i]!, words[other]!) - 1e-12);
      }
    }
  });

  it('knows nicknames', () => {
    expect(isNickname('bob', 'robert')).toBe(true);
    expect(isNickname('bill', 'william')).toBe(true);
    expect(isNickname('bob', 'william')).toBe(false);
  });
});

describe('comparison', () => {
  it('reads nicknames, swapped names, date slips and shared identifiers as agreement', () => {
    const levels = (a: PersonRecord, b: PersonRecord) => {
      const vector = compare(a, b);
      return Object.fromEntries(Object.entries(vector).map(([field, level]) => [field, level < 0 ? 'missing' : FIELDS[field as keyof typeof FIELDS][level]]));
    };
    expect(levels(person('1', 'Bob', 'Harlow', '1984-03-07'), person('2', 'Robert', 'Harlow', '1984-07-03'))).toMatchObject({
      first_name: 'nickname',
      last_name: 'exact',
      birth_date: 'one slip',
    });
    // Written the other way round, with a slip: compared crosswise.
    expect(levels(person('1', 'Caleb', 'Rowe', '1992-11-20'), person('2', 'Rwoe', 'Caleb', '1992-11-21'))).toMatchObject({ first_name: 'close', last_name: 'exact', birth_date: 'one slip' });
    expect(
      levels(person('1', 'A', 'B', undefined, { identifiers: ['email:e.rogers3@hopkins.org'] }), person('2', 'A', 'B', undefined, { identifiers: ['email:e.rogers3@honkips.org'] })),
    ).toMatchObject({ identifiers: 'near-identical', birth_date: 'missing' });
    // Two people's short addresses at one domain: alike only through the shared 'email:' and domain.
    expect(levels(person('1', 'A', 'B', undefined, { identifiers: ['email:h.k@sharp.com'] }), person('2', 'A', 'B', undefined, { identifiers: ['email:f.j@sharp.com'] }))).toMatchObject({
      identifiers: 'different',
    });
  });

  it('tells how far apart two dates of birth are', () => {
    const dates = (a: string, b: string) => FIELDS.birth_date[compare(person('1', 'A', 'B', a), person('2', 'A', 'B', b)).birth_date];
    expect(dates('1971-06-24', '1971-06-24')).toBe('exact');
    expect(dates('1971-06-24', '1971-06-25')).toBe('one slip');
    expect(dates('1971-06-24', '1971-07-03')).toBe('within a month');
    expect(dates('1971-06-24', '1972-01-30')).toBe('within a year');
    expect(dates('1971-06-24', '1980-03-02')).toBe('within ten years');
    expect(dates('1977-12-07', '2005-07-23')).toBe('different');
    expect(dates('1977-12-07', 'unknown')).toBe('different');
  });
});

describe('resolution', () => {
  // Three people with typos across their records, and a namesake born another year.
  const records: PersonRecord[] = [
    person('a1', 'Samuel', 'Rowe', '1984-03-07', { city: 'Leeds', identifiers: ['email:sam.rowe@example.com'] }),
    person('a2', 'Sam', 'Rowe', '1984-03-07', { city: 'Leeds' }),
    person('a3', 'Samuel', 'Roew', '1984-07-03', { identifiers: ['email:sam.rowe@example.com'] }),
    person('b1', 'Priya', 'Fairweather', '1990-12-01', { city: 'York', identifiers: ['phone:+447700900123'] }),
    person('b2', 'Priya', 'Fairwether', '1990-12-01', { identifiers: ['phone:+447700900123'] }),
    person('c1', 'Dana', 'Whitfield', '1979-05-15', { city: 'Bath' }),
    person('c2', 'Dana', 'Whitfield', '1979-05-15', { city: 'Bath' }),
    person('d1', 'Samuel', 'Rowe', '1961-10-30', { city: 'Truro', identifiers: ['email:s.rowe61@example.org'] }),
  ];
  // Filler so that EM and u have something to learn from: distinct people (no two share a name).
  const first = ['Ava', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ian', 'Jade', 'Kofi', 'Lena', 'Milo', 'Nia', 'Omar', 'Pia'];
  const last = ['Abbott', 'Barker', 'Coyle', 'Dunmore', 'Ellery', 'Fenwick', 'Garland', 'Hollis', 'Ingram', 'Jessop', 'Kemble', 'Lowther'];
  const cities = ['Hull', 'Derby', 'Ely', 'Wells', 'Ripon', 'Truro', 'Perth', 'Lewes', 'Hythe', 'Louth', 'Selby', 'Stroud'];
  for (let i = 0; i < 180; i++) {
    const birthDate = `19${50 + (i % 50)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + ((i * 7) % 28)).padStart(2, '0')}`;
    const someone = person(`x${i}`, first[i % first.length]!, last[Math.floor(i / first.length) % last.length]!, birthDate, { city: cities[(i * 5) % cities.length] });
    records.push(someone);
    // Every sixth filler person also has a second record with a slip, as real data does.
    if (i % 6 === 0) records.push({ ...someone, id: `x${i}b`, lastName: `${someone.lastName!.slice(0, -1)}` });
  }
  const clusterOf = (result: ReturnType<typeof resolve>, id: string) => clusterIds(result).find((cluster) => cluster.includes(id))!.sort();

  it('groups records of one person and keeps namesakes apart, explaining each pair', () => {
    const result = resolve(records);
    expect(clusterOf(result, 'a1')).toEqual(['a1', 'a2', 'a3']);
    expect(clusterOf(result, 'b1')).toEqual(['b1', 'b2']);
    expect(clusterOf(result, 'c1')).toEqual(['c1', 'c2']);
    expect(clusterOf(result, 'd1')).toEqual(['d1']);
    const pair = scoredPairs(result).find((p) => [p.a, p.b].sort().join() === 'b1,b2')!;
    expect(pair.probability).toBeGreaterThan(0.9);
    expect(pair.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'identifiers', level: 'shared', weight: expect.any(Number) })]));
    expect(pair.reasons.find((reason) => reason.field === 'identifiers')!.weight).toBeGreaterThan(0);
  });

  it('respects analysts: a rejected pair is not linked, a confirmed one is', () => {
    const result = resolve(records, {
      decisions: [
        { a: 'c1', b: 'c2', verdict: 'reject' },
        { a: 'd1', b: 'x0', verdict: 'confirm' },
      ],
    });
    expect(clusterOf(result, 'c1')).toEqual(['c1']);
    // Confirming d1 with x0 brings x0's own second record along.
    expect(clusterOf(result, 'd1')).toEqual(['d1', 'x0', 'x0b']);
  });

  it('never puts two rejected records in one subject, not even through a third', () => {
    // d1 and x0 are far apart; confirming each with a bridge record would chain them.
    const bridge = person('bridge', 'Samuel', 'Rowe', '1961-10-30', { city: 'Truro' });
    const result = resolve([...records, bridge], {
      decisions: [
        { a: 'd1', b: 'bridge', verdict: 'confirm' },
        { a: 'x0', b: 'bridge', verdict: 'confirm' },
        { a: 'd1', b: 'x0', verdict: 'reject' },
      ],
    });
    expect(clusterOf(result, 'd1')).not.toContain('x0');
    // Likely pairs too: a1–a2 and a2–a3 would join a1 and a3, which an analyst rejected.
    const split = resolve(records, { decisions: [{ a: 'a1', b: 'a3', verdict: 'reject' }] });
    expect(clusterOf(split, 'a1')).not.toContain('a3');
    expect(clusterOf(split, 'a1').length + clusterOf(split, 'a3').length).toBe(3);
  });

  it('resolves new records against existing groups as a full run with the same model would', () => {
    const full = resolve(records);
    const old = records.filter((_, index) => index % 3 !== 0);
    const first = resolve(old, { parameters: full.parameters });
    // Everyone in one list again, the old ones grouped as the first run left them, the new ones marked.
    const all = [...old, ...records.filter((_, index) => index % 3 === 0)];
    const prepared = prepareRecords(all);
    const groups = new Int32Array(all.length).fill(-1);
    first.cluster.forEach((root, index) => (groups[index] = root));
    const dirty = new Uint8Array(all.length).fill(1, old.length);
    const incremental = resolve(prepared, { parameters: full.parameters, groups, dirty });
    expect(incremental.pairs.count).toBeLessThan(full.pairs.count);
    const sorted = (clusters: string[][]) => clusters.map((cluster) => [...cluster].sort().join()).sort();
    expect(sorted(clusterIds(incremental))).toEqual(sorted(clusterIds(full)));
  });

  it('compares only blocked pairs, not all pairs', () => {
    const result = resolve(records);
    expect(result.pairs.count).toBeLessThan((records.length * (records.length - 1)) / 2 / 4);
  });
});
