import { describe, expect, it } from 'vitest';
import { hashPassword, isWellFormedToken, MIN_PASSWORD_LENGTH, newToken, tokenHash, verifyPassword } from './secrets.ts';

describe('passwords', () => {
  it('hashes with argon2id, salted, and verifies only the right password', async () => {
    const first = await hashPassword('correct horse battery');
    const second = await hashPassword('correct horse battery');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(second).not.toBe(first);
    expect(await verifyPassword(first, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(first, 'correct horse batterY')).toBe(false);
    expect(await verifyPassword(null, 'correct horse battery')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything at all')).toBe(false);
  });

  it('refuses passwords that are too short', async () => {
    await expect(hashPassword('x'.repeat(MIN_PASSWORD_LENGTH - 1))).rejects.toThrow(/at least 12 characters/);
  });
});

describe('tokens', () => {
  it('are 32 random bytes behind a prefix, and only their SHA-256 is kept', () => {
    const tokens = Array.from({ length: 50 }, () => newToken());
    expect(new Set(tokens.map((t) => t.token)).size).toBe(50);
    for (const { token, hash } of tokens) {
      expect(isWellFormedToken(token)).toBe(true);
      expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
      expect(hash).toBe(tokenHash(token));
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(hash).not.toContain(token.slice(4, 20));
    }
    // The reference value of SHA-256 over the ASCII text, so the stored form is the standard one.
    expect(tokenHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('tells a well-formed token from anything else', () => {
    const { token } = newToken();
    for (const bad of ['', token.slice(0, -1), `${token}x`, token.replace('cxt_', 'cxx_'), `${token.slice(0, 10)} ${token.slice(11)}`]) expect(isWellFormedToken(bad)).toBe(false);
  });
});
