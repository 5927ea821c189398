// Wallets: the published BIP-173 / BIP-350 and EIP-55 test vectors, and base58check addresses.
import { describe, expect, it } from 'vitest';
import { bech32Decode, decodeSegwit } from './bech32.ts';
import { eip55Checksum, walletExtractor } from './wallet.ts';

const norm = (raw: string) => walletExtractor.normalise(raw, {});

describe('bech32 / bech32m checksums (BIP-173, BIP-350)', () => {
  it.each([
    'A12UEL5L',
    'a12uel5l',
    'an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs',
    'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw',
    `11${'q'.repeat(82)}c8247j`, // the 90-character vector
    'split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w',
    '?1ezyfcl',
  ])('bech32 valid: %s', (s) => {
    expect(bech32Decode(s)?.encoding).toBe('bech32');
  });

  it.each([
    'A1LQFN3A',
    'a1lqfn3a',
    'an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6',
    'abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx',
    `11${'l'.repeat(82)}ludsr8`, // the 90-character vector
    'split1checkupstagehandshakeupstreamerranterredcaperredlc445v',
    '?1v759aa',
  ])('bech32m valid: %s', (s) => {
    expect(bech32Decode(s)?.encoding).toBe('bech32m');
  });

  it.each([
    'an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx', // too long
    'pzry9x0s0muk', // no separator
    '1pzry9x0s0muk', // empty HRP
    'x1b4n0q5v', // invalid data character
    'li1dgmt3', // too short checksum
    'A1G7SGD8', // checksum computed with upper-case HRP
    '10a06t8', // empty HRP
    '1qzzfhee', // empty HRP
    'qyrz8wqd2c9m', // no separator
    'y1b0jsk6g', // invalid data character
    'lt1igcx5c0', // invalid data character
    'in1muywd', // too short checksum
    'mm1crxm3i', // invalid character in checksum
    'au1s5cgom', // invalid character in checksum
    'M1VUXWEZ', // checksum with upper-case HRP
  ])('invalid: %s', (s) => {
    expect(bech32Decode(s)).toBeNull();
  });
});

describe('SegWit addresses (BIP-350 vectors)', () => {
  it.each([
    'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4',
    'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
    'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y',
    'BC1SW50QGDZ25J',
    'bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs',
    'tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy',
    'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
    'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
  ])('valid: %s', (address) => {
    expect(decodeSegwit(address)).not.toBeNull();
    const result = norm(address);
    expect(result?.value).toBe(address.toLowerCase());
    expect(result?.flags ?? []).toEqual(address.toLowerCase().startsWith('tb1') ? ['testnet'] : []);
  });

  it.each([
    'tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut', // invalid human-readable part
    'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', // v1 with bech32 checksum
    'tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf', // v2 with bech32 checksum
    'BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL', // v16 with bech32 checksum
    'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', // v0 with bech32m checksum
    'tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47', // v0 with bech32m checksum
    'bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4', // invalid character in checksum
    'BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R', // invalid witness version
    'bc1pw5dgrnzv', // invalid program length (1 byte)
    'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav', // invalid program length (41 bytes)
    'BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', // invalid program length for witness version 0
    'tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq', // mixed case
    'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf', // zero padding of more than 4 bits
    'tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j', // non-zero padding in 8-to-5 conversion
    'bc1gmk9yu', // empty data section
  ])('invalid: %s', (address) => {
    expect(norm(address)).toBeNull();
  });
});

describe('base58check addresses', () => {
  it.each([
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 'p2pkh', []],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'p2pkh', []],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'p2sh', []],
    ['mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', 'p2pkh', ['testnet']],
    ['2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc', 'p2sh', ['testnet']],
  ])('%s is %s', (address, kind, flags) => {
    const result = norm(address);
    expect(result).toMatchObject({ value: address, props: { chain: 'bitcoin', kind } });
    expect(result?.flags ?? []).toEqual(flags);
  });

  it('rejects a changed character, and base58 letters the alphabet lacks', () => {
    expect(norm('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3')).toBeNull();
    expect(norm('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNV0l')).toBeNull();
    expect(norm('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'.toLowerCase())).toBeNull();
  });
});

describe('Ethereum addresses (EIP-55 vectors)', () => {
  const vectors = [
    // all caps
    '0x52908400098527886E0F7030069857D2E4169EE7',
    '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
    // all lower
    '0xde709f2102306220921060314715629080e2fb77',
    '0x27b1fdb04752bbc536007a920d24acb045561c26',
    // normal
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ];

  it.each(vectors.slice(4))('checksums %s', (address) => {
    expect(eip55Checksum(address.toLowerCase())).toBe(address);
  });

  it.each(vectors)('accepts %s, stored lower-case with the checksummed form shown', (address) => {
    const result = norm(address);
    expect(result?.value).toBe(address.toLowerCase());
    expect(result?.display).toBe(eip55Checksum(address));
  });

  it('rejects mixed case that fails the checksum', () => {
    expect(norm('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD')).toBeNull();
    expect(norm('0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBeNull();
    expect(norm('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae')).toBeNull();
  });

  it('finds addresses in text as whole words', () => {
    const text = 'send to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed or bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4, thanks';
    expect(walletExtractor.find(text, {}).map((m) => m.raw)).toEqual([
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
    ]);
  });
});
