/** Base58Check (Bitcoin's alphabet) with the double-SHA-256 checksum. */
import { createHash } from 'node:crypto';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function base58Decode(text: string): Uint8Array | null {
  let value = 0n;
  for (const ch of text) {
    const digit = ALPHABET.indexOf(ch);
    if (digit === -1) return null;
    value = value * 58n + BigInt(digit);
  }
  const bytes: number[] = [];
  while (value > 0n) {
    bytes.push(Number(value & 0xffn));
    value >>= 8n;
  }
  for (const ch of text) {
    if (ch !== '1') break;
    bytes.push(0); // each leading "1" is a leading zero byte
  }
  return Uint8Array.from(bytes.reverse());
}

/** The payload (without the 4 checksum bytes) when the checksum holds, else null. */
export function base58CheckDecode(text: string): Uint8Array | null {
  const bytes = base58Decode(text);
  if (!bytes || bytes.length < 5) return null;
  const payload = bytes.subarray(0, -4);
  const first = createHash('sha256').update(payload).digest();
  const second = createHash('sha256').update(first).digest();
  for (let i = 0; i < 4; i++) if (second[i] !== bytes[bytes.length - 4 + i]) return null;
  return payload;
}
