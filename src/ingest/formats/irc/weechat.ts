/**
 * WeeChat logs (`irc.<network>.<#chan>.weechatlog`): `YYYY-MM-DD HH:MM:SS\tprefix\tmessage`,
 * where the prefix is a nick (with mode prefix), `-->` join, `<--` part/quit/kick, `--` network
 * message, ` *` action, `=!=` error.
 */
import type { Line } from '../../lines.ts';
import type { Sample } from '../../types.ts';
import { fourDigits, readTime, twoDigits } from './clock.ts';
import { ircFormat, type LineReader } from './format.ts';
import { quitReason } from './grammar.ts';
import { readAction } from './shapes.ts';
import type { IrcSession, LineResult } from './session.ts';

// "(user@host)" is absent when irc.look.display_host_join/quit are off.
const JOIN = /^(\S+)(?: \(([^)]*)\))? has joined (\S+)$/;
const PART = /^(\S+)(?: \(([^)]*)\))? has left (\S+)(?: \((.*)\))?$/;
const QUIT = /^(\S+)(?: \(([^)]*)\))? has quit(?: \((.*)\))?$/;
const KICK = /^(\S+) has kicked (\S+)(?: \((.*)\))?$/;
const NICK = /^(\S+) is now known as (\S+)$/;
const OWN_NICK = /^You are now known as (\S+)$/;
const TOPIC_CHANGE = /^(\S+) has changed topic for (\S+)(?: from "(?:.*)")? to "(.*)"$/;
const TOPIC_UNSET = /^(\S+) has unset topic for (\S+)/;
const TOPIC_IS = /^Topic for (\S+) is "(.*)"$/;
const MODE = /^Mode (\S+) \[(.*)\] by (\S+)$/;
const NOTICE = /^Notice\(([^)\s]+)\)(?: -> (\S+))?: (.*)$/;

const EXPECTED_STAMP = "expected 'YYYY-MM-DD HH:MM:SS' then a tab, a prefix, a tab and the message";

function readJoinLeave(session: IrcSession, prefix: string, body: string, line: Line, at: Date | null): LineResult {
  let m: RegExpExecArray | null;
  if (prefix === '-->') {
    if ((m = JOIN.exec(body))) {
      session.learnChannel(m[3]!);
      return session.event(line, 'join', at, { actor: m[1], actorUserHost: m[2] });
    }
    return session.event(line, 'system', at, { text: body });
  }
  if ((m = QUIT.exec(body))) return session.event(line, 'quit', at, { actor: m[1], actorUserHost: m[2], reason: m[3] === undefined ? undefined : quitReason(m[3]) });
  if ((m = PART.exec(body))) {
    session.learnChannel(m[3]!);
    return session.event(line, 'part', at, { actor: m[1], actorUserHost: m[2], reason: m[4] });
  }
  if ((m = KICK.exec(body))) return session.event(line, 'kick', at, { actor: m[1], target: m[2], reason: m[3] });
  return session.event(line, 'system', at, { text: body });
}

function readNetworkLine(session: IrcSession, body: string, line: Line, at: Date | null): LineResult {
  let m: RegExpExecArray | null;
  if ((m = NICK.exec(body))) return session.event(line, 'nick', at, { actor: m[1], target: m[2] });
  if ((m = NOTICE.exec(body))) {
    if (m[2] !== undefined) session.learnChannel(m[2]);
    return session.event(line, 'notice', at, { actor: m[1], text: m[3] });
  }
  if ((m = MODE.exec(body))) {
    session.learnChannel(m[1]!);
    return session.event(line, 'mode', at, { actor: m[3], text: m[2] });
  }
  if ((m = TOPIC_CHANGE.exec(body))) return session.event(line, 'topic', at, { actor: m[1], text: m[3] });
  if ((m = TOPIC_UNSET.exec(body))) return session.event(line, 'topic', at, { actor: m[1], text: '' });
  if ((m = TOPIC_IS.exec(body))) {
    session.learnChannel(m[1]!);
    return session.event(line, 'topic', at, { text: m[2] });
  }
  if ((m = OWN_NICK.exec(body))) return session.event(line, 'nick', at, { target: m[1] });
  return session.event(line, 'system', at, { text: body });
}

function createReader(session: IrcSession): LineReader {
  return (text, line) => {
    const year = fourDigits(text, 0);
    const month = twoDigits(text, 5);
    const day = twoDigits(text, 8);
    const stamp = readTime(text, 11);
    if (year < 0 || month < 0 || day < 0 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || text.charCodeAt(10) !== 0x20 || !stamp) {
      return EXPECTED_STAMP;
    }
    // WeeChat ≥ 4.2 can log fractions of a second (%.3); they do not change the minute's date.
    let end = stamp.end;
    if (text.charCodeAt(end) === 0x2e) {
      end++;
      while (text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
    }
    const prefixStart = text.indexOf('\t', end);
    const bodyStart = prefixStart === -1 ? -1 : text.indexOf('\t', prefixStart + 1);
    if (prefixStart !== end || bodyStart === -1) return EXPECTED_STAMP;
    session.clock.setDate(year, month, day);
    if (!session.clock.hasDate) return `impossible date ${text.slice(0, 10)}`;
    const at = session.clock.at(stamp.time);
    const prefix = text.slice(prefixStart + 1, bodyStart);
    const body = text.slice(bodyStart + 1);
    switch (prefix) {
      case '-->':
      case '<--':
        return readJoinLeave(session, prefix, body, line, at);
      case '--':
        return readNetworkLine(session, body, line, at);
      case ' *':
      case '*':
        return readAction(session, body, line, at) ?? 'expected a nick after the action prefix';
      case '':
      case '=!=':
        return session.event(line, 'system', at, { text: body });
      default:
        if (prefix.indexOf(' ') !== -1 && prefix.trim().indexOf(' ') !== -1) return 'expected a nick, -->, <--, -- or * as the prefix';
        return session.message(line, prefix.trim(), body, at);
    }
  };
}

const WEECHAT_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?\t[^\t]*\t/m;

function hints(sample: Sample): number {
  let score = 0;
  if (/\.weechatlog$/i.test(sample.name)) score += 0.15;
  if (WEECHAT_LINE.test(sample.text)) score += 0.05;
  return score;
}

export const ircWeechat = ircFormat('irc-weechat', { layout: 'weechat', label: 'IRC log (WeeChat)', createReader, hints });
