/**
 * File hashes (md5, sha1, sha256): hex of the exact length, lower-cased. In text, only whole
 * hex words of that length, so a longer hash never yields a shorter one.
 */
import type { IdentifierType } from '../model/index.ts';
import type { ExtractContext, IdentifierExtractor, TextMatch } from './types.ts';

const HEX_WORD = /(?<![0-9A-Za-z_])[0-9A-Fa-f]{32,64}(?![0-9A-Za-z_])/g;

function hashExtractor(type: IdentifierType, length: number, examples: IdentifierExtractor['examples']): IdentifierExtractor {
  const exact = new RegExp(`^[0-9a-fA-F]{${length}}$`);
  const stored = new RegExp(`^[0-9a-f]{${length}}$`);
  return {
    type,
    find(text: string, _context: ExtractContext): TextMatch[] {
      if (text.length < length) return [];
      const out: TextMatch[] = [];
      for (const m of text.matchAll(HEX_WORD)) {
        // A run of only decimal digits (a long number) or only letters is not a hash in prose.
        if (m[0].length === length && /\d/.test(m[0]) && /[a-fA-F]/.test(m[0])) {
          out.push({ type, raw: m[0], start: m.index, end: m.index + length });
        }
      }
      return out;
    },
    normalise(raw: string) {
      const text = raw.trim();
      return exact.test(text) ? { type, value: text.toLowerCase() } : null;
    },
    validate: (value: string) => stored.test(value),
    examples,
  };
}

export const md5Extractor = hashExtractor('md5', 32, [
  { raw: 'D41D8CD98F00B204E9800998ECF8427E', value: 'd41d8cd98f00b204e9800998ecf8427e' },
  { raw: 'd41d8cd98f00b204e9800998ecf8427', value: null },
]);

export const sha1Extractor = hashExtractor('sha1', 40, [
  { raw: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
  { raw: 'da39a3ee5e6b4b0d3255bfef95601890afd8070g', value: null },
]);

export const sha256Extractor = hashExtractor('sha256', 64, [
  {
    raw: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
    value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
  { raw: 'e3b0c44298fc1c149afbf4c8996fb924', value: null },
]);
