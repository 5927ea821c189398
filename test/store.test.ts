/**
 * The store on every backend: migrations from empty, round-trips of every table, uniqueness,
 * append-only evidence, agency/case consistency and the audit chain.
 */
import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITY_KIND_NAMES, IDENTIFIER_TYPE_NAMES, UserError } from '../src/model/index.ts';
import {
  addAgency,
  appendAudit,
  appendBatch,
  appendLink,
  appendMentions,
  appendRecords,
  casesHolding,
  committedRanges,
  correctEntity,
  createSubject,
  ensureEntity,
  entityRef,
  IdCache,
  internIdentifiers,
  identifierKey,
  isAppendOnlyViolation,
  isInitialised,
  migrateToLatest,
  openCase,
  refreshStatistics,
  registerSource,
  storeStats,
  subjectMembers,
  verifyAudit,
  type CaseScope,
  type Database,
  type Store,
} from '../src/store/index.ts';
import { migrationProvider } from '../src/store/migrations/index.ts';
import { BACKENDS } from './backends.ts';

const SHA = (char: string) => char.repeat(64);

describe.each(BACKENDS)('store on $name', (backend) => {
  let store: Store;
  let scope: CaseScope;
  let otherScope: CaseScope;

  beforeAll(async () => {
    store = await backend.open({ migrate: false });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('migrates an empty database, and a second migrate changes nothing', async () => {
    expect(await isInitialised(store.db)).toBe(false);
    const first = await migrateToLatest(store.db);
    // Every migration, in order (the list is explicit: store/migrations/index.ts).
    const every = Object.keys(await migrationProvider.getMigrations());
    expect(first.applied).toEqual(every);
    expect(every.slice(0, 4)).toEqual(['0001_foundation', '0002_ingest', '0003_search', '0004_decisions']);
    const second = await migrateToLatest(store.db);
    expect(second.applied).toEqual([]);
    expect(second.current).toBe(every[every.length - 1]);
    expect(await isInitialised(store.db)).toBe(true);
    const kinds = await store.db.selectFrom('entity_kinds').select('kind').execute();
    expect(kinds.map((row) => row.kind).sort()).toEqual([...ENTITY_KIND_NAMES].sort());
    const types = await store.db.selectFrom('identifier_types').select('type').execute();
    expect(types.map((row) => row.type).sort()).toEqual([...IDENTIFIER_TYPE_NAMES].sort());
  });

  it('round-trips agencies and cases, and refuses duplicates as user errors', async () => {
    const agency = await addAgency(store.db, { name: 'Northbridge Sex Crimes Unit', country: 'ca', contact: { officer: 'Det. Sgt. A. Quinn', phone: '+14165550142' } });
    expect(agency).toMatchObject({ name: 'Northbridge Sex Crimes Unit', country: 'CA', contact: { officer: 'Det. Sgt. A. Quinn' } });
    const other = await addAgency(store.db, { name: 'Westmoor Online Safety Unit', country: 'GB' });
    await expect(addAgency(store.db, { name: 'northbridge sex crimes unit', country: 'CA' })).rejects.toThrow(/agency 'northbridge sex crimes unit' already exists/);
    await expect(addAgency(store.db, { name: 'X', country: 'Canada' })).rejects.toThrow(UserError);

    const opened = await openCase(store.db, { ref: 'NB-2026-0001', agency: 'Northbridge Sex Crimes Unit', title: 'Op Lantern' });
    expect(opened).toMatchObject({ ref: 'NB-2026-0001', agency_id: agency.id, title: 'Op Lantern', status: 'open' });
    await expect(openCase(store.db, { ref: 'nb-2026-0001', agency: 'Northbridge Sex Crimes Unit' })).rejects.toThrow(/case 'nb-2026-0001' already exists/);
    await expect(openCase(store.db, { ref: 'WM-1', agency: 'Nowhere' })).rejects.toThrow(/no agency named 'Nowhere'/);
    await expect(openCase(store.db, { ref: 'bad ref!', agency: 'Northbridge Sex Crimes Unit' })).rejects.toThrow(/case reference/);
    const otherCase = await openCase(store.db, { ref: 'WM-2026-0007', agency: other.name });
    scope = { agencyId: agency.id, caseId: opened.id };
    otherScope = { agencyId: other.id, caseId: otherCase.id };
  });

  it('round-trips sources, records, entities, identifiers, mentions, links and subjects', async () => {
    const { source, created } = await registerSource(store.db, scope, {
      sha256: SHA('a'),
      bytes: 1234,
      originalName: 'irssi_#cars.log',
      format: 'irc-irssi',
      origin: '/evidence/laptop-1/irssi_#cars.log',
      ingestedBy: 'analyst.one',
    });
    expect(created).toBe(true);
    expect(source).toMatchObject({ sha256: SHA('a'), original_name: 'irssi_#cars.log', status: 'ingesting', ingested_by: 'analyst.one' });
    expect(Number(source.bytes)).toBe(1234);
    const again = await registerSource(store.db, scope, { sha256: SHA('a'), bytes: 1234, originalName: 'copy.log', format: 'irc-irssi', ingestedBy: 'x' });
    expect(again).toMatchObject({ created: false, source: { id: source.id, original_name: 'irssi_#cars.log' } });

    const at = new Date('2026-03-14T18:22:05Z');
    const records = await appendRecords(store.db, scope, source.id, [
      { kind: 'message', key: 'line:12', occurredAt: at, line: 12, text: 'anyone watching the rally on sunday?', props: { platform: 'irc', room: '#cars', sender: 'dark_falcon77' } },
      { kind: 'room_event', key: 'line:13', occurredAt: at, line: 13, props: { platform: 'irc', room: '#cars', event: 'join', actor: 'gearhead' } },
    ]);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ kind: 'message', key: 'line:12', line: 12, text: 'anyone watching the rally on sunday?', props: { sender: 'dark_falcon77' } });
    expect(records[0]!.occurred_at?.toISOString()).toBe(at.toISOString());
    // A re-run adds nothing already there.
    const rerun = await appendRecords(store.db, scope, source.id, [{ kind: 'message', key: 'line:12', props: { platform: 'irc' } }]);
    expect(rerun).toHaveLength(0);
    await expect(appendRecords(store.db, scope, source.id, [{ kind: 'message', key: 'line:99', props: {} }])).rejects.toThrow(/platform is required/);

    const account = await ensureEntity(store.db, scope, { kind: 'account', key: 'irc:libera:dark_falcon77', label: 'dark_falcon77', props: { platform: 'irc', handle: 'dark_falcon77' }, sourceId: source.id });
    const same = await ensureEntity(store.db, scope, { kind: 'account', key: 'irc:libera:dark_falcon77', label: 'ignored', props: { platform: 'irc', handle: 'dark_falcon77' } });
    expect(same.id).toBe(account.id);
    const room = await ensureEntity(store.db, scope, { kind: 'chat_room', key: 'irc:libera:#cars', label: '#cars', props: { platform: 'irc', name: '#cars', network: 'libera' } });
    const link = await appendLink(store.db, scope, { kind: 'member_of', from: account, to: room, evidence: [records[1]!.id], props: { role: 'member' }, firstSeen: at });
    expect(link).toMatchObject({ kind: 'member_of', from_entity_id: account.id, to_entity_id: room.id, evidence: [records[1]!.id], weight: 1 });
    await expect(appendLink(store.db, scope, { kind: 'member_of', from: room, to: account })).rejects.toThrow(/cannot join chat_room to account/);

    const ids = await internIdentifiers(store.db, [
      { type: 'handle', value: 'dark_falcon77@irc' },
      { type: 'email', value: 'sam.rowe@example.com' },
      { type: 'email', value: 'sam.rowe@example.com' },
    ]);
    expect(ids.size).toBe(2);
    const again2 = await internIdentifiers(store.db, [{ type: 'email', value: 'sam.rowe@example.com' }, { type: 'phone', value: '+14165550123' }]);
    expect(again2.get(identifierKey('email', 'sam.rowe@example.com'))).toBe(ids.get(identifierKey('email', 'sam.rowe@example.com')));
    const count = await store.db.selectFrom('identifiers').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3);
    await expect(internIdentifiers(store.db, [{ type: 'shoe_size', value: '9' }])).rejects.toThrow(/unknown identifier type 'shoe_size'/);

    const emailId = ids.get(identifierKey('email', 'sam.rowe@example.com'))!;
    const mentions = await appendMentions(store.db, scope, [
      { identifierId: emailId, sourceId: source.id, recordId: records[0]!.id, line: 12, byteOffset: 480, role: 'in_text' },
      { identifierId: emailId, sourceId: source.id, entityId: account.id, role: 'profile' },
    ]);
    expect(mentions.map((mention) => mention.line)).toEqual([12, null]);
    expect(Number(mentions[0]!.byte_offset)).toBe(480);
    expect(await casesHolding(store.db, 'email', 'sam.rowe@example.com')).toEqual([{ case_id: scope.caseId, mentions: 2 }]);

    const { subject, members } = await createSubject(store.db, { label: 'Sam Rowe', run: 'test', members: [{ entity: account, score: 0.97, reasons: [{ field: 'email', agreement: 'exact', weight: 8.1 }] }] });
    expect(members).toHaveLength(1);
    expect(await subjectMembers(store.db, subject.id)).toMatchObject([{ entity_id: account.id, case_id: scope.caseId, score: expect.closeTo(0.97, 5), reasons: [{ field: 'email' }] }]);
  });

  it('keeps evidence append-only: updates and deletes are refused, corrections supersede', async () => {
    const refused = async (statement: Promise<unknown>) => {
      const error = await statement.then(() => undefined, (caught: unknown) => caught);
      expect(isAppendOnlyViolation(error), String(error)).toBe(true);
    };
    await refused(store.db.updateTable('records').set({ text: 'rewritten' }).execute());
    await refused(store.db.deleteFrom('records').execute());
    await refused(store.db.deleteFrom('mentions').execute());
    await refused(store.db.updateTable('entities').set({ label: 'x' }).execute());
    await refused(store.db.deleteFrom('links').execute());
    await refused(store.db.deleteFrom('identifiers').execute());
    await refused(sql`TRUNCATE records CASCADE`.execute(store.db));
    await refused(store.db.updateTable('sources').set({ original_name: 'renamed.log' }).execute());
    await refused(store.db.deleteFrom('sources').execute());
    // Ingest progress on a source may change; its custody may not.
    await store.db.updateTable('sources').set({ status: 'complete', record_count: 2 }).execute();

    const original = await store.db.selectFrom('entities').selectAll().where('kind', '=', 'account').executeTakeFirstOrThrow();
    const corrected = await correctEntity(store.db, original, { props: { display_name: 'Falcon' } });
    expect(corrected).toMatchObject({ supersedes: original.id, key: original.key, props: { display_name: 'Falcon', handle: 'dark_falcon77' } });
    const both = await store.db.selectFrom('entities').select('id').where('key', '=', original.key).execute();
    expect(both).toHaveLength(2);
  });

  it('refuses a row that claims one agency and another agency\'s case', async () => {
    const source = await store.db.selectFrom('sources').select('id').executeTakeFirstOrThrow();
    const mixed = { agencyId: otherScope.agencyId, caseId: scope.caseId };
    await expect(appendRecords(store.db, mixed, source.id, [{ kind: 'message', key: 'x', props: { platform: 'irc' } }])).rejects.toThrow(/foreign key/);
    await expect(
      registerSource(store.db, otherScope, { sha256: SHA('a'), bytes: 1, originalName: 'same bytes, other case', format: 'irc-irssi', ingestedBy: 'b' }),
    ).resolves.toMatchObject({ created: true });
  });

  it('chains the audit log and names the row where it was tampered with', async () => {
    for (let i = 0; i < 5; i++) {
      await appendAudit(store.db, { actor: 'analyst.one', action: 'case.read', caseId: scope.caseId, agencyId: scope.agencyId, details: { i, note: 'ü' } });
    }
    const intact = await verifyAudit(store.db);
    expect(intact).toMatchObject({ ok: true, rows: 5 });
    await refusedUpdate();
    const rows = await store.db.selectFrom('audit_log').select('id').orderBy('id').execute();
    const third = rows[2]!.id;
    // Bypass the trigger the way only a database superuser could, then check detection.
    await store.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL crosslink.maintenance = 'on'`.execute(trx);
      await trx.updateTable('audit_log').set({ actor: 'someone.else' }).where('id', '=', third).execute();
    });
    expect(await verifyAudit(store.db)).toMatchObject({ ok: false, brokenAt: { id: third, reason: expect.stringMatching(/edited/) } });
    await store.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL crosslink.maintenance = 'on'`.execute(trx);
      await trx.updateTable('audit_log').set({ actor: 'analyst.one' }).where('id', '=', third).execute();
      await trx.deleteFrom('audit_log').where('id', '=', rows[1]!.id).execute();
    });
    expect(await verifyAudit(store.db)).toMatchObject({ ok: false, brokenAt: { id: third, reason: expect.stringMatching(/removed or inserted/) } });

    async function refusedUpdate() {
      const error = await store.db.updateTable('audit_log').set({ actor: 'x' }).execute().then(() => undefined, (caught: unknown) => caught);
      expect(isAppendOnlyViolation(error)).toBe(true);
    }
  });

  it('writes batches that share entities and identifiers, even when the id caches are trimmed between them', async () => {
    const { source } = await registerSource(store.db, scope, { sha256: SHA('b'), bytes: 10, originalName: 'batches.log', format: 'irc-irssi', ingestedBy: 'a' });
    const caches = { entities: new IdCache(2), identifiers: new IdCache(2) };
    const room = entityRef('chat_room', 'irc::#garden');
    for (let batch = 0; batch < 3; batch++) {
      const handles = ['ann', 'ben', 'cat'];
      const outcome = await appendBatch(store.db, scope, source.id, {
        entities: [
          { kind: 'chat_room', key: 'irc::#garden', label: '#garden', props: { platform: 'irc', name: '#garden' } },
          ...handles.map((handle) => ({ kind: 'account', key: `irc::${handle}`, label: handle, props: { platform: 'irc', handle } })),
        ],
        records: handles.map((handle, i) => ({
          kind: 'message',
          key: `line:${batch * 3 + i + 1}`,
          line: batch * 3 + i + 1,
          byteOffset: null,
          occurredAt: null,
          text: `hello from ${handle} with nul \u0000 inside`,
          props: { platform: 'irc', note: 'x\u0000y' },
          actor: entityRef('account', `irc::${handle}`),
          room,
        })),
        mentions: handles.map((handle, i) => ({ type: 'handle', value: `${handle}@irc`, record: i, entity: entityRef('account', `irc::${handle}`), line: null, byteOffset: null, role: 'sender' })),
        rejects: [],
        firstItem: batch * 3,
        items: 3,
      }, caches);
      expect(outcome).toMatchObject({ records: 3, duplicates: 0, mentions: 3 });
    }
    const rows = await store.db
      .selectFrom('records')
      .innerJoin('entities', 'entities.id', 'records.actor_id')
      .select(['records.key', 'entities.label', 'records.props'])
      .where('records.source_id', '=', source.id)
      .orderBy('records.line')
      .execute();
    expect(rows.map((row) => row.label)).toEqual(['ann', 'ben', 'cat', 'ann', 'ben', 'cat', 'ann', 'ben', 'cat']);
    expect(rows[0]!.props['note']).toBe('x\ufffdy');
    expect(await committedRanges(store.db, source.id)).toEqual([{ first: 0, items: 3 }, { first: 3, items: 3 }, { first: 6, items: 3 }]);
    const accounts = await store.db.selectFrom('entities').select('id').where('kind', '=', 'account').where('key', 'like', 'irc::%').execute();
    expect(accounts).toHaveLength(3);
  });

  // The server's pool holds BEGIN back and sends it with the transaction's first statement
  // (store/prepared.ts): whatever that statement is, the transaction must be one.
  it('keeps a transaction whole whether its first statement has parameters, none, fails, or there is none', async () => {
    await sql`CREATE TABLE transaction_probe (label text NOT NULL)`.execute(store.db);
    const labels = async () => (await sql<{ label: string }>`SELECT label FROM transaction_probe ORDER BY label`.execute(store.db)).rows.map((row) => row.label);
    class Undo extends Error {}
    const undone = (work: (trx: Transaction<Database>) => Promise<void>) =>
      store.db
        .transaction()
        .execute(async (trx) => {
          await work(trx);
          throw new Undo();
        })
        .catch((error: unknown) => {
          if (!(error instanceof Undo)) throw error;
        });
    // First statement without parameters, then one with: both undone by the rollback.
    await undone(async (trx) => {
      await sql`INSERT INTO transaction_probe VALUES ('rolled back 1')`.execute(trx);
      await sql`INSERT INTO transaction_probe VALUES (${'rolled back 2'})`.execute(trx);
    });
    // First statement with parameters.
    await undone(async (trx) => {
      await sql`INSERT INTO transaction_probe VALUES (${'rolled back 3'})`.execute(trx);
    });
    expect(await labels()).toEqual([]);
    // A first statement that fails: the transaction is over, its connection good for the next.
    await expect(store.db.transaction().execute((trx) => sql`SELECT 1 / 0`.execute(trx))).rejects.toThrow(/division by zero/);
    // No statement at all, then work outside any transaction: committed at once, seen by every connection.
    await store.db.transaction().execute(async () => undefined);
    await sql`INSERT INTO transaction_probe VALUES ('alone')`.execute(store.db);
    for (const seen of await Promise.all(Array.from({ length: 4 }, () => labels()))) expect(seen).toEqual(['alone']);
    // A committed transaction whose first statement has no parameters stays committed.
    await store.db.transaction().execute(async (trx) => {
      await sql`INSERT INTO transaction_probe VALUES ('together')`.execute(trx);
    });
    expect(await labels()).toEqual(['alone', 'together']);
    await sql`DROP TABLE transaction_probe`.execute(store.db);
  });

  it('analyzes a table never analyzed or grown by a fifth since, and leaves small or unchanged ones alone', async () => {
    await sql`CREATE TABLE statistics_probe (id int PRIMARY KEY, label text)`.execute(store.db);
    const fill = (from: number, to: number) => sql`INSERT INTO statistics_probe SELECT g, repeat('x', 100) FROM generate_series(${from}::int, ${to}::int) g`.execute(store.db);
    const analyzedRows = async () => Number((await sql<{ n: number }>`SELECT reltuples AS n FROM pg_class WHERE relname = 'statistics_probe'`.execute(store.db)).rows[0]!.n);
    await fill(1, 50);
    expect(await refreshStatistics(store.db, ['statistics_probe', 'agencies'])).toEqual([]); // a page or two: any plan will do
    await fill(51, 5000);
    expect(await refreshStatistics(store.db, ['statistics_probe'])).toEqual(['statistics_probe']);
    expect(await analyzedRows()).toBe(5000);
    await fill(5001, 5500);
    expect(await refreshStatistics(store.db, ['statistics_probe'])).toEqual([]); // a tenth more
    await fill(5501, 7000);
    expect(await refreshStatistics(store.db, ['statistics_probe'])).toEqual(['statistics_probe']);
    expect(await analyzedRows()).toBe(7000);
    await sql`DROP TABLE statistics_probe`.execute(store.db);
  });

  it('analyzes a large table (8 MB and more) again only once it has doubled', async () => {
    await sql`CREATE TABLE statistics_large (id int PRIMARY KEY, label text)`.execute(store.db);
    // About seven rows of a kilobyte to a page: 8,000 rows are some 1,150 pages.
    const fill = (from: number, to: number) => sql`INSERT INTO statistics_large SELECT g, repeat('x', 1000) FROM generate_series(${from}::int, ${to}::int) g`.execute(store.db);
    await fill(1, 8000);
    expect(await refreshStatistics(store.db, ['statistics_large'])).toEqual(['statistics_large']);
    await fill(8001, 14000);
    expect(await refreshStatistics(store.db, ['statistics_large'])).toEqual([]); // three quarters more
    await fill(14001, 16500);
    expect(await refreshStatistics(store.db, ['statistics_large'])).toEqual(['statistics_large']);
    await sql`DROP TABLE statistics_large`.execute(store.db);
  });

  it('counts what it holds, per case', async () => {
    const stats = await storeStats(store.db);
    expect(stats.totals).toMatchObject({ agencies: 2, cases: 2, sources: 3, records: 11, links: 1, identifiers: 6, mentions: 11, subjects: 1 });
    expect(stats.cases.find((row) => row.ref === 'NB-2026-0001')).toMatchObject({ agency: 'Northbridge Sex Crimes Unit', records: 11, entities: 7, links: 1, sources: 2 });
  });
});
