// nick!user@host splitting and nick prefixes, checked against the ircdocs parser tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitMask, stripModePrefix } from './grammar.ts';
import { IRC_SAMPLES } from './testkit.ts';

/** The ircdocs files use YAML double-quoted strings with \x escapes; JSON reads them once those are rewritten. */
function unquote(text: string): string {
  return JSON.parse(text.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')) as string;
}

/** The userhost-split cases: `- source: "…"` followed by `nick:`, `user:`, `host:` lines. */
function userhostCases(): { source: string; atoms: Record<string, string> }[] {
  const cases: { source: string; atoms: Record<string, string> }[] = [];
  for (const line of readFileSync(join(IRC_SAMPLES, 'protocol-tests/userhost-split.yaml'), 'utf8').split('\n')) {
    const source = /^\s+- source: (".*")$/.exec(line);
    if (source) cases.push({ source: unquote(source[1]!), atoms: {} });
    const atom = /^\s+(nick|user|host): (".*")$/.exec(line);
    if (atom && cases.length > 0) cases[cases.length - 1]!.atoms[atom[1]!] = unquote(atom[2]!);
  }
  return cases;
}

describe('splitMask', () => {
  const cases = userhostCases();
  it('reads the ircdocs userhost-split file', () => expect(cases.length).toBeGreaterThanOrEqual(7));
  it.each(cases)('splits $source', ({ source, atoms }) => {
    expect(splitMask(source)).toEqual(atoms);
  });

  it('splits every message source in msg-split.yaml back into what it was', () => {
    const text = readFileSync(join(IRC_SAMPLES, 'protocol-tests/msg-split.yaml'), 'utf8');
    const sources = [...text.matchAll(/^\s+source: (".*")$/gm)].map((match) => unquote(match[1]!));
    expect(sources.filter((source) => source.includes('!')).length).toBeGreaterThanOrEqual(2);
    for (const source of sources) {
      const parts = splitMask(source);
      const user = parts.user === undefined ? '' : `!${parts.user}`;
      const host = parts.host === undefined ? '' : `@${parts.host}`;
      expect(`${parts.nick}${user}${host}`).toBe(source);
      expect(parts.nick).not.toMatch(/[!@]/);
      if (!source.includes('!') && !source.includes('@')) expect(parts).toEqual({ nick: source });
    }
  });
});

describe('stripModePrefix', () => {
  it.each([
    ['@bob', 'bob'],
    ['+alice', 'alice'],
    ['%carol', 'carol'],
    ['~dave', 'dave'],
    ['&erin', 'erin'],
    ['@+frank', 'frank'],
    [' gail', 'gail'],
    ['henry', 'henry'],
    ['@', '@'],
  ])('%s → %s', (shown, nick) => expect(stripModePrefix(shown)).toBe(nick));
});
