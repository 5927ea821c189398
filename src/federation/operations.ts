/**
 * Planned operations across nodes: an operation registration (a time window and a place: a circle,
 * a place's name, or both) becomes a set of selectors — the UTC days its window touches, each with
 * the grid cells its circle's bounding box touches, or with the place's key — which go through the
 * deconfliction PSI like a target's selectors (deconfliction.ts). Two operations that overlap as
 * the local check decides (access/deconfliction.ts: windows overlapping, circles within the sum of
 * their radii, or the same place key) share a point in time and space, so share that instant's day
 * and that point's cell: they always share a selector. The converse does not hold: operations in
 * one cell (about 5.5 km north to south) on one day are told to call each other even when their
 * circles do not touch, as a coarse alarm should; nothing finer leaves a node.
 */
import { createHash } from 'node:crypto';
import { placeKey, type RegistrationView } from '../access/index.ts';

/** The grid's step, in degrees of latitude and of longitude. */
export const CELL_DEGREES = 0.05;
/** Cells around the whole earth at one latitude: longitude indexes wrap at this. */
const CELLS_AROUND = Math.round(360 / CELL_DEGREES);
/** Metres in a degree of latitude on the sphere crosslink_distance_m uses (radius 6,371,008.8 m). */
const METRES_PER_DEGREE = (2 * Math.PI * 6_371_008.8) / 360;
/**
 * An operation with more selectors than this is not offered to peers: a month-long surveillance of
 * a 100 km circle would be a hundred thousand. The registration's unit still gets local alerts.
 */
export const MAX_OPERATION_SELECTORS = 20_000;
const DAY_MS = 86_400_000;

export interface PlannedOperation {
  startsAt: Date;
  endsAt: Date;
  placeKey: string | null;
  latitude: number | null;
  longitude: number | null;
  radiusM: number | null;
}

/** The UTC days (YYYY-MM-DD) an operation's window [startsAt, endsAt) touches. */
export function operationDays(startsAt: Date, endsAt: Date): string[] {
  const days: string[] = [];
  for (let day = Math.floor(startsAt.getTime() / DAY_MS); day * DAY_MS < endsAt.getTime(); day++) days.push(new Date(day * DAY_MS).toISOString().slice(0, 10));
  return days;
}

/**
 * The cells of the circle's bounding box, a little widened (a cell's edge may pass through the
 * circle's rim): "latIndex:lonIndex". Near a pole the box takes every longitude.
 */
export function circleCells(latitude: number, longitude: number, radiusM: number): string[] {
  const spanLat = (radiusM / METRES_PER_DEGREE) * 1.001 + 1e-6;
  const south = Math.max(-90, latitude - spanLat);
  const north = Math.min(90, latitude + spanLat);
  const widest = Math.cos((Math.min(90, Math.max(Math.abs(south), Math.abs(north))) * Math.PI) / 180);
  const spanLon = widest < 1e-9 ? 180 : Math.min(180, spanLat / widest);
  const cells: string[] = [];
  const firstLat = Math.floor(south / CELL_DEGREES);
  const lastLat = Math.min(Math.floor(north / CELL_DEGREES), Math.round(90 / CELL_DEGREES) - 1);
  const firstLon = Math.floor((longitude - spanLon) / CELL_DEGREES);
  const lastLon = spanLon >= 180 ? firstLon + CELLS_AROUND - 1 : Math.floor((longitude + spanLon) / CELL_DEGREES);
  for (let lat = firstLat; lat <= lastLat; lat++) {
    const seen = new Set<number>();
    for (let lon = firstLon; lon <= lastLon; lon++) {
      const wrapped = ((lon % CELLS_AROUND) + CELLS_AROUND) % CELLS_AROUND;
      if (seen.has(wrapped)) continue;
      seen.add(wrapped);
      cells.push(`${lat}:${wrapped}`);
    }
  }
  return cells;
}

/** The UTC days and grid cells an operation touches, and how many selectors they make. */
function daysAndCells(operation: PlannedOperation): { days: string[]; cells: string[]; selectors: number } {
  const days = operationDays(operation.startsAt, operation.endsAt);
  const cells = operation.latitude !== null && operation.longitude !== null ? circleCells(operation.latitude, operation.longitude, operation.radiusM ?? 0) : [];
  return { days, cells, selectors: days.length * (cells.length + (operation.placeKey ? 1 : 0)) };
}

/** An operation's selector values (type 'operation'), or none when it has more than MAX_OPERATION_SELECTORS. */
export function operationSelectors(operation: PlannedOperation): string[] {
  const { days, cells, selectors } = daysAndCells(operation);
  if (selectors > MAX_OPERATION_SELECTORS) return [];
  return days.flatMap((day) => [...cells.map((cell) => `cell:${day}:${cell}`), ...(operation.placeKey ? [`place:${day}:${operation.placeKey}`] : [])]);
}

/**
 * What the person who registered an operation should know when it is too large to be offered to
 * other agencies' nodes (it is deconflicted on this node only), in their words; undefined when it
 * is not too large.
 */
export function notOfferedWarning(registered: NonNullable<RegistrationView['operation']>): string | undefined {
  const operation: PlannedOperation = {
    startsAt: new Date(registered.from),
    endsAt: new Date(registered.to),
    placeKey: registered.place ? placeKey(registered.place) : null,
    latitude: registered.latitude,
    longitude: registered.longitude,
    radiusM: registered.radiusM,
  };
  const { days, cells, selectors } = daysAndCells(operation);
  if (selectors <= MAX_OPERATION_SELECTORS) return undefined;
  const where = cells.length > 0 ? `${cells.length.toLocaleString('en-GB')} grid cells of ${CELL_DEGREES}°` : 'its place';
  return (
    `This operation is not offered to other agencies' nodes: ${days.length} UTC days × ${where} make ${selectors.toLocaleString('en-GB')} selectors, ` +
    `more than the ${MAX_OPERATION_SELECTORS.toLocaleString('en-GB')} exchanged for one operation. Only units on this node will be alerted; ` +
    'register it as shorter windows or a smaller radius to deconflict it with other nodes.'
  );
}

/** The digest a selector is remembered by, per registration and peer (federation_dx_mine), as SQL computes it for targets. */
export function selectorDigest(type: string, value: string): Buffer {
  return createHash('sha256').update(`${type}:${value}`, 'utf8').digest();
}

/** The warnings a registration comes back with (the API's `warnings`, the CLI's notes). */
export function registrationWarnings(registration: RegistrationView): string[] {
  const warning = registration.operation ? notOfferedWarning(registration.operation) : undefined;
  return warning ? [warning] : [];
}
