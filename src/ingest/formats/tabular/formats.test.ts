import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Mapping, Sample } from '../../types.ts';
import { arrestsCsv, chatCsv, chatJsonl, sightingsCsv, TABULAR_FORMATS, transactionsCsv } from './index.ts';
import { collect, fileInput, TESTDATA, textInput } from './testkit.ts';

function sampleOf(path: string): Sample {
  const head = readFileSync(path).subarray(0, 65536);
  return { path, name: basename(path), isDirectory: false, head, text: head.toString('utf8').replace(/^\uFEFF/, '') };
}
const textSample = (text: string, name = 'x.csv'): Sample => ({ path: `/in/${name}`, name, isDirectory: false, head: Buffer.from(text), text });

describe('arrests-csv', () => {
  it('loads the 390 de-identified charge rows as 252 arrests, charges grouped, zero rejects', async () => {
    const mapping: Mapping = {
      kind: 'arrests',
      fields: { person_key: 'id', booking_time: 'arrest_datetime', charges: 'statute_description', sex: 'sex', street: 'address' },
      dateFormat: 'iso',
    };
    const { records, rejects } = await collect(arrestsCsv, fileInput(join(TESTDATA, 'arrests/odp_arrests_firearm_deidentified.csv'), { mapping }));
    expect(rejects).toEqual([]);
    // 252 distinct (person, arrest time) pairs; each charge row lands in exactly one of them.
    expect(records).toHaveLength(252);
    expect(records.reduce((sum, record) => sum + (record.props.charges as string[]).length, 0)).toBe(390);
    const first = records[0];
    expect(first?.key).toBe('line:2');
    expect(first?.occurredAt?.toISOString()).toBe('2024-04-18T20:31:00.000Z');
    expect(first?.person).toMatchObject({ key: '39', sex: 'Male', street: '1610 AVON ST Charlottesville VA' });
    expect(first?.props.charges).toEqual(['FIREARM: SHOOT FROM VEHICLES', 'FIREARM: USE IN COMMISSION OF FELONY, 2ND+ OFF', 'TRAIN/CAR/BOAT: MALICIOUSLY SHOOT/THROW']);
    expect(first?.props.statute).toEqual(['18.2-286.1', '18.2-53.1', '18.2-154']);
    // Person 220's two charges at 2024-02-09T08:05 are on lines 16 and 19, with other people's rows between.
    const interleaved = records.filter((record) => record.person?.key === '220' && record.occurredAt?.toISOString() === '2024-02-09T08:05:00.000Z');
    expect(interleaved).toHaveLength(1);
    expect(interleaved[0]?.line).toBe(16);
    expect(interleaved[0]?.props.charges).toHaveLength(2);
    expect(new Set(records.map((record) => record.key)).size).toBe(252);
  });

  it('loads fake_1000.csv with a mapping: 1,000 records keyed by unique_id', async () => {
    const mapping: Mapping = {
      kind: 'arrests',
      fields: { key: 'unique_id', first_name: 'first_name', last_name: 'surname', birth_date: 'dob', city: 'city', email: 'email' },
      dateFormat: 'yyyy-MM-dd',
    };
    const { records, rejects } = await collect(arrestsCsv, fileInput(join(TESTDATA, 'er/fake_1000.csv'), { mapping }));
    expect(rejects).toEqual([]);
    expect(records).toHaveLength(1000);
    expect(records.map((record) => record.key)).toEqual(Array.from({ length: 1000 }, (_, index) => String(index)));
    expect(records[0]).toMatchObject({
      kind: 'arrest',
      line: 2,
      props: { full_name: 'Robert Alan', birth_date: '1971-06-24', cluster: '0' },
      person: { first_name: 'Robert', last_name: 'Alan', birth_date: '1971-06-24', full_name: 'Robert Alan' },
      identifiers: [{ type: 'email', raw: 'robert255@smith.net', role: 'column:email' }],
    });
  });

  it('recognises headers without a mapping, and names bad dates with their column', async () => {
    const text = [
      'Booking No;Last Name;First Name;Date of Birth;Aliases;Charges;Booked',
      'B1;Rowe;Sam;07/03/1984;Sammy, S. Rowe;Theft | Fraud;07/03/2024 14:30',
      'B2;Lee;Ann;31/02/1990;;Theft;07/03/2024 15:00',
      'B3;Park;Jo;01/01/1980;;;not a time',
      'B4;Short',
    ].join('\n');
    const mapping: Mapping = {
      kind: 'arrests',
      fields: { key: 'Booking No', last_name: 'Last Name', first_name: 'First Name', birth_date: 'Date of Birth', aliases: 'Aliases', charges: 'Charges', booking_time: 'Booked' },
      dateFormat: 'dd/MM/yyyy HH:mm',
    };
    const { records, rejects } = await collect(arrestsCsv, textInput(text, { mapping, timezone: 'Europe/London' }));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      key: 'B1',
      props: { full_name: 'Sam Rowe', birth_date: '1984-03-07', charges: ['Theft', 'Fraud'] },
      person: { aliases: ['Sammy', 'S. Rowe'] },
    });
    expect(records[0]?.occurredAt?.toISOString()).toBe('2024-03-07T14:30:00.000Z');
    expect(rejects).toEqual([
      { line: 3, reason: "birth_date: cannot read '31/02/1990' as a date (format dd/MM/yyyy HH:mm) (column 'Date of Birth')", raw: 'B2;Lee;Ann;31/02/1990;;Theft;07/03/2024 15:00' },
      { line: 4, reason: "booking_time: cannot read 'not a time' as a date-time (format dd/MM/yyyy HH:mm) (column 'Booked')", raw: 'B3;Park;Jo;01/01/1980;;;not a time' },
      { line: 5, reason: 'expected 7 columns, found 2', raw: 'B4;Short' },
    ]);
    // Without a mapping: headers recognised, dates read as ISO 8601.
    const recognised = await collect(arrestsCsv, textInput('BOOKING_NO|SURNAME|Given Name|DOB|Offences|Booking Time\nB1|Rowe|Sam|1984-03-07|Theft|2024-03-07T14:30:00Z\n'));
    expect(recognised.rejects).toEqual([]);
    expect(recognised.records[0]).toMatchObject({ key: 'B1', person: { last_name: 'Rowe', first_name: 'Sam', birth_date: '1984-03-07' }, props: { charges: ['Theft'] } });
  });

  it('throws one clear error naming the file for a mapping that does not fit it', async () => {
    const mapping: Mapping = { kind: 'arrests', fields: { last_name: 'SURNAME' } };
    await expect(collect(arrestsCsv, textInput('a,b\n1,2\n', { mapping }, '/cases/x.csv'))).rejects.toThrow(
      "/cases/x.csv: column 'SURNAME' (mapped to last_name) is not in the header (columns: a, b)",
    );
    await expect(collect(arrestsCsv, textInput('a,b\n1,2\n', {}, '/cases/y.csv'))).rejects.toThrow(/\/cases\/y\.csv: no mapping given and the header does not look like arrests/);
    await expect(collect(transactionsCsv, textInput('a,b\n', { mapping }, '/cases/z.csv'))).rejects.toThrow('/cases/z.csv: the mapping is for arrests, but the file is being read as transactions');
  });
});

describe('transactions-csv', () => {
  const cards = readFileSync(join(TESTDATA, 'payments/test_cards.csv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0] ?? '')
    .filter((number) => /^\d{13,19}$/.test(number));

  it('keeps test PANs out of props, text and rejects; BIN and last 4 only', async () => {
    expect(cards.length).toBeGreaterThan(40);
    const lines = ['txn_id,Card Number,Date,Amount,Currency,Merchant,MCC,Notes,Cardholder'];
    cards.forEach((pan, index) => {
      const amount = index % 2 === 0 ? `"1,234.5${index % 10}"` : `"1.234,5${index % 10}"`;
      lines.push(`T${index},${pan},2024-03-0${(index % 9) + 1} 10:00:00,${amount},eur,Garden Supplies,5261,paid with ${pan},Sam Rowe`);
    });
    // Bad rows that carry a PAN: a short row and a bad date.
    lines.push(`T-short,${cards[0]}`);
    lines.push(`T-date,${cards[1]},yesterday,1.00,EUR,Shop,5261,,`);
    const { records, rejects } = await collect(transactionsCsv, textInput(`${lines.join('\r\n')}\r\n`));
    expect(records).toHaveLength(cards.length);
    expect(rejects.map((reject) => reject.line)).toEqual([cards.length + 2, cards.length + 3]);
    const visible = JSON.stringify({ props: records.map((record) => [record.props, record.text, record.person]), rejects });
    for (const pan of cards) expect(visible).not.toContain(pan);
    const first = records[0];
    const pan = cards[0] ?? '';
    expect(first).toMatchObject({
      kind: 'transaction',
      key: 'T0',
      props: { amount: 1234.5, currency: 'EUR', merchant: 'Garden Supplies', mcc: '5261', card_bin: pan.slice(0, 6), card_last4: pan.slice(-4) },
      identifiers: [{ type: 'card', raw: pan, role: 'column:Card Number' }],
      person: { full_name: 'Sam Rowe' },
    });
    expect(records[1]?.props.amount).toBe(1234.51);
    expect(rejects[0]?.raw).toBe(`T-short,${pan.slice(0, 6)}…${pan.slice(-4)}`);
  });

  it('keeps an ambiguous amount as text and settles it by the file’s style', async () => {
    const { records } = await collect(transactionsCsv, textInput('id,pan,amount\n1,4242424242424242,"1,234"\n2,4242424242424242,"9,99"\n3,4242424242424242,"1,234"\n'));
    expect(records[0]?.props).toMatchObject({ amount_raw: '1,234' });
    expect(records[0]?.props.amount).toBeUndefined();
    expect(records[2]?.props.amount).toBe(1.234);
  });
});

describe('sightings-csv', () => {
  it('types file hashes by length, converts urn:sha1 base32, reads ports', async () => {
    const text = [
      'time,ip,port,guid,network,hash,filename',
      '2024-05-01T10:00:00Z,192.0.2.10,6346,3f2a9c0e8b1d4e6fa7c5d2b1e0f9a8c7,Gnutella,urn:sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ,garden.jpg',
      '2024-05-01T10:05:00Z,198.51.100.7,6881,ABCDEF,BitTorrent,D41D8CD98F00B204E9800998ECF8427E,weather.mp4',
      '2024-05-01T10:06:00Z,203.0.113.9,70000,ABCDEF,BitTorrent,,x',
    ].join('\n');
    const { records, rejects } = await collect(sightingsCsv, textInput(text));
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      kind: 'sighting',
      key: 'line:2',
      props: { network: 'gnutella', port: 6346, file_name: 'garden.jpg' },
      identifiers: [
        { type: 'ip', raw: '192.0.2.10', role: 'column:ip' },
        { type: 'client_guid', raw: '3f2a9c0e8b1d4e6fa7c5d2b1e0f9a8c7', role: 'column:guid' },
        { type: 'sha1', raw: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', role: 'column:hash' },
      ],
    });
    expect(records[1]?.identifiers?.[2]).toEqual({ type: 'md5', raw: 'd41d8cd98f00b204e9800998ecf8427e', role: 'column:hash' });
    expect(rejects).toEqual([{ line: 4, reason: "port: cannot read '70000' as a port number (column 'port')", raw: expect.any(String) }]);
  });
});

describe('chat-csv and chat-jsonl', () => {
  it('reads chat rows with sender, room, platform and time', async () => {
    const text = 'Timestamp,From,Channel,Message,Platform\n2024-05-01 10:00:00,GreenThumb,#gardening,"Tomatoes, finally!\nSo happy",IRC\n2024-05-01 10:01:00,Rainy,#gardening,nice,\n';
    const { records, rejects } = await collect(chatCsv, textInput(text, { timezone: 'Europe/Berlin' }));
    expect(rejects).toEqual([]);
    expect(records[0]).toMatchObject({
      kind: 'message',
      line: 2,
      text: 'Tomatoes, finally!\nSo happy',
      sender: { platform: 'irc', handle: 'GreenThumb' },
      room: { platform: 'irc', name: '#gardening' },
      props: { platform: 'irc', sender: 'GreenThumb', room: '#gardening' },
    });
    expect(records[0]?.occurredAt?.toISOString()).toBe('2024-05-01T08:00:00.000Z');
    expect(records[1]).toMatchObject({ line: 4, sender: { platform: 'chat', handle: 'Rainy' } });
  });

  it('reads JSON Lines, with a mapping platform and nested fields; a bad line is a reject', async () => {
    const text = [
      '{"id":"m1","ts":"2024-05-01T10:00:00Z","user":{"name":"Rainy","id":"u7"},"room":"weather","body":"Sunny today"}',
      '{"id":"m2","ts":"2024-05-01T10:01:00Z","user":{"name":"Bo"},"room":"weather","body":"Rain later","edited":true}',
      '{"id":"m3", broken',
      '',
      '[1,2]',
      '{"id":"m4","ts":"soon","user":{"name":"Bo"},"body":"?"}',
    ].join('\n');
    const mapping = { kind: 'chat', fields: { key: 'id', time: 'ts', sender: 'user.name', sender_id: 'user.id', room: 'room', text: 'body' }, platform: 'Forum' } as Mapping;
    const { records, rejects } = await collect(chatJsonl, textInput(text, { mapping }, '/cases/chat.jsonl'));
    expect(records.map((record) => record.key)).toEqual(['m1', 'm2']);
    expect(records[0]).toMatchObject({ sender: { platform: 'forum', handle: 'Rainy', id: 'u7' }, text: 'Sunny today', line: 1 });
    expect(records[1]?.props).toMatchObject({ platform: 'forum', edited: true, user: { name: 'Bo' } });
    expect(rejects.map((reject) => [reject.line, reject.reason.split(' (')[0]])).toEqual([
      [3, 'not valid JSON'],
      [5, 'expected a JSON object'],
      [6, "time: cannot read 'soon' as a date-time"],
    ]);
  });
});

describe('detect', () => {
  const scores = (sample: Sample) => Object.fromEntries(TABULAR_FORMATS.map((format) => [format.name, format.detect(sample)]));
  const best = (sample: Sample) => Object.entries(scores(sample)).sort((a, b) => b[1] - a[1])[0];

  it('scores each kind highest for its own headers', () => {
    expect(best(textSample('txn_id,card_number,timestamp,amount,currency,merchant\n1,4242424242424242,2024-01-01,1.00,EUR,Shop\n'))?.[0]).toBe('transactions-csv');
    expect(best(textSample('time;ip;port;guid;sha1;filename\n'))?.[0]).toBe('sightings-csv');
    expect(best(textSample('Timestamp\tFrom\tChannel\tMessage\n'))?.[0]).toBe('chat-csv');
    expect(best(sampleOf(join(TESTDATA, 'er/fake_1000.csv')))?.[0]).toBe('arrests-csv');
    expect(best(sampleOf(join(TESTDATA, 'arrests/odp_arrests_firearm_deidentified.csv')))?.[0]).toBe('arrests-csv');
    expect(best(textSample('{"ts":"2024-01-01","from":"a","text":"hi"}\n{"ts":"2024-01-01","from":"b","text":"yo"}\n', 'c.jsonl'))?.[0]).toBe('chat-jsonl');
    expect(transactionsCsv.detect(textSample('txn_id,card_number,timestamp,amount\n'))).toBeGreaterThan(0.5);
    expect(transactionsCsv.detect(textSample('txn_id,card_number,timestamp,amount\n'))).toBeLessThan(1);
  });

  it('returns 0 for chat exports, logs and unrelated tables', () => {
    const files = [
      'chat/telegram/test_single_export.json',
      'chat/telegram/test_batch_export.json',
      'chat/whatsapp/test_ddmmyy_24hrs.txt',
      'chat/whatsapp/test_mmddyyyy_12hrs.txt',
      'chat/irc/irssi_gardening.log',
      'chat/irc/weechat_irc.libera.#gardening.weechatlog',
      'chat/irc/mirc_#gardening.log',
      'chat/irc/hexchat_libera-#gardening.log',
      'hashsets/hashset.md5sum',
      'payments/card-types.json',
    ];
    for (const file of files) {
      for (const [name, score] of Object.entries(scores(sampleOf(join(TESTDATA, file))))) expect([file, name, score]).toEqual([file, name, 0]);
    }
    expect(Object.values(scores(textSample('alpha,beta,gamma\n1,2,3\n'))).every((score) => score === 0)).toBe(true);
    expect(Object.values(scores({ ...textSample(''), isDirectory: true })).every((score) => score === 0)).toBe(true);
  });
});

describe('demo world', () => {
  it('parses every CSV of the generated demo with its mapping and zero rejects', async () => {
    const { generateWorld, readManifest } = await import('../../../demo/index.ts').catch(() => ({ generateWorld: undefined, readManifest: undefined }));
    if (!generateWorld || !readManifest) return;
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const out = mkdtempSync(join(tmpdir(), 'tab-demo-'));
    await generateWorld({ seed: 7, scale: 'small', out });
    const manifest = await readManifest(out);
    const { loadMapping } = await import('./mapping.ts');
    let checked = 0;
    for (const file of manifest.cases.flatMap((entry) => entry.files)) {
      if (!file.mapping) continue;
      const format = TABULAR_FORMATS.find((candidate) => candidate.name === file.format);
      expect(format, file.format).toBeDefined();
      if (!format) continue;
      const mapping = await loadMapping(join(out, file.mapping));
      const { records, rejects } = await collect(format, fileInput(join(out, file.path), { mapping, timezone: file.timezone }));
      expect([file.path, rejects]).toEqual([file.path, []]);
      expect([file.path, records.length]).toEqual([file.path, file.records]);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    expect(existsSync(out)).toBe(true);
  });
});
