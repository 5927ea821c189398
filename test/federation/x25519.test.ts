/**
 * Our batched X25519 (src/federation/native/curve25519.c, four ladders at a time in AVX2) against
 * libsodium's crypto_scalarmult, byte for byte: on random points and keys, on the field's edge values
 * and the small-order points (which both must refuse), on every short last group of four, and in
 * place. A node with the addon and one without it must blind every selector alike, or their sets
 * would never meet.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { multiply, newPsiKey, scalarMultiplier, scalarOf, scalarToBytes, type CurveMapper } from '../../src/federation/psi.ts';

const FIELD = 2n ** 255n - 19n;
const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

/** A 32-byte little-endian u (values of 2^255 and over set the top bit, which X25519 ignores). */
const encode = scalarToBytes;

/** The u-coordinates of Curve25519's points of order 1, 2, 4 and 8 (cr.yp.to/ecdh.html), which blind nothing. */
const SMALL_ORDER = [0n, 1n, 325606250916557431795983626356110631294008115727848805560023387167927233504n, 39382357235489614581723060781553021112529911719440698176882885853963445705823n, FIELD - 1n];

/** With their non-canonical encodings u + p, where those fit 255 bits (the top bit is ignored, not reduced). */
const SMALL_ORDER_ENCODINGS = SMALL_ORDER.flatMap((u) => (u + FIELD < 2n ** 255n ? [u, u + FIELD] : [u]));

const EDGE_POINTS = [
  ...SMALL_ORDER_ENCODINGS,
  2n,
  9n, // the base point
  FIELD - 2n,
  FIELD + 2n,
  2n ** 255n - 1n,
  2n ** 255n + 9n, // the top bit set
  2n ** 256n - 1n,
].map(encode);

const EDGE_KEYS = [1n, 2n, 8n, ORDER - 1n, ORDER, 2n ** 255n - 1n, 2n ** 256n - 1n];

/** One point's answer: its bytes, or that it was refused. */
function multiplyOne(point: Buffer, key: bigint, multiplier: CurveMapper): string {
  try {
    return multiply(Buffer.from(point), key, Buffer.alloc(32), multiplier).toString('hex');
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

function randomPoints(count: number): Buffer {
  const points = randomBytes(32 * count);
  for (let i = 0; i < count; i++) points[32 * i + 31]! &= 0x7f;
  return points;
}

describe('the native X25519', () => {
  it('is built and in use (npm ci compiles it; this machine has AVX2)', () => {
    expect(scalarMultiplier).toBe('native');
  });

  it('gives libsodium’s bytes for random points and keys, in batches of any length', () => {
    for (const count of [1, 2, 3, 4, 5, 6, 7, 8, 9, 5003]) {
      const points = randomPoints(count);
      const key = scalarOf(newPsiKey());
      const native = multiply(points, key, Buffer.alloc(points.length), 'native');
      const sodium = multiply(points, key, Buffer.alloc(points.length), 'libsodium');
      for (let i = 0; i < count; i++) {
        const point = points.subarray(32 * i, 32 * (i + 1)).toString('hex');
        expect(native.subarray(32 * i, 32 * (i + 1)).toString('hex'), `count ${count}, point ${point}, key ${key}`).toBe(
          sodium.subarray(32 * i, 32 * (i + 1)).toString('hex'),
        );
      }
    }
  });

  it('agrees with libsodium on every edge point with every edge key, and refuses the small-order points as it does', () => {
    let refused = 0;
    for (const key of [...EDGE_KEYS, scalarOf(newPsiKey())]) {
      for (const point of EDGE_POINTS) {
        const sodium = multiplyOne(point, key, 'libsodium');
        expect(multiplyOne(point, key, 'native'), `point ${point.toString('hex')}, key ${key}`).toBe(sodium);
        if (sodium.startsWith('refused')) refused++;
      }
    }
    // Every encoding of a small-order point, with each of the eight keys.
    expect(refused).toBe(SMALL_ORDER_ENCODINGS.length * (EDGE_KEYS.length + 1));
  });

  it('refuses a batch at its first small-order point, wherever in a group of four it falls', () => {
    const key = scalarOf(newPsiKey());
    for (const at of [0, 1, 2, 3, 4, 6, 9]) {
      const points = randomPoints(10);
      points.set(encode(SMALL_ORDER[2]!), 32 * at);
      points.set(encode(0n), 32 * 9);
      for (const multiplier of ['native', 'libsodium'] as const) {
        expect(() => multiply(Buffer.from(points), key, Buffer.alloc(points.length), multiplier)).toThrow(`point ${at + 1} of 10 is of small order`);
      }
    }
  });

  it('multiplies in place, as blinding does', () => {
    const points = randomPoints(11);
    const key = scalarOf(newPsiKey());
    const expected = multiply(points, key, Buffer.alloc(points.length), 'libsodium');
    const inPlace = Buffer.from(points);
    expect(multiply(inPlace, key, inPlace, 'native')).toBe(inPlace);
    expect(inPlace.equals(expected)).toBe(true);
  });

  it('keeps the protocol’s algebra: (P^a)^b = (P^b)^a across the two implementations', () => {
    const points = randomPoints(64);
    const a = scalarOf(newPsiKey());
    const b = scalarOf(newPsiKey());
    const ab = multiply(multiply(points, a, Buffer.alloc(points.length), 'native'), b, Buffer.alloc(points.length), 'libsodium');
    const ba = multiply(multiply(points, b, Buffer.alloc(points.length), 'libsodium'), a, Buffer.alloc(points.length), 'native');
    expect(ab.equals(ba)).toBe(true);
    expect(ab.equals(points)).toBe(false);
  });
});
