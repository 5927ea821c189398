/**
 * Crypto wallets: Bitcoin base58check (P2PKH, P2SH, testnet) and SegWit bech32/bech32m, and
 * Ethereum addresses with the EIP-55 mixed-case checksum. Checksums make text finding safe.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { base58CheckDecode } from './base58.ts';
import { decodeSegwit } from './bech32.ts';
import type { ExtractContext, IdentifierExtractor, NormalisedIdentifier, TextMatch } from './types.ts';

const BASE58_VERSIONS: Record<number, { kind: string; testnet: boolean }> = {
  0x00: { kind: 'p2pkh', testnet: false },
  0x05: { kind: 'p2sh', testnet: false },
  0x6f: { kind: 'p2pkh', testnet: true },
  0xc4: { kind: 'p2sh', testnet: true },
};

/** EIP-55: a hex letter is upper-case when the matching nibble of keccak256(lower-case address) is ≥ 8. */
export function eip55Checksum(address: string): string {
  const lower = address.toLowerCase().replace(/^0x/, '');
  const hash = keccak_256(new TextEncoder().encode(lower));
  let out = '0x';
  for (let i = 0; i < lower.length; i++) {
    const byte = hash[i >> 1] ?? 0;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 15;
    const ch = lower[i] ?? '';
    out += nibble >= 8 ? ch.toUpperCase() : ch;
  }
  return out;
}

function ethereum(text: string): NormalisedIdentifier | null {
  if (!/^0[xX][0-9a-fA-F]{40}$/.test(text)) return null;
  const hex = text.slice(2);
  const checksummed = eip55Checksum(hex);
  const uniformCase = hex === hex.toLowerCase() || hex === hex.toUpperCase();
  if (!uniformCase && `0x${hex}` !== checksummed) return null;
  return { type: 'wallet', value: `0x${hex.toLowerCase()}`, display: checksummed, props: { chain: 'ethereum' } };
}

function bitcoin(text: string): NormalisedIdentifier | null {
  if (/^(?:bc|tb)1/i.test(text)) {
    const segwit = decodeSegwit(text);
    if (!segwit) return null;
    const testnet = segwit.hrp === 'tb';
    return {
      type: 'wallet',
      value: text.toLowerCase(),
      props: { chain: 'bitcoin', kind: `segwit-v${segwit.version}` },
      ...(testnet ? { flags: ['testnet'] } : {}),
    };
  }
  if (text.length < 26 || text.length > 35) return null;
  const payload = base58CheckDecode(text);
  if (!payload || payload.length !== 21) return null;
  const version = BASE58_VERSIONS[payload[0] ?? -1];
  if (!version) return null;
  return {
    type: 'wallet',
    value: text,
    props: { chain: 'bitcoin', kind: version.kind },
    ...(version.testnet ? { flags: ['testnet'] } : {}),
  };
}

function normalise(raw: string): NormalisedIdentifier | null {
  const text = raw.trim();
  return /^0x/i.test(text) ? ethereum(text) : bitcoin(text);
}

const BASE58_IN_TEXT = /(?<![A-Za-z0-9])[13mn2][1-9A-HJ-NP-Za-km-z]{25,34}(?![A-Za-z0-9])/g;
const BECH32_IN_TEXT = /(?<![A-Za-z0-9])(?:bc|tb|BC|TB)1[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}(?![A-Za-z0-9])/g;
const ETHEREUM_IN_TEXT = /(?<![A-Za-z0-9])0[xX][0-9a-fA-F]{40}(?![A-Za-z0-9])/g;

function find(text: string): TextMatch[] {
  const out: TextMatch[] = [];
  if (text.length < 14) return out;
  for (const re of [BASE58_IN_TEXT, BECH32_IN_TEXT, ETHEREUM_IN_TEXT]) {
    for (const m of text.matchAll(re)) out.push({ type: 'wallet', raw: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out.sort((a, b) => a.start - b.start);
}

export const walletExtractor: IdentifierExtractor = {
  type: 'wallet',
  find: (text: string, _context: ExtractContext) => find(text),
  normalise: (raw: string) => normalise(raw),
  validate: (value: string) => normalise(value)?.value === value,
  examples: [
    { raw: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', value: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2' },
    { raw: '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', value: '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy' },
    { raw: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', value: null },
    { raw: 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', value: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' },
    { raw: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', value: '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed' },
    { raw: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', value: null },
  ],
};
