/**
 * Deconfliction on every backend: two agencies registering the same target (typed differently)
 * each get one alert carrying the other's contact and nothing else; operations conflict only when
 * they overlap in time and place; a check registers and alerts nothing; and the tables keep each
 * side to its own rows.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDeconfliction, listDeconfliction, registerDeconfliction, withUser, type DeconflictionInput, type Principal } from '../../src/access/index.ts';
import { createSubject, registerSource, type Store } from '../../src/store/index.ts';
import { BACKENDS } from '../backends.ts';
import { acting, grant, twoAgencies, type TwoAgencies } from './fixtures.ts';

const CONTEXT = { region: 'CA' };
const ALERT_KEYS = ['case', 'contact', 'id', 'identity', 'raisedAt', 'reason', 'registration'];
const CONTACT_KEYS = ['agency', 'email', 'officer', 'phone'];

describe.each(BACKENDS)('deconfliction on $name', (backend) => {
  let store: Store;
  let world: TwoAgencies;

  const register = (user: Principal, input: DeconflictionInput) => withUser(store, acting(user), (trx) => registerDeconfliction(trx, user.name, input, CONTEXT));
  const check = (user: Principal, input: DeconflictionInput) => withUser(store, acting(user), (trx) => checkDeconfliction(trx, user.name, input, CONTEXT));
  const list = (user: Principal, caseRef?: string) => withUser(store, acting(user), (trx) => listDeconfliction(trx, user.name, { caseRef }));
  const count = async (table: 'deconfliction_registrations' | 'deconfliction_alerts') =>
    Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(store.db)).rows[0]!.n);

  beforeAll(async () => {
    store = await backend.open();
    world = await twoAgencies(store);
    // Case details that must never reach the other side.
    await sql`UPDATE cases SET title = 'Operation Lantern', officer = 'Det. Ada Quill' WHERE id = ${world.cases.a1.id}`.execute(store.db);
    await sql`UPDATE cases SET title = 'Operation Kestrel', officer = 'DS Bea Marsh', contact = '{"email": "b1@bravo.example.org"}' WHERE id = ${world.cases.b1.id}`.execute(store.db);
    await grant(world, 'A-1', world.users.a);
    await grant(world, 'A-2', world.users.aBoss);
    await grant(world, 'B-1', world.users.b);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('alerts both officers once when two agencies register the same target, each with the other side’s contact only', async () => {
    const first = await register(world.users.a, { caseRef: 'A-1', target: '(416) 555-0123' });
    expect(first).toMatchObject({ created: true, alerts: [], registration: { case: 'A-1', kind: 'target', selector: { type: 'phone', shown: '(416) 555-0123' } } });

    const second = await register(world.users.b, { caseRef: 'B-1', target: '+1 416-555-0123' });
    expect(second.alerts).toHaveLength(1);
    const bobs = second.alerts[0]!;
    expect(Object.keys(bobs).sort()).toEqual(ALERT_KEYS);
    expect(Object.keys(bobs.contact).sort()).toEqual(CONTACT_KEYS);
    expect(bobs).toMatchObject({ reason: 'target', case: 'B-1', registration: second.registration.id, identity: null });
    // The case officer of A-1, and Alpha's phone (the case has none of its own).
    expect(bobs.contact).toEqual({ agency: 'Alpha Unit', officer: 'Det. Ada Quill', phone: '+14165550100', email: null });

    const alices = await list(world.users.a);
    expect(alices.alerts).toHaveLength(1);
    expect(Object.keys(alices.alerts[0]!).sort()).toEqual(ALERT_KEYS);
    expect(alices.alerts[0]).toMatchObject({ reason: 'target', case: 'A-1', registration: first.registration.id, identity: null });
    expect(alices.alerts[0]!.contact).toEqual({ agency: 'Bravo Unit', officer: 'DS Bea Marsh', phone: '+442079460000', email: 'b1@bravo.example.org' });

    // Nothing of the other case: no reference, title, registration or selector as they typed it.
    const bobSees = JSON.stringify([second, await list(world.users.b)]);
    for (const foreign of ['A-1', 'Operation Lantern', '(416) 555-0123']) expect(bobSees).not.toContain(foreign);
    const aliceSees = JSON.stringify(alices);
    for (const foreign of ['B-1', 'Operation Kestrel', '+1 416-555-0123']) expect(aliceSees).not.toContain(foreign);

    // One alert each: two rows in all, one per side.
    expect(await count('deconfliction_alerts')).toBe(2);
    // The same unit registering it again adds nothing and alerts no one again.
    const again = await register(world.users.b, { caseRef: 'B-1', target: '4165550123' });
    expect(again).toMatchObject({ created: false, registration: { id: second.registration.id } });
    expect(await count('deconfliction_alerts')).toBe(2);
  });

  it('keeps each side to its own rows in the database, and lets nobody write an alert', async () => {
    const rows = async (user: Principal, table: string) => withUser(store, acting(user), async (trx) => (await sql<{ case_id: string }>`SELECT case_id FROM ${sql.table(table)}`.execute(trx)).rows.map((row) => row.case_id));
    expect(new Set(await rows(world.users.b, 'deconfliction_registrations'))).toEqual(new Set([world.cases.b1.id]));
    expect(new Set(await rows(world.users.b, 'deconfliction_alerts'))).toEqual(new Set([world.cases.b1.id]));
    expect(await rows(world.users.auditor, 'deconfliction_alerts')).toEqual([]);
    const forged = withUser(store, acting(world.users.b), (trx) =>
      sql`INSERT INTO deconfliction_alerts (agency_id, case_id, registration_id, reason, contact) VALUES (${world.agencies.b}, ${world.cases.b1.id}, 1, 'target', '{}')`.execute(trx),
    );
    await expect(forged).rejects.toMatchObject({ code: '42501' });
    // The matching function that sees every agency's rows is not the application's to call.
    const matches = withUser(store, acting(world.users.b), (trx) =>
      sql`SELECT * FROM crosslink_deconfliction_matches(${world.agencies.b}, 'target', 'phone', '+14165550123', NULL, NULL, NULL, NULL, NULL, NULL, NULL)`.execute(trx),
    );
    await expect(matches).rejects.toMatchObject({ code: '42501' });
    await expect(register(world.users.b, { caseRef: 'A-1', target: 'someone@example.org' })).rejects.toThrow("no case 'A-1' that you may see");
  });

  it('does not alert a unit about its own agency', async () => {
    const same = await register(world.users.aBoss, { caseRef: 'A-2', target: '+14165550123' });
    // Bravo's registration meets it (one alert); Alpha's own A-1 does not.
    expect(same.alerts.map((alert) => alert.contact.agency)).toEqual(['Bravo Unit']);
  });

  it('conflicts operations only when they overlap in time and in place', async () => {
    const morning = { from: '2030-05-01T06:00', to: '2030-05-01T10:00' };
    const planned = await register(world.users.a, { caseRef: 'A-1', operation: 'search warrant', ...morning, place: 'Quay Street 12, Northbridge', lat: 51.5007, lon: -0.1246, radiusM: 100 });
    expect(planned.registration.operation).toMatchObject({ kind: 'search-warrant', from: '2030-05-01T06:00:00.000Z', to: '2030-05-01T10:00:00.000Z', radiusM: 100 });
    expect(planned.alerts).toEqual([]);

    // Same place, later the same day: no conflict.
    const later = await register(world.users.b, { caseRef: 'B-1', operation: 'arrest', from: '2030-05-01T11:00', to: '2030-05-01T12:00', place: 'Quay Street 12, Northbridge', lat: 51.5007, lon: -0.1246 });
    expect(later.alerts).toEqual([]);
    // Overlapping in time but some 50 km away, another place: no conflict.
    const far = await register(world.users.b, { caseRef: 'B-1', operation: 'surveillance', from: '2030-05-01T08:00', to: '2030-05-01T09:00', place: 'Mill Lane 3, Southgate', lat: 51.95, lon: -0.1246, radiusM: 500 });
    expect(far.alerts).toEqual([]);
    // Overlapping, 60 m away, with the place typed otherwise: a conflict.
    const near = await register(world.users.b, { caseRef: 'B-1', operation: 'undercover-meet', from: '2030-05-01T09:30', to: '2030-05-01T11:00', lat: 51.50124, lon: -0.1246 });
    expect(near.alerts).toHaveLength(1);
    expect(near.alerts[0]).toMatchObject({ reason: 'operation', contact: { agency: 'Alpha Unit', officer: 'Det. Ada Quill' } });
    // Overlapping, no coordinates, the same place in other spelling: a conflict too.
    const typed = await check(world.users.b, { caseRef: 'B-1', operation: 'interview', from: '2030-05-01', to: '2030-05-01', place: '  QUAY street 12 — northbridge ' });
    expect(typed.conflicts).toEqual([{ reason: 'operation', contact: { agency: 'Alpha Unit', officer: 'Det. Ada Quill', phone: '+14165550100', email: null } }]);
  });

  it('checks without registering or alerting anything, and audits every registration and check', async () => {
    const registrations = await count('deconfliction_registrations');
    const alerts = await count('deconfliction_alerts');
    const checked = await check(world.users.b, { caseRef: 'B-1', target: '416.555.0123' });
    // Alpha registered the number for two cases: A-2 has no officer of its own, so Alpha's contact stands in.
    expect(checked).toEqual({
      case: 'B-1',
      conflicts: [
        { reason: 'target', contact: { agency: 'Alpha Unit', officer: 'Det. A', phone: '+14165550100', email: null } },
        { reason: 'target', contact: { agency: 'Alpha Unit', officer: 'Det. Ada Quill', phone: '+14165550100', email: null } },
      ],
    });
    expect((await check(world.users.b, { caseRef: 'B-1', target: 'nobody@example.org' })).conflicts).toEqual([]);
    expect(await count('deconfliction_registrations')).toBe(registrations);
    expect(await count('deconfliction_alerts')).toBe(alerts);

    const audited = await store.db.selectFrom('audit_log').select(['actor', 'action', 'case_id', 'details']).where('action', 'like', 'deconflict.%').orderBy('id').execute();
    expect(audited.filter((row) => row.action === 'deconflict.check' && row.actor === 'bob')).toHaveLength(3);
    expect(audited.filter((row) => row.action === 'deconflict.register').map((row) => row.actor)).toEqual(['alice', 'bob', 'bob', 'ada', 'alice', 'bob', 'bob', 'bob']);
    expect(audited.at(-1)).toMatchObject({ action: 'deconflict.check', case_id: world.cases.b1.id, details: { kind: 'target', type: 'email', conflicts: 0 } });
  });

  it('refuses registrations that say too little or too much, in one clear line', async () => {
    const refusals: [DeconflictionInput, RegExp][] = [
      [{ caseRef: 'B-1' }, /exactly one of --target SELECTOR, --subject ID or --operation KIND/],
      [{ caseRef: 'B-1', target: 'x@example.org', subject: '1' }, /exactly one of/],
      [{ caseRef: 'B-1', target: 'not an identifier' }, /'not an identifier' is not an identifier Crosslink recognises/],
      [{ caseRef: 'B-1', target: '@falcon' }, /looks like a handle: say where it lives with --platform/],
      [{ caseRef: 'B-1', target: 'x@example.org', place: 'Quay Street' }, /--place belongs to an --operation/],
      [{ caseRef: 'B-1', operation: 'raid', from: '2030-01-01', to: '2030-01-02', place: 'x' }, /operation 'raid' must be one of: search-warrant/],
      [{ caseRef: 'B-1', operation: 'arrest', from: '2030-01-02', to: '2030-01-01', place: 'x' }, /--to 2030-01-01 is not after --from 2030-01-02/],
      [{ caseRef: 'B-1', operation: 'arrest', from: '2030-01-01', to: '2030-01-01' }, /an operation needs a place/],
      [{ caseRef: 'B-1', operation: 'arrest', from: '2030-01-01', to: '2030-01-01', lat: 91, lon: 0 }, /--lat '91' must be a number from -90 to 90/],
      [{ caseRef: 'B-1', operation: 'arrest', from: 'tomorrow', to: '2030-01-01', place: 'x' }, /--from 'tomorrow' is not a day/],
      [{ caseRef: 'B-1', subject: '999999' }, /no subject 999999 that you may see/],
    ];
    for (const [input, message] of refusals) await expect(register(world.users.b, input), JSON.stringify(input)).rejects.toThrow(message);
  });

  it('meets a subject target through the same subject, or through an identifier its members carry', async () => {
    /** A person in a case, mentioning one email (written as the owner, as ingestion would). */
    const person = async (caseKey: 'a2' | 'b1', agency: 'a' | 'b', key: string, email: string) => {
      const scope = { agencyId: world.agencies[agency], caseId: world.cases[caseKey].id };
      const { source } = await registerSource(store.db, scope, { sha256: createHash('sha256').update(key).digest('hex'), bytes: 1, originalName: `${key}.csv`, format: 'arrests-csv', ingestedBy: 'test' });
      const entity = await store.db
        .insertInto('entities')
        .values({ agency_id: scope.agencyId, case_id: scope.caseId, kind: 'person', key, label: 'Rowan Vale', source_id: source.id })
        .returningAll()
        .executeTakeFirstOrThrow();
      const identifier = await sql<{ id: string }>`INSERT INTO identifiers (type, value) VALUES ('email', ${email}) RETURNING id`.execute(store.db);
      await sql`INSERT INTO mentions (agency_id, case_id, identifier_id, entity_id, source_id) VALUES (${scope.agencyId}, ${scope.caseId}, ${identifier.rows[0]!.id}, ${entity.id}, ${source.id})`.execute(store.db);
      return entity;
    };
    const members = [await person('a2', 'a', 'p-a', 'rowan@example.org'), await person('b1', 'b', 'p-b', 'rowan.vale@example.org')];
    const { subject } = await createSubject(store.db, { run: 'test', members: members.map((entity) => ({ entity, score: 1, reasons: [] })) });

    const bravo = await register(world.users.b, { caseRef: 'B-1', subject: `s${subject.id}` });
    expect(bravo).toMatchObject({ registration: { kind: 'target', subject: subject.id, selector: null }, alerts: [] });
    // Alpha targets the same subject: Bravo is on it.
    const alpha = await register(world.users.aBoss, { caseRef: 'A-2', subject: subject.id });
    expect(alpha.alerts.map((alert) => alert.contact)).toEqual([{ agency: 'Bravo Unit', officer: 'DS Bea Marsh', phone: '+442079460000', email: 'b1@bravo.example.org' }]);
    // An email one of its members carries meets Bravo's subject target too (Alpha's own does not count).
    const checked = await check(world.users.a, { caseRef: 'A-1', target: 'Rowan.Vale@example.org' });
    expect(checked.conflicts.map((conflict) => conflict.contact.agency)).toEqual(['Bravo Unit']);
  });
});
