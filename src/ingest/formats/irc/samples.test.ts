// The shared IRC samples: each client layout yields the same conversation, with the right
// senders, times, texts, room events, line numbers and byte offsets.
import { openSync, readSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../types.ts';
import { IRC_FORMATS } from './index.ts';
import { IRC_SAMPLES, parseFile, sampleOf, type Parsed } from './testkit.ts';

interface Expected {
  messages: { date: string; time: string; nick: string; kind: 'message' | 'action'; text: string }[];
  events: { date: string; time: string; kind: string; nick: string; userhost?: string; new_nick?: string; reason?: string }[];
}
const expected = JSON.parse(readFileSync(join(IRC_SAMPLES, 'expected_messages.json'), 'utf8')) as Expected;

const SAMPLES = [
  { format: 'irc-irssi', files: ['irssi_gardening.log'], seconds: false, network: undefined },
  { format: 'irc-weechat', files: ['weechat_irc.libera.#gardening.weechatlog'], seconds: true, network: 'libera' },
  { format: 'irc-znc', files: ['znc/#gardening/2024-03-05.log', 'znc/#gardening/2024-03-06.log'], seconds: true, network: undefined },
  { format: 'irc-mirc', files: ['mirc_#gardening.log'], seconds: false, network: undefined },
  { format: 'irc-hexchat', files: ['hexchat_libera-#gardening.log'], seconds: true, network: 'libera' },
] as const;

async function parseSample(formatName: string, files: readonly string[], timezone?: string): Promise<Parsed & { byFile: CanonicalRecord[][] }> {
  const parsed = await Promise.all(files.map((file) => parseFile(formatName, join(IRC_SAMPLES, file), timezone ? { timezone } : {})));
  return {
    items: parsed.flatMap((one) => one.items),
    records: parsed.flatMap((one) => one.records),
    rejects: parsed.flatMap((one) => one.rejects),
    byFile: parsed.map((one) => one.records),
  };
}

/** The expected UTC instant of a local wall-clock time, at the sample's precision. */
function instant(date: string, time: string, seconds: boolean): string {
  const shown = seconds ? time : `${time.slice(0, 5)}:00`;
  return `${date}T${shown}.000Z`;
}

function readBytes(path: string, offset: number, length: number): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

describe.each(SAMPLES)('$format sample', ({ format: formatName, files, seconds, network }) => {
  it('yields exactly the expected messages, in UTC', async () => {
    const { records, rejects } = await parseSample(formatName, files);
    expect(rejects).toEqual([]);
    const messages = records.filter((record) => record.kind === 'message');
    expect(
      messages.map((record) => ({
        nick: record.sender?.handle,
        at: record.occurredAt?.toISOString(),
        text: record.text,
        action: record.props.action === true,
      })),
    ).toEqual(
      expected.messages.map((message) => ({
        nick: message.nick,
        at: instant(message.date, message.time, seconds),
        text: message.text,
        action: message.kind === 'action',
      })),
    );
    for (const message of messages) {
      expect(message.props).toMatchObject({ platform: 'irc', room: '#gardening' });
      expect(message.room).toEqual({ platform: 'irc', name: '#gardening', type: 'channel', ...(network ? { network } : {}) });
      expect(message.sender?.network).toBe(network);
    }
  });

  it('shifts times by the given zone', async () => {
    const { records } = await parseSample(formatName, files, 'America/Toronto');
    const first = records.find((record) => record.kind === 'message');
    // 10:01 in Toronto on 5 March 2024 (EST, UTC−5).
    expect(first?.occurredAt?.toISOString()).toBe(seconds ? '2024-03-05T15:01:03.000Z' : '2024-03-05T15:01:00.000Z');
    const last = records.filter((record) => record.kind === 'message').at(-1);
    expect(last?.occurredAt?.toISOString()).toBe(seconds ? '2024-03-06T05:15:44.000Z' : '2024-03-06T05:15:00.000Z');
  });

  it('yields joins, quits and nick changes as room events with their actors', async () => {
    const { records } = await parseSample(formatName, files);
    const events = records.filter((record) => record.kind === 'room_event');
    for (const want of expected.events) {
      const found = events.find((event) => event.props.event === want.kind && event.props.actor === want.nick);
      expect(found, `${want.kind} by ${want.nick}`).toBeDefined();
      expect(found?.occurredAt?.toISOString()).toBe(instant(want.date, want.time, seconds));
      expect(found?.sender?.handle).toBe(want.nick);
      if (want.userhost) expect(found?.sender?.userHost).toBe(want.userhost);
      if (want.reason) expect(found?.props.reason).toBe(want.reason);
      if (want.new_nick) {
        expect(found?.target?.handle).toBe(want.new_nick);
        expect(found?.props.target).toBe(want.new_nick);
      }
    }
    const mode = events.find((event) => event.props.event === 'mode');
    if (formatName !== 'irc-hexchat') expect(mode).toMatchObject({ sender: { handle: 'bob' }, text: '+o alice' });
  });

  it('points line numbers and byte offsets at the record', async () => {
    const { byFile } = await parseSample(formatName, files);
    files.forEach((file, index) => {
      const path = join(IRC_SAMPLES, file);
      const lines = readFileSync(path, 'utf8').split('\n');
      for (const record of byFile[index] ?? []) {
        const line = (lines[(record.line ?? 0) - 1] ?? '').replace(/\r$/, '');
        expect(line.length).toBeGreaterThan(0);
        expect(readBytes(path, record.byteOffset ?? -1, Buffer.byteLength(line))).toBe(line);
        if (record.text) expect(line).toContain(record.text);
        if (record.sender) expect(line).toContain(record.sender.handle);
      }
    });
  });

  it('is detected as its own layout, above the other four', () => {
    for (const file of files) {
      const path = join(IRC_SAMPLES, file);
      const sample = sampleOf(path, readFileSync(path, 'utf8'));
      const scores = IRC_FORMATS.map((candidate) => ({ name: candidate.name, score: candidate.detect(sample) }));
      const own = scores.find((score) => score.name === formatName)?.score ?? 0;
      expect(own, JSON.stringify(scores)).toBeGreaterThan(0.5);
      for (const other of scores) if (other.name !== formatName) expect(other.score, JSON.stringify(scores)).toBeLessThan(own);
    }
  });
});

describe('detection of other files', () => {
  const others = {
    'notes.txt': 'Shopping list\nTomato seedlings\n10:30 meeting with the allotment committee\n',
    'cards.csv': 'id,name,amount\n1,Ann Example,12.50\n2,Bob Example,3.99\n',
    'export.json': '{"messages": [{"from": "alice", "text": "hello"}]}\n',
    'empty.log': '',
  };
  it.each(Object.entries(others))('%s is claimed by no IRC layout', (name, text) => {
    for (const candidate of IRC_FORMATS) expect(candidate.detect(sampleOf(`/tmp/${name}`, text))).toBe(0);
  });
});
