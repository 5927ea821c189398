// WhatsApp .txt exports: the five sample layouts against the expected parse, the twelve header
// variants, fixtures for each phone locale and awkward line, day/month inference, rejects, detection.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discordFormat } from './discord.ts';
import { parseBytes, parseFile, sampleOf, sampleOfText, TESTDATA } from './chat-test-kit.ts';
import { telegramFormat } from './telegram.ts';
import { roomNameFromPath, whatsappFormat } from './whatsapp.ts';

const SAMPLES = join(TESTDATA, 'chat/whatsapp');
const LAYOUTS = ['test_[mmddyy]_24hrs.txt', 'test_ddmmyy_24hrs.txt', 'test_mmddyy_24hrs.txt', 'test_mmddyyyy_12hrs.txt', 'test_yyyymmdd_24hrs.txt'];

interface Expected {
  timestamp: string;
  author: string;
  message: string;
}

describe('whatsapp-txt: the shared samples', () => {
  const target = JSON.parse(readFileSync(join(SAMPLES, 'target.json'), 'utf8')) as Expected[];

  for (const file of LAYOUTS) {
    it(`${file}: the expected messages, authors, times and texts`, async () => {
      const { records, rejects } = await parseFile(whatsappFormat, join(SAMPLES, file));
      expect(rejects).toEqual([]);
      const messages = records.filter((r) => r.kind === 'message').reverse();
      expect(
        messages.map((r) => ({ timestamp: r.occurredAt?.toISOString().slice(0, 19), author: r.sender?.handle, message: r.text?.replace(/\n/g, ' ') })),
      ).toEqual(target);
      // The system lines (and 'John Doe:.' with no space after the colon) are room events.
      expect(records.filter((r) => r.kind === 'room_event').map((r) => r.line)).toEqual([2, 6, 7]);
      expect(records.find((r) => r.line === 3)?.text).toBe('Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero.');
    });
  }

  it('format_variants.txt: each of the twelve header variants gives author a, message m', async () => {
    const lines = readFileSync(join(SAMPLES, 'format_variants.txt'), 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(12);
    for (const line of lines) {
      const { records, rejects } = await parseBytes(whatsappFormat, `${line}\n`, '/case/variants.txt');
      expect({ line, rejects, count: records.length }).toEqual({ line, rejects: [], count: 1 });
      expect({ line, author: records[0]?.sender?.handle, text: records[0]?.text }).toEqual({ line, author: 'a', text: 'm' });
      expect(records[0]?.occurredAt?.getUTCFullYear()).toBe(2018);
      // Alone, '3/6/18' is ambiguous (and read month-first for a 12-hour clock): check only the clock.
      expect(['13:55', '21:25']).toContain(records[0]?.occurredAt?.toISOString().slice(11, 16));
    }
  });

  it('format_variants.txt as one file: times of the unambiguous lines', async () => {
    const { records } = await parseFile(whatsappFormat, join(SAMPLES, 'format_variants.txt'));
    // In a file whose headers end in ' - ', the Croatian line (header and body parted by a bare
    // space) is taken for a message line that happens to start with a date.
    expect(records).toHaveLength(11);
    expect(records[4]?.text).toBe('m\n13. 6. 2018. 21:25:15 a: m');
    expect(records[2]?.occurredAt?.toISOString()).toBe('2018-06-13T21:25:15.000Z');
    expect(records[3]?.occurredAt?.toISOString()).toBe('2018-06-13T21:25:15.000Z');
    expect(records[10]?.occurredAt?.toISOString().slice(11, 16)).toBe('13:55');
  });
});

const NARROW = '\u202f';
const US_EXPORT = [
  `1/5/25, 9:00${NARROW}AM - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.`,
  `1/5/25, 9:00${NARROW}AM - Ava Green created group "Allotment Club"`,
  `1/5/25, 9:01${NARROW}AM - Ava Green added \u202a+1 416 555 0123\u202c`,
  `1/5/25, 9:05${NARROW}AM - \u202a+1 416 555 0123\u202c: Hi all, I'm Ben`,
  `1/5/25, 12:30${NARROW}PM - Ava Green: Planting list:`,
  '- tomatoes',
  '',
  '- beans: runner and broad',
  `1/5/25, 12:31${NARROW}AM - Cleo & Dan 🌱: <Media omitted>`,
  `1/5/25, 1:02${NARROW}PM - Dr. E. Fox: IMG-20250105-WA0001.jpg (file attached)`,
  'the shed roof',
  `1/5/25, 1:03${NARROW}PM - Ava Green: See you Saturday <This message was edited>`,
  `1/5/25, 1:04${NARROW}PM - Ava Green changed the subject from "Allotment" to "Allotment: 2025"`,
  `1/5/25, 1:05${NARROW}PM - Cleo & Dan 🌱 left`,
  `1/5/25, 1:06${NARROW}PM - You were added`,
].join('\n');

describe('whatsapp-txt: an en-US export (12 h, narrow no-break space)', () => {
  it('reads messages, continuation lines and system lines with room and keys', async () => {
    const { records, rejects } = await parseBytes(whatsappFormat, US_EXPORT, '/case/WhatsApp Chat with Allotment Club.txt');
    expect(rejects).toEqual([]);
    expect(records.map((r) => `${r.kind}:${r.key}`)).toEqual([
      'room_event:line:1', 'room_event:line:2', 'room_event:line:3', 'message:line:4', 'message:line:5', 'message:line:9',
      'message:line:10', 'message:line:12', 'room_event:line:13', 'room_event:line:14', 'room_event:line:15',
    ]);
    expect(records[4]?.text).toBe('Planting list:\n- tomatoes\n\n- beans: runner and broad');
    expect(records[4]?.room).toEqual({ platform: 'whatsapp', name: 'Allotment Club' });
    expect(records[4]?.props).toEqual({ platform: 'whatsapp', room: 'Allotment Club', sender: 'Ava Green', date_order: 'month-day' });
    expect(records[4]?.occurredAt?.toISOString()).toBe('2025-01-05T12:30:00.000Z');
    expect(records[5]?.occurredAt?.toISOString()).toBe('2025-01-05T00:31:00.000Z');
  });

  it('gives phone-number authors a phone identifier, and keeps names with emoji, & and dots', async () => {
    const { records } = await parseBytes(whatsappFormat, US_EXPORT, '/case/WhatsApp Chat with Allotment Club.txt');
    expect(records[3]?.sender).toEqual({ platform: 'whatsapp', handle: '+1 416 555 0123' });
    expect(records[3]?.identifiers).toEqual([{ type: 'phone', raw: '+1 416 555 0123', role: 'sender' }]);
    expect(records[3]?.text).toBe("Hi all, I'm Ben");
    expect(records[5]?.sender?.handle).toBe('Cleo & Dan 🌱');
    expect(records[6]?.sender?.handle).toBe('Dr. E. Fox');
    expect(records[5]?.identifiers).toBeUndefined();
  });

  it('keeps media placeholders and attached files as attachments, and marks edits', async () => {
    const { records } = await parseBytes(whatsappFormat, US_EXPORT, '/case/WhatsApp Chat with Allotment Club.txt');
    expect(records[5]?.props.attachments).toEqual(['<Media omitted>']);
    expect(records[6]?.props.attachments).toEqual(['IMG-20250105-WA0001.jpg']);
    expect(records[6]?.text).toBe('IMG-20250105-WA0001.jpg (file attached)\nthe shed roof');
    expect(records[7]?.props.edited).toBe(true);
  });

  it('names the actor and target of system lines; a quoted subject is no author', async () => {
    const { records } = await parseBytes(whatsappFormat, US_EXPORT, '/case/WhatsApp Chat with Allotment Club.txt');
    expect(records[0]?.props).toEqual({ platform: 'whatsapp', room: 'Allotment Club', event: 'system', date_order: 'month-day' });
    expect(records[1]?.props.actor).toBe('Ava Green');
    expect(records[2]?.props).toMatchObject({ actor: 'Ava Green', target: '+1 416 555 0123' });
    expect(records[8]?.props).toMatchObject({ event: 'system', actor: 'Ava Green' });
    expect(records[8]?.text).toBe('Ava Green changed the subject from "Allotment" to "Allotment: 2025"');
    expect(records[9]?.props.actor).toBe('Cleo & Dan 🌱');
    expect(records[10]?.props).toMatchObject({ target: 'You' });
    expect(records[10]?.props.actor).toBeUndefined();
  });

  it('reads times in the given zone, across a DST change', async () => {
    const text = '3/8/25, 11:30 PM - Ava: before\n3/9/25, 3:30 AM - Ava: after\n7/1/25, 12:00 PM - Ava: summer';
    const { records } = await parseBytes(whatsappFormat, text, '/case/WhatsApp Chat with Ava.txt', { timezone: 'America/Toronto' });
    expect(records.map((r) => r.occurredAt?.toISOString())).toEqual(['2025-03-09T04:30:00.000Z', '2025-03-09T07:30:00.000Z', '2025-07-01T16:00:00.000Z']);
  });
});

describe('whatsapp-txt: en-GB, de-DE and iOS exports', () => {
  it('en-GB 24 h: infers day-first from a later line', async () => {
    const text = ['05/01/2025, 09:00 - Ava: early', '06/01/2025, 21:05 - Ben: late', '31/01/2025, 21:05 - Ava: end of month'].join('\n');
    const { records } = await parseBytes(whatsappFormat, text, '/case/WhatsApp Chat - Seed Swap.txt');
    expect(records.map((r) => r.occurredAt?.toISOString())).toEqual(['2025-01-05T09:00:00.000Z', '2025-01-06T21:05:00.000Z', '2025-01-31T21:05:00.000Z']);
    expect(records[0]?.room?.name).toBe('Seed Swap');
    expect(records[0]?.props.date_order).toBe('day-month');
  });

  it('de-DE: two-digit years, German system lines and media placeholder', async () => {
    const text = [
      '31.01.25, 21:05 - Ava Grün hat die Gruppe „Gartenfreunde“ erstellt',
      '31.01.25, 21:06 - Ava Grün hat Ben Ort hinzugefügt',
      '31.01.25, 21:07 - Ben Ort: Hallo zusammen',
      '01.02.25, 08:15 - Ben Ort: <Medien ausgeschlossen>',
      '01.02.25, 08:20 - Ben Ort hat die Gruppe verlassen',
    ].join('\n');
    const { records, rejects } = await parseBytes(whatsappFormat, text, '/case/WhatsApp-Chat mit Gartenfreunde.txt');
    expect(rejects).toEqual([]);
    expect(records.map((r) => r.kind)).toEqual(['room_event', 'room_event', 'message', 'message', 'room_event']);
    expect(records[0]?.room?.name).toBe('Gartenfreunde');
    expect(records[1]?.props).toMatchObject({ actor: 'Ava Grün', target: 'Ben Ort' });
    expect(records[2]?.occurredAt?.toISOString()).toBe('2025-01-31T21:07:00.000Z');
    expect(records[3]?.props.attachments).toEqual(['<Medien ausgeschlossen>']);
    expect(records[4]?.props.actor).toBe('Ben Ort');
  });

  it('iOS brackets with seconds: system lines in the group name, attached files, omitted media', async () => {
    const text = [
      '\u200e[31.01.25, 21:05:12] Garden Club: \u200eMessages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.',
      '[31.01.25, 21:05:12] Garden Club: \u200eAva Green added Ben Ortiz',
      '[31.01.25, 21:06:40] Ava Green: Welcome!',
      '\u200e[31.01.25, 21:07:02] Ben Ortiz: \u200e<attached: 00000012-PHOTO-2025-01-31-21-07-02.jpg>',
      '[31.01.25, 21:07:30] Ben Ortiz: \u200eimage omitted',
      '[01.02.25, 07:00:00] ~\u202fCleo Park: Good morning',
    ].join('\r\n');
    const { records, rejects } = await parseBytes(whatsappFormat, text, '/case/WhatsApp Chat - Garden Club/_chat.txt');
    expect(rejects).toEqual([]);
    expect(records.map((r) => r.kind)).toEqual(['room_event', 'room_event', 'message', 'message', 'message', 'message']);
    expect(records[0]?.room?.name).toBe('Garden Club');
    expect(records[1]?.props).toMatchObject({ actor: 'Ava Green', target: 'Ben Ortiz' });
    expect(records[2]?.occurredAt?.toISOString()).toBe('2025-01-31T21:06:40.000Z');
    expect(records[3]?.props.attachments).toEqual(['00000012-PHOTO-2025-01-31-21-07-02.jpg']);
    expect(records[4]?.props.attachments).toEqual(['image omitted']);
    expect(records[5]?.sender?.handle).toBe('Cleo Park');
  });
});

describe('whatsapp-txt: message lines that start with a date', () => {
  it('keeps a pasted schedule line inside its message', async () => {
    const text = '01/02/2025, 10:00 - Ava: Plan for the plot:\n15.02.2025 09:00 dig the beds\n16.02.2025 10:30 sow beans\n01/02/2025, 10:05 - Ben: ok';
    const { records } = await parseBytes(whatsappFormat, text, '/case/chat.txt');
    expect(records.map((r) => r.text)).toEqual(['Plan for the plot:\n15.02.2025 09:00 dig the beds\n16.02.2025 10:30 sow beans', 'ok']);
  });
});

describe('whatsapp-txt: day/month order when no day is above 12', () => {
  const ambiguous24 = '05/01/2025, 09:00 - Ava: one\n06/01/2025, 10:00 - Ava: two';
  const ambiguous12 = '05/01/2025, 9:00 AM - Ava: one\n06/01/2025, 10:00 AM - Ava: two';

  it('follows the locale hint', async () => {
    const us = await parseBytes(whatsappFormat, ambiguous24, '/case/chat.txt', { locale: 'en-US' });
    expect(us.records[0]?.occurredAt?.toISOString()).toBe('2025-05-01T09:00:00.000Z');
    const gb = await parseBytes(whatsappFormat, ambiguous12, '/case/chat.txt', { locale: 'en-GB' });
    expect(gb.records[0]?.occurredAt?.toISOString()).toBe('2025-01-05T09:00:00.000Z');
  });

  it('without a hint: month first for 12-hour clocks, day first otherwise', async () => {
    expect((await parseBytes(whatsappFormat, ambiguous12, '/case/chat.txt')).records[0]?.occurredAt?.toISOString()).toBe('2025-05-01T09:00:00.000Z');
    expect((await parseBytes(whatsappFormat, ambiguous24, '/case/chat.txt')).records[0]?.occurredAt?.toISOString()).toBe('2025-01-05T09:00:00.000Z');
  });

  it('a decisive day beyond the 2,000-line pre-scan does not change the order already used', async () => {
    const lines = Array.from({ length: 2100 }, (_, i) => `0${1 + (i % 9)}/01/2025, 10:00 - Ava: line ${i}`);
    lines.push('25/01/2025, 10:00 - Ava: decisive but late');
    const { records } = await parseBytes(whatsappFormat, lines.join('\n'), '/case/chat.txt', { locale: 'en-US' });
    expect(records[0]?.occurredAt?.toISOString()).toBe('2025-01-01T10:00:00.000Z');
    // The contradicting line is still read the only way it can be.
    expect(records.at(-1)?.occurredAt?.toISOString()).toBe('2025-01-25T10:00:00.000Z');
  });
});

describe('whatsapp-txt: room names from file names', () => {
  it('takes the chat name from the export file or its folder', () => {
    expect(roomNameFromPath('/x/WhatsApp Chat with Allotment Club.txt')).toBe('Allotment Club');
    expect(roomNameFromPath('/x/WhatsApp Chat - Allotment Club.txt')).toBe('Allotment Club');
    expect(roomNameFromPath('/x/WhatsApp-Chat mit Gartenfreunde.txt')).toBe('Gartenfreunde');
    expect(roomNameFromPath('/x/WhatsApp Chat - Garden Club/_chat.txt')).toBe('Garden Club');
    expect(roomNameFromPath('/x/seized/phone-7.txt')).toBe('phone-7');
  });
});

describe('whatsapp-txt: bad lines', () => {
  it('rejects text before the first header and impossible dates, with line numbers, and loads the rest', async () => {
    const text = ['garbage at the top', '', '01/02/2025, 10:00 - Ava: fine', '31/02/2025, 10:00 - Ava: no such day', 'its continuation', '02/02/2025, 10:00 - Ben: fine too'].join('\n');
    const { records, rejects } = await parseBytes(whatsappFormat, text, '/case/chat.txt');
    expect(records.map((r) => r.line)).toEqual([3, 6]);
    expect(rejects.map((r) => [r.line, r.raw])).toEqual([
      [1, 'garbage at the top'],
      [4, '31/02/2025, 10:00 - Ava: no such day'],
      [5, 'its continuation'],
    ]);
  });

  it('cuts one enormous message instead of holding it all', async () => {
    const text = `01/02/2025, 10:00 - Ava: start\n${'continuation line of a runaway message\n'.repeat(40_000)}02/02/2025, 10:00 - Ben: next`;
    const { records } = await parseBytes(whatsappFormat, text, '/case/chat.txt');
    expect(records).toHaveLength(2);
    expect(records[0]?.props.truncated).toBe(true);
    expect(records[0]?.text?.length).toBeLessThanOrEqual(1 << 20);
    expect(records[1]?.line).toBe(40_002);
  });
});

describe('whatsapp-txt: detection', () => {
  it('scores every sample layout highest and the other chat samples 0', () => {
    for (const file of [...LAYOUTS, 'format_variants.txt']) {
      const sample = sampleOf(join(SAMPLES, file));
      expect(whatsappFormat.detect(sample)).toBeGreaterThan(0.8);
      expect(telegramFormat.detect(sample)).toBe(0);
      expect(discordFormat.detect(sample)).toBe(0);
    }
    expect(whatsappFormat.detect(sampleOfText('WhatsApp Chat with Allotment Club.txt', US_EXPORT))).toBeGreaterThan(0.9);
  });

  it('scores IRC logs and JSON exports 0', () => {
    const files = ['irc/irssi_gardening.log', 'irc/hexchat_libera-#gardening.log', 'irc/mirc_#gardening.log', 'irc/weechat_irc.libera.#gardening.weechatlog', 'telegram/test_single_export.json'];
    for (const file of files) expect([file, whatsappFormat.detect(sampleOf(join(TESTDATA, 'chat', file)))]).toEqual([file, 0]);
  });
});
