import { describe, expect, it } from 'vitest';
import { isValidTimeZone, localToInstant } from './time.ts';

describe('localToInstant', () => {
  it('reads a wall-clock time in a zone, across DST', () => {
    expect(localToInstant({ year: 2024, month: 3, day: 5, hour: 10, minute: 1, second: 3 }, 'America/Toronto')?.toISOString()).toBe('2024-03-05T15:01:03.000Z');
    expect(localToInstant({ year: 2024, month: 7, day: 5, hour: 10 }, 'America/Toronto')?.toISOString()).toBe('2024-07-05T14:00:00.000Z');
    expect(localToInstant({ year: 2024, month: 7, day: 5, hour: 10 }, 'Europe/London')?.toISOString()).toBe('2024-07-05T09:00:00.000Z');
    expect(localToInstant({ year: 2024, month: 1, day: 5, hour: 10 }, 'Australia/Sydney')?.toISOString()).toBe('2024-01-04T23:00:00.000Z');
    expect(localToInstant({ year: 2024, month: 1, day: 5, hour: 10 })?.toISOString()).toBe('2024-01-05T10:00:00.000Z');
  });

  it('refuses dates that do not exist', () => {
    expect(localToInstant({ year: 2023, month: 2, day: 29 })).toBeNull();
    expect(localToInstant({ year: 2024, month: 13, day: 1 })).toBeNull();
    expect(localToInstant({ year: 2024, month: 1, day: 1, hour: 24 })).toBeNull();
  });

  it('knows valid zones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
