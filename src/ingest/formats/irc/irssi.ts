/**
 * irssi logs: `--- Log opened Tue Mar 05 09:58:12 2024`, `--- Day changed Wed Mar 06 2024`,
 * then `HH:MM` (default log_timestamp, or `HH:MM:SS`) and `< nick> text`, ` * nick action`,
 * `-!- event`, `-nick:#chan- notice`.
 */
import type { Line } from '../../lines.ts';
import type { Sample } from '../../types.ts';
import { readLongDate, readTime } from './clock.ts';
import { ircFormat, type LineReader } from './format.ts';
import { quitReason } from './grammar.ts';
import { readAction, readAngleMessage, readDashNotice } from './shapes.ts';
import type { IrcSession, LineResult } from './session.ts';

const JOIN = /^(\S+) \[([^\]]*)\] has joined (\S+)$/;
const PART = /^(\S+) \[([^\]]*)\] has left (\S+) \[(.*)\]$/;
const QUIT = /^(\S+) \[([^\]]*)\] has quit \[(.*)\]$/;
const KICK = /^(\S+) was kicked from (\S+) by (\S+) \[(.*)\]$/;
const NICK = /^(\S+) is now known as (\S+)$/;
const OWN_NICK = /^You're now known as (\S+)$/;
const TOPIC_CHANGE = /^(\S+) changed the topic of (\S+) to: (.*)$/;
const TOPIC_IS = /^Topic for (\S+): (.*)$/;
const TOPIC_UNSET = /^Topic unset by (\S+) on (\S+)/;
const MODE = /^(?:mode|ServerMode)\/(\S+) \[(.*)\] by (\S+)$/;

const EXPECTED = "expected '<nick> text', ' * nick action', '-!- event' or '-nick- notice' after the time";

function readEvent(session: IrcSession, body: string, line: Line, at: Date | null): LineResult {
  let m: RegExpExecArray | null;
  if ((m = JOIN.exec(body))) {
    session.learnChannel(m[3]!);
    return session.event(line, 'join', at, { actor: m[1], actorUserHost: m[2] });
  }
  if ((m = QUIT.exec(body))) return session.event(line, 'quit', at, { actor: m[1], actorUserHost: m[2], reason: quitReason(m[3]!) });
  if ((m = PART.exec(body))) {
    session.learnChannel(m[3]!);
    return session.event(line, 'part', at, { actor: m[1], actorUserHost: m[2], reason: m[4] });
  }
  if ((m = NICK.exec(body))) return session.event(line, 'nick', at, { actor: m[1], target: m[2] });
  if ((m = OWN_NICK.exec(body))) return session.event(line, 'nick', at, { target: m[1] });
  if ((m = MODE.exec(body))) {
    session.learnChannel(m[1]!);
    return session.event(line, 'mode', at, { actor: m[3], text: m[2] });
  }
  if ((m = KICK.exec(body))) return session.event(line, 'kick', at, { actor: m[3], target: m[1], reason: m[4] });
  if ((m = TOPIC_CHANGE.exec(body))) return session.event(line, 'topic', at, { actor: m[1], text: m[3] });
  if ((m = TOPIC_IS.exec(body))) {
    session.learnChannel(m[1]!);
    return session.event(line, 'topic', at, { text: m[2] });
  }
  if ((m = TOPIC_UNSET.exec(body))) return session.event(line, 'topic', at, { actor: m[1], text: '' });
  // Client chatter ("Irssi: Join to #x was synced"), not something that happened in the room.
  if (body.startsWith('Irssi: ')) return null;
  return session.event(line, 'system', at, { text: body });
}

function readHeader(session: IrcSession, text: string): LineResult {
  for (const marker of ['--- Log opened ', '--- Log closed ', '--- Day changed ']) {
    if (text.startsWith(marker)) {
      const date = readLongDate(text.slice(marker.length));
      if (!date) return `expected a date after '${marker.trim()}'`;
      session.clock.setDateMaybeWithoutYear(date.year, date.month, date.day);
      return null;
    }
  }
  return `expected '--- Log opened', '--- Day changed' or '--- Log closed'`;
}

function createReader(session: IrcSession): LineReader {
  return (text, line) => {
    if (text.charCodeAt(0) === 0x2d && text.startsWith('--- ')) return readHeader(session, text);
    const stamp = readTime(text, 0);
    if (!stamp || text.charCodeAt(stamp.end) !== 0x20) return `expected a time (HH:MM) or '--- Log opened' at the start of the line`;
    const at = session.clock.at(stamp.time);
    const body = text.slice(stamp.end + 1);
    const first = body.charCodeAt(0);
    if (first === 0x3c /* < */) return readAngleMessage(session, body, line, at) ?? EXPECTED;
    if (first === 0x2d /* - */) {
      if (body.startsWith('-!- ')) return readEvent(session, body.slice(4), line, at);
      return readDashNotice(session, body, line, at) ?? EXPECTED;
    }
    if (first === 0x20 || first === 0x2a) {
      const action = body.startsWith(' * ') ? body.slice(3) : body.startsWith('* ') ? body.slice(2) : null;
      if (action !== null) return readAction(session, action, line, at) ?? EXPECTED;
    }
    return EXPECTED;
  };
}

const LOG_OPENED = /^--- Log opened \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/m;
const EVENT_LINE = /^\d\d:\d\d(?::\d\d)? -!- /m;

function hints(sample: Sample): number {
  let score = 0;
  if (LOG_OPENED.test(sample.text)) score += 0.15;
  else if (EVENT_LINE.test(sample.text)) score += 0.1;
  if (/\.log$/i.test(sample.name)) score += 0.05;
  return score;
}

export const ircIrssi = ircFormat('irc-irssi', { layout: 'irssi', label: 'IRC log (irssi)', createReader, hints });
