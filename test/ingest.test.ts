/**
 * Ingestion end to end on every backend: real sample exports into a case, idempotent re-runs,
 * rejects with file:line while good rows load, card numbers never stored, and the demo world
 * loading with zero rejects and the identifiers its ground truth lists.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld, loadWorld, type GroundTruth } from '../src/demo/index.ts';
import { normaliseIdentifier } from '../src/extract/index.ts';
import { ingestSource, type IngestOptions } from '../src/ingest/index.ts';
import { addAgency, openCase, type Store } from '../src/store/index.ts';
import { BACKENDS } from './backends.ts';

const SHARED = new URL('../../shared/testdata/', import.meta.url);
const sample = (path: string) => new URL(path, SHARED).pathname;
const secret = Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');

const folders: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'crosslink-ingest-'));
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

async function count(store: Store, table: string, where = sql`true`): Promise<number> {
  const result = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE ${where}`.execute(store.db);
  return Number(result.rows[0]!.n);
}

describe.each(BACKENDS)('ingest on $name', (backend) => {
  let store: Store;
  const options = (extra: Partial<IngestOptions> = {}): IngestOptions => ({ caseRef: 'NB-1', actor: 'analyst.one', secret, timezone: 'UTC', ...extra });

  beforeAll(async () => {
    store = await backend.open();
    await addAgency(store.db, { name: 'Northbridge Unit', country: 'CA' });
    await openCase(store.db, { ref: 'NB-1', agency: 'Northbridge Unit' });
    await openCase(store.db, { ref: 'NB-2', agency: 'Northbridge Unit' });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('ingests an irssi log: messages with senders, times, lines, identifiers in text, and links', async () => {
    const report = await ingestSource(store, sample('chat/irc/irssi_gardening.log'), options());
    expect(report).toMatchObject({ format: 'irc-irssi', skipped: false, rejects: 0 });
    const expected = JSON.parse(readFileSync(sample('chat/irc/expected_messages.json'), 'utf8')) as { messages: { nick: string; text: string; date: string; time: string }[] };
    const messages = await store.db
      .selectFrom('records')
      .innerJoin('entities', 'entities.id', 'records.actor_id')
      .select(['entities.label as sender', 'records.text', 'records.occurred_at'])
      .where('records.source_id', '=', report.source)
      .where('records.kind', '=', 'message')
      .orderBy('records.line')
      .execute();
    const minute = (iso: string) => iso.slice(0, 16);
    expect(messages.map((m) => [m.sender, m.text, minute(m.occurred_at!.toISOString())])).toEqual(
      expected.messages.map((m) => [m.nick, m.text, minute(`${m.date}T${m.time}`)]),
    );
    const phone = await store.db
      .selectFrom('mentions')
      .innerJoin('identifiers', 'identifiers.id', 'mentions.identifier_id')
      .innerJoin('records', 'records.id', 'mentions.record_id')
      .select(['mentions.line', 'records.text'])
      .where('identifiers.type', '=', 'phone')
      .where('identifiers.value', '=', '+442079460018')
      .executeTakeFirstOrThrow();
    expect(phone.text).toContain('+44 20 7946 0018');
    expect(readFileSync(sample('chat/irc/irssi_gardening.log'), 'utf8').split('\n')[phone.line! - 1]).toContain('+44 20 7946 0018');
    expect(report.identifiers['phone']).toBeGreaterThanOrEqual(1);
    expect(report.links).toBeGreaterThan(0);
    const rooms = await store.db.selectFrom('entities').select('label').where('kind', '=', 'chat_room').where('source_id', '=', report.source).execute();
    expect(rooms.map((room) => room.label)).toContain('#gardening');
  });

  it('adds nothing when the same file is ingested again, and says so', async () => {
    const before = await Promise.all(['records', 'mentions', 'links', 'entities', 'sources'].map((table) => count(store, table)));
    const again = await ingestSource(store, sample('chat/irc/irssi_gardening.log'), options());
    expect(again).toMatchObject({ skipped: true, records: expect.any(Number) });
    const after = await Promise.all(['records', 'mentions', 'links', 'entities', 'sources'].map((table) => count(store, table)));
    expect(after).toEqual(before);
    // The same bytes in another case are another source of that case.
    const other = await ingestSource(store, sample('chat/irc/irssi_gardening.log'), options({ caseRef: 'NB-2' }));
    expect(other.skipped).toBe(false);
  });

  it('sends bad rows to the rejects report with their line, loads the good ones, and never stores a card number', async () => {
    const dir = tempDir();
    const csv = join(dir, 'payments.csv');
    writeFileSync(
      csv,
      [
        'txn_id,card_number,time,amount,currency,merchant,mcc,ip,email',
        'T1,4111 1111 1111 1111,2025-02-01T10:00:00Z,12.50,CAD,Maple Garden Supplies,5261,198.51.100.7,grower@example.com',
        'T2,5555555555554444,2025-02-02T11:30:00Z,40.00,CAD,Maple Garden Supplies,5261,198.51.100.7,',
        'T3,4111111111111111,not a time,9.99,CAD,Corner Books,5942,,',
        'T4,4111111111111111,2025-02-03T09:00:00Z',
        'T5,378282246310005,2025-02-04T08:15:00Z,5.00,USD,Corner Books,5942,203.0.113.9,reader@example.org',
      ].join('\n') + '\n',
    );
    const report = await ingestSource(store, csv, options());
    expect(report).toMatchObject({ format: 'transactions-csv', records: 3, rejects: 2 });
    const rejects = await store.db.selectFrom('source_rejects').select(['line', 'reason', 'raw']).where('source_id', '=', report.source).orderBy('line').execute();
    expect(rejects.map((reject) => reject.line)).toEqual([4, 5]);
    for (const reject of rejects) expect(reject.reason).not.toBe('');

    const dump = await sql<{ text: string }>`
      SELECT coalesce(string_agg(r.text || ' ' || r.props::text, ' '), '') ||
             (SELECT coalesce(string_agg(raw || reason, ' '), '') FROM source_rejects) ||
             (SELECT coalesce(string_agg(value || ' ' || coalesce(display, ''), ' '), '') FROM identifiers) ||
             (SELECT coalesce(string_agg(label || ' ' || props::text || ' ' || key, ' '), '') FROM entities) ||
             (SELECT coalesce(string_agg(details::text, ' '), '') FROM audit_log) AS text
      FROM records r`.execute(store.db);
    const everything = dump.rows[0]!.text.replace(/[\s-]/g, '');
    for (const pan of ['4111111111111111', '5555555555554444', '378282246310005']) expect(everything).not.toContain(pan);
    expect(everything).toContain('411111…1111');

    const paid = await store.db.selectFrom('links').selectAll().where('kind', '=', 'paid').where('case_id', '=', (await store.db.selectFrom('cases').select('id').where('ref', '=', 'NB-1').executeTakeFirstOrThrow()).id).execute();
    expect(paid.length).toBeGreaterThanOrEqual(2);
  });

  it('links the two sides of a one-to-one conversation to each other', async () => {
    const file = join(tempDir(), 'result.json');
    const message = (id: number, from: string, fromId: string, text: string) =>
      ({ id, type: 'message', date: '2025-04-01T10:00:00', date_unixtime: String(1743501600 + id * 60), from, from_id: fromId, text });
    writeFileSync(
      file,
      JSON.stringify({
        name: 'Robin Ash',
        type: 'personal_chat',
        id: 4242,
        messages: [message(1, 'Robin Ash', 'user111', 'morning, did the frost get your seedlings?'), message(2, 'Kit Vale', 'user222', 'only the basil, the rest survived'), message(3, 'Robin Ash', 'user111', 'good news')],
      }),
    );
    const report = await ingestSource(store, file, options());
    expect(report).toMatchObject({ format: 'telegram-json', records: 3, rejects: 0 });
    const links = await store.db
      .selectFrom('links')
      .innerJoin('entities as a', 'a.id', 'links.from_entity_id')
      .innerJoin('entities as b', 'b.id', 'links.to_entity_id')
      .select(['a.label as from', 'b.label as to', 'links.weight'])
      .where('links.kind', '=', 'messaged')
      .where('b.kind', '=', 'account')
      .where('a.source_id', '=', report.source)
      .orderBy('a.label')
      .execute();
    expect(links).toEqual([
      { from: 'Kit Vale', to: 'Robin Ash', weight: 1 },
      { from: 'Robin Ash', to: 'Kit Vale', weight: 2 },
    ]);
  });

  it('keeps the first record when a source repeats a key, and counts the repeat', async () => {
    const csv = join(tempDir(), 'repeats.csv');
    writeFileSync(
      csv,
      [
        'txn_id,card_number,time,amount,currency,merchant',
        'R1,4000000000000002,2025-03-01T10:00:00Z,1.00,CAD,Seed Shop',
        'R2,4000000000000002,2025-03-01T11:00:00Z,2.00,CAD,Seed Shop',
        'R1,4000000000000002,2025-03-01T12:00:00Z,3.00,CAD,Seed Shop',
      ].join('\n') + '\n',
    );
    const report = await ingestSource(store, csv, options());
    expect(report).toMatchObject({ format: 'transactions-csv', records: 2, duplicates: 1, rejects: 0 });
    const rows = await store.db.selectFrom('records').select(['key', 'props']).where('source_id', '=', report.source).orderBy('key').execute();
    expect(rows.map((row) => [row.key, row.props['amount']])).toEqual([
      ['R1', 1],
      ['R2', 2],
    ]);
  });

  it('names the file when it cannot be read or recognised', async () => {
    const dir = tempDir();
    const junk = join(dir, 'notes.bin');
    writeFileSync(junk, Buffer.from([0, 1, 2, 3, 255, 254, 0, 7]));
    await expect(ingestSource(store, junk, options())).rejects.toThrow(/notes\.bin: not a format Crosslink recognises/);
    await expect(ingestSource(store, join(dir, 'missing.log'), options())).rejects.toThrow(/missing\.log: cannot read/);
    await expect(ingestSource(store, sample('chat/irc/irssi_gardening.log'), options({ caseRef: 'NOPE-1' }))).rejects.toThrow(/no case 'NOPE-1'/);
  });
});

describe.each(BACKENDS)('the demo world on $name', (backend) => {
  let store: Store;
  let truth: GroundTruth;
  let world: string;

  beforeAll(async () => {
    world = join(tempDir(), 'world');
    await generateWorld({ seed: 11, scale: 'small', out: world });
    truth = JSON.parse(readFileSync(join(world, 'ground-truth.json'), 'utf8')) as GroundTruth;
    store = await backend.open();
  }, 300_000);
  afterAll(async () => {
    await store?.close();
  });

  it('loads every file with zero rejects, and re-loading adds nothing', async () => {
    const first = await loadWorld(store, world, { actor: 'test', secret });
    expect(first.rejects).toBe(0);
    expect(first.ingested).toBe(first.files);
    const records = await count(store, 'records');
    const second = await loadWorld(store, world, { actor: 'test', secret });
    expect(second).toMatchObject({ ingested: 0, skipped: first.files, rejects: 0 });
    expect(await count(store, 'records')).toBe(records);
  }, 300_000);

  it('stores the identifiers, accounts and record keys its ground truth lists, in the right cases', async () => {
    const cases = new Map((await store.db.selectFrom('cases').select(['id', 'ref']).execute()).map((row) => [row.ref, row.id]));
    const held = async (type: string, value: string, refs: string[]) => {
      const rows = await store.db
        .selectFrom('mentions')
        .innerJoin('identifiers', 'identifiers.id', 'mentions.identifier_id')
        .select('mentions.case_id')
        .where('identifiers.type', '=', type)
        .where('identifiers.value', '=', value)
        .execute();
      return rows.some((row) => refs.some((ref) => cases.get(ref) === row.case_id));
    };
    const missing: string[] = [];
    for (const person of truth.people) {
      for (const identifier of person.identifiers) {
        if (identifier.type === 'handle') continue; // accounts are checked below, with their platform
        const normalised = normaliseIdentifier(identifier.type, identifier.value, { secret });
        if (!normalised || !(await held(identifier.type, normalised.value, person.cases))) missing.push(`${person.id} ${identifier.type} ${identifier.value}`);
      }
      for (const account of person.accounts) {
        const rows = await store.db
          .selectFrom('entities')
          .select(['case_id', 'props'])
          .where('kind', '=', 'account')
          .where(sql<boolean>`props->>'platform' = ${account.platform}`)
          .where((eb) => eb.or([eb(sql`props->>'handle'`, '=', account.handle), eb(sql`props->>'platform_id'`, '=', account.id ?? '')]))
          .execute();
        if (!rows.some((row) => person.cases.some((ref) => cases.get(ref) === row.case_id))) missing.push(`${person.id} account ${account.platform}:${account.handle}`);
      }
      for (const key of person.records) {
        const row = await store.db.selectFrom('records').select('case_id').where('key', '=', key).executeTakeFirst();
        if (!row || !person.cases.some((ref) => cases.get(ref) === row.case_id)) missing.push(`${person.id} record ${key}`);
      }
    }
    expect(missing).toEqual([]);
  }, 300_000);
});
