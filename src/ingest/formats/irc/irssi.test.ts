// irssi layout from its documented defaults: day-change lines across midnight, events,
// query logs, dates from the file name, and malformed lines that become rejects.
import { describe, expect, it } from 'vitest';
import { parseBytes } from './testkit.ts';

const iso = (date: Date | null | undefined): string | undefined => date?.toISOString();

describe('irssi', () => {
  it('moves to the next day on --- Day changed, with or without a year', async () => {
    const log = [
      '--- Log opened Sat Dec 30 23:50:00 2023',
      '23:58 < alice> last one of the day',
      '--- Day changed Sun Dec 31 2023',
      '00:02 <+bob> just after midnight',
      '23:59:30 < alice> seconds precision too',
      '--- Day changed Mon Jan 01',
      '00:00:10 < alice> happy new year',
      '--- Log closed Mon Jan 01 00:01:00 2024',
    ].join('\n');
    const { records, rejects } = await parseBytes('irc-irssi', '/logs/libera/#weather.log', log);
    expect(rejects).toEqual([]);
    expect(records.map((record) => [record.sender?.handle, iso(record.occurredAt)])).toEqual([
      ['alice', '2023-12-30T23:58:00.000Z'],
      ['bob', '2023-12-31T00:02:00.000Z'],
      ['alice', '2023-12-31T23:59:30.000Z'],
      ['alice', '2024-01-01T00:00:10.000Z'],
    ]);
    expect(records[0]?.room).toEqual({ platform: 'irc', name: '#weather', network: 'libera', type: 'channel' });
  });

  it('applies the zone per line, across a DST change', async () => {
    const log = ['--- Log opened Sun Mar 10 01:00:00 2024', '01:30 < alice> before', '03:30 < alice> after'].join('\n');
    const { records } = await parseBytes('irc-irssi', '/logs/#c.log', log, { timezone: 'America/Chicago' });
    expect(records.map((record) => iso(record.occurredAt))).toEqual(['2024-03-10T07:30:00.000Z', '2024-03-10T08:30:00.000Z']);
  });

  it('reads parts, kicks, topics, modes and nick changes', async () => {
    const log = [
      '--- Log opened Tue Mar 05 09:00:00 2024',
      '09:01 -!- erin [erin@198.51.100.4] has left #cars [off to the garage]',
      '09:02 -!- frank was kicked from #cars by @gail [spam]',
      '09:03 -!- gail changed the topic of #cars to: Classic cars: share your restorations',
      '09:04 -!- ServerMode/#cars [+nt] by irc.example.net',
      "09:05 -!- You're now known as helper",
      '09:06 -!- Irssi: Join to #cars was synced in 1 secs',
      '09:07 -!- Netsplit irc.example.net <-> hub.example.net quits: ivan',
      '09:08 -gail(gail@203.0.113.9)- private reminder',
    ].join('\n');
    const { records, rejects } = await parseBytes('irc-irssi', '/logs/oftc/#cars.log', log);
    expect(rejects).toEqual([]);
    expect(records.map((record) => [record.props.event, record.sender?.handle, record.target?.handle, record.props.reason, record.text])).toEqual([
      ['part', 'erin', undefined, 'off to the garage', null],
      ['kick', 'gail', 'frank', 'spam', null],
      ['topic', 'gail', undefined, undefined, 'Classic cars: share your restorations'],
      ['mode', 'irc.example.net', undefined, undefined, '+nt'],
      ['nick', undefined, 'helper', undefined, null],
      ['system', undefined, undefined, undefined, 'Netsplit irc.example.net <-> hub.example.net quits: ivan'],
      ['notice', 'gail', undefined, undefined, 'private reminder'],
    ]);
    expect(records[0]?.sender).toEqual({ platform: 'irc', handle: 'erin', network: 'oftc', userHost: 'erin@198.51.100.4' });
  });

  it('treats a log named after a nick as a direct conversation', async () => {
    const log = ['--- Log opened Tue Mar 05 09:00:00 2024', '09:01 < bob> hi, about the seed swap', '09:02 < alice> see you Saturday'].join('\n');
    const { records } = await parseBytes('irc-irssi', '/home/x/irclogs/libera/bob.log', log);
    expect(records[0]?.room).toEqual({ platform: 'irc', name: 'bob', network: 'libera', type: 'direct' });
    expect(records[0]?.sender?.network).toBe('libera');
  });

  it('takes the date from a dated file name when there is no header, and the network from the options', async () => {
    const { records } = await parseBytes('irc-irssi', '/evidence/logs/#garden-2024-03-05.log', '10:00 < alice> morning\n', { network: 'libera' });
    expect(iso(records[0]?.occurredAt)).toBe('2024-03-05T10:00:00.000Z');
    expect(records[0]?.room).toEqual({ platform: 'irc', name: '#garden', network: 'libera', type: 'channel' });
  });

  it('leaves the time unknown when no date was written', async () => {
    const { records, rejects } = await parseBytes('irc-irssi', '/tmp/#garden.log', '10:00 < alice> morning\n');
    expect(rejects).toEqual([]);
    expect(records[0]?.occurredAt).toBeNull();
  });

  it('rejects malformed lines with their numbers and keeps the good ones', async () => {
    const log = [
      '--- Log opened Tue Mar 05 09:00:00 2024',
      '09:01 < alice> good',
      'not an irc line at all',
      '25:61 < alice> impossible time',
      '09:02 something without a marker',
      '',
      '--- Day changed Someday',
      '09:03 <> no nick here',
      '09:04 < bob> also good',
    ].join('\n');
    const { records, rejects } = await parseBytes('irc-irssi', '/tmp/#c.log', log);
    expect(records.map((record) => [record.line, record.text])).toEqual([
      [2, 'good'],
      [9, 'also good'],
    ]);
    expect(rejects.map((reject) => reject.line)).toEqual([3, 4, 5, 7, 8]);
    expect(rejects[0]?.reason).toMatch(/expected a time/);
    expect(rejects[2]?.reason).toMatch(/expected '<nick> text'/);
    expect(rejects[0]?.raw).toBe('not an irc line at all');
  });

  it('handles CRLF, a BOM and multi-byte text with exact byte offsets', async () => {
    const log = '\uFEFF--- Log opened Tue Mar 05 09:00:00 2024\r\n09:01 < zoë> café ☕ time\r\n09:02 < bob> ok\r\n';
    const { records } = await parseBytes('irc-irssi', '/tmp/#c.log', log);
    const bytes = Buffer.from(log);
    expect(records.map((record) => record.text)).toEqual(['café ☕ time', 'ok']);
    for (const record of records) {
      expect(bytes.subarray(record.byteOffset).toString('utf8').startsWith(`09:0${(record.line ?? 0) - 1} <`)).toBe(true);
    }
  });
});
