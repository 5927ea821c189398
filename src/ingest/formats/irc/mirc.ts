/**
 * mIRC logs: `Session Start: Tue Mar 05 09:58:12 2024`, `Session Ident: #chan`, then
 * `[HH:MM] <nick> text`, `* nick action` and `* nick (user@host) has joined #chan`-style events.
 * mIRC writes no day-change line, so a time that jumps back starts the next day.
 */
import type { Line } from '../../lines.ts';
import type { Sample } from '../../types.ts';
import { readLongDate } from './clock.ts';
import { ircFormat, type LineReader } from './format.ts';
import { isChannelName, quitReason } from './grammar.ts';
import { readAction, readAngleMessage, readBracketTime, readDashNotice } from './shapes.ts';
import type { IrcSession, LineResult } from './session.ts';

// Current wording first, then the `Joins:` wording of older mIRC versions.
const JOIN = /^(\S+) \(([^)]*)\) has joined (\S+)$/;
const JOIN_OLD = /^Joins: (\S+) \(([^)]*)\)$/;
const PART = /^(\S+) \(([^)]*)\) has left (\S+)(?: \((.*)\))?$/;
const PART_OLD = /^Parts: (\S+) \(([^)]*)\)(?: \((.*)\))?$/;
const QUIT = /^(\S+) \(([^)]*)\) Quit(?: \((.*)\))?$/;
const QUIT_OLD = /^Quits: (\S+) \(([^)]*)\)(?: \((.*)\))?$/;
const KICK = /^(\S+) was kicked by (\S+)(?: \((.*)\))?$/;
const NICK = /^(\S+) is now known as (\S+)$/;
const TOPIC_CHANGE = /^(\S+) changes topic to '(.*)'$/;
const TOPIC_IS = /^Topic is '(.*)'$/;
const MODE = /^(\S+) sets mode: (.*)$/;
/** Client status lines that report no event in the room. */
const STATUS = /^(?:Now talking in (\S+)|Set by \S+ on .*|Retrieving \S+ info\.\.\.|Disconnected|Attempting to rejoin channel \S+|Rejoined channel \S+)$/;

const EXPECTED = "expected '<nick> text', '* nick action', '* event' or '-nick- notice' after [HH:MM]";

function readStar(session: IrcSession, body: string, line: Line, at: Date | null): LineResult {
  let m: RegExpExecArray | null;
  if ((m = STATUS.exec(body))) {
    if (m[1] !== undefined) session.learnChannel(m[1], true);
    return null;
  }
  if ((m = JOIN.exec(body))) {
    session.learnChannel(m[3]!);
    return session.event(line, 'join', at, { actor: m[1], actorUserHost: m[2] });
  }
  if ((m = JOIN_OLD.exec(body))) return session.event(line, 'join', at, { actor: m[1], actorUserHost: m[2] });
  if ((m = QUIT.exec(body)) || (m = QUIT_OLD.exec(body))) {
    return session.event(line, 'quit', at, { actor: m[1], actorUserHost: m[2], reason: m[3] === undefined ? undefined : quitReason(m[3]) });
  }
  if ((m = PART.exec(body))) return session.event(line, 'part', at, { actor: m[1], actorUserHost: m[2], reason: m[4] });
  if ((m = PART_OLD.exec(body))) return session.event(line, 'part', at, { actor: m[1], actorUserHost: m[2], reason: m[3] });
  if ((m = NICK.exec(body))) return session.event(line, 'nick', at, { actor: m[1], target: m[2] });
  if ((m = MODE.exec(body))) return session.event(line, 'mode', at, { actor: m[1], text: m[2] });
  if ((m = KICK.exec(body))) return session.event(line, 'kick', at, { actor: m[2], target: m[1], reason: m[3] });
  if ((m = TOPIC_CHANGE.exec(body))) return session.event(line, 'topic', at, { actor: m[1], text: m[2] });
  if ((m = TOPIC_IS.exec(body))) return session.event(line, 'topic', at, { text: m[1] });
  return readAction(session, body, line, at) ?? EXPECTED;
}

function readSessionLine(session: IrcSession, text: string): LineResult {
  const colon = text.indexOf(': ');
  const field = colon === -1 ? '' : text.slice(8, colon);
  const value = colon === -1 ? '' : text.slice(colon + 2);
  if (field === 'Start' || field === 'Close') {
    const date = readLongDate(value);
    if (!date) return `expected a date after 'Session ${field}:'`;
    session.clock.setDateMaybeWithoutYear(date.year, date.month, date.day);
    return null;
  }
  if (field === 'Ident') {
    if (isChannelName(value)) session.learnChannel(value, true);
    return null;
  }
  if (field === 'Time') return null;
  return "expected 'Session Start:', 'Session Ident:' or 'Session Close:'";
}

function createReader(session: IrcSession): LineReader {
  return (text, line) => {
    if (text.startsWith('Session ')) return readSessionLine(session, text);
    const stamp = readBracketTime(text);
    if (!stamp) return "expected [HH:MM] or 'Session Start:' at the start of the line";
    const at = session.clock.at(stamp.time, true);
    const body = text.slice(stamp.bodyStart);
    const first = body.charCodeAt(0);
    if (first === 0x3c /* < */) return readAngleMessage(session, body, line, at) ?? EXPECTED;
    if (first === 0x2d /* - */) return readDashNotice(session, body, line, at) ?? EXPECTED;
    if (body.startsWith('* ')) return readStar(session, body.slice(2), line, at);
    return EXPECTED;
  };
}

const SESSION_START = /^Session Start: /m;
const MIRC_EVENT = /^\[\d\d:\d\d(?::\d\d)?\] \* \S+ \([^)]*\) (?:has joined|has left|Quit)/m;

function hints(sample: Sample): number {
  let score = 0;
  if (SESSION_START.test(sample.text)) score += 0.15;
  if (MIRC_EVENT.test(sample.text)) score += 0.05;
  else if (/^\[\d\d:\d\d\] /m.test(sample.text)) score += 0.04;
  return score;
}

export const ircMirc = ircFormat('irc-mirc', { layout: 'mirc', label: 'IRC log (mIRC)', createReader, hints });
