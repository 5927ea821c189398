// File hashes: exact-length hex words only, lower-cased.
import { describe, expect, it } from 'vitest';
import { md5Extractor, sha1Extractor, sha256Extractor } from './hashes.ts';

const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('hashes in text', () => {
  const text = `md5 ${md5.toUpperCase()}, sha1 ${sha1}; sha256=${sha256}.`;
  it('finds each only as a whole word of its own length', () => {
    expect(md5Extractor.find(text, {}).map((m) => m.raw)).toEqual([md5.toUpperCase()]);
    expect(sha1Extractor.find(text, {}).map((m) => m.raw)).toEqual([sha1]);
    expect(sha256Extractor.find(text, {}).map((m) => m.raw)).toEqual([sha256]);
  });

  it('ignores parts of longer hex, long decimal numbers and words', () => {
    expect(md5Extractor.find(`${md5}0 x${md5} ${md5}_a`, {})).toEqual([]);
    expect(md5Extractor.find('12345678901234567890123456789012', {})).toEqual([]);
  });

  it('stores lower case', () => {
    expect(md5Extractor.normalise(md5.toUpperCase(), {})?.value).toBe(md5);
    expect(sha256Extractor.validate(sha256.toUpperCase())).toBe(false);
  });
});
