/**
 * Deconfliction across nodes (three on loopback, one on PostgreSQL when a server answers): target
 * registrations meet through the private set intersection, in a domain of their own, and each unit
 * gets an alert carrying the other side's contact only —
 *
 * - two nodes registering the same target: one alert on each side, with the other's contact;
 * - a case that shares nothing, or whose types leave the target's type out, takes no part;
 * - a target one node registered and another merely holds in case data makes no alert and no hit;
 * - nothing crosses the wire in the clear; later registrations are exchanged incrementally, and
 *   alerts are not raised twice; members of the case read the alert like any other;
 * - planned operations that meet in time and place: one operation alert on each side, however many
 *   of their days and grid cells meet, and none for the same place a week later.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, ensureLocalAdmin, grantCase, listDeconfliction, registerDeconfliction, withUser } from '../../src/access/index.ts';
import { findSentNotice, syncAll } from '../../src/federation/index.ts';
import { federationDb } from '../../src/federation/tables.ts';
import { TestNode, meshOf } from './harness.ts';
import { hitsOn, round } from './helpers.ts';

const P1 = '+14165550123';
const E1 = 'sam.rowe@example.com';
const CA_CONTACT = { officer: 'Duty desk', phone: '+14165550100', email: 'desk@northbridge.example' };
const UK_CONTACT = { officer: 'Referrals', phone: '+442079460000', email: 'referrals@kingsbridge.example' };

/** Registers a target for a case as an analyst of its agency who is a member of it (the real path, row-level security and all). */
async function register(node: TestNode, agency: string, caseRef: string, target: string): Promise<{ id: string; name: string }> {
  const admin = (await ensureLocalAdmin(node.store.db)).user;
  const name = `analyst-${caseRef.toLowerCase()}`;
  const user = await addUser(node.store.db, admin, { name, role: 'analyst', agency });
  await grantCase(node.store.db, admin, caseRef, name);
  await withUser(node.store, { id: user.id, name }, (trx) => registerDeconfliction(trx, name, { caseRef, target }, { region: 'CA' }));
  return { id: user.id, name };
}

/** Registers a planned operation for a case, as a planner of its agency who is a member of it. */
async function registerOperation(node: TestNode, agency: string, caseRef: string, operation: { operation: string; from: string; to: string; lat: number; lon: number; radiusM: number }): Promise<void> {
  const admin = (await ensureLocalAdmin(node.store.db)).user;
  const name = `planner-${caseRef.toLowerCase()}`;
  const user = await addUser(node.store.db, admin, { name, role: 'analyst', agency });
  await grantCase(node.store.db, admin, caseRef, name);
  await withUser(node.store, { id: user.id, name }, (trx) => registerDeconfliction(trx, name, { caseRef, ...operation }, { region: 'CA' }));
}

/** Alerts about operations: the case and the node whose unit to call. */
async function operationAlertsOn(node: TestNode): Promise<string[]> {
  const rows = await sql<{ ref: string; node: string }>`
    SELECT c.ref, a.contact->>'node' AS node FROM deconfliction_alerts a JOIN cases c ON c.id = a.case_id
    WHERE a.reason = 'operation' ORDER BY c.ref, 2`.execute(node.store.db);
  return rows.rows.map((row) => `${row.ref} <- ${row.node}`);
}

interface AlertRow {
  case: string;
  contact: Record<string, unknown>;
}

async function alertsOn(node: TestNode): Promise<AlertRow[]> {
  const rows = await node.store.db
    .withTables<{ deconfliction_alerts: { case_id: string; contact: Record<string, unknown> } }>()
    .selectFrom('deconfliction_alerts as a')
    .innerJoin('cases as c', 'c.id', 'a.case_id')
    .select(['c.ref', 'a.contact'])
    .orderBy('c.ref')
    .execute();
  return rows.map((row) => ({ case: row.ref, contact: row.contact }));
}

describe('deconfliction across nodes', () => {
  let ca: TestNode;
  let uk: TestNode;
  let us: TestNode;
  let nodes: TestNode[];
  let caAnalyst: { id: string; name: string };

  beforeAll(async () => {
    ca = await TestNode.create('ca-northbridge');
    uk = await TestNode.create('uk-kingsbridge', 'postgres');
    us = await TestNode.create('us-eastport', 'postgres');
    nodes = [ca, uk, us];
    await meshOf(nodes);
    await ca.addCase({ agency: 'Northbridge Police', country: 'CA', contact: CA_CONTACT, ref: 'CA-1', sharing: 'hit-only', selectors: [['phone', '+14165550999'], ['phone', P1]] });
    await ca.addCase({ agency: 'Northbridge Police', country: 'CA', contact: CA_CONTACT, ref: 'CA-2', sharing: 'all', selectors: [['phone', '+14165550998']] });
    await uk.addCase({ agency: 'Kingsbridge Constabulary', country: 'GB', contact: UK_CONTACT, ref: 'UK-1', officer: 'DS Patel', sharing: 'all', selectors: [['phone', '+442079460123']] });
    await uk.addCase({ agency: 'Kingsbridge Constabulary', country: 'GB', contact: UK_CONTACT, ref: 'UK-2', sharing: 'all', types: ['email'], selectors: [['phone', '+442079460124']] });
    await us.addCase({ agency: 'Eastport PD', country: 'US', ref: 'US-1', selectors: [['phone', '+12025550111']] });
    // US-2 holds E1 in its case data (and shares it); CA-2 registers it as a target.
    await us.addCase({ agency: 'Eastport PD', country: 'US', ref: 'US-2', sharing: 'all', selectors: [['email', E1]] });
    caAnalyst = await register(ca, 'Northbridge Police', 'CA-1', P1);
    await register(ca, 'Northbridge Police', 'CA-2', E1);
    await register(uk, 'Kingsbridge Constabulary', 'UK-1', P1);
    await register(uk, 'Kingsbridge Constabulary', 'UK-2', P1);
    await register(us, 'Eastport PD', 'US-1', P1);
    for (let i = 0; i < 2; i++) expect((await round(nodes)).filter((report) => report.error)).toEqual([]);
  });

  afterAll(async () => {
    for (const node of nodes ?? []) await node?.close();
  });

  it('alerts both units that registered the same target, each with the other side’s contact only', async () => {
    expect(await alertsOn(ca)).toEqual([
      {
        case: 'CA-1',
        contact: { agency: 'Kingsbridge Constabulary', officer: 'DS Patel', phone: UK_CONTACT.phone, email: UK_CONTACT.email, node: 'uk-kingsbridge', country: 'GB', reference: expect.stringMatching(/^XL-/) },
      },
    ]);
    expect(await alertsOn(uk)).toEqual([
      {
        case: 'UK-1',
        contact: { agency: 'Northbridge Police', officer: CA_CONTACT.officer, phone: CA_CONTACT.phone, email: CA_CONTACT.email, node: 'ca-northbridge', country: 'CA', reference: expect.stringMatching(/^XL-/) },
      },
    ]);
    // US-1 shares nothing: it took no part, and nobody was told of it.
    expect(await alertsOn(us)).toEqual([]);
    // A registration is not case data: CA-2's target E1, held in US-2's data, made no hit and no alert.
    for (const node of nodes) expect(await hitsOn(node)).toEqual([]);
  });

  it('blinds registrations in a domain of their own: a peer cannot link them to the same selector in case data', async () => {
    // CA-1 holds P1 in its case data and registered it: UK received both, and cannot tell they are the same.
    const fed = federationDb(uk.store.db);
    const fromCa = (await fed.selectFrom('federation_peers').select('id').where('name', '=', 'ca-northbridge').executeTakeFirstOrThrow()).id;
    const data = (await fed.selectFrom('federation_theirs').select('tag').where('peer_id', '=', fromCa).execute()).map((row) => row.tag.toString('hex'));
    const registrations = (await fed.selectFrom('federation_dx_theirs').select('tag').where('peer_id', '=', fromCa).execute()).map((row) => row.tag.toString('hex'));
    expect(data.length).toBeGreaterThanOrEqual(2);
    expect(registrations.length).toBeGreaterThanOrEqual(2);
    expect(data.filter((tag) => registrations.includes(tag))).toEqual([]);
  });

  it('shows the alert to the members of the case, as any deconfliction alert', async () => {
    const seen = await withUser(ca.store, caAnalyst, (trx) => listDeconfliction(trx, caAnalyst.name));
    expect(seen.alerts.map((alert) => [alert.case, alert.contact])).toEqual([['CA-1', { agency: 'Kingsbridge Constabulary', officer: 'DS Patel', phone: UK_CONTACT.phone, email: UK_CONTACT.email }]]);
    // Where it came from, and the reference to quote, which the other node's unit can look up.
    const from = seen.alerts[0]!.from!;
    expect(from).toEqual({ node: 'uk-kingsbridge', country: 'GB', reference: expect.stringMatching(/^XL-[0-9A-Z]{4}-[0-9A-Z]{4}$/) });
    const ukUser = async (name: string) => ({ id: (await sql<{ id: string }>`SELECT id::text AS id FROM users WHERE name = ${name}`.execute(uk.store.db)).rows[0]!.id, name });
    const member = await ukUser('analyst-uk-1');
    const registration = (await withUser(uk.store, member, (trx) => listDeconfliction(trx, member.name))).registrations.find((entry) => entry.case === 'UK-1')!;
    expect(await withUser(uk.store, member, (trx) => findSentNotice(trx, from.reference.toLowerCase()))).toEqual({ kind: 'conflict', reference: from.reference, case: 'UK-1', registration: registration.id, sentAt: expect.any(String) });
    // Not a member of UK-1: the reference points nowhere they may see.
    const other = await ukUser('analyst-uk-2');
    expect(await withUser(uk.store, other, (trx) => findSentNotice(trx, from.reference))).toBeUndefined();
  });

  it('sends no target in the clear', async () => {
    const wire = nodes.map((node) => node.tap.text()).join('\n');
    expect(wire.length).toBeGreaterThan(2_000);
    for (const value of [P1, E1, P1.slice(1)]) expect(wire.includes(value), value).toBe(false);
  });

  it('exchanges later registrations only, and raises each alert once', async () => {
    const quiet = await syncAll(ca.node, { actor: 'test' });
    expect(quiet.map((report) => report.channels?.registrations.selectors)).toEqual([0, 0]);
    await us.addCase({ agency: 'Eastport PD', country: 'US', ref: 'US-3', officer: 'Det. Alvarez', sharing: 'hit-only', selectors: [['phone', '+12025550112']] });
    await register(us, 'Eastport PD', 'US-3', P1);
    const reports = await syncAll(us.node, { actor: 'test' });
    expect(reports.map((report) => [report.peer, report.channels?.registrations.selectors, report.channels?.registrations.conflicts])).toEqual([
      ['ca-northbridge', 1, 1],
      ['uk-kingsbridge', 1, 1],
    ]);
    for (let i = 0; i < 2; i++) await round(nodes);
    expect((await alertsOn(ca)).map((alert) => `${alert.case} <- ${alert.contact['node']}`)).toEqual(['CA-1 <- uk-kingsbridge', 'CA-1 <- us-eastport']);
    expect((await alertsOn(uk)).map((alert) => `${alert.case} <- ${alert.contact['node']}`)).toEqual(['UK-1 <- ca-northbridge', 'UK-1 <- us-eastport']);
    expect((await alertsOn(us)).map((alert) => `${alert.case} <- ${alert.contact['node']}`).sort()).toEqual(['US-3 <- ca-northbridge', 'US-3 <- uk-kingsbridge']);
  });

  it('alerts the units whose planned operations meet in time and place, once each, and sends no place or time in the clear', async () => {
    // Toronto, the same evening into the night (two days, so two selectors meet), 250 m apart: a
    // search warrant (CA-1) and an arrest (UK-1). US-2 watches the same street a week later.
    await registerOperation(ca, 'Northbridge Police', 'CA-1', { operation: 'search-warrant', from: '2027-03-10T20:00', to: '2027-03-11T01:00', lat: 43.6532, lon: -79.3832, radiusM: 200 });
    await registerOperation(uk, 'Kingsbridge Constabulary', 'UK-1', { operation: 'arrest', from: '2027-03-10T10:00', to: '2027-03-11T02:00', lat: 43.655, lon: -79.385, radiusM: 3000 });
    await registerOperation(us, 'Eastport PD', 'US-2', { operation: 'surveillance', from: '2027-03-17', to: '2027-03-18', lat: 43.6532, lon: -79.3832, radiusM: 200 });
    for (let i = 0; i < 2; i++) expect((await round(nodes)).filter((report) => report.error)).toEqual([]);
    expect(await operationAlertsOn(ca)).toEqual(['CA-1 <- uk-kingsbridge']);
    expect(await operationAlertsOn(uk)).toEqual(['UK-1 <- ca-northbridge']);
    expect(await operationAlertsOn(us)).toEqual([]);
    const wire = nodes.map((node) => node.tap.text()).join('\n');
    for (const value of ['43.65', '79.38', '2027-03-10', '2027-03-17', 'cell:']) expect(wire.includes(value), value).toBe(false);
    // Another round raises nothing more.
    await round(nodes);
    expect(await operationAlertsOn(ca)).toEqual(['CA-1 <- uk-kingsbridge']);
  });
});
