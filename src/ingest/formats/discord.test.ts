// DiscordChatExporter JSON: fixtures written from the exporter's documented layout (a guild
// channel and a DM), system messages, rejects with lines, a broken document, and detection.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBytes, sampleOf, sampleOfText, TESTDATA } from './chat-test-kit.ts';
import { discordFormat } from './discord.ts';
import { telegramFormat } from './telegram.ts';
import { whatsappFormat } from './whatsapp.ts';

const author = (id: string, name: string, discriminator: string, nickname: string) => ({
  id, name, discriminator, nickname, color: null, isBot: false, roles: [], avatarUrl: 'https://cdn.discordapp.com/embed/avatars/0.png',
});
const AVA = author('800000000000000001', 'ava.green', '0000', 'Ava');
const BEN = author('800000000000000002', 'BenO', '1234', 'Ben the Builder');
const CLEO = author('800000000000000003', 'cleo', '0', 'Cleo');

const message = (fields: Record<string, unknown>) => ({
  id: fields.id, type: 'Default', timestampEdited: null, callEndedTimestamp: null, isPinned: false, content: '',
  attachments: [], embeds: [], stickers: [], reactions: [], mentions: [], ...fields,
});

/** Written the way DiscordChatExporter writes: two-space indent, header before messages. */
function exportOf(guild: object, channel: object, messages: object[]): string {
  const head = JSON.stringify({ guild, channel, dateRange: { after: null, before: null }, exportedAt: '2024-04-01T12:00:00.000+00:00' }, null, 2);
  const body = messages.map((m) => `    ${JSON.stringify(m, null, 2).replace(/\n/g, '\n    ')}`).join(',\n');
  return `${head.slice(0, -2)},\n  "messages": [\n${body}\n  ],\n  "messageCount": ${messages.length}\n}\n`;
}

const GUILD = { id: '700000000000000001', name: 'Weekend Gardeners', iconUrl: 'https://cdn.discordapp.com/icons/1/a.png' };
const CHANNEL = { id: '710000000000000001', type: 'GuildTextChat', categoryId: '720000000000000001', category: 'Text Channels', name: 'general', topic: 'Seeds, soil and sunshine' };

const CHANNEL_EXPORT = exportOf(GUILD, CHANNEL, [
  message({ id: '900000000000000001', type: 'GuildMemberJoin', timestamp: '2024-03-01T09:00:00.000+00:00', author: CLEO }),
  message({ id: '900000000000000002', timestamp: '2024-03-01T09:05:00.123+00:00', content: 'Morning! Frost tonight, cover the seedlings.', author: AVA }),
  message({
    id: '900000000000000003', type: 'Reply', timestamp: '2024-03-01T10:06:00.000+01:00', timestampEdited: '2024-03-01T10:07:30.000+01:00',
    content: '<@800000000000000001> thanks, fleece is on', author: BEN,
    mentions: [{ id: '800000000000000001', name: 'ava.green', discriminator: '0000', nickname: 'Ava', isBot: false }],
    reference: { messageId: '900000000000000002', channelId: CHANNEL.id, guildId: GUILD.id },
  }),
  message({
    id: '900000000000000004', timestamp: '2024-03-01T09:10:00.000+00:00', content: 'My raised bed', author: CLEO, isPinned: true,
    attachments: [
      { id: '910000000000000001', url: 'https://cdn.discordapp.com/attachments/710000000000000001/910000000000000001/raised-bed.jpg', fileName: 'raised-bed.jpg', fileSizeBytes: 183422 },
      { id: '910000000000000002', url: 'https://cdn.discordapp.com/attachments/710000000000000001/910000000000000002/plan.pdf', fileName: 'plan.pdf', fileSizeBytes: 5120 },
    ],
    embeds: [{ title: 'Raised beds', url: 'https://example.org/raised-beds', description: 'How to' }],
  }),
  message({ id: '900000000000000005', type: 'ChannelPinnedMessage', timestamp: '2024-03-01T09:11:00.000+00:00', content: 'Pinned a message.', author: AVA, reference: { messageId: '900000000000000004', channelId: CHANNEL.id, guildId: GUILD.id } }),
  message({ id: '900000000000000006', type: 'ThreadCreated', timestamp: '2024-03-01T09:12:00.000+00:00', content: 'Tomato varieties', author: BEN }),
]);

const DM_EXPORT = exportOf(
  { id: '0', name: 'Direct Messages', iconUrl: 'https://cdn.discordapp.com/embed/avatars/0.png' },
  { id: '730000000000000001', type: 'DirectTextChat', categoryId: null, category: 'Private', name: 'BenO', topic: null },
  [
    message({ id: '930000000000000001', timestamp: '2024-03-02T20:00:00.000-05:00', content: 'Still selling the lawnmower?', author: AVA }),
    message({ id: '930000000000000002', type: 'Call', timestamp: '2024-03-02T20:01:00.000-05:00', callEndedTimestamp: '2024-03-02T20:09:00.000-05:00', author: BEN }),
    message({ id: '930000000000000003', type: 'RecipientAdd', timestamp: '2024-03-02T20:10:00.000-05:00', content: 'Added a recipient.', author: BEN, mentions: [{ id: '800000000000000003', name: 'cleo', discriminator: '0', nickname: 'Cleo', isBot: false }] }),
  ],
);

describe('discord-json: a guild channel', () => {
  it('reads every message with its room, key, time and provenance line', async () => {
    const { records, rejects } = await parseBytes(discordFormat, CHANNEL_EXPORT, '/case/Weekend Gardeners - general.json');
    expect(rejects).toEqual([]);
    expect(records.map((r) => r.key)).toEqual(['900000000000000001', '900000000000000002', '900000000000000003', '900000000000000004', '900000000000000005', '900000000000000006']);
    expect(records.map((r) => r.kind)).toEqual(['room_event', 'message', 'message', 'message', 'room_event', 'room_event']);
    expect(records[1]?.room).toEqual({ platform: 'discord', name: '#general', id: '710000000000000001', network: 'Weekend Gardeners', type: 'channel' });
    expect(records[2]?.occurredAt?.toISOString()).toBe('2024-03-01T09:06:00.000Z');
    const lines = CHANNEL_EXPORT.split('\n');
    for (const record of records) expect(lines[(record.line as number) - 1]).toBe('    {');
    expect(lines[records[1]?.line as number]).toContain('"id": "900000000000000002"');
  });

  it('names old-style users with their discriminator and new usernames alone', async () => {
    const { records } = await parseBytes(discordFormat, CHANNEL_EXPORT, '/case/general.json');
    expect(records[1]?.sender).toEqual({ platform: 'discord', handle: 'ava.green', id: '800000000000000001', displayName: 'Ava', network: 'Weekend Gardeners' });
    expect(records[2]?.sender).toEqual({ platform: 'discord', handle: 'BenO#1234', id: '800000000000000002', displayName: 'Ben the Builder', network: 'Weekend Gardeners' });
    expect(records[0]?.sender?.handle).toBe('cleo');
  });

  it('keeps replies, edits, mentions, attachments and embed links', async () => {
    const { records } = await parseBytes(discordFormat, CHANNEL_EXPORT, '/case/general.json');
    const reply = records[2];
    expect(reply?.props).toEqual({ platform: 'discord', room: '#general', sender: 'BenO#1234', sender_id: '800000000000000002', reply_to: '900000000000000002', edited: true });
    expect(reply?.mentions).toEqual([{ platform: 'discord', handle: 'ava.green', id: '800000000000000001', displayName: 'Ava', network: 'Weekend Gardeners' }]);
    expect(reply?.text).toBe('<@800000000000000001> thanks, fleece is on');
    const photo = records[3];
    expect(photo?.props.attachments).toEqual(['raised-bed.jpg', 'plan.pdf']);
    expect(photo?.props.attachment_urls).toEqual([
      'https://cdn.discordapp.com/attachments/710000000000000001/910000000000000001/raised-bed.jpg',
      'https://cdn.discordapp.com/attachments/710000000000000001/910000000000000002/plan.pdf',
    ]);
    expect(photo?.props.pinned).toBe(true);
    expect(photo?.identifiers).toEqual([{ type: 'url', raw: 'https://example.org/raised-beds', role: 'embed:url' }]);
  });

  it('reads system messages as room events named by their type', async () => {
    const { records } = await parseBytes(discordFormat, CHANNEL_EXPORT, '/case/general.json');
    expect(records[0]?.props).toEqual({ platform: 'discord', room: '#general', event: 'guildmemberjoin', actor: 'cleo' });
    expect(records[4]?.props.event).toBe('channelpinnedmessage');
    expect(records[5]?.props.event).toBe('threadcreated');
    expect(records[5]?.text).toBe('Tomato varieties');
  });
});

describe('discord-json: a direct-message export', () => {
  it('reads the DM as a direct room, with calls and added recipients as events', async () => {
    const { records, rejects } = await parseBytes(discordFormat, DM_EXPORT, '/case/Direct Messages - BenO.json');
    expect(rejects).toEqual([]);
    expect(records[0]?.room).toEqual({ platform: 'discord', name: '#BenO', id: '730000000000000001', network: 'Direct Messages', type: 'direct' });
    expect(records[0]?.occurredAt?.toISOString()).toBe('2024-03-03T01:00:00.000Z');
    expect(records[1]?.props).toEqual({ platform: 'discord', room: '#BenO', event: 'call', actor: 'BenO#1234', call_ended_at: '2024-03-02T20:09:00.000-05:00' });
    expect(records[2]?.props).toMatchObject({ event: 'recipientadd', actor: 'BenO#1234', target: 'cleo' });
    expect(records[2]?.target).toMatchObject({ handle: 'cleo', id: '800000000000000003' });
  });
});

describe('discord-json: bad input', () => {
  it('rejects malformed messages with their lines and loads the rest', async () => {
    const text = exportOf(GUILD, CHANNEL, [
      message({ id: '1', timestamp: '2024-03-01T09:00:00+00:00', content: 'fine', author: AVA }),
      message({ id: '2', timestamp: 12, content: 'number timestamp', author: AVA }),
      message({ id: '3', timestamp: '2024-03-01T09:00:00+00:00', content: 'no author' }),
      message({ id: '4', timestamp: 'yesterday', content: 'bad time', author: AVA }),
      message({ id: '5', timestamp: '2024-03-01T09:00:00+00:00', content: 'bad mentions', author: AVA, mentions: 'everyone' }),
      message({ id: '6', timestamp: '2024-03-01T09:01:00+00:00', content: 'also fine', author: BEN }),
    ]);
    const { records, rejects } = await parseBytes(discordFormat, text, '/case/general.json');
    expect(records.map((r) => r.key)).toEqual(['1', '6']);
    const lines = text.split('\n');
    expect(rejects).toHaveLength(4);
    for (const reject of rejects) expect(lines[reject.line]).toMatch(/"id": "[2-5]"/);
    expect(rejects.map((r) => r.reason)).toEqual([
      expect.stringContaining('timestamp'),
      expect.stringContaining('author'),
      expect.stringContaining('yesterday'),
      expect.stringContaining('mentions'),
    ]);
  });

  it('keeps the messages before a syntax error, then one reject naming its line', async () => {
    const good = exportOf(GUILD, CHANNEL, [
      message({ id: '1', timestamp: '2024-03-01T09:00:00+00:00', content: 'one', author: AVA }),
      message({ id: '2', timestamp: '2024-03-01T09:01:00+00:00', content: 'two', author: AVA }),
      message({ id: '3', timestamp: '2024-03-01T09:02:00+00:00', content: 'three', author: AVA }),
    ]);
    const broken = good.replace('"content": "two",', '"content": "two"');
    const { records, rejects } = await parseBytes(discordFormat, broken, '/case/general.json');
    expect(records.map((r) => r.text)).toEqual(['one']);
    expect(rejects).toHaveLength(1);
    const brokenLine = broken.split('\n').findIndex((line) => line.includes('"content": "two"')) + 1;
    expect(rejects[0]?.line).toBe(brokenLine + 1);
  });

  it('gives the same records however the bytes are chunked', async () => {
    const whole = await parseBytes(discordFormat, CHANNEL_EXPORT, '/case/general.json');
    for (const size of [1, 5, 64]) expect((await parseBytes(discordFormat, CHANNEL_EXPORT, '/case/general.json', {}, size)).items).toEqual(whole.items);
  });
});

describe('discord-json: detection', () => {
  it('scores a DiscordChatExporter file highest and the other chat samples 0', () => {
    for (const text of [CHANNEL_EXPORT, DM_EXPORT]) {
      const sample = sampleOfText('general.json', text);
      expect(discordFormat.detect(sample)).toBeGreaterThan(0.9);
      expect(telegramFormat.detect(sample)).toBe(0);
      expect(whatsappFormat.detect(sample)).toBe(0);
    }
    for (const file of ['telegram/test_single_export.json', 'telegram/test_batch_export.json', 'whatsapp/test_ddmmyy_24hrs.txt', 'irc/irssi_gardening.log']) {
      expect(discordFormat.detect(sampleOf(join(TESTDATA, 'chat', file)))).toBe(0);
    }
  });
});
