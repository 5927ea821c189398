/**
 * Private set intersection by elliptic-curve Diffie–Hellman (Meadows 1986; the IETF draft "PSI based
 * on ECDH"), protocol version 2: X25519 over the prime-order subgroup of Curve25519. A selector x
 * becomes a point H(x); a node blinds it with its secret scalar a for a peer, H(x)^a, which without
 * a is a random-looking group element — not a hash anyone can recompute by trying phone numbers.
 * The peer raises it to its own scalar b; H(x)^ab = H(x)^ba, so the two sides' doubly blinded values
 * are equal exactly when the selectors are, and each side compares only tags of those.
 *
 * Why X25519 and not ristretto255 (version 1): the only native ristretto255 at hand is none —
 * libsodium's WebAssembly build did ~4,300 scalar multiplications/s/core, and sodium-native (native
 * libsodium, prebuilt inside its npm package) has no ristretto255. Its X25519 is about three times
 * the WebAssembly ristretto255 (measured side by side; docs/federation.md has the figures and the
 * security argument). A point travels as its Montgomery u-coordinate (32 bytes, canonical); X25519
 * clamps every scalar to a multiple of the cofactor 8, so whatever a peer sends, the result lies in
 * the prime-order subgroup or the twist's (X25519 is twist-secure), never in a small subgroup.
 *
 * H is a random-oracle hash to the prime-order subgroup, shaped as RFC 9380's hash_to_curve: the
 * message is expanded with expand_message_xmd (SHA-512) to 64 bytes, each half is
 * mapped with libsodium's Elligator 2 onto edwards25519 with the cofactor cleared
 * (crypto_core_ed25519_from_uniform), the two points are added, and the sum is converted to its
 * Montgomery u = (1 + y) / (1 − y). Our own addon (native/curve25519.c) computes exactly that,
 * expansion included, about five times faster, and X25519 over a batch with one scalar, four
 * ladders at a time in AVX2 registers; node:crypto and libsodium's API are the fallback where the
 * addon could not be built (or, for X25519, the CPU has no AVX2).
 */
import { hash, randomBytes, randomInt } from 'node:crypto';
import { createRequire } from 'node:module';

/** The few libsodium functions used, from sodium-native (a CommonJS native addon without types). */
interface SodiumNative {
  crypto_core_ed25519_from_uniform(out: Buffer, uniform: Buffer): void;
  crypto_core_ed25519_add(out: Buffer, p: Buffer, q: Buffer): void;
  /** X25519: throws when the result is all zeros (a small-order input). */
  crypto_scalarmult(out: Buffer, scalar: Buffer, u: Buffer): void;
}
const sodium = createRequire(import.meta.url)('sodium-native') as SodiumNative;

/** What a push says it carries; a node speaking another version refuses it (push.ts). */
export const PSI_VERSION = 'crosslink-psi-v2-x25519';
/** The order of the prime-order subgroup (the same ℓ as ristretto255's and Ed25519's). */
const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
/** The field prime of Curve25519. */
const FIELD = 2n ** 255n - 19n;

export const POINT_BYTES = 32;
export const TAG_BYTES = 16;
/** Domain separation: these points are for this protocol only (RFC 9380 §3.1). */
const DST = new TextEncoder().encode('crosslink-federation-v2_PSI_curve25519_XMD:SHA-512_ELL2_RO_');
const DST_PRIME = Buffer.concat([DST, Buffer.from([DST.length])]);
/** RFC 9380 §5.3.1 for 64 output bytes (one SHA-512 block out, so ell = 1): Z_pad ‖ msg ‖ I2OSP(64, 2) ‖ 0 ‖ DST′. */
const Z_PAD = Buffer.alloc(128);
const LENGTH_AND_ZERO = Buffer.from([0, 64, 0]);
const TAG_PREFIX = Buffer.from('crosslink-federation-v2 tag\n');
const encoder = new TextEncoder();

/** A received point set that is not one: malformed, or of small order (which would blind nothing). */
export class PsiError extends Error {
  override readonly name = 'PsiError';
}

/** The string a selector is hashed as: the normalised identifier with its type, e.g. `phone:+14165550123`. */
export function selectorOf(type: string, value: string): string {
  return `${type}:${value}`;
}

/** A fresh secret scalar, 32 bytes little-endian, uniform in [1, order) (64 random bytes reduced). */
export function newPsiKey(): Buffer {
  for (;;) {
    const wide = BigInt(`0x${randomBytes(64).toString('hex')}`) % ORDER;
    if (wide !== 0n) return scalarToBytes(wide);
  }
}

export function scalarToBytes(scalar: bigint): Buffer {
  const bytes = Buffer.alloc(32);
  let rest = scalar;
  for (let i = 0; i < 32; i++) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

export function scalarOf(key: Uint8Array): bigint {
  let scalar = 0n;
  for (let i = key.length - 1; i >= 0; i--) scalar = (scalar << 8n) | BigInt(key[i]!);
  if (scalar <= 0n || scalar >= ORDER) throw new PsiError('a PSI key must be a scalar in [1, group order)');
  return scalar;
}

/**
 * RFC 9380 expand_message_xmd(selector, DST, 64) with SHA-512. Each hash input is assembled in one
 * buffer for node:crypto's one-shot hash: three times a streaming createHash's rate here.
 */
function expanded(selector: string): Buffer {
  const message = encoder.encode(selector);
  const first = Buffer.allocUnsafe(Z_PAD.length + message.length + LENGTH_AND_ZERO.length + DST_PRIME.length);
  first.set(Z_PAD, 0);
  first.set(message, Z_PAD.length);
  first.set(LENGTH_AND_ZERO, Z_PAD.length + message.length);
  first.set(DST_PRIME, Z_PAD.length + message.length + LENGTH_AND_ZERO.length);
  const b0 = hash('sha512', first, 'buffer');
  const second = Buffer.allocUnsafe(64 + 1 + DST_PRIME.length);
  second.set(b0, 0);
  second[64] = 1;
  second.set(DST_PRIME, 65);
  return hash('sha512', second, 'buffer');
}

const MASK_64 = (1n << 64n) - 1n;

/** A 255-bit little-endian field element (the top bit, an Edwards point's sign of x, dropped). */
function readField(bytes: Buffer, offset: number): bigint {
  return (
    bytes.readBigUInt64LE(offset) |
    (bytes.readBigUInt64LE(offset + 8) << 64n) |
    (bytes.readBigUInt64LE(offset + 16) << 128n) |
    ((bytes.readBigUInt64LE(offset + 24) & 0x7fff_ffff_ffff_ffffn) << 192n)
  );
}

function writeField(bytes: Buffer, offset: number, value: bigint): void {
  bytes.writeBigUInt64LE(value & MASK_64, offset);
  bytes.writeBigUInt64LE((value >> 64n) & MASK_64, offset + 8);
  bytes.writeBigUInt64LE((value >> 128n) & MASK_64, offset + 16);
  bytes.writeBigUInt64LE(value >> 192n, offset + 24);
}

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let square = base % FIELD;
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = (result * square) % FIELD;
    square = (square * square) % FIELD;
  }
  return result;
}

/**
 * Montgomery u = (1 + y) / (1 − y) of packed edwards25519 points, with one field inversion for the
 * whole batch (Montgomery's trick): an inversion each would cost more than the scalar multiplication.
 */
function edwardsToMontgomery(edwards: Buffer): Buffer {
  const count = edwards.length / POINT_BYTES;
  const numerators: bigint[] = new Array(count);
  const denominators: bigint[] = new Array(count);
  const prefix: bigint[] = new Array(count);
  let product = 1n;
  for (let i = 0; i < count; i++) {
    const y = readField(edwards, i * POINT_BYTES);
    numerators[i] = (1n + y) % FIELD;
    denominators[i] = (FIELD + 1n - y) % FIELD;
    // y = 1 is the identity: H(x) is never it but with negligible probability (two maps cancelling).
    if (denominators[i] === 0n) throw new Error('a selector hashed to the identity');
    prefix[i] = product;
    product = (product * denominators[i]!) % FIELD;
  }
  let inverse = power(product, FIELD - 2n);
  const out = Buffer.alloc(edwards.length);
  for (let i = count - 1; i >= 0; i--) {
    const inverseHere = (inverse * prefix[i]!) % FIELD;
    inverse = (inverse * denominators[i]!) % FIELD;
    writeField(out, i * POINT_BYTES, (numerators[i]! * inverseHere) % FIELD);
  }
  return out;
}

/** The two ways to compute the curve arithmetic: the same bytes out, the native one faster. */
export type CurveMapper = 'native' | 'libsodium';

interface NativeCurve {
  /** expand_message_xmd (SHA-512, 64 bytes) of each message; `lengths` in bytes, the messages concatenated. */
  expandMessages(messages: Uint8Array, lengths: Uint32Array, dstPrime: Uint8Array, out: Uint8Array): void;
  hashToMontgomery(uniform: Uint8Array, out: Uint8Array): number;
  /** Absent where the CPU has no AVX2. Returns the index of the first small-order input, or −1. */
  x25519?(scalar: Uint8Array, points: Uint8Array, out: Uint8Array): number;
}

/** Our addon (native/curve25519.c, built at install); absent when it could not be built, or turned off by CROSSLINK_PSI_NATIVE=0 (benchmarks compare the two). */
const native = loadNative();

function loadNative(): NativeCurve | undefined {
  if (process.env.CROSSLINK_PSI_NATIVE === '0') return undefined;
  try {
    return createRequire(import.meta.url)('./native/build/curve25519.node') as NativeCurve;
  } catch {
    return undefined;
  }
}

/** The addon, asked for by name ('native'): an error where it was not built, rather than the other path's answer. */
function builtAddon(): NativeCurve {
  if (!native) throw new Error('the native curve25519 addon is not built (npm ci builds it; src/federation/native/build.js)');
  return native;
}

/** Which hash-to-curve hashSelectors uses here (benchmarks print it). */
export const curveMapper: CurveMapper = native ? 'native' : 'libsodium';
/** Which X25519 blinding and answering use here. */
export const scalarMultiplier: CurveMapper = native?.x25519 ? 'native' : 'libsodium';

/**
 * RFC 9380's map step for 64 expanded bytes per selector: u of from_uniform(first half) +
 * from_uniform(second half), packed. Through libsodium's API each step compresses its point and the
 * next decompresses it (13 field exponentiations a selector); the addon keeps the points whole and
 * shares the batch's inversions (2). Tests hold the two to the same bytes.
 */
export function mapToCurve(uniform: Buffer, mapper: CurveMapper = curveMapper): Buffer {
  const count = uniform.length / 64;
  if (mapper === 'native') {
    const out = Buffer.alloc(count * POINT_BYTES);
    const identity = builtAddon().hashToMontgomery(uniform, out);
    if (identity >= 0) throw new Error('a selector hashed to the identity');
    return out;
  }
  const edwards = Buffer.alloc(count * POINT_BYTES);
  const first = Buffer.alloc(POINT_BYTES);
  const second = Buffer.alloc(POINT_BYTES);
  for (let i = 0; i < count; i++) {
    sodium.crypto_core_ed25519_from_uniform(first, uniform.subarray(i * 64, i * 64 + 32));
    sodium.crypto_core_ed25519_from_uniform(second, uniform.subarray(i * 64 + 32, (i + 1) * 64));
    sodium.crypto_core_ed25519_add(edwards.subarray(i * POINT_BYTES, (i + 1) * POINT_BYTES), first, second);
  }
  return edwardsToMontgomery(edwards);
}

/** expand_message_xmd of every selector, 64 bytes each, packed: by the addon when built (the same bytes). */
export function expandSelectors(selectors: readonly string[], mapper: CurveMapper = curveMapper): Buffer {
  const uniform = Buffer.allocUnsafe(selectors.length * 64);
  if (mapper === 'libsodium') {
    selectors.forEach((selector, i) => uniform.set(expanded(selector), i * 64));
    return uniform;
  }
  const lengths = new Uint32Array(selectors.length);
  let total = 0;
  selectors.forEach((selector, i) => {
    lengths[i] = Buffer.byteLength(selector);
    total += lengths[i]!;
  });
  const messages = Buffer.allocUnsafe(total);
  let at = 0;
  for (const selector of selectors) at += messages.write(selector, at);
  builtAddon().expandMessages(messages, lengths, DST_PRIME, uniform);
  return uniform;
}

/** H(x) for each selector, packed as u-coordinates: never sent anywhere (as guessable as x itself). */
export function hashSelectors(selectors: readonly string[], mapper: CurveMapper = curveMapper): Buffer {
  return mapToCurve(expandSelectors(selectors, mapper), mapper);
}

/** H(x) of one selector; tests look for it on the wire. */
export function hashedSelector(selector: string): Uint8Array {
  return hashSelectors([selector]);
}

/** H(x)^key for each selector, packed. */
export function blindSelectors(selectors: readonly string[], key: bigint): Buffer {
  return multiply(hashSelectors(selectors), key);
}

/** X25519 of each packed u with the key; `out` may be `packed`. */
export function multiply(packed: Buffer, key: bigint, out: Buffer = packed, multiplier: CurveMapper = scalarMultiplier): Buffer {
  const scalar = scalarToBytes(key);
  const count = packed.length / POINT_BYTES;
  const smallOrder = (i: number) => new PsiError(`point ${i + 1} of ${count} is of small order (the identity or a torsion point)`);
  if (multiplier === 'native') {
    if (!native?.x25519) throw new Error('the native X25519 is not available (the addon is not built, or the CPU has no AVX2)');
    const refused = native.x25519(scalar, packed, out);
    if (refused >= 0) throw smallOrder(refused);
    return out;
  }
  for (let i = 0; i < count; i++) {
    const point = packed.subarray(i * POINT_BYTES, (i + 1) * POINT_BYTES);
    try {
      sodium.crypto_scalarmult(out.subarray(i * POINT_BYTES, (i + 1) * POINT_BYTES), scalar, point);
    } catch {
      throw smallOrder(i);
    }
  }
  return out;
}

/** Canonical: below 2^255 − 19, top bit clear (RFC 7748 would mask and reduce; we refuse instead, one encoding per point). */
function isCanonical(point: Buffer): boolean {
  if (point[31]! & 0x80) return false;
  if (point[31] !== 0x7f || point[0]! < 0xed) return true;
  for (let i = 1; i < 31; i++) if (point[i] !== 0xff) return true;
  return false;
}

/** P^key for each packed point P a peer sent, in the same order. Refuses a non-canonical or small-order point (and with it the set). */
export function reblindPoints(packed: Uint8Array, key: bigint): Buffer {
  const count = pointCount(packed);
  const input = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  for (let i = 0; i < count; i++) {
    if (!isCanonical(input.subarray(i * POINT_BYTES, (i + 1) * POINT_BYTES))) throw new PsiError(`point ${i + 1} of ${count} is not a canonical X25519 u-coordinate`);
  }
  return multiply(input, key, Buffer.alloc(packed.length));
}

export function pointCount(packed: Uint8Array): number {
  if (packed.length % POINT_BYTES !== 0) throw new PsiError(`a point set must be a multiple of ${POINT_BYTES} bytes, not ${packed.length}`);
  return packed.length / POINT_BYTES;
}

/** The tag each side keeps of a doubly blinded point: short (16 bytes), and only comparable, never reversible. */
export function tagsOf(packed: Uint8Array): Buffer[] {
  const count = pointCount(packed);
  const input = Buffer.alloc(TAG_PREFIX.length + POINT_BYTES);
  input.set(TAG_PREFIX, 0);
  const tags: Buffer[] = new Array(count);
  for (let i = 0; i < count; i++) {
    input.set(packed.subarray(i * POINT_BYTES, (i + 1) * POINT_BYTES), TAG_PREFIX.length);
    tags[i] = hash('sha256', input, 'buffer').subarray(0, TAG_BYTES);
  }
  return tags;
}

/** A uniformly random permutation (Fisher–Yates with a cryptographic source): the order a peer sees says nothing about ours. */
export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
