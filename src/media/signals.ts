/**
 * The signal-type plug-in point (as in Meta's hasher-matcher-actioner): each type computes a
 * value from a file and says how far two values are apart and when that counts as a match.
 * The registry is an explicit list that refuses duplicate names at start-up.
 */
import { hashFileWith } from './hashes.ts';
import { pdqSignal } from './pdq/signal.ts';

export interface SignalType {
  readonly name: string;
  /** The signal's value for a file, or null when it cannot be computed (e.g. not an image). */
  compute(file: string): Promise<string | null>;
  distance(a: string, b: string): number;
  /** A distance at or below this is a match. */
  readonly threshold: number;
}

/** Exact-match signals: distance 0 when equal (case-insensitive hex), else 1; threshold 0. */
function exactHash(name: 'md5' | 'sha1' | 'sha256'): SignalType {
  return {
    name,
    compute: (file) => hashFileWith(file, name),
    distance: (a, b) => (a.toLowerCase() === b.toLowerCase() ? 0 : 1),
    threshold: 0,
  };
}

export function buildSignalRegistry(types: readonly SignalType[]): ReadonlyMap<string, SignalType> {
  const registry = new Map<string, SignalType>();
  for (const type of types) {
    if (registry.has(type.name)) throw new Error(`signal type '${type.name}' is registered twice`);
    registry.set(type.name, type);
  }
  return registry;
}

export const md5Signal = exactHash('md5');
export const sha1Signal = exactHash('sha1');
export const sha256Signal = exactHash('sha256');

export const SIGNAL_TYPES: ReadonlyMap<string, SignalType> = buildSignalRegistry([md5Signal, sha1Signal, sha256Signal, pdqSignal]);

export function isMatch(type: SignalType, a: string, b: string): boolean {
  return type.distance(a, b) <= type.threshold;
}
