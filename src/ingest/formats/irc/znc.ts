/**
 * ZNC log module files, one per channel per day (`<network>/<#chan>/YYYY-MM-DD.log`): the date
 * is only in the file name; lines are `[HH:MM:SS] <nick> text`, `* nick action`, `-nick- notice`,
 * `*** Joins: nick (user@host)`, `*** Quits: …`, `*** nick is now known as new`.
 */
import type { Line } from '../../lines.ts';
import type { Sample } from '../../types.ts';
import { ircFormat, type LineReader } from './format.ts';
import { quitReason } from './grammar.ts';
import { readAction, readAngleMessage, readBracketTime, readDashNotice } from './shapes.ts';
import type { IrcSession, LineResult } from './session.ts';

const JOIN = /^Joins: (\S+) \(([^)]*)\)$/;
const PART = /^Parts: (\S+) \(([^)]*)\)(?: \((.*)\))?$/;
const QUIT = /^Quits: (\S+) \(([^)]*)\)(?: \((.*)\))?$/;
const KICK = /^(\S+) was kicked by (\S+)(?: \((.*)\))?$/;
const NICK = /^(\S+) is now known as (\S+)$/;
const TOPIC = /^(\S+) changes topic to '(.*)'$/;
const MODE = /^(\S+) sets mode: (.*)$/;

const EXPECTED = "expected '<nick> text', '* nick action', '-nick- notice' or '*** event' after [HH:MM:SS]";

function readEvent(session: IrcSession, body: string, line: Line, at: Date | null): LineResult {
  let m: RegExpExecArray | null;
  if ((m = JOIN.exec(body))) return session.event(line, 'join', at, { actor: m[1], actorUserHost: m[2] });
  if ((m = QUIT.exec(body))) return session.event(line, 'quit', at, { actor: m[1], actorUserHost: m[2], reason: m[3] === undefined ? undefined : quitReason(m[3]) });
  if ((m = PART.exec(body))) return session.event(line, 'part', at, { actor: m[1], actorUserHost: m[2], reason: m[3] });
  if ((m = NICK.exec(body))) return session.event(line, 'nick', at, { actor: m[1], target: m[2] });
  if ((m = MODE.exec(body))) return session.event(line, 'mode', at, { actor: m[1], text: m[2] });
  if ((m = KICK.exec(body))) return session.event(line, 'kick', at, { actor: m[2], target: m[1], reason: m[3] });
  if ((m = TOPIC.exec(body))) return session.event(line, 'topic', at, { actor: m[1], text: m[2] });
  return session.event(line, 'system', at, { text: body });
}

function createReader(session: IrcSession): LineReader {
  return (text, line) => {
    const stamp = readBracketTime(text);
    if (!stamp) return 'expected [HH:MM:SS] at the start of the line';
    // The file name fixes the day: a time that goes back is a clock change, not a new day.
    const at = session.clock.at(stamp.time);
    const body = text.slice(stamp.bodyStart);
    const first = body.charCodeAt(0);
    if (first === 0x3c /* < */) return readAngleMessage(session, body, line, at) ?? EXPECTED;
    if (first === 0x2d /* - */) return readDashNotice(session, body, line, at) ?? EXPECTED;
    if (body.startsWith('*** ')) return readEvent(session, body.slice(4), line, at);
    if (body.startsWith('* ')) return readAction(session, body.slice(2), line, at) ?? EXPECTED;
    return EXPECTED;
  };
}

const DATED_NAME = /(?:^|[_-])\d{4}-?\d\d-?\d\d\.log$/i;
const ZNC_EVENT = /^\[\d\d:\d\d:\d\d\] \*\*\* (?:Joins|Parts|Quits): /m;

function hints(sample: Sample): number {
  let score = 0;
  if (DATED_NAME.test(sample.name)) score += 0.1;
  if (ZNC_EVENT.test(sample.text)) score += 0.1;
  else if (/^\[\d\d:\d\d:\d\d\] /.test(sample.text)) score += 0.03;
  return score;
}

export const ircZnc = ircFormat('irc-znc', { layout: 'znc', label: 'IRC log (ZNC)', createReader, hints });
