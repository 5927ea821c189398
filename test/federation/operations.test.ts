/**
 * Planned operations as deconfliction selectors (src/federation/operations.ts): two operations the
 * local check says overlap — windows overlapping, circles within the sum of their radii, or the
 * same place key — always share a selector (randomised, across the antimeridian and near the
 * poles); operations far apart in time or space share none.
 */
import { describe, expect, it } from 'vitest';
import { circleCells, MAX_OPERATION_SELECTORS, notOfferedWarning, operationDays, operationSelectors, type PlannedOperation } from '../../src/federation/operations.ts';

/** As crosslink_distance_m (migration 0010). */
function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = (degrees: number) => (degrees * Math.PI) / 180;
  const h = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The local check (crosslink_deconfliction_matches): what must never be missed across nodes. */
function overlap(a: PlannedOperation, b: PlannedOperation): boolean {
  if (!(a.startsAt < b.endsAt && b.startsAt < a.endsAt)) return false;
  if (a.placeKey !== null && a.placeKey === b.placeKey) return true;
  return a.latitude !== null && b.latitude !== null && distanceM(a.latitude, a.longitude!, b.latitude, b.longitude!) <= a.radiusM! + b.radiusM!;
}

const shared = (a: PlannedOperation, b: PlannedOperation) => {
  const mine = new Set(operationSelectors(a));
  return operationSelectors(b).some((value) => mine.has(value));
};

/** A deterministic generator, so that a failure can be replayed from its seed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function operationNear(random: () => number, centre: { lat: number; lon: number; at: number }): PlannedOperation {
  const lat = Math.max(-90, Math.min(90, centre.lat + (random() - 0.5) * 0.4));
  let lon = centre.lon + (random() - 0.5) * 0.4 / Math.max(0.05, Math.cos((lat * Math.PI) / 180));
  lon = ((((lon + 180) % 360) + 360) % 360) - 180;
  const startsAt = new Date(centre.at + Math.round((random() - 0.5) * 3 * 86_400_000));
  const hasCircle = random() < 0.85;
  return {
    startsAt,
    endsAt: new Date(startsAt.getTime() + 60_000 + Math.round(random() * 2 * 86_400_000)),
    placeKey: !hasCircle || random() < 0.2 ? ['market square', 'north pier', 'station'][Math.floor(random() * 3)]! : null,
    latitude: hasCircle ? lat : null,
    longitude: hasCircle ? lon : null,
    radiusM: hasCircle ? Math.round(random() ** 3 * 20_000) : null,
  };
}

describe('operations as deconfliction selectors', () => {
  it('gives two operations that overlap a selector in common, always (randomised)', () => {
    const random = generator(20261201);
    let overlapping = 0;
    let apartButShared = 0;
    let tooLarge = 0;
    for (let i = 0; i < 4000; i++) {
      const where = [
        { lat: 43.65, lon: -79.38 },
        { lat: 51.5, lon: -0.12 },
        { lat: -33.87, lon: 151.2 },
        { lat: 0.02, lon: 179.98 }, // the antimeridian
        { lat: 86, lon: 10 }, // near a pole
        { lat: (random() - 0.5) * 170, lon: (random() - 0.5) * 360 },
      ][i % 6]!;
      const centre = { ...where, at: Date.UTC(2027, 2, 10, 12) };
      const a = operationNear(random, centre);
      const b = operationNear(random, centre);
      // Too large to offer: only near the pole, where a box of cells spans many longitudes.
      if (operationSelectors(a).length === 0 || operationSelectors(b).length === 0) {
        tooLarge++;
        continue;
      }
      if (overlap(a, b)) {
        overlapping++;
        expect(shared(a, b), JSON.stringify({ i, a, b })).toBe(true);
      } else if (shared(a, b)) apartButShared++;
    }
    // The draw makes both kinds common, so the property was put to the test.
    expect(overlapping).toBeGreaterThan(250);
    expect(apartButShared).toBeGreaterThan(0);
    expect(tooLarge).toBeLessThan(200);
  });

  it('shares nothing between operations days or tens of kilometres apart', () => {
    const base: PlannedOperation = { startsAt: new Date('2027-03-10T10:00Z'), endsAt: new Date('2027-03-10T12:00Z'), placeKey: null, latitude: 43.6532, longitude: -79.3832, radiusM: 300 };
    expect(shared(base, { ...base, startsAt: new Date('2027-03-12T10:00Z'), endsAt: new Date('2027-03-12T12:00Z') })).toBe(false);
    expect(shared(base, { ...base, latitude: 43.9, longitude: -79.3832 })).toBe(false);
    expect(shared(base, { ...base, latitude: null, longitude: null, radiusM: null, placeKey: 'market square' })).toBe(false);
    expect(shared(base, { ...base, latitude: 43.6552, longitude: -79.3852 })).toBe(true);
  });

  it('counts the days a window touches, its end excluded', () => {
    expect(operationDays(new Date('2027-03-10T23:00Z'), new Date('2027-03-11T00:00Z'))).toEqual(['2027-03-10']);
    expect(operationDays(new Date('2027-03-10T23:00Z'), new Date('2027-03-11T00:00:00.001Z'))).toEqual(['2027-03-10', '2027-03-11']);
    expect(circleCells(43.6532, -79.3832, 100)).toHaveLength(1);
  });

  it('leaves out an operation too large to offer, rather than send a hundred thousand selectors', () => {
    const huge: PlannedOperation = { startsAt: new Date('2027-03-01T00:00Z'), endsAt: new Date('2027-04-01T00:00Z'), placeKey: null, latitude: 10, longitude: 10, radiusM: 100_000 };
    expect(operationSelectors(huge)).toEqual([]);
    const week = operationSelectors({ ...huge, endsAt: new Date('2027-03-02T00:00Z') });
    expect(week.length).toBeGreaterThan(1000);
    expect(week.length).toBeLessThanOrEqual(MAX_OPERATION_SELECTORS);
  });

  it('warns, with the counts, exactly when an operation is too large to offer', () => {
    const registered = { kind: 'surveillance', from: '2027-03-01T00:00:00.000Z', to: '2027-04-01T00:00:00.000Z', place: 'Harbour Road', latitude: 51.5, longitude: -0.12, radiusM: 100_000 };
    const planned = { startsAt: new Date(registered.from), endsAt: new Date(registered.to), placeKey: 'harbour road', latitude: 51.5, longitude: -0.12, radiusM: 100_000 };
    const cells = circleCells(51.5, -0.12, 100_000).length;
    expect(notOfferedWarning(registered)).toBe(
      `This operation is not offered to other agencies' nodes: 31 UTC days × ${cells.toLocaleString('en-GB')} grid cells of 0.05° make ${(31 * (cells + 1)).toLocaleString('en-GB')} selectors, ` +
        "more than the 20,000 exchanged for one operation. Only units on this node will be alerted; register it as shorter windows or a smaller radius to deconflict it with other nodes.",
    );
    expect(operationSelectors(planned)).toEqual([]);
    const week = { ...registered, to: '2027-03-08T00:00:00.000Z' };
    expect(notOfferedWarning(week)).toBeUndefined();
    expect(operationSelectors({ ...planned, endsAt: new Date(week.to) }).length).toBe(7 * (cells + 1));
  });
});
