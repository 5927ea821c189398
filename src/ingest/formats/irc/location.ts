/**
 * Network, room and date as IRC clients encode them in log paths: WeeChat
 * `irc.<network>.<#chan>.weechatlog`, ZNC `<network>/<#chan>/YYYY-MM-DD.log`, HexChat
 * `<network>-<#chan>.log`, irssi and HexChat `<network>/<#chan>.log`, mIRC `#chan.Network.log`.
 */
import { basename, dirname, sep } from 'node:path';
import { isChannelName } from './grammar.ts';

export type IrcLayout = 'irssi' | 'weechat' | 'znc' | 'mirc' | 'hexchat';

export interface PathFacts {
  readonly network?: string;
  /** Channel or, for a query log, the other person's nick. */
  readonly room?: string;
  /** A date written in the file name (ZNC always; others when configured so). */
  readonly date?: { readonly year: number; readonly month: number; readonly day: number };
}

/** Folder names that hold logs but name no network. */
const GENERIC_FOLDERS = new Set(['log', 'logs', 'irclogs', 'moddata', 'irc', 'znc', 'weechat', 'hexchat', 'xchat', 'irssi', 'mirc', 'chat', 'tmp', 'temp', 'home', 'export', 'exports', 'evidence', '.', '', sep]);

/** Investigators often prefix exported files with the client's name (`irssi_gardening.log`). */
const CLIENT_PREFIX = /^(?:irssi|weechat|znc|mirc|hexchat|xchat)[_-]/i;

const DATE_SUFFIX = /[._-]?(\d{4})-?(\d{2})-?(\d{2})$/;

function folderNetwork(folder: string): string | undefined {
  const name = basename(folder);
  return GENERIC_FOLDERS.has(name.toLowerCase()) ? undefined : name;
}

function splitDate(stem: string): { rest: string; date?: PathFacts['date'] } {
  const match = DATE_SUFFIX.exec(stem);
  if (!match) return { rest: stem };
  const [whole, year, month, day] = match;
  const date = { year: Number(year), month: Number(month), day: Number(day) };
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31) return { rest: stem };
  return { rest: stem.slice(0, stem.length - whole.length), date };
}

function stemOf(path: string, extension: RegExp): string {
  return basename(path).replace(extension, '').replace(CLIENT_PREFIX, '');
}

function weechat(path: string): PathFacts {
  const stem = stemOf(path, /\.weechatlog$/i);
  const start = stem.toLowerCase().indexOf('irc.');
  if (start !== -1) {
    const rest = stem.slice(start + 4);
    const channelAt = rest.search(/\.[#&+!]/);
    const split = channelAt !== -1 ? channelAt : rest.indexOf('.');
    if (split > 0) return { network: rest.slice(0, split), room: rest.slice(split + 1) };
    return { network: rest };
  }
  // WeeChat ≥ 3.2 can also write irc/<network>/<#chan>.weechatlog.
  return { network: folderNetwork(dirname(path)), room: stem };
}

function znc(path: string): PathFacts {
  const name = basename(path).replace(/\.log$/i, '');
  const dated = splitDate(name);
  if (dated.rest === '') {
    // <network>/<#chan>/YYYY-MM-DD.log, possibly under networks/<network>/moddata/log/<#chan>/.
    const roomFolder = dirname(path);
    let above = dirname(roomFolder);
    if (basename(above) === 'log' && basename(dirname(above)) === 'moddata') above = dirname(dirname(above));
    return { network: folderNetwork(above), room: basename(roomFolder), date: dated.date };
  }
  // Older ZNC: <network>_<#chan>_YYYYMMDD.log (or <user>_<network>_<#chan>_…).
  const stem = dated.rest.replace(CLIENT_PREFIX, '');
  const channelAt = stem.search(/_[#&+!]/);
  if (channelAt !== -1) {
    const before = stem.slice(0, channelAt);
    const network = before.slice(before.lastIndexOf('_') + 1);
    return { network: network || undefined, room: stem.slice(channelAt + 1), date: dated.date };
  }
  return { room: stem || undefined, date: dated.date, network: folderNetwork(dirname(path)) };
}

function hexchat(path: string): PathFacts {
  const stem = stemOf(path, /\.(?:log|txt)$/i);
  const channelAt = stem.search(/-[#&+!]/);
  if (channelAt > 0) return { network: stem.slice(0, channelAt), room: stem.slice(channelAt + 1) };
  return { network: folderNetwork(dirname(path)), room: stem || undefined };
}

function mirc(path: string): PathFacts {
  const dated = splitDate(stemOf(path, /\.(?:log|txt)$/i));
  const stem = dated.rest;
  // #chan.Network[.date] when mIRC's "include network" option is on.
  const dot = isChannelName(stem) ? stem.indexOf('.') : -1;
  if (dot > 1) return { room: stem.slice(0, dot), network: stem.slice(dot + 1) || undefined, date: dated.date };
  return { room: stem || undefined, date: dated.date };
}

function irssi(path: string): PathFacts {
  const dated = splitDate(stemOf(path, /\.(?:log|txt)$/i));
  return { network: folderNetwork(dirname(path)), room: dated.rest || undefined, date: dated.date };
}

/** What the path says about the log, read the way `layout` names its files. */
export function pathFacts(path: string, layout: IrcLayout): PathFacts {
  switch (layout) {
    case 'weechat':
      return weechat(path);
    case 'znc':
      return znc(path);
    case 'hexchat':
      return hexchat(path);
    case 'mirc':
      return mirc(path);
    case 'irssi':
      return irssi(path);
  }
}
