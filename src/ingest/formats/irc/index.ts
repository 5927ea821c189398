/**
 * @module ingest/formats/irc — IRC log parsers for irssi, WeeChat, ZNC, mIRC and HexChat layouts,
 * sharing one line grammar (`nick!user@host`, mode prefixes) and one date tracker.
 */
import type { SourceFormat } from '../../types.ts';
import { ircHexchat } from './hexchat.ts';
import { ircIrssi } from './irssi.ts';
import { ircMirc } from './mirc.ts';
import { ircWeechat } from './weechat.ts';
import { ircZnc } from './znc.ts';

export const IRC_FORMATS: readonly SourceFormat[] = [ircIrssi, ircWeechat, ircZnc, ircMirc, ircHexchat];

export { splitMask, stripModePrefix, type MaskParts } from './grammar.ts';
