// Phones: libphonenumber's example number for every region, default regions, and the digit runs in chat that are not phones.
import { describe, expect, it } from 'vitest';
import { findIdentifiers } from './index.ts';
import { phoneExtractor } from './phone.ts';
import { readCsv } from './testdata.test-helper.ts';

const rows = readCsv('extraction/phone/example_numbers.csv');
const validRows = rows.filter((r) => r['libphonenumber_js_valid'] === 'true');

describe('phone numbers from libphonenumber examples', () => {
  it('has the data', () => {
    expect(validRows.length).toBeGreaterThan(1000);
  });

  it('normalises every valid example from its national format in its region, and its international format anywhere', () => {
    const failures: string[] = [];
    for (const row of validRows) {
      const region = row['region'] ?? '';
      const e164 = row['e164'] ?? '';
      // "001" rows are non-geographic (+800, +870, …): they have only an international form.
      const national = region === '001' ? e164 : phoneExtractor.normalise(row['national_format'] ?? '', { region })?.value;
      const international = phoneExtractor.normalise(row['international_format'] ?? '', {})?.value;
      if (national !== e164 || international !== e164) failures.push(`${region} ${row['type']}: ${national} / ${international} ≠ ${e164}`);
    }
    expect(failures).toEqual([]);
  });

  it('keeps the line type and country', () => {
    expect(phoneExtractor.normalise('020 7946 0018', { region: 'GB' })).toMatchObject({
      value: '+442079460018',
      props: { country: 'GB', line_type: 'fixed_line' },
    });
  });

  it('needs a region (or a +) for national numbers, and ignores an unknown region', () => {
    expect(phoneExtractor.normalise('(416) 555-0123', { region: 'CA' })?.value).toBe('+14165550123');
    expect(phoneExtractor.normalise('(416) 555-0123', {})).toBeNull();
    expect(phoneExtractor.normalise('(416) 555-0123', { region: 'XX' })).toBeNull();
    expect(phoneExtractor.normalise('+1 416 555 0123', { region: 'XX' })?.value).toBe('+14165550123');
  });

  it('accepts the fictional ranges synthetic data uses, flagged', () => {
    expect(phoneExtractor.normalise('07700 900123', { region: 'GB' })).toMatchObject({ value: '+447700900123', flags: ['fictional'] });
    expect(phoneExtractor.normalise('416-555-0142', { region: 'CA' })).toMatchObject({ value: '+14165550142', flags: ['fictional'] });
    expect(phoneExtractor.normalise('07700 90012', { region: 'GB' })).toBeNull(); // too short even for the fictional range
  });
});

describe('phones in text', () => {
  const phones = (text: string, region = 'CA') =>
    findIdentifiers(text, { region, secret: Buffer.alloc(16) })
      .filter((f) => f.type === 'phone')
      .map((f) => f.value);

  it('finds formatted numbers with the default region', () => {
    expect(phones('call (416) 555-0123 after lunch')).toEqual(['+14165550123']);
    expect(phones('ring 07700 900123 or +44 20 7946 0018', 'GB')).toEqual(['+447700900123', '+442079460018']);
    expect(phones('text +1-416-555-0199.')).toEqual(['+14165550199']);
  });

  it('does not take dates, times, amounts, IPs, cards or order numbers for phones', () => {
    for (const text of [
      'on 2024-03-05 at 10:01',
      'on 05/03/2024 at 10:01:22',
      'from 192.0.2.15 today',
      '4111 1111 1111 1111',
      'paid 4,165,550,123.00 dollars',
      'order #4165550123 shipped',
      'tracking number 4165550123',
      'version 4.16.555.0123',
    ]) {
      expect(phones(text), text).toEqual([]);
    }
  });
});
