/**
 * The private set intersection itself, without a network: on random sets the intersection each
 * side computes is exactly the true one; what one side sends is neither its selectors nor anything
 * recomputable from them without its secret; blinded values for one peer are useless for another;
 * a malformed or small-order point is refused.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import libsodium from 'libsodium-wrappers-sumo';
import { describe, expect, it } from 'vitest';
import { blindInParallel, reblindInParallel } from '../../src/federation/points.ts';
import { blindSelectors, hashedSelector, newPsiKey, pointCount, PsiError, reblindPoints, scalarOf, scalarToBytes, selectorOf, shuffled, tagsOf } from '../../src/federation/psi.ts';

function randomPhone(): string {
  return `+1416555${String(randomBytes(3).readUIntBE(0, 3) % 10_000).padStart(4, '0')}${randomBytes(1)[0]! % 10}`;
}

/** The side that pushes `mine` learns which of them the other side (holding `theirs`, already pushed) also has. */
function intersect(mine: string[], theirs: string[]): { found: Set<string>; wire: Buffer[] } {
  const a = scalarOf(newPsiKey());
  const b = scalarOf(newPsiKey());
  const order = shuffled(mine);
  const pushedByA = blindSelectors(order, a);
  const answeredByB = reblindPoints(pushedByA, b);
  const pushedByB = blindSelectors(shuffled(theirs), b);
  const answeredByA = reblindPoints(pushedByB, a);
  const theirTags = new Set(tagsOf(answeredByA).map((tag) => tag.toString('hex')));
  const found = new Set(order.filter((_, i) => theirTags.has(tagsOf(answeredByB.subarray(i * 32, (i + 1) * 32))[0]!.toString('hex'))));
  return { found, wire: [pushedByA, answeredByB, pushedByB, answeredByA] };
}

describe('ECDH private set intersection over X25519 (PSI version 2)', () => {
  it('finds exactly the common selectors of two random sets', () => {
    for (const [sizeA, sizeB, common] of [
      [120, 90, 30],
      [40, 60, 0],
      [25, 25, 25],
    ] as const) {
      const shared = Array.from({ length: common }, (_, i) => selectorOf('email', `shared${i}.${randomBytes(4).toString('hex')}@example.org`));
      const onlyA = Array.from({ length: sizeA - common }, () => selectorOf('phone', randomPhone()));
      const onlyB = Array.from({ length: sizeB - common }, () => selectorOf('email', `${randomBytes(6).toString('hex')}@example.net`));
      const truth = new Set(shared.filter((selector) => !onlyB.includes(selector)));
      const { found } = intersect([...shared, ...onlyA], [...onlyB, ...shared]);
      // Random phones may collide with nothing on B's side (B holds only emails besides the shared ones).
      expect([...found].sort()).toEqual([...truth].sort());
    }
  });

  it('puts neither the selectors nor any hash of them on the wire', () => {
    const selectors = ['phone:+14165550123', 'email:sam.rowe@example.com', 'phone:+442079460000'];
    const { wire } = intersect(selectors, ['phone:+14165550123']);
    const sent = Buffer.concat(wire);
    const asText = wire.map((points) => `${points.toString('base64')} ${points.toString('hex')}`).join(' ');
    for (const selector of selectors) {
      const value = selector.slice(selector.indexOf(':') + 1);
      const forms = [selector, value, ...[selector, value].flatMap((text) => [createHash('sha256').update(text).digest(), createHmac('sha256', 'key').update(text).digest()]), Buffer.from(hashedSelector(selector))];
      for (const form of forms) {
        const bytes = typeof form === 'string' ? Buffer.from(form) : form;
        expect(sent.includes(bytes), `${selector} as ${typeof form === 'string' ? form : 'a hash'}`).toBe(false);
        expect(asText.includes(bytes.toString('hex'))).toBe(false);
        expect(asText.includes(bytes.toString('base64'))).toBe(false);
      }
    }
  });

  it('blinds the same selector differently for every key, and never as H(x)', () => {
    const selector = 'phone:+14165550123';
    const first = blindSelectors([selector], scalarOf(newPsiKey()));
    const second = blindSelectors([selector], scalarOf(newPsiKey()));
    expect(first.equals(second)).toBe(false);
    expect(first.equals(Buffer.from(hashedSelector(selector)))).toBe(false);
    // The same key gives the same blinding (what makes incremental sync possible), and the order of
    // blinding does not matter: (H^a)^b = (H^b)^a.
    const a = scalarOf(newPsiKey());
    const b = scalarOf(newPsiKey());
    expect(blindSelectors([selector], a).equals(blindSelectors([selector], a))).toBe(true);
    expect(reblindPoints(blindSelectors([selector], a), b).equals(reblindPoints(blindSelectors([selector], b), a))).toBe(true);
  });

  it('hashes to the group and blinds exactly as an independent build does (libsodium WebAssembly, @noble/curves X25519)', async () => {
    await libsodium.ready;
    const DST = Buffer.from('crosslink-federation-v2_PSI_curve25519_XMD:SHA-512_ELL2_RO_');
    const dstPrime = Buffer.concat([DST, Buffer.from([DST.length])]);
    const key = newPsiKey();
    for (let i = 0; i < 50; i++) {
      const selector = selectorOf('phone', `+1416${randomBytes(4).readUInt32BE() % 10_000_000}`);
      // RFC 9380 expand_message_xmd, SHA-512, 64 bytes, written out with streaming hashes.
      const b0 = createHash('sha512').update(Buffer.alloc(128)).update(selector).update(Buffer.from([0, 64, 0])).update(dstPrime).digest();
      const uniform = createHash('sha512').update(b0).update(Buffer.from([1])).update(dstPrime).digest();
      // Two Elligator 2 maps added (random-oracle hash_to_curve shape), then the Montgomery u.
      const edwards = libsodium.crypto_core_ed25519_add(libsodium.crypto_core_ed25519_from_uniform(uniform.subarray(0, 32)), libsodium.crypto_core_ed25519_from_uniform(uniform.subarray(32)));
      const u = libsodium.crypto_sign_ed25519_pk_to_curve25519(edwards);
      expect(Buffer.from(u).equals(Buffer.from(ed25519.utils.toMontgomery(edwards)))).toBe(true);
      expect(Buffer.from(hashedSelector(selector)).toString('hex')).toBe(Buffer.from(u).toString('hex'));
      expect(blindSelectors([selector], scalarOf(key)).toString('hex')).toBe(Buffer.from(x25519.scalarMult(key, u)).toString('hex'));
    }
  });

  it('refuses points that are malformed or the identity', () => {
    const key = scalarOf(newPsiKey());
    expect(() => reblindPoints(Buffer.alloc(31), key)).toThrow(PsiError);
    expect(() => reblindPoints(Buffer.alloc(32), key)).toThrow(/small order/);
    // u = 1 is a point of order 4 (on the curve or its twist): a clamped scalar, a multiple of 8, sends it to zero.
    const one = Buffer.alloc(32);
    one[0] = 1;
    expect(() => reblindPoints(one, key)).toThrow(/small order/);
    expect(() => reblindPoints(Buffer.alloc(32, 0xff), key)).toThrow(/not a canonical/);
    // p = 2^255 − 19 itself is u = 0 written non-canonically.
    const p = Buffer.alloc(32, 0xff);
    p[0] = 0xed;
    p[31] = 0x7f;
    expect(() => reblindPoints(p, key)).toThrow(/not a canonical/);
    p[0] = 0xec;
    expect(() => reblindPoints(p, key)).not.toThrow(/not a canonical/);
    expect(pointCount(Buffer.alloc(64))).toBe(2);
  });

  it('gives the same bytes on worker threads as inline, and refuses a bad point there too', async () => {
    const key = newPsiKey();
    const other = newPsiKey();
    const selectors = Array.from({ length: 1000 }, (_, i) => selectorOf('email', `person${i}@example.org`));
    const blinded = await blindInParallel(selectors, key);
    expect(blinded.equals(blindSelectors(selectors, scalarOf(key)))).toBe(true);
    expect((await reblindInParallel(blinded, other)).equals(reblindPoints(blinded, scalarOf(other)))).toBe(true);
    const spoilt = Buffer.from(blinded);
    spoilt.fill(0, 32 * 950, 32 * 951);
    await expect(reblindInParallel(spoilt, other)).rejects.toThrow(PsiError);
  });

  it('keeps keys as scalars in range, round-tripping through bytes', () => {
    for (let i = 0; i < 20; i++) {
      const key = newPsiKey();
      expect(key).toHaveLength(32);
      expect(scalarToBytes(scalarOf(key)).equals(key)).toBe(true);
    }
    expect(() => scalarOf(Buffer.alloc(32))).toThrow(PsiError);
  });
});
