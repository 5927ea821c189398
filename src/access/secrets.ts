/**
 * Passwords (argon2id, as OWASP recommends: 19 MiB, 2 passes) and bearer tokens (32 random bytes,
 * shown once, kept only as their SHA-256: a stolen table holds nothing that logs in).
 */
import { createHash, randomBytes } from 'node:crypto';
import { UserError } from '../model/index.ts';

// Loaded on use: most commands act with a token and never hash a password.
const argon2 = () => import('@node-rs/argon2');

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new UserError(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new UserError(`a password may have at most ${MAX_PASSWORD_LENGTH} characters`);
}

export async function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  // The library's default algorithm is argon2id (asserted: the column's check wants it too).
  const hashed = await (await argon2()).hash(password);
  if (!hashed.startsWith('$argon2id$')) throw new Error('argon2 did not produce an argon2id hash');
  return hashed;
}

// Verified when the user is unknown, so a wrong name costs as long as a wrong password.
let decoy: Promise<string> | undefined;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const { hash, verify } = await argon2();
  if (stored === null) {
    decoy ??= hash(randomBytes(16).toString('hex'));
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

export const TOKEN_PREFIX = 'cxt_';

export function newToken(): { token: string; hash: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: tokenHash(token) };
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A well-formed token: the prefix and 43 base64url characters (32 bytes). */
export function isWellFormedToken(token: string): boolean {
  return /^cxt_[A-Za-z0-9_-]{43}$/.test(token);
}

