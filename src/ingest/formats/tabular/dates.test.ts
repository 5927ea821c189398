import { describe, expect, it } from 'vitest';
import { localToInstant } from '../../time.ts';
import { compileDateFormat, datePartOf, ISO_FORMAT, toInstant, toIsoDate } from './dates.ts';

const date = (pattern: string, value: string): string | null => {
  const parts = compileDateFormat(pattern).parse(value);
  return parts && toIsoDate(parts);
};
const instant = (pattern: string, value: string, zone = 'UTC'): string | null => {
  const parts = compileDateFormat(pattern).parse(value);
  return parts && (toInstant(parts, zone)?.toISOString() ?? null);
};

describe('date formats', () => {
  it('reads yyyyMMdd, dd/MM/yyyy and MM/dd/yyyy', () => {
    expect(date('yyyyMMdd', '19840307')).toBe('1984-03-07');
    expect(date('dd/MM/yyyy', '07/03/1984')).toBe('1984-03-07');
    expect(date('dd/MM/yyyy', '7/3/1984')).toBe('1984-03-07');
    expect(date('MM/dd/yyyy', '03/07/1984')).toBe('1984-03-07');
    expect(date('d.M.yy', '7.3.84')).toBe('1984-03-07');
    expect(date('d.M.yy', '7.3.24')).toBe('2024-03-07');
  });

  it('refuses impossible or malformed dates', () => {
    expect(date('yyyyMMdd', '19840231')).toBeNull();
    expect(date('yyyyMMdd', '1984037')).toBeNull();
    expect(date('dd/MM/yyyy', '31/13/2020')).toBeNull();
    expect(date('dd/MM/yyyy', '07/03/1984 extra')).toBeNull();
    expect(date('dd/MM/yyyy', '')).toBeNull();
  });

  it('reads 12-hour times with AM/PM in a zone', () => {
    expect(instant('MM/dd/yyyy hh:mm a', '03/07/2024 02:15 PM', 'America/Chicago')).toBe('2024-03-07T20:15:00.000Z');
    expect(instant('MM/dd/yyyy hh:mm a', '03/07/2024 12:05 am')).toBe('2024-03-07T00:05:00.000Z');
    expect(instant('MM/dd/yyyy hh:mm a', '03/07/2024 12:05 p.m.')).toBe('2024-03-07T12:05:00.000Z');
    expect(instant('MM/dd/yyyy hh:mm a', '03/07/2024 13:05 PM')).toBeNull();
    expect(instant("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", '2024-03-07T10:00:00.250+02:00')).toBe('2024-03-07T08:00:00.250Z');
    expect(instant('yyyyMMdd HH:mm', '20240307 25:00')).toBeNull();
  });

  it('reads ISO 8601 with and without offsets', () => {
    const iso = (value: string, zone = 'UTC') => {
      const parts = ISO_FORMAT.parse(value);
      return parts && toInstant(parts, zone)?.toISOString();
    };
    expect(iso('2024-04-18T20:31:00Z')).toBe('2024-04-18T20:31:00.000Z');
    expect(iso('2024-04-18T20:31:00+05:30')).toBe('2024-04-18T15:01:00.000Z');
    expect(iso('2024-04-18 20:31:00-0400')).toBe('2024-04-19T00:31:00.000Z');
    expect(iso('2024-04-18T20:31', 'Europe/London')).toBe('2024-04-18T19:31:00.000Z');
    expect(iso('2024-04-18T20:31:00.123456Z')).toBe('2024-04-18T20:31:00.123Z');
    expect(ISO_FORMAT.parse('2024-04-18T20:31:00+25:00')).toBeNull();
    expect(ISO_FORMAT.parse('18/04/2024')).toBeNull();
  });

  it('takes the date part of a date-time format for birth dates', () => {
    const part = datePartOf(compileDateFormat('dd/MM/yyyy HH:mm'));
    expect(part?.pattern).toBe('dd/MM/yyyy');
    expect(datePartOf(compileDateFormat('yyyyMMdd'))).toBeUndefined();
  });

  it('reads unix times in seconds or milliseconds', () => {
    expect(instant('unix', '1700000000')).toBe('2023-11-14T22:13:20.000Z');
    expect(instant('unix', '1700000000123')).toBe('2023-11-14T22:13:20.123Z');
  });

  it('agrees with localToInstant around DST changes (cached zone offsets)', () => {
    for (const zone of ['America/Toronto', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
      for (const [year, month, day] of [[2024, 3, 10], [2024, 3, 31], [2024, 11, 3], [2024, 10, 27], [2024, 4, 7], [2024, 10, 6]] as const) {
        for (let minute = 0; minute < 24 * 60; minute += 7) {
          const local = { year, month, day, hour: Math.floor(minute / 60), minute: minute % 60, second: 5 };
          expect([zone, local, toInstant(local, zone)?.getTime()]).toEqual([zone, local, localToInstant(local, zone)?.getTime()]);
        }
      }
    }
  });
});
