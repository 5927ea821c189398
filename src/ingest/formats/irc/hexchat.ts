/**
 * HexChat logs (`<network>-<#chan>.log` or `<network>/<#chan>.log`): `**** BEGIN LOGGING AT
 * Tue Mar  5 09:58:12 2024`, then `Mar 05 10:01:03 <nick>\ttext` (stamp_log_format `%b %d %H:%M:%S`),
 * `*\tnick action`, `-->\tjoin`, `<--\tpart/quit/kick`. The year comes from the header.
 */
import type { Line } from '../../lines.ts';
import type { Sample } from '../../types.ts';
import { monthNumber, readLongDate, readTime, twoDigits } from './clock.ts';
import { ircFormat, type LineReader } from './format.ts';
import { quitReason } from './grammar.ts';
import { readAction, readAngleMessage, readDashNotice } from './shapes.ts';
import type { IrcSession, LineResult } from './session.ts';

const JOIN = /^(\S+)(?: \(([^)]*)\))? has joined (\S+)$/;
const PART = /^(\S+)(?: \(([^)]*)\))? has left (\S+)(?: \((.*)\))?$/;
const QUIT = /^(\S+)(?: \(([^)]*)\))? has quit(?: \((.*)\))?$/;
const KICK = /^(\S+) has kicked (\S+) from (\S+)(?: \((.*)\))?$/;
const NICK = /^(\S+) is now known as (\S+)$/;
const OWN_NICK = /^You are now known as (\S+)$/;
const TOPIC_CHANGE = /^(\S+) has changed the topic to: (.*)$/;
const TOPIC_IS = /^Topic for (\S+) is: (.*)$/;
const TOPIC_SET_BY = /^Topic for (\S+) set by /;
const NOW_TALKING = /^Now talking on (\S+)$/;
// HexChat words each mode change ("gives voice to", "sets ban on"); all are mode events.
const MODE = /^(\S+) (sets mode |sets ban on |removes ban on |gives channel (?:half-)?operator status to |removes channel (?:half-)?operator status from |gives voice to |removes voice from |sets channel keyword to |removes channel keyword|sets channel limit to |removes user limit|sets exempt on |removes exempt on |sets invite exempt on |removes invite exempt on )(.*)$/;

const EXPECTED = "expected '<nick>', '*', '-->', '<--' or '-nick-' then a tab after the time";

function readStar(session: IrcSession, body: string, line: Line, at: Date | null): LineResult {
  let m: RegExpExecArray | null;
  if ((m = NICK.exec(body))) return session.event(line, 'nick', at, { actor: m[1], target: m[2] });
  if ((m = OWN_NICK.exec(body))) return session.event(line, 'nick', at, { target: m[1] });
  if ((m = TOPIC_CHANGE.exec(body))) return session.event(line, 'topic', at, { actor: m[1], text: m[2] });
  if ((m = TOPIC_IS.exec(body))) {
    session.learnChannel(m[1]!);
    return session.event(line, 'topic', at, { text: m[2] });
  }
  if (TOPIC_SET_BY.test(body)) return session.event(line, 'system', at, { text: body });
  if ((m = NOW_TALKING.exec(body))) {
    session.learnChannel(m[1]!, true);
    return null;
  }
  if ((m = MODE.exec(body))) return session.event(line, 'mode', at, { actor: m[1], text: `${m[2]}${m[3]}`.trim() });
  return readAction(session, body, line, at) ?? EXPECTED;
}

function readJoinLeave(session: IrcSession, arrow: string, body: string, line: Line, at: Date | null): LineResult {
  let m: RegExpExecArray | null;
  if (arrow === '-->') {
    if ((m = JOIN.exec(body))) {
      session.learnChannel(m[3]!);
      return session.event(line, 'join', at, { actor: m[1], actorUserHost: m[2] });
    }
    return session.event(line, 'system', at, { text: body });
  }
  if ((m = QUIT.exec(body))) return session.event(line, 'quit', at, { actor: m[1], actorUserHost: m[2], reason: m[3] === undefined ? undefined : quitReason(m[3]) });
  if ((m = KICK.exec(body))) return session.event(line, 'kick', at, { actor: m[1], target: m[2], reason: m[4] });
  if ((m = PART.exec(body))) return session.event(line, 'part', at, { actor: m[1], actorUserHost: m[2], reason: m[4] });
  return session.event(line, 'system', at, { text: body });
}

function readHeader(session: IrcSession, text: string): LineResult {
  const match = /^\*\*\*\* (?:BEGIN|ENDING) LOGGING AT (.*)$/.exec(text);
  const date = match ? readLongDate(match[1]!) : null;
  if (!date) return "expected '**** BEGIN LOGGING AT' with a date";
  session.clock.setDateMaybeWithoutYear(date.year, date.month, date.day);
  return null;
}

function createReader(session: IrcSession): LineReader {
  return (text, line) => {
    if (text.startsWith('**** ')) return readHeader(session, text);
    const month = monthNumber(text.slice(0, 3));
    // %d is zero-padded; some locales' stamps pad with a space instead.
    const day = text.charCodeAt(4) === 0x20 ? twoDigits(`0${text[5] ?? ''}`, 0) : twoDigits(text, 4);
    const stamp = readTime(text, 7);
    if (month === 0 || day < 1 || day > 31 || text.charCodeAt(3) !== 0x20 || !stamp || text.charCodeAt(stamp.end) !== 0x20) {
      return "expected 'Mon DD HH:MM:SS' or '**** BEGIN LOGGING' at the start of the line";
    }
    session.clock.setMonthDay(month, day);
    const at = session.clock.at(stamp.time);
    const rest = text.slice(stamp.end + 1);
    const tab = rest.indexOf('\t');
    const marker = tab === -1 ? '' : rest.slice(0, tab);
    const body = tab === -1 ? rest : rest.slice(tab + 1);
    if (marker === '*') return readStar(session, body, line, at);
    if (marker === '-->' || marker === '<--') return readJoinLeave(session, marker, body, line, at);
    const first = rest.charCodeAt(0);
    if (first === 0x3c /* < */) return readAngleMessage(session, rest, line, at) ?? EXPECTED;
    if (first === 0x2d /* - */) return readDashNotice(session, rest, line, at) ?? EXPECTED;
    if (marker !== '') return session.event(line, 'system', at, { text: body });
    return EXPECTED;
  };
}

const BEGIN_LOGGING = /^\*\*\*\* BEGIN LOGGING AT /m;
const HEXCHAT_LINE = /^[A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d (?:<[^>\t]+>|\*|-->|<--)\t/m;

function hints(sample: Sample): number {
  let score = 0;
  if (BEGIN_LOGGING.test(sample.text)) score += 0.15;
  if (HEXCHAT_LINE.test(sample.text)) score += 0.05;
  return score;
}

export const ircHexchat = ircFormat('irc-hexchat', { layout: 'hexchat', label: 'IRC log (HexChat)', createReader, hints });
