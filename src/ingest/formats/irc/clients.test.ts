// WeeChat, ZNC, mIRC and HexChat layouts from their documented formats: the awkward cases
// the shared samples do not cover (kicks, parts, topics, paths, dates, year and day rollover).
import { describe, expect, it } from 'vitest';
import { parseBytes } from './testkit.ts';

const iso = (date: Date | null | undefined): string | undefined => date?.toISOString();
const summary = (records: Awaited<ReturnType<typeof parseBytes>>['records']) =>
  records.map((record) => [record.kind === 'message' ? (record.props.action ? 'action' : 'message') : record.props.event, record.sender?.handle, record.target?.handle, record.props.reason, record.text]);

describe('WeeChat', () => {
  it('reads kicks, parts, topics, errors, fractions of a second and own nick changes', async () => {
    const log = [
      '2024-03-05 09:00:01\t<--\terin (erin@198.51.100.4) has left #cars (off to the garage)',
      '2024-03-05 09:00:02\t<--\tgail has kicked frank (spam)',
      '2024-03-05 09:00:03\t--\tgail has changed topic for #cars from "old" to "Classic cars"',
      '2024-03-05 09:00:04.250\t+henry\tvoiced and talking',
      '2024-03-05 09:00:05\t=!=\tirc: command not found',
      '2024-03-05 09:00:06\t--\tYou are now known as helper',
      '2024-03-05 09:00:07\t<--\tivan has quit',
      '2024-03-05 09:00:08\t\tcontinued text',
    ].join('\n');
    const { records, rejects } = await parseBytes('irc-weechat', '/x/irc.oftc.#cars.weechatlog', log);
    expect(rejects).toEqual([]);
    expect(summary(records)).toEqual([
      ['part', 'erin', undefined, 'off to the garage', null],
      ['kick', 'gail', 'frank', 'spam', null],
      ['topic', 'gail', undefined, undefined, 'Classic cars'],
      ['message', 'henry', undefined, undefined, 'voiced and talking'],
      ['system', undefined, undefined, undefined, 'irc: command not found'],
      ['nick', undefined, 'helper', undefined, null],
      ['quit', 'ivan', undefined, undefined, null],
      ['system', undefined, undefined, undefined, 'continued text'],
    ]);
    expect(records[0]?.room).toEqual({ platform: 'irc', name: '#cars', network: 'oftc', type: 'channel' });
    expect(iso(records[3]?.occurredAt)).toBe('2024-03-05T09:00:04.000Z');
  });

  it('names rooms from the folder layout and query file names', async () => {
    const channel = await parseBytes('irc-weechat', '/home/x/.local/share/weechat/logs/irc/libera/#cars.weechatlog', '2024-03-05 09:00:00\talice\thi\n');
    expect(channel.records[0]?.room).toEqual({ platform: 'irc', name: '#cars', network: 'libera', type: 'channel' });
    const query = await parseBytes('irc-weechat', '/logs/irc.libera.bob.weechatlog', '2024-03-05 09:00:00\tbob\thi\n');
    expect(query.records[0]?.room).toEqual({ platform: 'irc', name: 'bob', network: 'libera', type: 'direct' });
  });

  it('rejects lines without the date and tab columns, and impossible dates', async () => {
    const log = ['2024-03-05 09:00:00\talice\tok', '2024-03-05 09:00:00 alice no tabs', '2024-02-30 09:00:00\talice\tno such day', 'hello'].join('\n');
    const { records, rejects } = await parseBytes('irc-weechat', '/x/irc.libera.#c.weechatlog', log);
    expect(records.map((record) => record.line)).toEqual([1]);
    expect(rejects.map((reject) => [reject.line, reject.reason.slice(0, 20)])).toEqual([
      [2, "expected 'YYYY-MM-DD"],
      [3, 'impossible date 2024'],
      [4, "expected 'YYYY-MM-DD"],
    ]);
  });
});

describe('ZNC', () => {
  it('takes the date only from the file name, and the network from the folder above the channel', async () => {
    const log = ['[23:59:58] <alice> late', '[23:59:59] *** Parts: bob (bob@192.0.2.1) (bye)', '[23:59:59] *** carol was kicked by dave (flooding)', "[23:59:59] *** dave changes topic to 'Cars and weather'"].join('\n');
    const { records, rejects } = await parseBytes('irc-znc', '/srv/znc/users/x/moddata/log/libera/#cars/2024-02-29.log', log, { timezone: 'Europe/Berlin' });
    expect(rejects).toEqual([]);
    expect(iso(records[0]?.occurredAt)).toBe('2024-02-29T22:59:58.000Z');
    expect(records[0]?.room).toEqual({ platform: 'irc', name: '#cars', network: 'libera', type: 'channel' });
    expect(summary(records).slice(1)).toEqual([
      ['part', 'bob', undefined, 'bye', null],
      ['kick', 'dave', 'carol', 'flooding', null],
      ['topic', 'dave', undefined, undefined, 'Cars and weather'],
    ]);
    expect(records[1]?.sender?.userHost).toBe('bob@192.0.2.1');
  });

  it('reads the network-level module path and the older network_#chan_YYYYMMDD.log name', async () => {
    const modern = await parseBytes('irc-znc', '/z/users/x/networks/oftc/moddata/log/#cars/2024-03-05.log', '[10:00:00] <a> hi\n');
    expect(modern.records[0]?.room).toMatchObject({ name: '#cars', network: 'oftc' });
    const old = await parseBytes('irc-znc', '/z/moddata/log/x_oftc_#cars_20240305.log', '[10:00:00] <a> hi\n');
    expect(old.records[0]?.room).toMatchObject({ name: '#cars', network: 'oftc' });
    expect(iso(old.records[0]?.occurredAt)).toBe('2024-03-05T10:00:00.000Z');
  });

  it('rejects lines without [HH:MM:SS] and keeps the rest', async () => {
    const { records, rejects } = await parseBytes('irc-znc', '/z/n/#c/2024-03-05.log', '[10:00:00] <a> hi\nrandom\n[10:00:01] ?? odd\n[10:00:02] <b> yes\n');
    expect(records.map((record) => record.line)).toEqual([1, 4]);
    expect(rejects.map((reject) => reject.line)).toEqual([2, 3]);
  });
});

describe('mIRC', () => {
  it('starts the next day when the time jumps back, and reads older event wording', async () => {
    const log = [
      'Session Start: Sun Dec 31 22:00:00 2023',
      'Session Ident: #weather',
      '[23:58] <alice> nearly midnight',
      '[23:59] * Joins: bob (bob@192.0.2.8)',
      '[00:01] <bob> happy new year',
      '[00:02] * bob was kicked by alice (too early)',
      "[00:03] * alice changes topic to 'Forecast: snow'",
      '[00:04] * Parts: carol (carol@192.0.2.9)',
      '[00:05] * dave (dave@192.0.2.10) Quit (Quit: bye)',
      'Session Close: Mon Jan 01 00:06:00 2024',
    ].join('\r\n');
    const { records, rejects } = await parseBytes('irc-mirc', '/mirc/logs/#weather.Libera.log', log);
    expect(rejects).toEqual([]);
    expect(records.map((record) => iso(record.occurredAt))).toEqual([
      '2023-12-31T23:58:00.000Z',
      '2023-12-31T23:59:00.000Z',
      '2024-01-01T00:01:00.000Z',
      '2024-01-01T00:02:00.000Z',
      '2024-01-01T00:03:00.000Z',
      '2024-01-01T00:04:00.000Z',
      '2024-01-01T00:05:00.000Z',
    ]);
    expect(summary(records).slice(1)).toEqual([
      ['join', 'bob', undefined, undefined, null],
      ['message', 'bob', undefined, undefined, 'happy new year'],
      ['kick', 'alice', 'bob', 'too early', null],
      ['topic', 'alice', undefined, undefined, 'Forecast: snow'],
      ['part', 'carol', undefined, undefined, null],
      ['quit', 'dave', undefined, 'bye', null],
    ]);
    expect(records[0]?.room).toEqual({ platform: 'irc', name: '#weather', network: 'Libera', type: 'channel' });
  });

  it('takes the channel from Session Ident when the file name has none', async () => {
    const log = 'Session Start: Tue Mar 05 09:00:00 2024\nSession Ident: #games\n[09:01] <a> hi\n';
    const { records } = await parseBytes('irc-mirc', '/mirc/games.log', log);
    expect(records[0]?.room).toMatchObject({ name: '#games', type: 'channel' });
  });
});

describe('HexChat', () => {
  it('reads the year from the header and moves to the next year after December', async () => {
    const log = [
      '**** BEGIN LOGGING AT Sun Dec 31 23:00:00 2023',
      '',
      'Dec 31 23:59:00 <alice>\tnearly',
      'Jan 01 00:00:30 <@bob>\thappy new year',
      'Jan  1 00:01:00 <carol> space instead of tab',
      'Jan 01 00:02:00 *\tbob gives voice to carol',
      'Jan 01 00:03:00 *\tbob has changed the topic to: Snow day',
      'Jan 01 00:04:00 <--\tbob has kicked dave from #weather (rude)',
      'Jan 01 00:05:00 <--\terin (erin@192.0.2.3) has left #weather (bye)',
      'Jan 01 00:06:00 -bob/#weather-\tnotice text',
      'Jan 01 00:07:00 *\tTopic for #weather is: Snow day',
    ].join('\n');
    const { records, rejects } = await parseBytes('irc-hexchat', '/home/x/.config/hexchat/logs/libera/#weather.log', log);
    expect(rejects).toEqual([]);
    expect(records.map((record) => iso(record.occurredAt)).slice(0, 3)).toEqual(['2023-12-31T23:59:00.000Z', '2024-01-01T00:00:30.000Z', '2024-01-01T00:01:00.000Z']);
    expect(summary(records)).toEqual([
      ['message', 'alice', undefined, undefined, 'nearly'],
      ['message', 'bob', undefined, undefined, 'happy new year'],
      ['message', 'carol', undefined, undefined, 'space instead of tab'],
      ['mode', 'bob', undefined, undefined, 'gives voice to carol'],
      ['topic', 'bob', undefined, undefined, 'Snow day'],
      ['kick', 'bob', 'dave', 'rude', null],
      ['part', 'erin', undefined, 'bye', null],
      ['notice', 'bob', undefined, undefined, 'notice text'],
      ['topic', undefined, undefined, undefined, 'Snow day'],
    ]);
    expect(records[0]?.room).toEqual({ platform: 'irc', name: '#weather', network: 'libera', type: 'channel' });
  });

  it('rejects lines without the HexChat stamp', async () => {
    const { records, rejects } = await parseBytes('irc-hexchat', '/x/libera-#c.log', '**** BEGIN LOGGING AT Tue Mar  5 09:00:00 2024\nMar 05 09:00:01 <a>\tok\nFoo 05 09:00:01 <a>\tbad month\n**** BOGUS\n');
    expect(records.map((record) => record.line)).toEqual([2]);
    expect(rejects.map((reject) => reject.line)).toEqual([3, 4]);
  });
});
