// DiscordChatExporter JSON of one channel, streamed: guild/channel header, each message, then
// messageCount. exportedAt comes from the room's own time span so reruns are byte-identical.
import { BufWriter } from '../writer.ts';
import { snowflake } from '../ids.ts';
import type { Person } from '../people.ts';
import type { RoomScript } from './script.ts';
import type { WriteStats } from './irc.ts';

const DAY = 86_400_000;

function iso(t: number): string {
  return new Date(t).toISOString().replace('Z', '+00:00');
}

function indent(obj: unknown): string {
  return `    ${JSON.stringify(obj, null, 2).replace(/\n/g, '\n    ')}`;
}

export function writeDiscord(file: string, script: RoomScript, sizes: ReadonlyMap<string, number>, channelId: string, guildId: string, guildName: string, channelName: string): WriteStats {
  const { room, rng } = script;
  const out = new BufWriter(file);
  const author = (p: Person): Record<string, unknown> => {
    const a = p.accounts.discord;
    return {
      id: a?.id ?? '0', name: a?.handle ?? p.first, discriminator: a?.discriminator ?? '0000', nickname: a?.nickname ?? p.first,
      color: null, isBot: false, roles: [], avatarUrl: `https://cdn.discordapp.com/embed/avatars/${Number(BigInt(a?.id ?? '0') % 5n)}.png`,
    };
  };
  const header = {
    guild: { id: guildId, name: guildName, iconUrl: 'https://cdn.discordapp.com/embed/avatars/0.png' },
    channel: { id: channelId, type: 'GuildTextChat', categoryId: snowflake(room.start - 40 * DAY, rng), category: 'Text Channels', name: channelName, topic: room.topic },
    dateRange: { after: null, before: null },
    exportedAt: iso(room.start + 2 * room.span + 30 * DAY),
  };
  const head = JSON.stringify(header, null, 2);
  out.write(`${head.slice(0, head.length - 2)},\n  "messages": [\n`);
  const recent: string[] = [];
  let count = 0;
  for (let ev = script.next(); ev; ev = script.next()) {
    if (ev.kind !== 'msg' && ev.kind !== 'action') continue;
    const id = snowflake(ev.t, rng);
    let content = ev.kind === 'action' ? `_${ev.text}_` : ev.text;
    const mentions: Record<string, unknown>[] = [];
    let reference: Record<string, unknown> | undefined;
    const attachments: Record<string, unknown>[] = [];
    if (ev.kind === 'msg') {
      if (ev.to) {
        const a = author(ev.to);
        content = `<@${String(a.id)}> ${content}`;
        mentions.push({ id: a.id, name: a.name, discriminator: a.discriminator, nickname: a.nickname, isBot: false });
      }
      const back = ev.replyBack ? recent[recent.length - ev.replyBack] : undefined;
      if (back) reference = { messageId: back, channelId, guildId };
      if (ev.media) {
        attachments.push({
          id: snowflake(ev.t, rng), url: `https://cdn.discordapp.com/attachments/${channelId}/${id}/${ev.media.fileName}`,
          fileName: ev.media.fileName, fileSizeBytes: sizes.get(ev.media.path) ?? 0,
        });
      }
    }
    const msg: Record<string, unknown> = {
      id, type: reference ? 'Reply' : 'Default', timestamp: iso(ev.t), timestampEdited: null, callEndedTimestamp: null,
      isPinned: false, content, author: author(ev.who), attachments, embeds: [], stickers: [], reactions: [], mentions,
    };
    if (reference) msg.reference = reference;
    out.write(count === 0 ? indent(msg) : `,\n${indent(msg)}`);
    count++;
    recent.push(id);
    if (recent.length > 8) recent.shift();
  }
  out.write(`\n  ],\n  "messageCount": ${count}\n}\n`);
  return { records: count, bytes: out.close() };
}
