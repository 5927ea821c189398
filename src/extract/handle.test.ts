// Handles: `handle@platform` forms, and @mentions in text by twitter-text's published cases.
import { describe, expect, it } from 'vitest';
import { handleExtractor } from './handle.ts';
import { findIdentifiers } from './index.ts';
import { readTestData } from './testdata.test-helper.ts';

/** The `mentions:` section of twitter-text's extract.yml: double-quoted YAML strings are JSON strings. */
function mentionCases(): { text: string; expected: string[] }[] {
  const yml = readTestData('extraction/username/extract.yml');
  const section = yml.slice(yml.indexOf('\n  mentions:'), yml.indexOf('\n  mentions_with_indices:'));
  const out: { text: string; expected: string[] }[] = [];
  const re = /text: (".*")\n\s+expected: (\[.*\])/g;
  for (const m of section.matchAll(re)) out.push({ text: JSON.parse(m[1] ?? '""') as string, expected: JSON.parse(m[2] ?? '[]') as string[] });
  return out;
}

describe('mentions (twitter-text extract.yml)', () => {
  const cases = mentionCases();
  it('has the fixture', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  it.each(cases.map((c) => [c.text, c.expected] as const))('%j → %j', (text, expected) => {
    const names = handleExtractor.find(text, {}).map((m) => text.slice(m.start + 1, m.end));
    expect(names).toEqual(expected);
  });

  it('offsets include the @', () => {
    expect(handleExtractor.find('username @username', {})).toEqual([{ type: 'handle', raw: '@username', start: 9, end: 18 }]);
    expect(handleExtractor.find('の@usernameに到着を待っている', {})[0]).toMatchObject({ start: 1, end: 10 });
  });
});

describe('handles', () => {
  it('need a platform, and are stored lower-case without the @', () => {
    expect(handleExtractor.normalise('@Dark_Falcon77', { platform: 'Telegram' })).toMatchObject({
      value: 'dark_falcon77@telegram',
      display: '@Dark_Falcon77',
    });
    expect(handleExtractor.normalise('@Dark_Falcon77', {})).toBeNull();
  });

  it('in text take the source platform, and never an email address', () => {
    const found = findIdentifiers('thanks @GardenGnome, write to sam@example.com', { platform: 'irc' });
    expect(found.map((f) => `${f.type}:${f.value}`)).toEqual(['handle:gardengnome@irc', 'email:sam@example.com']);
    expect(findIdentifiers('thanks @GardenGnome', {})).toEqual([]);
  });
});
