/**
 * PDQ as a signal type (the plug-in point in ../signals.ts): a file's PDQ hash, Hamming distance,
 * match at ≤ 31 bits. Quality is not applied here: whether to drop hashes below PDQ_MIN_QUALITY is
 * the caller's policy (pdqFromFile returns it).
 */
import type { SignalType } from '../signals.ts';
import { pdqFromFile } from './decode.ts';
import { hammingDistance, isPdqHex, PDQ_MATCH_THRESHOLD } from './hamming.ts';

export const pdqSignal: SignalType = {
  name: 'pdq',
  async compute(file) {
    try {
      return (await pdqFromFile(file)).hash;
    } catch {
      return null; // not an image sharp can decode
    }
  },
  distance(a, b) {
    if (!isPdqHex(a) || !isPdqHex(b)) throw new RangeError(`pdq distance needs two 64-hex-character hashes`);
    return hammingDistance(a, b);
  },
  threshold: PDQ_MATCH_THRESHOLD,
};
