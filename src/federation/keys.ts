/**
 * Ed25519 keys of nodes (node:crypto): a public key travels as 32 raw bytes in base64url (43
 * characters, what `crosslink node show` prints and `crosslink peer add --key` takes); the private
 * key is kept as PKCS#8 DER in the store, readable by its owner only.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { UserError } from '../model/index.ts';

const PUBLIC_KEY = /^[A-Za-z0-9_-]{43}$/;

export interface KeyPair {
  publicKey: string;
  privateKey: KeyObject;
}

export function generateKeyPair(): KeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}

export function publicKeyOf(privateKey: KeyObject): string {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return jwk.x!;
}

export function privateKeyToDer(privateKey: KeyObject): Buffer {
  return privateKey.export({ format: 'der', type: 'pkcs8' });
}

export function privateKeyFromDer(der: Buffer): KeyObject {
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

/** The public key as typed by an administrator, checked: one clear line when it is not one. */
export function parsePublicKey(text: string): string {
  const key = text.trim().replace(/^ed25519:/i, '');
  if (!PUBLIC_KEY.test(key)) throw new UserError(`--key '${text}' is not an Ed25519 public key (43 characters of base64url, as 'crosslink node show' prints it)`);
  try {
    publicKeyObject(key);
  } catch {
    throw new UserError(`--key '${text}' is not a valid Ed25519 public key`);
  }
  return key;
}

const publicKeys = new Map<string, KeyObject>();

function publicKeyObject(key: string): KeyObject {
  let found = publicKeys.get(key);
  if (!found) {
    found = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key }, format: 'jwk' });
    if (publicKeys.size > 1000) publicKeys.clear();
    publicKeys.set(key, found);
  }
  return found;
}

/** A short, readable form of a public key for comparing out of band (first 16 hex digits of its SHA-256). */
export function fingerprint(publicKey: string): string {
  const hex = createHash('sha256').update(Buffer.from(publicKey, 'base64url')).digest('hex').slice(0, 16);
  return hex.match(/.{4}/g)!.join(':');
}

export function signBytes(privateKey: KeyObject, data: Buffer): string {
  return sign(null, data, privateKey).toString('base64url');
}

export function verifyBytes(publicKey: string, data: Buffer, signature: string): boolean {
  try {
    return verify(null, data, publicKeyObject(publicKey), Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
