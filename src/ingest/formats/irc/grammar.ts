/**
 * IRC grammar shared by every client layout: `nick!user@host` masks, nick mode prefixes,
 * channel sigils and quit reasons, written to the ircdocs parser tests.
 */

/** The parts of an IRC source mask; absent parts are omitted (ircdocs userhost-split). */
export interface MaskParts {
  readonly nick: string;
  readonly user?: string;
  readonly host?: string;
}

/** Splits `nick!user@host`, `nick@host`, `nick!user` or a bare nick. */
export function splitMask(source: string): MaskParts {
  const at = source.indexOf('@');
  const beforeHost = at === -1 ? source : source.slice(0, at);
  const bang = beforeHost.indexOf('!');
  const nick = bang === -1 ? beforeHost : beforeHost.slice(0, bang);
  const parts: { nick: string; user?: string; host?: string } = { nick };
  if (bang !== -1) parts.user = beforeHost.slice(bang + 1);
  if (at !== -1) parts.host = source.slice(at + 1);
  return parts;
}

/** Channel membership prefixes that clients show before a nick (and a space some themes pad with). */
function isModePrefix(code: number): boolean {
  // @ + % ~ & ! and space
  return code === 0x40 || code === 0x2b || code === 0x25 || code === 0x7e || code === 0x26 || code === 0x21 || code === 0x20;
}

/** The nick without its mode prefix (`@bob` → `bob`); a nick made only of prefix characters is kept as written. */
export function stripModePrefix(shown: string): string {
  let start = 0;
  while (start < shown.length && isModePrefix(shown.charCodeAt(start))) start++;
  if (start === 0) return shown;
  return start === shown.length ? shown.trim() || shown : shown.slice(start);
}

/** Channel sigils of RFC 2811 (#, &, +, !). */
export function isChannelName(name: string): boolean {
  const first = name.charCodeAt(0);
  return name.length > 1 && (first === 0x23 || first === 0x26 || first === 0x2b || first === 0x21);
}

/**
 * A nick as logs show it: one token, no spaces, not starting with a character that IRC
 * forbids at the start of a nick and that log layouts use as markers.
 */
export function looksLikeNick(token: string): boolean {
  if (token.length === 0 || token.length > 64) return false;
  const first = token.charCodeAt(0);
  // '*', '-', '<', '>', '(', ':' and digits cannot start a nick; they start log markers.
  if (first === 0x2a || first === 0x2d || first === 0x3c || first === 0x3e || first === 0x28 || first === 0x3a) return false;
  if (first >= 0x30 && first <= 0x39) return false;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code <= 0x20 || code === 0x2a || code === 0x3c || code === 0x3e || code === 0x28 || code === 0x29 || code === 0x21 || code === 0x40) return false;
  }
  return true;
}

/** Servers prefix user quit messages with `Quit: `; the reason a person typed is what follows. */
export function quitReason(raw: string): string {
  return raw.startsWith('Quit: ') ? raw.slice(6) : raw;
}

/** Splits `first rest` at the first space; rest is '' when there is none. */
export function firstWord(text: string): [string, string] {
  const space = text.indexOf(' ');
  return space === -1 ? [text, ''] : [text.slice(0, space), text.slice(space + 1)];
}
