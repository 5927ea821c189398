/**
 * Law-enforcement-controlled identities on every backend: only the operating agency sees them;
 * resolution keeps an account police operate out of subjects even when names and emails match;
 * analysis marks its activity as police activity; and another unit targeting it — before or after
 * it is registered — gets a deconfliction alert with the operating side's contact and nothing else.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addIdentity,
  listDeconfliction,
  listIdentities,
  policeSelectors,
  registerDeconfliction,
  retireIdentity,
  checkDeconfliction,
  withUser,
  type NewIdentity,
  type Principal,
} from '../../src/access/index.ts';
import { loadProjection, timeline } from '../../src/analysis/index.ts';
import { ingestSource, loadMapping } from '../../src/ingest/index.ts';
import { runResolution } from '../../src/resolve/index.ts';
import { listSubjects, type Store } from '../../src/store/index.ts';
import { BACKENDS } from '../backends.ts';
import { acting, grant, twoAgencies, type TwoAgencies } from './fixtures.ts';

const IRSSI = fileURLToPath(new URL('../../../shared/testdata/chat/irc/irssi_gardening.log', import.meta.url));
const secret = Buffer.alloc(32, 3);
const dir = mkdtempSync(join(tmpdir(), 'crosslink-identities-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Arrest records: Samuel Rowe three times (one email), Maria Lopez twice (another), all alike in name, birth date and city. */
function arrests(name: string, rows: string[][]): string {
  const file = join(dir, name);
  writeFileSync(file, ['key,first_name,surname,dob,city,email', ...rows.map((row) => row.join(','))].join('\n') + '\n');
  return file;
}

describe.each(BACKENDS)('law-enforcement identities on $name', (backend) => {
  let store: Store;
  let world: TwoAgencies;
  let carol: string;

  const add = (user: Principal, input: Partial<NewIdentity> & { selector: string }) =>
    withUser(store, acting(user), (trx) => addIdentity(trx, user.name, { officer: 'DC Olu Webb', authority: 'WARRANT-7731', from: '2020-01-01', ...input }, { region: 'CA' }));
  const target = (user: Principal, caseRef: string, selector: string) => withUser(store, acting(user), (trx) => registerDeconfliction(trx, user.name, { caseRef, target: selector }, { region: 'CA' }));
  const subjectsOf = async (keys: string[]) => {
    const subjects = await listSubjects(store.db);
    return keys.map((key) => subjects.find((subject) => subject.members.some((member) => member.key === key))!.id);
  };

  beforeAll(async () => {
    store = await backend.open();
    world = await twoAgencies(store);
    await grant(world, 'A-1', world.users.a);
    await grant(world, 'A-1', world.users.aBoss);
    await grant(world, 'B-1', world.users.b);
    const mapping = join(dir, `${backend.name}.mapping.json`);
    writeFileSync(mapping, JSON.stringify({ kind: 'arrests', fields: { key: 'key', first_name: 'first_name', last_name: 'surname', birth_date: 'dob', city: 'city', email: 'email' }, dateFormat: 'yyyy-MM-dd' }));
    const options = { actor: 'test', secret, timezone: 'UTC', mapping: await loadMapping(mapping) };
    const samuel = ['Samuel', 'Rowe', '1984-03-07', 'Northbridge', 'sam.rowe@example.com'];
    const maria = ['Maria', 'Lopez', '1990-01-02', 'Northbridge', 'm.lopez@example.net'];
    await ingestSource(store, arrests(`${backend.name}-a.csv`, [['A1', ...samuel], ['A2', ...samuel], ['A3', ...maria]]), { ...options, caseRef: 'A-1' });
    await ingestSource(store, arrests(`${backend.name}-b.csv`, [['B1', ...samuel], ['B2', ...maria]]), { ...options, caseRef: 'B-1' });
    await ingestSource(store, IRSSI, { actor: 'test', secret, timezone: 'UTC', caseRef: 'A-1' });
    const handle = await sql<{ value: string }>`
      SELECT i.value FROM identifiers i JOIN mentions m ON m.identifier_id = i.id JOIN entities e ON e.id = m.entity_id
      WHERE i.type = 'handle' AND e.kind = 'account' AND e.label = 'carol'`.execute(store.db);
    carol = handle.rows[0]!.value;
  }, 300_000);
  afterAll(async () => {
    await store?.close();
  });

  it('shows an identity only to the operating agency, and audits it without its selector', async () => {
    const added = await add(world.users.a, { selector: carol, note: 'undercover in #gardening' });
    expect(added.identity).toMatchObject({ type: 'handle', officer: 'DC Olu Webb', authority: 'WARRANT-7731', from: '2020-01-01', to: null, active: true, retiredAt: null });
    const list = (user: Principal) => withUser(store, acting(user), (trx) => listIdentities(trx, user.name));
    expect((await list(world.users.aBoss)).map((identity) => identity.id)).toEqual([added.identity.id]);
    for (const other of [world.users.b, world.users.bBoss, world.users.auditor]) expect(await list(other)).toEqual([]);
    const raw = await withUser(store, acting(world.users.b), (trx) => sql`SELECT * FROM le_identities`.execute(trx));
    expect(raw.rows).toEqual([]);
    // Police-operated selectors: only where the caller's cases hold them, never who operates them.
    expect(await withUser(store, acting(world.users.a), (trx) => policeSelectors(trx))).toEqual([{ type: 'handle', value: carol }]);
    expect(await withUser(store, acting(world.users.b), (trx) => policeSelectors(trx))).toEqual([]);
    // Auditors of every agency read the log: it names the identity, not the account.
    const audit = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'identity.add').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0])).not.toContain(carol.split('@')[0]);

    await expect(add(world.users.b, { selector: 'x@example.org', agency: 'Alpha Unit' })).rejects.toThrow('you may register identities only for your own agency (Bravo Unit)');
    await expect(add(world.users.auditor, { selector: 'x@example.org' })).rejects.toThrow('auditors do not register');
    await expect(add(world.admin, { selector: 'x@example.org' })).rejects.toThrow('a node administrator has none');
    await expect(add(world.users.aBoss, { selector: carol })).rejects.toThrow('Alpha Unit already has a current identity');
    await expect(add(world.users.a, { selector: 'y@example.org', from: '2024-02-30' })).rejects.toThrow("--from '2024-02-30' is not a date");
  });

  it('keeps an account police operate out of subjects, even when names and emails match', async () => {
    // Without an identity, the three Samuel Rowes are one subject, and so are the two Maria Lopezes.
    const before = await runResolution(store, { actor: 'test', full: true });
    expect(before.people).toBe(5);
    const [a1, a2, b1] = await subjectsOf(['A1', 'A2', 'B1']);
    expect(new Set([a1, a2, b1]).size).toBe(1);
    const [maria1, maria2] = await subjectsOf(['A3', 'B2']);
    expect(maria1).toBe(maria2);

    // Samuel's email is an account police now use with lawful authority: his records leave the subject.
    await add(world.users.a, { selector: 'Sam.Rowe@Example.com', officer: 'DC Olu Webb' });
    for (const full of [false, true]) {
      await runResolution(store, { actor: 'test', full });
      const samuel = await subjectsOf(['A1', 'A2', 'B1']);
      expect(new Set(samuel).size, full ? 'full run' : 'incremental run').toBe(3);
      const lopez = await subjectsOf(['A3', 'B2']);
      expect(lopez[0]).toBe(lopez[1]);
    }
  });

  it('marks police activity in the graph and the timeline, never the rest', async () => {
    const projection = await withUser(store, acting(world.users.a), (trx) => loadProjection(trx));
    const police = projection.data.nodes.filter((node) => node.police).map((node) => `${node.kind}:${node.label}`).sort();
    expect(police).toEqual(expect.arrayContaining(['account:carol', 'identifier:sam.rowe@example.com']));
    expect(police.filter((label) => label.startsWith('person:'))).toEqual(['person:Samuel Rowe', 'person:Samuel Rowe']);
    expect(projection.data.nodes.find((node) => node.kind === 'account' && node.label === 'alice')?.police).toBeUndefined();

    const entries = (await withUser(store, acting(world.users.a), (trx) => timeline(trx, 'A-1', { limit: 1000 }))).entries;
    const carols = entries.filter((entry) => entry.actor === 'carol');
    expect(carols.length).toBeGreaterThan(0);
    expect(carols.every((entry) => entry.police === true)).toBe(true);
    expect(entries.filter((entry) => entry.actor === 'alice').every((entry) => entry.police === undefined)).toBe(true);
  });

  it('alerts the operating officer and another unit that targets the account, with contacts only', async () => {
    const registered = await target(world.users.b, 'B-1', carol);
    expect(registered.alerts).toHaveLength(1);
    expect(registered.alerts[0]).toMatchObject({ reason: 'target', case: 'B-1', identity: null, contact: { agency: 'Alpha Unit', officer: 'DC Olu Webb', phone: '+14165550100', email: null } });
    const bobSees = JSON.stringify([registered, await withUser(store, acting(world.users.b), (trx) => listDeconfliction(trx, 'bob'))]);
    for (const hidden of ['WARRANT-7731', 'undercover', 'A-1', '"identity":"']) expect(bobSees).not.toContain(hidden);

    const alpha = await withUser(store, acting(world.users.a), (trx) => listDeconfliction(trx, 'alice'));
    const operator = alpha.alerts.filter((alert) => alert.identity !== null);
    expect(operator).toHaveLength(1);
    expect(operator[0]).toMatchObject({ reason: 'target', case: null, registration: null, contact: { agency: 'Bravo Unit', officer: 'DS B', phone: '+442079460000', email: null } });

    // Targeted first, registered as police-operated after: both sides are alerted as well.
    await target(world.users.b, 'B-1', 'quiet.fern@example.org');
    const later = await add(world.users.a, { selector: 'Quiet.Fern@example.org' });
    expect(later.alerts).toBe(1);
    const bobs = await withUser(store, acting(world.users.b), (trx) => listDeconfliction(trx, 'bob'));
    expect(bobs.alerts.map((alert) => alert.contact.officer)).toEqual(['DC Olu Webb', 'DC Olu Webb']);
  });

  it('stops counting an identity as police-operated once it is retired', async () => {
    const identities = await withUser(store, acting(world.users.a), (trx) => listIdentities(trx, 'alice'));
    const carolsIdentity = identities.find((identity) => identity.type === 'handle')!;
    await expect(withUser(store, acting(world.users.b), (trx) => retireIdentity(trx, 'bob', carolsIdentity.id))).rejects.toThrow(`no identity ${carolsIdentity.id} of Bravo Unit`);
    const retired = await withUser(store, acting(world.users.aBoss), (trx) => retireIdentity(trx, 'ada', carolsIdentity.id));
    expect(retired).toMatchObject({ active: false, retiredAt: expect.any(String) });
    await expect(withUser(store, acting(world.users.aBoss), (trx) => retireIdentity(trx, 'ada', carolsIdentity.id))).rejects.toThrow('already retired');
    expect((await policeSelectors(store.db)).map((selector) => selector.type)).not.toContain('handle');
    const checked = await withUser(store, acting(world.users.b), (trx) => checkDeconfliction(trx, 'bob', { caseRef: 'B-1', target: carol }, {}));
    expect(checked.conflicts).toEqual([]);
  });
});
