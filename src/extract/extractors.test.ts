// The registry and every extractor's own examples (raw → stored value), as the plug-in contract promises.
import { describe, expect, it } from 'vitest';
import { IDENTIFIER_TYPE_NAMES } from '../model/index.ts';
import { EXTRACTORS, extractorFor, normaliseIdentifier } from './index.ts';

describe('extractor registry', () => {
  it('registers each type once, all known to the model', () => {
    const types = EXTRACTORS.map((e) => e.type);
    expect(new Set(types).size).toBe(types.length);
    for (const t of types) expect(IDENTIFIER_TYPE_NAMES).toContain(t);
    for (const t of ['email', 'phone', 'ip', 'url', 'domain', 'handle', 'card', 'wallet', 'md5', 'sha1', 'sha256', 'client_guid', 'pdq', 'camera_serial'] as const) {
      expect(extractorFor(t)?.type).toBe(t);
    }
  });

  it('refuses to normalise a type nobody registered, rather than silently dropping it', () => {
    expect(() => normaliseIdentifier('name_dob', 'rowe|sam|1984-03-07', {})).toThrow(/no extractor/);
  });
});

describe.each(EXTRACTORS.map((e) => [e.type, e] as const))('%s examples', (_type, extractor) => {
  it('has examples, valid and invalid', () => {
    expect(extractor.examples.some((e) => e.value !== null)).toBe(true);
    expect(extractor.examples.some((e) => e.value === null)).toBe(true);
  });

  it.each(extractor.examples.map((e) => [e.raw, e] as const))('%s', (_raw, example) => {
    const result = extractor.normalise(example.raw, example.context ?? {});
    expect(result?.value ?? null).toBe(example.value);
    if (result) {
      expect(result.type).toBe(extractor.type);
      expect(extractor.validate(result.value)).toBe(true);
      // Normalising a stored value again is stable (handles and phones need their context).
      expect(extractor.normalise(result.value, example.context ?? {})?.value ?? result.value).toBe(result.value);
    }
  });
});
