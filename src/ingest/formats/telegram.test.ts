// Telegram Desktop JSON: the shared samples' expected parse, a full-account fixture with every
// awkward field, rejects with lines, a broken document, and detection.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discordFormat } from './discord.ts';
import { parseBytes, parseFile, sampleOf, sampleOfText, TESTDATA } from './chat-test-kit.ts';
import { telegramFormat } from './telegram.ts';
import { whatsappFormat } from './whatsapp.ts';

const SAMPLES = join(TESTDATA, 'chat/telegram');

interface Expected {
  timestamp: string;
  author: string;
  message: string;
}

// A full-account export: profile and contacts first (never read), chats, then left chats.
const ACCOUNT = `{
 "about": "Here is the data you requested. Remember: Telegram is ad free.",
 "personal_information": {"user_id": 100, "first_name": "Sam", "last_name": "Rowe", "phone_number": "+1 416 555 0100"},
 "contacts": {"about": "contacts", "list": [{"first_name": "Ava", "last_name": "Green", "phone_number": "+1 416 555 0101", "date": "2024-01-01T10:00:00"}]},
 "chats": {
  "about": "chats",
  "list": [
   {
    "name": "Ava Green",
    "type": "personal_chat",
    "id": 4001,
    "messages": [
     {
      "id": 11,
      "type": "message",
      "date": "2024-03-05T09:58:12",
      "date_unixtime": "1709632692",
      "from": "Ava Green",
      "from_id": "user4001",
      "text": "Are the tomato seedlings ready?",
      "text_entities": [{"type": "plain", "text": "Are the tomato seedlings ready?"}]
     },
     {
      "id": 12,
      "type": "message",
      "date": "2024-03-05T10:01:00",
      "date_unixtime": "1709632860",
      "edited": "2024-03-05T10:02:00",
      "edited_unixtime": "1709632920",
      "from": "Sam Rowe",
      "from_id": "user100",
      "reply_to_message_id": 11,
      "text": ["Call me on ", {"type": "phone", "text": "+1 416 555 0123"}, " or mail ", {"type": "email", "text": "sam.rowe@example.com"}, ", photos at ", {"type": "text_link", "text": "this album", "href": "https://example.org/album"}, " ", {"type": "link", "text": "https://example.net/seeds"}],
      "text_entities": [{"type": "plain", "text": "Call me on "}, {"type": "phone", "text": "+1 416 555 0123"}, {"type": "plain", "text": " or mail "}, {"type": "email", "text": "sam.rowe@example.com"}, {"type": "plain", "text": ", photos at "}, {"type": "text_link", "text": "this album", "href": "https://example.org/album"}, {"type": "plain", "text": " "}, {"type": "link", "text": "https://example.net/seeds"}]
     }
    ]
   },
   {
    "name": "Allotment Club",
    "type": "private_supergroup",
    "id": 4002,
    "messages": [
     {
      "id": 1,
      "type": "service",
      "date": "2024-03-01T08:00:00",
      "date_unixtime": "1709280000",
      "actor": "Sam Rowe",
      "actor_id": "user100",
      "action": "create_group",
      "title": "Allotment Club",
      "members": ["Ava Green", "Ben Ortiz"],
      "text": "",
      "text_entities": []
     },
     {
      "id": 2,
      "type": "service",
      "date": "2024-03-01T08:05:00",
      "date_unixtime": "1709280300",
      "actor": "Sam Rowe",
      "actor_id": "user100",
      "action": "invite_members",
      "members": ["Cleo Park"],
      "text": "",
      "text_entities": []
     },
     {
      "id": 3,
      "type": "message",
      "date": "2024-03-01T08:10:00",
      "date_unixtime": "1709280600",
      "from": "Ben Ortiz",
      "from_id": "user4003",
      "forwarded_from": "Garden Weekly",
      "photo": "photos/photo_1@01-03-2024_08-10-00.jpg",
      "width": 800,
      "height": 600,
      "text": ["Thanks ", {"type": "mention", "text": "@cleo_grows"}, " and ", {"type": "mention_name", "text": "Ava", "user_id": 4001}, "!"],
      "text_entities": [{"type": "plain", "text": "Thanks "}, {"type": "mention", "text": "@cleo_grows"}, {"type": "plain", "text": " and "}, {"type": "mention_name", "text": "Ava", "user_id": 4001}, {"type": "plain", "text": "!"}]
     },
     {
      "id": 4,
      "type": "message",
      "date": "2024-03-01T08:11:00",
      "date_unixtime": "1709280660",
      "from": "Ben Ortiz",
      "from_id": "user4003",
      "file": "(File not included. Change data exporting settings to download.)",
      "file_name": "planting-plan.pdf",
      "media_type": "document",
      "text": "",
      "text_entities": []
     },
     {
      "id": 5,
      "type": "message",
      "date": "2024-03-01T08:12:00",
      "date_unixtime": "1709280720",
      "from": "Cleo Park",
      "from_id": "user4004",
      "contact_information": {"first_name": "Dan", "last_name": "Shed", "phone_number": "+44 20 7946 0123"},
      "text": "",
      "text_entities": []
     },
     {
      "id": 6,
      "type": "message",
      "date": "2024-03-01T08:13:00",
      "from": "Cleo Park",
      "from_id": "user4004",
      "text": "Local time only"
     },
     {
      "id": 7,
      "type": "service",
      "date": "2024-03-01T08:14:00",
      "date_unixtime": "1709280840",
      "actor": "Ava Green",
      "actor_id": "user4001",
      "action": "pin_message",
      "message_id": 3,
      "text": ""
     }
    ]
   }
  ]
 },
 "left_chats": {
  "about": "left",
  "list": [
   {
    "name": "Classic Car Fans",
    "type": "public_channel",
    "id": 4005,
    "messages": [
     {
      "id": 11,
      "type": "message",
      "date": "2023-12-24T18:00:00",
      "date_unixtime": "1703440800",
      "from": "Classic Car Fans",
      "from_id": "channel4005",
      "author": "Editor",
      "text": "Winter tyres: a short guide"
     }
    ]
   }
  ]
 }
}
`;

describe('telegram-json: the shared samples', () => {
  const target = JSON.parse(readFileSync(join(SAMPLES, 'target.json'), 'utf8')) as Expected[];

  for (const file of ['test_single_export.json', 'test_batch_export.json']) {
    it(`${file}: the expected messages, senders, times and texts`, async () => {
      const { records, rejects } = await parseFile(telegramFormat, join(SAMPLES, file));
      expect(rejects).toEqual([]);
      expect(records).toHaveLength(target.length);
      records.forEach((record, i) => {
        const expected = target[i] as Expected;
        expect(record.kind).toBe('message');
        expect(record.sender?.handle).toBe(expected.author);
        expect(record.occurredAt?.toISOString()).toBe(`${expected.timestamp}.000Z`);
        // Telegram's text array is the message cut at entity boundaries, so its parts join with
        // nothing between them; the target (chat-miner) puts a space between parts.
        expect(record.text?.replace(/:(?=\S)/, ': ')).toBe(expected.message);
      });
    });
  }

  it('gives the provenance line of each message object and keeps the room name of the batch export', async () => {
    const single = await parseFile(telegramFormat, join(SAMPLES, 'test_single_export.json'));
    expect(single.records.map((r) => r.line)).toEqual([3, 9]);
    const batch = await parseFile(telegramFormat, join(SAMPLES, 'test_batch_export.json'));
    expect(batch.records.map((r) => r.room?.name)).toEqual(['Chatname', 'Chatname']);
    expect(batch.records[1]?.identifiers).toEqual([{ type: 'url', raw: 'https://telegram.org/', role: 'entity:link' }]);
  });
});

describe('telegram-json: a full-account export', () => {
  it('reads every chat and left chat, never the contacts, with rooms and keys', async () => {
    const { records, rejects } = await parseBytes(telegramFormat, ACCOUNT, '/case/result.json', { timezone: 'America/Toronto' });
    expect(rejects).toEqual([]);
    expect(records.map((r) => r.key)).toEqual(['4001:11', '4001:12', '4002:1', '4002:2', '4002:3', '4002:4', '4002:5', '4002:6', '4002:7', '4005:11']);
    expect(records[0]?.room).toEqual({ platform: 'telegram', name: 'Ava Green', id: 'chat4001', type: 'direct' });
    expect(records[2]?.room).toEqual({ platform: 'telegram', name: 'Allotment Club', id: 'chat4002', type: 'group' });
    expect(records[9]?.room).toEqual({ platform: 'telegram', name: 'Classic Car Fans', id: 'chat4005', type: 'channel' });
    expect(records.some((r) => r.text?.includes('0101'))).toBe(false);
  });

  it('keeps sender, reply, edit and the structured entities of a message', async () => {
    const { records } = await parseBytes(telegramFormat, ACCOUNT, '/case/result.json');
    const reply = records[1];
    expect(reply?.text).toBe('Call me on +1 416 555 0123 or mail sam.rowe@example.com, photos at this album https://example.net/seeds');
    expect(reply?.sender).toEqual({ platform: 'telegram', handle: 'Sam Rowe', id: 'user100', displayName: 'Sam Rowe' });
    expect(reply?.props).toEqual({ platform: 'telegram', room: 'Ava Green', sender: 'Sam Rowe', sender_id: 'user100', reply_to: '11', edited: true });
    expect(reply?.identifiers).toEqual([
      { type: 'phone', raw: '+1 416 555 0123', role: 'entity:phone' },
      { type: 'email', raw: 'sam.rowe@example.com', role: 'entity:email' },
      { type: 'url', raw: 'https://example.org/album', role: 'entity:text_link' },
      { type: 'url', raw: 'https://example.net/seeds', role: 'entity:link' },
    ]);
    expect(reply?.occurredAt?.toISOString()).toBe('2024-03-05T10:01:00.000Z');
    expect(reply?.line).toBe(23);
  });

  it('keeps forwards, attachments, mentions and shared contacts', async () => {
    const { records } = await parseBytes(telegramFormat, ACCOUNT, '/case/result.json');
    const [, , , , photo, document, contact] = records;
    expect(photo?.props).toMatchObject({ forwarded_from: 'Garden Weekly', attachments: ['photos/photo_1@01-03-2024_08-10-00.jpg'] });
    expect(photo?.text).toBe('Thanks @cleo_grows and Ava!');
    expect(photo?.mentions).toEqual([
      { platform: 'telegram', handle: 'cleo_grows' },
      { platform: 'telegram', handle: 'Ava', displayName: 'Ava', id: 'user4001' },
    ]);
    expect(document?.props).toMatchObject({ attachments: ['planting-plan.pdf'], media_type: 'document' });
    expect(document?.text).toBeNull();
    expect(contact?.identifiers).toEqual([{ type: 'phone', raw: '+44 20 7946 0123', role: 'contact:phone' }]);
  });

  it('reads service messages as room events with actor and invited members', async () => {
    const { records } = await parseBytes(telegramFormat, ACCOUNT, '/case/result.json');
    const [created, invited] = [records[2], records[3]];
    expect(created?.kind).toBe('room_event');
    expect(created?.props).toEqual({ platform: 'telegram', room: 'Allotment Club', event: 'create_group', actor: 'Sam Rowe', target: 'Ava Green, Ben Ortiz', title: 'Allotment Club' });
    expect(created?.mentions?.map((m) => m.handle)).toEqual(['Ava Green', 'Ben Ortiz']);
    expect(invited?.props).toMatchObject({ event: 'invite_members', actor: 'Sam Rowe', target: 'Cleo Park' });
    expect(invited?.target).toEqual({ platform: 'telegram', handle: 'Cleo Park' });
    expect(invited?.sender).toEqual({ platform: 'telegram', handle: 'Sam Rowe', id: 'user100', displayName: 'Sam Rowe' });
    expect(records[8]?.props).toMatchObject({ event: 'pin_message', actor: 'Ava Green', message_id: 3 });
  });

  it('reads `date` in the given zone when there is no date_unixtime', async () => {
    const toronto = await parseBytes(telegramFormat, ACCOUNT, '/case/result.json', { timezone: 'America/Toronto' });
    expect(toronto.records[7]?.occurredAt?.toISOString()).toBe('2024-03-01T13:13:00.000Z');
    const utc = await parseBytes(telegramFormat, ACCOUNT, '/case/result.json');
    expect(utc.records[7]?.occurredAt?.toISOString()).toBe('2024-03-01T08:13:00.000Z');
  });

  it('keeps a channel post with the channel as sender and the signature as author', async () => {
    const { records } = await parseBytes(telegramFormat, ACCOUNT, '/case/result.json');
    expect(records[9]?.sender).toEqual({ platform: 'telegram', handle: 'Classic Car Fans', id: 'channel4005', displayName: 'Classic Car Fans' });
    expect(records[9]?.props.author).toBe('Editor');
  });

  it('gives the same records however the bytes are chunked', async () => {
    const whole = await parseBytes(telegramFormat, ACCOUNT, '/case/result.json');
    for (const size of [1, 3, 17, 256]) expect((await parseBytes(telegramFormat, ACCOUNT, '/case/result.json', {}, size)).items).toEqual(whole.items);
  });
});

describe('telegram-json: bad input', () => {
  const chat = (messages: string) => `{\n "name": "Seed Swap",\n "type": "private_group",\n "id": 7,\n "messages": [\n${messages}\n ]\n}\n`;

  it('rejects a message object with wrong types, with its line, and loads the rest', async () => {
    const text = chat([
      '  {"id": 1, "type": "message", "date_unixtime": "1709280000", "from": "Ava", "text": "fine"},',
      '  {"id": 2, "type": "message", "date_unixtime": "1709280060", "from": 42, "text": "from is a number"},',
      '  {"id": 3, "type": "message", "date_unixtime": "soon", "from": "Ava", "text": "bad time"},',
      '  {"id": 4, "type": "message", "date_unixtime": "1709280180", "from": "Ava", "text": {"not": "text"}},',
      '  "not an object",',
      '  {"id": 6, "type": "message", "date": "2024-02-30T10:00:00", "from": "Ava", "text": "no such day"},',
      '  {"id": 7, "type": "message", "date_unixtime": "1709280300", "from": "Ben", "text": "also fine"}',
    ].join('\n'));
    const { records, rejects } = await parseBytes(telegramFormat, text, '/case/result.json');
    expect(records.map((r) => r.key)).toEqual(['7:1', '7:7']);
    expect(rejects.map((r) => r.line)).toEqual([7, 8, 9, 10, 11]);
    expect(rejects[0]?.reason).toMatch(/from/);
    expect(rejects[1]?.reason).toMatch(/date_unixtime/);
    expect(rejects[1]?.raw).toContain('bad time');
  });

  it('keeps the messages before a syntax error, then one reject naming its line, then stops', async () => {
    const text = chat([
      '  {"id": 1, "type": "message", "date_unixtime": "1709280000", "from": "Ava", "text": "one"},',
      '  {"id": 2, "type": "message", "date_unixtime": "1709280060", "from": "Ava", "text": "two"},',
      '  {"id": 3, "type": "message",',
      '   "date_unixtime": "1709280120" "from": "Ava", "text": "three"},',
      '  {"id": 4, "type": "message", "date_unixtime": "1709280180", "from": "Ava", "text": "four"}',
    ].join('\n'));
    const { records, rejects } = await parseBytes(telegramFormat, text, '/case/result.json');
    expect(records.map((r) => r.text)).toEqual(['one', 'two']);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]?.line).toBe(9);
  });

  it('rejects a file cut short after the complete messages', async () => {
    const text = chat('  {"id": 1, "type": "message", "date_unixtime": "1709280000", "from": "Ava", "text": "one"},\n  {"id": 2, "type": "mess');
    const { records, rejects } = await parseBytes(telegramFormat, text.slice(0, text.lastIndexOf('"mess') + 5), '/case/result.json');
    expect(records).toHaveLength(1);
    expect(rejects).toEqual([expect.objectContaining({ line: 7, reason: expect.stringContaining('cut short') })]);
  });
});

describe('telegram-json: detection', () => {
  it('scores the Telegram samples highest and the other chat samples 0', () => {
    for (const file of ['test_single_export.json', 'test_batch_export.json']) {
      const sample = sampleOf(join(SAMPLES, file));
      expect(telegramFormat.detect(sample)).toBeGreaterThan(0.8);
      expect(discordFormat.detect(sample)).toBe(0);
      expect(whatsappFormat.detect(sample)).toBe(0);
    }
    expect(telegramFormat.detect(sampleOfText('result.json', ACCOUNT))).toBeGreaterThan(0.8);
    for (const file of ['whatsapp/test_ddmmyy_24hrs.txt', 'irc/irssi_gardening.log', 'telegram/target.json']) expect(telegramFormat.detect(sampleOf(join(TESTDATA, 'chat', file)))).toBe(0);
  });

  it('recognises a full-account export whose first 64 KiB hold no message', () => {
    const head = `{\n "about": "Here is the data you requested. Remember: Telegram is ad free.",\n "personal_information": {"first_name": "Sam"},\n "contacts": {"list": [${'{"first_name": "Ava"},'.repeat(10)}{}]}`;
    expect(telegramFormat.detect(sampleOfText('result.json', head))).toBeGreaterThan(0.8);
  });
});
