/**
 * Handles: `<handle>@<platform>`, lower-case, no leading "@". In text, @mentions by twitter-text's
 * rules (not the "@domain" of an email), attributed to the source's platform.
 */
import type { ExtractContext, IdentifierExtractor, NormalisedIdentifier, TextMatch } from './types.ts';

/*
 * twitter-text's valid-mention rule, with names up to 32 characters (Telegram's limit) instead
 * of Twitter's 20: "@" at a token start, or after "RT"/"RT:"; never after letters, digits or !#$%&*@.
 */
const MENTION = /(?<=^|[^a-zA-Z0-9_!#$%&*@＠]|(?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?)[@＠]([a-zA-Z0-9_]{1,32})(?![a-zA-Z0-9_])/g;
// After a mention: another "@" (an email-like "@a@b"), an accented Latin letter ("@aliceìnheiro"), or "://".
const BAD_MENTION_END = /^(?:[@＠]|[\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u00FF]|:\/\/)/;
const PLATFORM = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function normalise(raw: string, context: ExtractContext): NormalisedIdentifier | null {
  const platform = context.platform?.trim().toLowerCase();
  if (!platform || !PLATFORM.test(platform)) return null;
  let handle = raw.trim();
  if (handle.startsWith('@') || handle.startsWith('＠')) handle = handle.slice(1);
  // Any printable handle a platform allows (IRC nicks have []\`^{|}), but not spaces or a second "@".
  if (handle.length === 0 || handle.length > 64 || /[\s@＠]/.test(handle)) return null;
  const lower = handle.toLowerCase();
  return { type: 'handle', value: `${lower}@${platform}`, display: `@${handle}`, props: { platform, handle: lower } };
}

function find(text: string): TextMatch[] {
  const out: TextMatch[] = [];
  for (const m of text.matchAll(MENTION)) {
    const end = m.index + m[0].length;
    if (BAD_MENTION_END.test(text.slice(end, end + 3))) continue;
    out.push({ type: 'handle', raw: m[0], start: m.index, end });
  }
  return out;
}

export const handleExtractor: IdentifierExtractor = {
  type: 'handle',
  find: (text: string, _context: ExtractContext) => (text.indexOf('@') === -1 && text.indexOf('＠') === -1 ? [] : find(text)),
  normalise,
  validate: (value: string) => /^[^\s@]{1,64}@[a-z0-9][a-z0-9._-]{0,63}$/.test(value) && value === value.toLowerCase(),
  examples: [
    { raw: '@Dark_Falcon77', value: 'dark_falcon77@telegram', context: { platform: 'telegram' } },
    { raw: 'GardenGnome', value: 'gardengnome@irc', context: { platform: 'IRC' } },
    { raw: 'nick[away]', value: 'nick[away]@irc', context: { platform: 'irc' } },
    { raw: '@someone', value: null },
    { raw: 'two words', value: null, context: { platform: 'irc' } },
  ],
};
