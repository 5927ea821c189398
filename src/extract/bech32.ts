/**
 * Bech32 (BIP-173) and bech32m (BIP-350) decoding and SegWit address rules, after the reference
 * implementation in the BIPs (segwit_addr.py).
 */

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ (GENERATORS[i] ?? 0)) >>> 0;
  }
  return chk;
}

function hrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) >> 5);
  out.push(0);
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) & 31);
  return out;
}

export interface Bech32Decoded {
  readonly hrp: string;
  /** 5-bit words without the checksum. */
  readonly data: number[];
  readonly encoding: 'bech32' | 'bech32m';
}

/** Any bech32/bech32m string (not only addresses), or null when malformed or the checksum fails. */
export function bech32Decode(text: string): Bech32Decoded | null {
  if (text.length > 90) return null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 33 || c > 126) return null;
  }
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return null; // mixed case
  const lower = text.toLowerCase();
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || sep + 7 > lower.length) return null;
  const hrp = lower.slice(0, sep);
  const data: number[] = [];
  for (const ch of lower.slice(sep + 1)) {
    const v = CHARSET.indexOf(ch);
    if (v === -1) return null;
    data.push(v);
  }
  const check = polymod([...hrpExpand(hrp), ...data]);
  const encoding = check === BECH32_CONST ? 'bech32' : check === BECH32M_CONST ? 'bech32m' : null;
  if (!encoding) return null;
  return { hrp, data: data.slice(0, -6), encoding };
}

function convertBits(data: readonly number[], from: number, to: number): number[] | null {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const maxv = (1 << to) - 1;
  for (const value of data) {
    acc = (acc << from) | value;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & maxv);
    }
  }
  if (bits >= from || ((acc << (to - bits)) & maxv) !== 0) return null; // over-long or non-zero padding
  return out;
}

export interface SegwitAddress {
  readonly hrp: string;
  readonly version: number;
  readonly program: number[];
}

/** A SegWit address for `bc` or `tb`, with BIP-350's rule: v0 uses bech32, v1+ bech32m. */
export function decodeSegwit(text: string): SegwitAddress | null {
  const decoded = bech32Decode(text);
  if (!decoded || (decoded.hrp !== 'bc' && decoded.hrp !== 'tb') || decoded.data.length < 1) return null;
  const version = decoded.data[0] ?? -1;
  if (version > 16) return null;
  const program = convertBits(decoded.data.slice(1), 5, 8);
  if (!program || program.length < 2 || program.length > 40) return null;
  if (version === 0 && program.length !== 20 && program.length !== 32) return null;
  if ((version === 0) !== (decoded.encoding === 'bech32')) return null;
  return { hrp: decoded.hrp, version, program };
}
