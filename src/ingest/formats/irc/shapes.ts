/**
 * Line shapes several clients share after their timestamp: `<nick> text`, `* nick action`
 * and `-nick- notice` (with irssi's `-nick:#chan-`, `-nick(user@host)-` and HexChat's `-nick/#chan-`).
 */
import type { Line } from '../../lines.ts';
import type { CanonicalRecord } from '../../types.ts';
import { readTime, type TimeOfDay } from './clock.ts';
import { looksLikeNick, stripModePrefix } from './grammar.ts';
import type { IrcSession } from './session.ts';

function isSeparator(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** `<nick> text` or `<@nick>\ttext`; null when the line is not that shape. */
export function readAngleMessage(session: IrcSession, body: string, line: Line, at: Date | null): CanonicalRecord | null {
  const close = body.indexOf('>', 1);
  if (close < 2) return null;
  const after = body.charCodeAt(close + 1);
  if (close + 1 < body.length && !isSeparator(after)) return null;
  const shown = body.slice(1, close);
  if (shown.indexOf('<') !== -1 || stripModePrefix(shown).indexOf(' ') !== -1) return null;
  const text = close + 2 <= body.length ? body.slice(close + 2) : '';
  return session.message(line, shown, text, at);
}

/** `nick action text` after the client's action marker; null when the first word is no nick. */
export function readAction(session: IrcSession, rest: string, line: Line, at: Date | null): CanonicalRecord | null {
  const space = rest.indexOf(' ');
  const nick = space === -1 ? rest : rest.slice(0, space);
  if (!looksLikeNick(stripModePrefix(nick))) return null;
  return session.message(line, nick, space === -1 ? '' : rest.slice(space + 1), at, true);
}

/** `-nick- text` and its variants naming a channel or host; null when not that shape. */
export function readDashNotice(session: IrcSession, body: string, line: Line, at: Date | null): CanonicalRecord | null {
  let close = -1;
  for (let i = 1; i < body.length; i++) {
    const code = body.charCodeAt(i);
    if (isSeparator(code)) return null;
    if (code === 0x2d && (i + 1 === body.length || isSeparator(body.charCodeAt(i + 1)))) {
      close = i;
      break;
    }
  }
  if (close < 2) return null;
  const inner = body.slice(1, close);
  let nickEnd = inner.length;
  for (const marker of [':', '(', '/']) {
    const at = inner.indexOf(marker);
    if (at !== -1 && at < nickEnd) nickEnd = at;
  }
  const nick = inner.slice(0, nickEnd);
  if (!looksLikeNick(stripModePrefix(nick))) return null;
  const channel = inner.charCodeAt(nickEnd) === 0x3a || inner.charCodeAt(nickEnd) === 0x2f ? inner.slice(nickEnd + 1) : '';
  if (channel !== '') session.learnChannel(channel);
  const text = close + 2 <= body.length ? body.slice(close + 2) : '';
  return session.event(line, 'notice', at, { actor: nick, text });
}

/** `[HH:MM] ` or `[HH:MM:SS] ` at the start (ZNC, mIRC); the time and where the rest starts, or null. */
export function readBracketTime(text: string): { time: TimeOfDay; bodyStart: number } | null {
  if (text.charCodeAt(0) !== 0x5b) return null;
  const stamp = readTime(text, 1);
  if (!stamp || text.charCodeAt(stamp.end) !== 0x5d || text.charCodeAt(stamp.end + 1) !== 0x20) return null;
  return { time: stamp.time, bodyStart: stamp.end + 2 };
}
