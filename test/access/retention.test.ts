/**
 * Retention, on every backend: who may set a case's retention date (the database decides, and
 * says "no case" alike to everyone else), and the purge of a case past it — every row of the
 * case gone from every table that holds case data, the rows that hang off it too (a source's
 * batches, match decisions, media matches into other cases), subjects and identifiers left with
 * nothing; other cases untouched; the case row kept and marked purged; a `case.purge` audit row
 * that counts what went and a chain that still verifies. A dry run counts exactly that, and
 * removes nothing. Then the same from the command line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseOverview, createToken, parseRetentionDate, purgeExpiredCases, setRetention, withUser, type PurgeReport } from '../../src/access/index.ts';
import { ingestSource } from '../../src/ingest/index.ts';
import { createSubject, migrateToLatest, openStore, registerSource, verifyAudit, type Database, type Entity, type Store } from '../../src/store/index.ts';
import { BACKENDS, freshServerDatabase } from '../backends.ts';
import { parseJson, runCliInProcess, type CliResult } from '../cli.ts';
import { acting, grant, twoAgencies, type TwoAgencies } from './fixtures.ts';

const secret = Buffer.alloc(32, 7);
const dir = mkdtempSync(join(tmpdir(), 'crosslink-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A card-payments export: records, merchants, cards, e-mail and IP identifiers, payment links, and one rejected line. */
function payments(name: string, merchant: string, emails: string[]): string {
  const file = join(dir, name);
  const rows = emails.map((email, i) => `T${i + 1},4111 1111 1111 1111,2025-02-0${i + 1}T10:00:00Z,12.50,CAD,${merchant},5261,198.51.100.${i + 7},${email}`);
  writeFileSync(file, ['txn_id,card_number,time,amount,currency,merchant,mcc,ip,email', ...rows, 'T9,4111111111111111,not a time,9.99,CAD,Corner Books,5942,,'].join('\n') + '\n');
  return file;
}

/** Loads A-1 (to be purged), A-2 and B-1, and the derived data that crosses them. */
async function caseData(store: Store, world: TwoAgencies): Promise<{ lonely: string; spanning: string }> {
  const ingest = (caseRef: string, file: string) => ingestSource(store, file, { caseRef, actor: 'test', secret, timezone: 'UTC' });
  await ingest('A-1', payments('a1.csv', 'Maple Garden Supplies', ['only.a1@example.com', 'shared@example.com', 'exchanged.a1@example.com']));
  await ingest('A-2', payments('a2.csv', 'Corner Books', ['only.a2@example.com']));
  await ingest('B-1', payments('b1.csv', 'Harbour Hardware', ['shared@example.com', 'only.b1@example.com']));
  const entitiesOf = (caseId: string) => store.db.selectFrom('entities').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
  const [a1, a2, b1] = [await entitiesOf(world.cases.a1.id), await entitiesOf(world.cases.a2.id), await entitiesOf(world.cases.b1.id)];
  // Each case holds a merchant and a card holder.
  const merchant = (entities: Entity[]) => entities.find((e) => e.kind === 'merchant')!;
  const holder = (entities: Entity[]) => entities.find((e) => e.kind !== 'merchant')!;
  // A subject of A-1 alone, and one that spans A-1 and B-1 named after its A-1 member.
  const lonely = await createSubject(store.db, { label: holder(a1).label, run: 'test', members: [{ entity: holder(a1), score: 1, reasons: [] }] });
  const spanning = await createSubject(store.db, { label: merchant(a1).label, run: 'test', members: [{ entity: merchant(a1), score: 1, reasons: [] }, { entity: merchant(b1), score: 0.95, reasons: [] }] });
  const pair = (x: Entity, y: Entity) => (BigInt(x.id) < BigInt(y.id) ? [x, y] : [y, x]) as [Entity, Entity];
  for (const [x, y] of [pair(merchant(a1), merchant(b1)), pair(merchant(b1), holder(b1)), pair(merchant(a2), holder(a2))]) {
    await store.db.insertInto('match_decisions').values({ entity_a: x.id, entity_b: y.id, verdict: 'reject', decided_by: 'test' }).execute();
  }
  for (const [index, entity] of [holder(a1), holder(b1), holder(a2)].entries()) {
    await sql`INSERT INTO media_signals (entity_id, agency_id, case_id, signal, value) VALUES (${entity.id}, ${entity.agency_id}, ${entity.case_id}, 'pdq', ${String(index)})`.execute(store.db);
  }
  for (const [x, y] of [pair(holder(a1), holder(b1)), pair(holder(b1), holder(a2))]) {
    await sql`INSERT INTO media_matches (signal, entity_a, case_a, entity_b, case_b, distance) VALUES ('pdq', ${x.id}, ${x.case_id}, ${y.id}, ${y.case_id}, 3)`.execute(store.db);
  }
  // What later issues keyed by case: a hit notice on A-1, the same target registered by A-1 and
  // B-1 (an alert on each side), and A-1's federation sharing.
  const onlyA1 = await store.db.selectFrom('identifiers').select('id').where('value', '=', 'only.a1@example.com').executeTakeFirstOrThrow();
  await sql`INSERT INTO hits (kind, seeker_id, seeker_name, seeker_label, seeker_case_id, holder_case_id, selector, identifier_id)
            VALUES ('identifier', ${world.users.b.id}, 'bob', 'only.a1@example.com', ${world.cases.b1.id}, ${world.cases.a1.id}, ${`i${onlyA1.id}`}, ${onlyA1.id})`.execute(store.db);
  for (const [agency, caseId] of [[world.agencies.a, world.cases.a1.id], [world.agencies.b, world.cases.b1.id]] as const) {
    await sql`INSERT INTO deconfliction_registrations (agency_id, case_id, kind, identifier_type, value, shown)
              VALUES (${agency}, ${caseId}, 'target', 'email', 'shared@example.com', 'shared@example.com')`.execute(store.db);
  }
  await sql`INSERT INTO federation_case_policy (case_id, agency_id, sharing) VALUES (${world.cases.a1.id}, ${world.agencies.a}, 'hit-only')`.execute(store.db);
  // Two identifiers only A-1 holds were exchanged with a federation peer, which keeps their tags:
  // the purge keeps them, as it keeps one a foreign key refers to (federation_mine has none).
  const exchanged = await sql`INSERT INTO federation_mine (peer_id, identifier_id, tag)
    SELECT 1, id, substring(sha256(convert_to(value, 'UTF8')) FROM 1 FOR 16) FROM identifiers WHERE value IN ('exchanged.a1@example.com', '198.51.100.9')`.execute(store.db);
  expect(Number(exchanged.numAffectedRows)).toBe(2);
  return { lonely: lonely.subject.id, spanning: spanning.subject.id };
}

/**
 * Rows per table for a case, over every table with a column naming a case — found in the catalog
 * here too, so a table the purge forgot shows up — and the rows that reach the case through another.
 */
async function rowsOf(db: Kysely<Database>, caseId: string): Promise<Record<string, number>> {
  // A column names a case by its name (case_id, holder_case_id, case_a …) or by a foreign key to cases.
  const columns = await sql<{ table: string; columns: string[] }>`
    SELECT c.relname AS table, array_agg(DISTINCT a.attname::text) AS columns
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      AND c.relname NOT IN ('audit_log', 'case_members', 'cases')
      AND (a.attname ~ '(^|_)case(_id|_a|_b)$' OR EXISTS (
            SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f' AND k.confrelid = 'cases'::regclass AND a.attnum = k.conkey[1]))
    GROUP BY c.relname ORDER BY c.relname`.execute(db);
  const counts: Record<string, number> = {};
  const count = async (name: string, query: RawBuilder<{ n: string }>) => {
    counts[name] = Number((await query.execute(db)).rows[0]!.n);
  };
  for (const { table, columns: names } of columns.rows) {
    await count(table, sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE ${sql.join(names.map((name) => sql`${sql.ref(name)} = ${caseId}`), sql` OR `)}`);
  }
  await count('source_batches', sql<{ n: string }>`SELECT count(*) AS n FROM source_batches WHERE source_id IN (SELECT id FROM sources WHERE case_id = ${caseId})`);
  await count('match_decisions', sql<{ n: string }>`SELECT count(*) AS n FROM match_decisions d WHERE EXISTS (SELECT 1 FROM entities e WHERE e.id IN (d.entity_a, d.entity_b) AND e.case_id = ${caseId})`);
  return counts;
}

const identifierValues = async (db: Kysely<Database>) => (await db.selectFrom('identifiers').select('value').execute()).map((row) => row.value);

describe.each(BACKENDS)('retention and purge on $name', (backend) => {
  let store: Store;
  let world: TwoAgencies;
  let subjects: { lonely: string; spanning: string };
  let before: Record<'a1' | 'a2' | 'b1', Record<string, number>>;
  let dryRun: PurgeReport;

  beforeAll(async () => {
    store = await backend.open();
    world = await twoAgencies(store);
    await grant(world, 'A-1', world.users.a);
    await grant(world, 'B-1', world.users.b);
    subjects = await caseData(store, world);
    before = { a1: await rowsOf(store.db, world.cases.a1.id), a2: await rowsOf(store.db, world.cases.a2.id), b1: await rowsOf(store.db, world.cases.b1.id) };
  });
  afterAll(async () => {
    await store?.close();
  });

  it('lets supervisors and administrators of the owning agency set a retention date, and tells everyone else "no case" alike', async () => {
    const as = (user: typeof world.admin) => (ref: string, until: string | null) => withUser(store, acting(user), (trx) => setRetention(trx, user, ref, until));
    const nobody = await as(world.users.bBoss)('NO-SUCH-CASE', '2030-01-01').then(
      () => 'set',
      (error: Error) => error.message,
    );
    expect(nobody).toMatch(/^no case 'NO-SUCH-CASE' whose retention you may set/);
    // A member analyst of the case, a supervisor of another agency, an auditor: the same words as for no case at all.
    for (const user of [world.users.a, world.users.bBoss, world.users.auditor]) {
      await expect(as(user)('A-1', '2030-01-01')).rejects.toThrow(nobody.replace('NO-SUCH-CASE', 'A-1'));
    }
    // Nor around the function: an acting member may not write the column itself.
    const direct = await withUser(store, acting(world.users.a), (trx) => sql`UPDATE cases SET retain_until = '2000-01-01' WHERE id = ${world.cases.a1.id}`.execute(trx)).catch((error: { code?: string; message: string }) => error);
    expect(direct).toMatchObject({ code: '42501', message: expect.stringMatching(/crosslink case retain/) });

    // The supervisor of A (not a member of A-1) sets it; a node administrator may too; 'none' is a hold.
    expect(await as(world.users.aBoss)('a-1', '2030-06-30')).toEqual({ case: 'A-1', agency: 'Alpha Unit', retainUntil: '2030-06-30', previous: null });
    expect(await as(world.admin)('A-1', null)).toMatchObject({ retainUntil: null, previous: '2030-06-30' });
    expect(await as(world.users.aBoss)('A-1', '2000-01-01')).toMatchObject({ retainUntil: '2000-01-01', previous: null });
    expect(await as(world.users.aBoss)('A-2', '2999-12-31')).toMatchObject({ retainUntil: '2999-12-31' });
    const audited = await store.db.selectFrom('audit_log').select(['actor', 'case_id', 'details']).where('action', '=', 'case.retain').orderBy('id').execute();
    expect(audited.map((row) => [row.actor, row.case_id, row.details['until']])).toEqual([
      ['ada', world.cases.a1.id, '2030-06-30'],
      ['admin', world.cases.a1.id, null],
      ['ada', world.cases.a1.id, '2000-01-01'],
      ['ada', world.cases.a2.id, '2999-12-31'],
    ]);

    expect(parseRetentionDate(' 2031-01-31 ')).toBe('2031-01-31');
    expect(parseRetentionDate('NONE')).toBeNull();
    for (const bad of ['2031-02-30', '31/01/2031', 'tomorrow', '']) expect(() => parseRetentionDate(bad)).toThrow(/is not a day as YYYY-MM-DD/);
  });

  it('purges only for an administrator', async () => {
    for (const user of [world.users.aBoss, world.users.auditor, world.users.b]) {
      await expect(purgeExpiredCases(store, user)).rejects.toThrow(/only an administrator may start it/);
    }
  });

  it('counts in a dry run exactly what a purge removes, and removes nothing', async () => {
    dryRun = await purgeExpiredCases(store, world.admin, { dryRun: true });
    expect(dryRun.dryRun).toBe(true);
    expect(dryRun.cases.map((c) => [c.case, c.retainUntil, c.purgedAt])).toEqual([['A-1', '2000-01-01', null]]);
    const removed = dryRun.cases[0]!.removed;
    for (const [table, count] of Object.entries(before.a1)) expect(removed[table] ?? 0, table).toBe(count);
    expect(removed).toMatchObject({ subjects: 1, identifiers: 1 });
    expect(dryRun.cases[0]!.relabelled).toBe(1);
    expect(await rowsOf(store.db, world.cases.a1.id)).toEqual(before.a1);
    expect(await store.db.selectFrom('subjects').select('id').where('id', '=', subjects.lonely).execute()).toHaveLength(1);
    expect(await identifierValues(store.db)).toContain('only.a1@example.com');
    expect((await caseOverview(store.db, 'A-1'))!.purgedAt).toBeNull();
    const audited = await store.db.selectFrom('audit_log').select('action').where('action', 'in', ['purge.dry_run', 'case.purge']).execute();
    expect(audited.map((row) => row.action)).toEqual(['purge.dry_run']);
  });

  it('purges a case past its date from every table that holds case data, and leaves the other cases as they were', async () => {
    const progress: { phase: string; done: number; total: number }[] = [];
    const report = await purgeExpiredCases(store, world.admin, { onProgress: (step) => progress.push(step) });
    expect(report.cases).toHaveLength(1);
    expect(report.cases[0]).toMatchObject({ case: 'A-1', agency: 'Alpha Unit', retainUntil: '2000-01-01', removed: dryRun.cases[0]!.removed, relabelled: 1 });
    expect(progress.at(-1)).toEqual({ phase: 'purging', done: 1, total: 1 });
    expect(report.totals).toEqual(report.cases[0]!.removed);

    const after = await rowsOf(store.db, world.cases.a1.id);
    expect(Object.values(after).every((count) => count === 0), JSON.stringify(after)).toBe(true);
    expect(before.a1['records']).toBeGreaterThan(0);
    expect(before.a1['source_rejects']).toBeGreaterThan(0);
    expect(before.a1).toMatchObject({ media_matches: 1, hits: 1, deconfliction_registrations: 1, deconfliction_alerts: 1, federation_case_policy: 1 });
    // A-2 and B-1 keep every row, the media match and decision between them included.
    expect(await rowsOf(store.db, world.cases.a2.id)).toEqual({ ...before.a2, media_matches: 1 });
    // B-1 loses only what pointed into A-1: the decision and the picture match with it, and the hit
    // its analyst met there. Its own deconfliction alert stays: B's record, with A's contact only.
    expect(before.b1).toMatchObject({ hits: 1, deconfliction_alerts: 1 });
    expect(await rowsOf(store.db, world.cases.b1.id)).toEqual({ ...before.b1, media_matches: 1, match_decisions: before.b1['match_decisions']! - 1, hits: 0 });

    // The subject that was A-1's alone is gone; the one it shared with B-1 stays, named after its remaining member.
    expect(await store.db.selectFrom('subjects').select('id').where('id', '=', subjects.lonely).execute()).toEqual([]);
    const spanning = await store.db.selectFrom('subjects').select('label').where('id', '=', subjects.spanning).executeTakeFirstOrThrow();
    expect(spanning.label).toBe('Harbour Hardware');
    // An identifier only A-1 mentioned goes from the shared dictionary; one B-1 mentions too stays.
    const values = await identifierValues(store.db);
    expect(values).not.toContain('only.a1@example.com');
    expect(values).toEqual(expect.arrayContaining(['shared@example.com', 'only.a2@example.com', 'only.b1@example.com', 'exchanged.a1@example.com', '198.51.100.9']));

    expect((await purgeExpiredCases(store, world.admin)).cases).toEqual([]);
  });

  it('keeps the case marked purged, its audit record and a verifying chain; a purged case takes no evidence and no changes', async () => {
    const overview = await withUser(store, acting(world.users.a), (trx) => caseOverview(trx, 'A-1'));
    expect(overview).toMatchObject({ ref: 'A-1', status: 'purged', retainUntil: '2000-01-01', purgedAt: expect.stringMatching(/^\d{4}-/), holds: { sources: 0, records: 0, entities: 0, links: 0 } });
    const record = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'case.purge').execute();
    expect(record).toHaveLength(1);
    expect(record[0]).toMatchObject({ actor: 'admin', case_id: world.cases.a1.id, agency_id: world.agencies.a, target: 'A-1', details: { retainUntil: '2000-01-01', removed: dryRun.cases[0]!.removed } });
    expect(await verifyAudit(store.db)).toMatchObject({ ok: true });
    // Acting users keep appending to the same chain.
    await withUser(store, acting(world.users.bBoss), (trx) => setRetention(trx, world.users.bBoss, 'B-1', '2040-01-01'));
    expect(await verifyAudit(store.db)).toMatchObject({ ok: true });

    await expect(withUser(store, acting(world.users.aBoss), (trx) => setRetention(trx, world.users.aBoss, 'A-1', '2050-01-01'))).rejects.toThrow(/case A-1 was purged on \d{4}-\d{2}-\d{2}: its retention no longer changes/);
    const scope = { agencyId: world.agencies.a, caseId: world.cases.a1.id };
    await expect(registerSource(store.db, scope, { sha256: 'c'.repeat(64), bytes: 1, originalName: 'late.csv', format: 'transactions-csv', ingestedBy: 'test' })).rejects.toThrow(/was purged on .*nothing more is added to it/);
    await expect(store.db.updateTable('cases').set({ status: 'closed' }).where('id', '=', world.cases.a1.id).execute()).rejects.toThrow(/case A-1 was purged on .*it no longer changes/);
    await expect(withUser(store, acting(world.users.a), (trx) => registerSource(trx, scope, { sha256: 'd'.repeat(64), bytes: 1, originalName: 'late.csv', format: 'transactions-csv', ingestedBy: 'alice' }))).rejects.toThrow(/was purged/);
  });
});

/** The same from the command line, on a store the commands open themselves (a directory, or a server database). */
async function fromTheCommandLine(location: string): Promise<void> {
  const owner = await openStore(location);
  const tokens: Record<string, string> = {};
  try {
    await migrateToLatest(owner.db);
    const world = await twoAgencies(owner);
    await grant(world, 'A-1', world.users.a);
    await ingestSource(owner, payments('cli-a1.csv', 'Maple Garden Supplies', ['cli.a1@example.com']), { caseRef: 'A-1', actor: 'test', secret, timezone: 'UTC' });
    for (const user of [world.users.a, world.users.aBoss]) tokens[user.name] = (await createToken(owner.db, world.admin, user.name)).token;
  } finally {
    await owner.close();
  }
  const cli = (args: string[], token?: string) => runCliInProcess([...args, '--db', location, ...(token ? ['--token', token] : [])], { CROSSLINK_TOKEN: undefined, CROSSLINK_SECRET: 'ab'.repeat(32) });
  const ok = async (args: string[], token?: string) => {
    const result = await cli(args, token);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result;
  };
  const oneLine = (result: CliResult, pattern: RegExp) => {
    expect(result.code, result.stdout).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(pattern);
  };

  oneLine(await cli(['case', 'retain', 'A-1', '--until', '2000-01-01'], tokens['alice']), /^crosslink: no case 'A-1' whose retention you may set/);
  oneLine(await cli(['case', 'retain', 'A-1', '--until', '1.1.2000'], tokens['ada']), /^crosslink: --until '1\.1\.2000' is not a day as YYYY-MM-DD/);
  expect(parseJson(await ok(['case', 'retain', 'A-1', '--until', '2000-01-01', '--json'], tokens['ada']))).toEqual({ case: 'A-1', agency: 'Alpha Unit', retainUntil: '2000-01-01', previous: null });
  expect((await ok(['case', 'show', 'A-1'], tokens['alice'])).stdout).toMatch(/kept until 2000-01-01, then purged/);

  oneLine(await cli(['purge'], tokens['ada']), /^crosslink: a purge is the node's work across every agency: only an administrator may start it/);
  const dry = parseJson<PurgeReport>(await ok(['purge', '--dry-run', '--json']));
  expect(dry.cases.map((c) => c.case)).toEqual(['A-1']);
  expect(dry.cases[0]!.removed['records']).toBeGreaterThan(0);
  expect((await ok(['purge', '--dry-run'])).stdout).toMatch(/a purge would remove \(nothing was removed\)[\s\S]*A-1\s+Alpha Unit\s+2000-01-01/);
  const done = parseJson<PurgeReport>(await ok(['purge', '--json']));
  expect(done).toMatchObject({ dryRun: false, totals: dry.totals, cases: [{ case: 'A-1', removed: dry.cases[0]!.removed, purgedAt: expect.stringMatching(/^\d{4}-/) }] });
  expect((await ok(['purge'])).stdout).toMatch(/^No case is past its retention date: nothing to purge\./);

  expect(parseJson(await ok(['case', 'show', 'A-1', '--json'], tokens['alice']))).toMatchObject({ ref: 'A-1', status: 'purged', holds: { records: 0 } });
  expect((await ok(['case', 'show', 'A-1'], tokens['alice'])).stdout).toMatch(/Purged on \d{4}-\d{2}-\d{2}: its retention date \(2000-01-01\) had passed/);
  expect(parseJson<{ ref: string; status: string }[]>(await ok(['case', 'list', '--json'], tokens['alice']))).toEqual([expect.objectContaining({ ref: 'A-1', status: 'purged' })]);
  expect(parseJson(await ok(['audit', 'verify', '--json']))).toMatchObject({ ok: true });
  const purges = parseJson<{ case: string; actor: string; details: { removed: Record<string, number> } }[]>(await ok(['audit', 'search', '--action', 'case.purge', '--json']));
  expect(purges).toEqual([expect.objectContaining({ case: 'A-1', actor: 'admin', details: expect.objectContaining({ removed: dry.cases[0]!.removed }) })]);
}

describe('retention from the command line', () => {
  it('on the embedded store', async () => {
    await fromTheCommandLine(join(dir, 'cli-db'));
  });

  it('on a PostgreSQL server', async (context) => {
    const database = await freshServerDatabase();
    if (!database) return context.skip();
    try {
      await fromTheCommandLine(database.url);
    } finally {
      await database.drop();
    }
  });
});
