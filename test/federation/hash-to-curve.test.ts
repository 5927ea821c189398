/**
 * Our hash-to-curve addon (hashToMontgomery in src/federation/native/curve25519.c) against libsodium's API, byte for
 * byte: on random input, on the field's edge values and on batches mixing both. The PSI only works
 * if both nodes hash a selector to the same point, so a node with the addon and a node without it
 * must agree on every selector.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { curveMapper, expandSelectors, hashSelectors, mapToCurve, type CurveMapper, selectorOf } from '../../src/federation/psi.ts';

/** 32-byte little-endian encodings of 2^255 − 19 + delta (so non-canonical field elements too), with the sign bit as given. */
function nearPrime(delta: number, sign: boolean): Buffer {
  const value = 2n ** 255n - 19n + BigInt(delta);
  const bytes = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  bytes[31] = (bytes[31]! & 0x7f) | (sign ? 0x80 : 0);
  return bytes;
}

function small(value: number, sign: boolean): Buffer {
  const bytes = Buffer.alloc(32);
  bytes.writeUInt32LE(value, 0);
  if (sign) bytes[31] = 0x80;
  return bytes;
}

/** The mapper's answer for one selector's 64 bytes: the u-coordinate, or the error it gave. */
function mapOne(uniform: Buffer, mapper: CurveMapper): string {
  try {
    return mapToCurve(uniform, mapper).toString('hex');
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

const EDGE_HALVES = [
  small(0, false),
  small(0, true),
  small(1, false),
  small(1, true),
  small(2, false),
  small(19, true),
  ...[-1, 0, 1, 18, 19].flatMap((delta) => [nearPrime(delta, false), nearPrime(delta, true)]),
  Buffer.alloc(32, 0xff),
  Buffer.alloc(32, 0x80),
];

describe('the native hash to curve', () => {
  it('is built and in use (npm ci compiles it)', () => {
    expect(curveMapper).toBe('native');
  });

  it('maps random bytes to the same points as libsodium, in one batch', () => {
    const count = 5000;
    const uniform = randomBytes(64 * count);
    const native = mapToCurve(uniform, 'native');
    const sodium = mapToCurve(uniform, 'libsodium');
    for (let i = 0; i < count; i++) {
      expect(native.subarray(32 * i, 32 * (i + 1)).toString('hex'), `input ${uniform.subarray(64 * i, 64 * (i + 1)).toString('hex')}`).toBe(
        sodium.subarray(32 * i, 32 * (i + 1)).toString('hex'),
      );
    }
  });

  it('agrees with libsodium on the edge values of the field, each paired with every other', () => {
    let compared = 0;
    for (const first of EDGE_HALVES) {
      for (const second of [...EDGE_HALVES, randomBytes(32)]) {
        const uniform = Buffer.concat([first, second]);
        expect(mapOne(uniform, 'native'), uniform.toString('hex')).toBe(mapOne(uniform, 'libsodium'));
        compared++;
      }
    }
    expect(compared).toBe(EDGE_HALVES.length * (EDGE_HALVES.length + 1));
    // Zero on both halves maps to the identity, which has no u: both refuse it the same way.
    expect(mapOne(Buffer.alloc(64), 'native')).toMatch(/identity/);
  });

  it('keeps each selector its own in a batch that holds edge values (the shared inversion mixes nothing up)', () => {
    const halves = [...EDGE_HALVES.slice(2), ...Array.from({ length: 40 }, () => randomBytes(32))];
    const uniform = Buffer.concat(halves.flatMap((half) => [half, randomBytes(32)]));
    const batch = mapToCurve(uniform, 'native');
    for (let i = 0; i < halves.length; i++) {
      expect(batch.subarray(32 * i, 32 * (i + 1)).toString('hex')).toBe(mapOne(uniform.subarray(64 * i, 64 * (i + 1)), 'libsodium'));
    }
  });

  it('hashes random selectors as the libsodium path does, from one to many at a time', () => {
    for (const count of [1, 2, 17, 1000]) {
      const selectors = Array.from({ length: count }, () => selectorOf('email', `${randomBytes(5).toString('hex')}@example.org`));
      expect(hashSelectors(selectors, 'native').equals(hashSelectors(selectors, 'libsodium'))).toBe(true);
    }
    expect(hashSelectors([], 'native')).toHaveLength(0);
  });

  it('expands selectors (expand_message_xmd, SHA-512) as the JavaScript path does, whatever their length or script', () => {
    const randomText = () => Array.from({ length: Math.floor(Math.random() * 300) }, () => String.fromCodePoint(32 + Math.floor(Math.random() * 0x2fff))).join('');
    const selectors = [
      '',
      'phone:+14165550123',
      ...Array.from({ length: 60 }, (_, i) => 'x'.repeat(70 + i)), // across the end of the first SHA-512 block
      'y'.repeat(5000),
      'handle:été-日本-😀',
      ...Array.from({ length: 300 }, randomText),
    ];
    const native = expandSelectors(selectors, 'native');
    const javascript = expandSelectors(selectors, 'libsodium');
    for (let i = 0; i < selectors.length; i++) {
      expect(native.subarray(64 * i, 64 * (i + 1)).toString('hex'), JSON.stringify(selectors[i])).toBe(javascript.subarray(64 * i, 64 * (i + 1)).toString('hex'));
    }
    expect(expandSelectors([], 'native')).toHaveLength(0);
  });
});
