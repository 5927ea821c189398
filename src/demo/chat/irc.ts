// IRC logs in the two layouts investigators meet most: irssi (minute precision, day-change lines)
// and WeeChat (full timestamp, tab-separated prefix column).
import type { Zone, Local } from '../time.ts';
import { p2, DAY_NAMES, MONTH_NAMES } from '../time.ts';
import { BufWriter } from '../writer.ts';
import { type Person, useId } from '../people.ts';
import type { RoomScript } from './script.ts';

export interface WriteStats { records: number; bytes: number }

function irssiStamp(l: Local): string {
  return `${DAY_NAMES[l.dow]} ${MONTH_NAMES[l.mo - 1]} ${p2(l.d)} ${p2(l.h)}:${p2(l.mi)}:${p2(l.s)} ${l.y}`;
}

function weechatStamp(l: Local): string {
  return `${l.y}-${p2(l.mo)}-${p2(l.d)} ${p2(l.h)}:${p2(l.mi)}:${p2(l.s)}`;
}

export function writeIrc(file: string, script: RoomScript, zone: Zone): WriteStats {
  const { room, rng } = script;
  const out = new BufWriter(file);
  const irssi = room.ircStyle === 'irssi';
  const chan = room.name;
  const nicks = new Map<Person, string>();
  const userhost = new Map<Person, string>();
  for (const m of room.members) {
    const nick = m.accounts.irc?.handle ?? m.first;
    nicks.set(m, nick);
    const useV6 = rng.chance(0.3);
    const ip = useV6 ? m.ipv6 : m.ipv4;
    useId(m, 'ip', ip);
    userhost.set(m, `~${nick.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 9) || 'user'}@${ip}`);
  }
  let lastDay = '';
  let records = 0;
  const line = (t: number, prefix: string, text: string): void => {
    const l = zone.local(t);
    if (irssi) {
      const day = `${l.y}-${l.mo}-${l.d}`;
      if (lastDay === '') out.write(`--- Log opened ${irssiStamp(l)}\n`);
      else if (day !== lastDay) out.write(`--- Day changed ${DAY_NAMES[l.dow]} ${MONTH_NAMES[l.mo - 1]} ${p2(l.d)} ${l.y}\n`);
      lastDay = day;
      out.write(`${p2(l.h)}:${p2(l.mi)} ${prefix}${text}\n`);
    } else {
      out.write(`${weechatStamp(l)}\t${prefix}\t${text}\n`);
    }
  };
  const mode = (p: Person): string => (p === room.host ? '@' : irssi ? ' ' : '');
  const nick = (p: Person): string => nicks.get(p) ?? p.first;
  const join = (t: number, p: Person): void => {
    if (irssi) line(t, '-!- ', `${nick(p)} [${userhost.get(p)}] has joined ${chan}`);
    else line(t, '-->', `${nick(p)} (${userhost.get(p)}) has joined ${chan}`);
  };

  let t0 = room.start - 60_000 * room.members.length;
  for (const m of [room.host, ...room.members.filter((x) => x !== room.host)]) join((t0 += 30_000), m);
  if (irssi) {
    line(t0, '-!- ', `Topic for ${chan}: ${room.topic}`);
    line(t0, '-!- ', `mode/${chan} [+o ${nick(room.host)}] by ChanServ`);
  } else {
    line(t0, '--', `Topic for ${chan} is "${room.topic}"`);
    line(t0, '--', `Mode ${chan} [+o ${nick(room.host)}] by ChanServ`);
  }
  let lastT = t0;
  for (let ev = script.next(); ev; ev = script.next()) {
    lastT = ev.t;
    const who = ev.who;
    switch (ev.kind) {
      case 'msg': {
        let text = ev.media ? `${ev.text} https://example.com/p/${ev.media.fileName}`.trim() : ev.text.replace(/\n/g, ' ');
        if (ev.to) text = `${nick(ev.to)}: ${text}`;
        if (irssi) line(ev.t, `<${mode(who)}${nick(who)}> `, text);
        else line(ev.t, `${mode(who)}${nick(who)}`, text);
        records++;
        break;
      }
      case 'action':
        if (irssi) line(ev.t, ' * ', `${nick(who)} ${ev.text}`);
        else line(ev.t, ' *', `${nick(who)} ${ev.text}`);
        records++;
        break;
      case 'join':
        join(ev.t, who);
        break;
      case 'quit': {
        const reason = ev.reason;
        if (irssi) line(ev.t, '-!- ', `${nick(who)} [${userhost.get(who)}] has quit [${reason}]`);
        else line(ev.t, '<--', `${nick(who)} (${userhost.get(who)}) has quit (${reason.replace(/^Quit: /, '')})`);
        break;
      }
      case 'part':
        if (irssi) line(ev.t, '-!- ', `${nick(who)} [${userhost.get(who)}] has left ${chan} [${ev.reason.replace(/^Quit: /, '')}]`);
        else line(ev.t, '<--', `${nick(who)} (${userhost.get(who)}) has left ${chan} (${ev.reason.replace(/^Quit: /, '')})`);
        break;
      case 'nick': {
        const base = who.accounts.irc?.handle ?? who.first;
        const next = ev.away ? `${base.slice(0, 11)}_away` : base;
        const prev = nick(who);
        if (prev !== next) {
          if (irssi) line(ev.t, '-!- ', `${prev} is now known as ${next}`);
          else line(ev.t, '--', `${prev} is now known as ${next}`);
          nicks.set(who, next);
        }
        break;
      }
    }
  }
  if (irssi) out.write(`--- Log closed ${irssiStamp(zone.local(lastT + 61_000))}\n`);
  return { records, bytes: out.close() };
}
