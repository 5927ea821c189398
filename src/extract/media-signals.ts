/**
 * Identifiers that media files carry: a PDQ perceptual hash (64 hex digits, matched by distance
 * elsewhere; stored here so that it can be pivoted on and shared under policy) and a camera's body
 * serial number, stored as `make:serial` so that two makers' serials never collide. Neither is
 * searched for in free text: they come from the media folder's own columns.
 */
import type { IdentifierExtractor } from './types.ts';

export const pdqExtractor: IdentifierExtractor = {
  type: 'pdq',
  find: () => [],
  normalise(raw: string) {
    const value = raw.trim().toLowerCase();
    return /^[0-9a-f]{64}$/.test(value) ? { type: 'pdq', value } : null;
  },
  validate: (value: string) => /^[0-9a-f]{64}$/.test(value),
  examples: [
    { raw: 'F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22', value: 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22' },
    { raw: 'f8f8f0cee0f4a84f06370a22038f63f0', value: null },
  ],
};

/** A maker's name as cameras write it ("Canon", "NIKON CORPORATION", "Apple"), reduced to one word. */
function makerKey(make: string): string {
  return make.trim().toLowerCase().replace(/\b(corporation|corp\.?|inc\.?|ltd\.?|co\.?|company|imaging|optical|digital)\b/g, '').replace(/[^a-z0-9]+/g, '') || 'unknown';
}

export const cameraSerialExtractor: IdentifierExtractor = {
  type: 'camera_serial',
  find: () => [],
  /** `Make:Serial` as the media folder writes it; a serial of zeros or one character says nothing. */
  normalise(raw: string) {
    const at = raw.indexOf(':');
    const make = at >= 0 ? raw.slice(0, at) : '';
    const serial = (at >= 0 ? raw.slice(at + 1) : raw).trim().toUpperCase().replace(/\s+/g, '');
    if (serial.length < 2 || /^0+$/.test(serial) || !/^[A-Z0-9._/-]+$/.test(serial)) return null;
    return { type: 'camera_serial', value: `${makerKey(make)}:${serial}`, display: `${make.trim() || 'camera'} ${serial}` };
  },
  validate: (value: string) => /^[a-z0-9]+:[A-Z0-9._/-]{2,}$/.test(value),
  examples: [
    { raw: 'Canon:012345678901', value: 'canon:012345678901' },
    { raw: 'NIKON CORPORATION: 3001234', value: 'nikon:3001234' },
    { raw: 'Canon:0000000', value: null },
  ],
};
