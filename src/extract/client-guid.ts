/**
 * P2P client GUIDs (as peer-to-peer sightings report them): 32 hex digits, with or without
 * braces and dashes, stored as 32 lower-case hex. Not searched for in free text.
 */
import type { IdentifierExtractor } from './types.ts';

const GUID = /^\{?(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;

export const clientGuidExtractor: IdentifierExtractor = {
  type: 'client_guid',
  // A bare 32-hex word in text is far more likely an MD5; GUIDs come from structured columns.
  find: () => [],
  normalise(raw: string) {
    const text = raw.trim();
    if (!GUID.test(text) || text.startsWith('{') !== text.endsWith('}')) return null;
    return { type: 'client_guid', value: text.replace(/[{}-]/g, '').toLowerCase() };
  },
  validate: (value: string) => /^[0-9a-f]{32}$/.test(value),
  examples: [
    { raw: '3F2A9C0E8B1D4E6FA7C5D2B1E0F9A8C7', value: '3f2a9c0e8b1d4e6fa7c5d2b1e0f9a8c7' },
    { raw: '{3f2a9c0e-8b1d-4e6f-a7c5-d2b1e0f9a8c7}', value: '3f2a9c0e8b1d4e6fa7c5d2b1e0f9a8c7' },
    { raw: '3f2a9c0e-8b1d-4e6f-a7c5-d2b1e0f9a8c7', value: '3f2a9c0e8b1d4e6fa7c5d2b1e0f9a8c7' },
    { raw: '{3f2a9c0e8b1d4e6fa7c5d2b1e0f9a8c7', value: null },
    { raw: '3f2a9c0e8b1d4e6fa7c5d2b1e0f9a8', value: null },
  ],
};
