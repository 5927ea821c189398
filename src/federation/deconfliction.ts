/**
 * Deconfliction across nodes: target registrations (src/access/deconfliction.ts, migration 0010)
 * compared with peers' through the same private set intersection as case selectors, and units
 * whose targets meet told to call each other.
 *
 * A registration's selectors — its identifier, or the identifiers its subject stands for — are
 * blinded in a domain of their own (`deconfliction:` before the selector), so a registration's tag
 * cannot be linked to the same identifier's tag in case data: a peer learns that someone registered
 * a target it also registered, never that a case merely mentions it. Only registrations of cases
 * that share with other nodes take part (the case's policy, and its identifier types).
 *
 * When both nodes hold a tag, each sends the other a conflict notice: a reference and the contact
 * of the registering case (agency, officer, phone, email — crosslink_case_contact, as local alerts
 * carry). The receiver accepts it only for a conflict it found itself, and turns it into a
 * deconfliction alert on its registration, which the case's members read as any other alert.
 *
 * Planned operations take part the same way: each becomes the days and grid cells (or place key)
 * it covers (operations.ts), and two that overlap always share one of them. One alert is raised
 * per registration and unit to call, however many cells, days or selectors met.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { appendAuditIn, type Database } from '../store/index.ts';
import { Rejection } from './envelope.ts';
import { hex, withPeerLock } from './matching.ts';
import type { FederationNode } from './node.ts';
import { newReference } from './notices.ts';
import { operationSelectors, selectorDigest } from './operations.ts';
import { enqueue, firstDelivery } from './outbox.ts';
import type { Peer } from './peers.ts';
import { blindInParallel } from './points.ts';
import { POINT_BYTES, PSI_VERSION, selectorOf, shuffled, tagsOf } from './psi.ts';
import { reblindPushed } from './push.ts';
import { federationDb } from './tables.ts';
import { exchange } from './transport.ts';

/** The PSI domain of registrations: never equal to a case selector's point. */
export function registrationSelector(type: string, value: string): string {
  return `deconfliction:${selectorOf(type, value)}`;
}

interface RegistrationSelector {
  registrationId: string;
  type: string;
  value: string;
  digest: Buffer;
}

/** Registrations' selectors not yet exchanged with the peer, of cases that share with other nodes: targets', then operations'. */
async function unsentRegistrationSelectors(db: Kysely<Database>, peerId: string, limit: number): Promise<RegistrationSelector[]> {
  const targets = await unsentTargetSelectors(db, peerId, limit);
  return targets.length < limit ? [...targets, ...(await unsentOperationSelectors(db, peerId, limit - targets.length))] : targets;
}

/**
 * Operations' selectors (operations.ts: days with grid cells or a place key) not yet exchanged with
 * the peer. Any operation of a case that shares takes part: a case's identifier types limit its
 * targets, not its operations. Computed here, not in SQL; a node registers operations by the
 * hundred, and each has a few selectors a day.
 */
async function unsentOperationSelectors(db: Kysely<Database>, peerId: string, limit: number): Promise<RegistrationSelector[]> {
  const operations = await sql<{ id: string; starts_at: Date; ends_at: Date; place_key: string | null; latitude: number | null; longitude: number | null; radius_m: number | null }>`
    SELECT r.id, r.starts_at, r.ends_at, r.place_key, r.latitude, r.longitude, r.radius_m
    FROM deconfliction_registrations r JOIN federation_case_policy p ON p.case_id = r.case_id
    WHERE r.kind = 'operation' AND p.sharing <> 'none'
    ORDER BY r.id`.execute(db);
  if (operations.rows.length === 0) return [];
  const sent = await sql<{ registration_id: string; digest: Buffer }>`
    SELECT registration_id, digest FROM federation_dx_mine WHERE peer_id = ${peerId} AND registration_id = ANY (${operations.rows.map((row) => row.id)}::bigint[])`.execute(db);
  const exchanged = new Set(sent.rows.map((row) => `${row.registration_id}/${row.digest.toString('hex')}`));
  const unsent: RegistrationSelector[] = [];
  for (const row of operations.rows) {
    const values = operationSelectors({ startsAt: row.starts_at, endsAt: row.ends_at, placeKey: row.place_key, latitude: row.latitude, longitude: row.longitude, radiusM: row.radius_m });
    for (const value of values) {
      const digest = selectorDigest('operation', value);
      if (exchanged.has(`${row.id}/${digest.toString('hex')}`)) continue;
      unsent.push({ registrationId: row.id, type: 'operation', value, digest });
      if (unsent.length === limit) return unsent;
    }
  }
  return unsent;
}

/** Targets' selectors not yet exchanged with the peer. */
async function unsentTargetSelectors(db: Kysely<Database>, peerId: string, limit: number): Promise<RegistrationSelector[]> {
  const rows = await sql<{ registration_id: string; type: string; value: string; digest: Buffer }>`
    WITH targets AS (
      SELECT r.id AS registration_id, r.identifier_type AS type, r.value
      FROM deconfliction_registrations r JOIN federation_case_policy p ON p.case_id = r.case_id
      WHERE r.kind = 'target' AND r.value IS NOT NULL AND p.sharing <> 'none' AND (p.types IS NULL OR r.identifier_type = ANY (p.types))
      UNION
      SELECT r.id, s.type, s.value
      FROM deconfliction_registrations r JOIN federation_case_policy p ON p.case_id = r.case_id
      CROSS JOIN LATERAL crosslink_subject_selectors(r.subject_id) s
      WHERE r.kind = 'target' AND r.subject_id IS NOT NULL AND p.sharing <> 'none' AND (p.types IS NULL OR s.type = ANY (p.types))
    ), digested AS (
      SELECT registration_id, type, value, sha256(convert_to(type || ':' || value, 'UTF8')) AS digest FROM targets
    )
    SELECT d.registration_id, d.type, d.value, d.digest FROM digested d
    WHERE NOT EXISTS (SELECT 1 FROM federation_dx_mine m WHERE m.peer_id = ${peerId} AND m.registration_id = d.registration_id AND m.digest = d.digest)
    ORDER BY d.registration_id, d.digest
    LIMIT ${limit}`.execute(db);
  return rows.rows.map((row) => ({ registrationId: row.registration_id, type: row.type, value: row.value, digest: row.digest }));
}

interface DxMatch {
  tag: Buffer;
  registrationId: string;
}

async function recordOwn(trx: Transaction<Database>, peerId: string, selectors: readonly RegistrationSelector[], tags: readonly Buffer[]): Promise<DxMatch[]> {
  await sql`
    INSERT INTO federation_dx_mine (peer_id, registration_id, digest, tag)
    SELECT ${peerId}, t.id, decode(t.digest, 'hex'), decode(t.tag, 'hex')
    FROM unnest(${selectors.map((s) => s.registrationId)}::bigint[], ${hex(selectors.map((s) => s.digest))}::text[], ${hex(tags)}::text[]) AS t (id, digest, tag)
    ON CONFLICT DO NOTHING`.execute(trx);
  const found = await sql<{ tag: Buffer; registration_id: string }>`
    INSERT INTO federation_dx_matches (peer_id, tag, registration_id)
    SELECT m.peer_id, m.tag, m.registration_id FROM federation_dx_mine m
    JOIN federation_dx_theirs t ON t.peer_id = m.peer_id AND t.tag = m.tag
    WHERE m.peer_id = ${peerId} AND m.tag IN (SELECT decode(x, 'hex') FROM unnest(${hex(tags)}::text[]) AS x)
    ON CONFLICT DO NOTHING
    RETURNING tag, registration_id`.execute(trx);
  return found.rows.map((row) => ({ tag: row.tag, registrationId: row.registration_id }));
}

async function recordTheirs(trx: Transaction<Database>, peerId: string, tags: readonly Buffer[]): Promise<DxMatch[]> {
  const list = hex(tags);
  await sql`
    INSERT INTO federation_dx_theirs (peer_id, tag) SELECT ${peerId}, decode(t, 'hex') FROM unnest(${list}::text[]) AS t
    ON CONFLICT DO NOTHING`.execute(trx);
  const found = await sql<{ tag: Buffer; registration_id: string }>`
    INSERT INTO federation_dx_matches (peer_id, tag, registration_id)
    SELECT m.peer_id, m.tag, m.registration_id FROM federation_dx_mine m
    WHERE m.peer_id = ${peerId} AND m.tag IN (SELECT decode(t, 'hex') FROM unnest(${list}::text[]) AS t)
    ON CONFLICT DO NOTHING
    RETURNING tag, registration_id`.execute(trx);
  return found.rows.map((row) => ({ tag: row.tag, registrationId: row.registration_id }));
}

/** Whom the other side should call about one of our registrations: its case's contact. */
export interface ConflictContact {
  agency: string;
  officer?: string;
  phone?: string;
  email?: string;
}

export interface ConflictNotice {
  reference: string;
  tag: string;
  country: string;
  contact: ConflictContact;
}

export interface ConflictMessage {
  node: string;
  notices: ConflictNotice[];
}

/**
 * Records a conflict notice under a new reference, or returns undefined when it was recorded before
 * (same peer, tag and registration). A reference already taken (40 random bits: notices.ts
 * recordNotices) is drawn again.
 */
async function recordConflictNotice(trx: Transaction<Database>, peer: Peer, match: DxMatch): Promise<string | undefined> {
  const db = federationDb(trx);
  for (let attempt = 0; attempt < 5; attempt++) {
    const reference = newReference();
    const inserted = await db
      .insertInto('federation_dx_sent')
      .values({ reference, peer_id: peer.id, tag: match.tag, registration_id: match.registrationId })
      .onConflict((oc) => oc.doNothing())
      .returning('reference')
      .executeTakeFirst();
    if (inserted) return reference;
    const before = await db.selectFrom('federation_dx_sent').select('reference').where('peer_id', '=', peer.id).where('tag', '=', match.tag).where('registration_id', '=', match.registrationId).executeTakeFirst();
    if (before) return undefined;
  }
  throw new Error('could not find a free reference for a conflict notice in 5 attempts');
}

/** For new conflicts: a notice per registration of ours, recorded and queued for the peer in the caller's transaction. */
async function queueConflictNotices(trx: Transaction<Database>, node: FederationNode, peer: Peer, matches: readonly DxMatch[], actor: string): Promise<number> {
  if (matches.length === 0) return 0;
  const contacts = await sql<{ registration_id: string; case_id: string; agency_id: string; country: string; contact: Record<string, unknown> }>`
    SELECT r.id AS registration_id, r.case_id, r.agency_id, a.country, crosslink_case_contact(r.case_id) AS contact
    FROM deconfliction_registrations r JOIN agencies a ON a.id = r.agency_id
    WHERE r.id = ANY (${matches.map((match) => match.registrationId)}::bigint[])`.execute(trx);
  const byId = new Map(contacts.rows.map((row) => [row.registration_id, row]));
  const notices: ConflictNotice[] = [];
  for (const match of matches) {
    const holder = byId.get(match.registrationId);
    if (!holder) continue;
    const reference = await recordConflictNotice(trx, peer, match);
    if (!reference) continue;
    notices.push({ reference, tag: match.tag.toString('hex'), country: holder.country, contact: contactOf(holder.contact) });
    await appendAuditIn(trx, {
      actor,
      action: 'federation.deconflict.queued',
      agencyId: holder.agency_id,
      caseId: holder.case_id,
      target: `registration:${match.registrationId}`,
      details: { peer: peer.name, reference },
    });
  }
  for (let start = 0; start < notices.length; start += 500) {
    await enqueue(trx, peer.id, 'dx.notice', { node: node.identity.name, notices: notices.slice(start, start + 500) } satisfies ConflictMessage as unknown as Record<string, unknown>);
  }
  return notices.length;
}

function contactOf(source: Record<string, unknown>): ConflictContact {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : undefined);
  const contact: ConflictContact = { agency: text(source['agency']) ?? 'unknown agency' };
  for (const field of ['officer', 'phone', 'email'] as const) {
    const value = text(source[field]);
    if (value) contact[field] = value;
  }
  return contact;
}

export interface DxPushBody {
  version: typeof PSI_VERSION;
  blinded: string;
}

export interface DxOutcome {
  selectors: number;
  conflicts: number;
  notices: number;
}

/** Pushes one batch of registration selectors, blinded, and records the answer. */
async function pushRegistrations(node: FederationNode, peer: Peer, selectors: readonly RegistrationSelector[], actor: string): Promise<DxOutcome> {
  const order = shuffled(selectors);
  const blinded = await blindInParallel(
    order.map((selector) => registrationSelector(selector.type, selector.value)),
    peer.psiKey,
  );
  const reply = (await exchange(node, peer, '/api/federation/deconfliction', 'dx.push', 'dx.reply', { version: PSI_VERSION, blinded: blinded.toString('base64') } satisfies DxPushBody)) as Partial<DxPushBody> | null;
  const doubled = reply?.version === PSI_VERSION && typeof reply.blinded === 'string' ? Buffer.from(reply.blinded, 'base64') : Buffer.alloc(0);
  if (doubled.length !== blinded.length) throw new Rejection('invalid-body', `${peer.name} answered ${Math.floor(doubled.length / POINT_BYTES)} points for ${order.length} registration selectors`);
  const outcome = await withPeerLock(node.store.db, peer.id, async (trx) => {
    const conflicts = await recordOwn(trx, peer.id, order, tagsOf(doubled));
    const notices = await queueConflictNotices(trx, node, peer, conflicts, actor);
    await appendAuditIn(trx, { actor, action: 'federation.deconflict.push', target: peer.name, details: { peer: peer.name, selectors: order.length, conflicts: conflicts.length, notices } });
    return { selectors: order.length, conflicts: conflicts.length, notices };
  });
  if (outcome.notices > 0) node.onQueued(peer.id);
  return outcome;
}

/** Answers a peer's registration push: its points raised to our scalar for it; conflicts found are noticed. */
export async function answerRegistrations(node: FederationNode, peer: Peer, body: unknown): Promise<DxPushBody> {
  const { count, doubled } = await reblindPushed(node, peer, body, 'deconfliction push');
  const actor = `peer:${peer.name}`;
  const notices = await withPeerLock(node.store.db, peer.id, async (trx) => {
    const conflicts = await recordTheirs(trx, peer.id, tagsOf(doubled));
    const queued = await queueConflictNotices(trx, node, peer, conflicts, actor);
    await appendAuditIn(trx, { actor, action: 'federation.deconflict.answer', target: peer.name, details: { peer: peer.name, selectors: count, conflicts: conflicts.length, notices: queued } });
    return queued;
  });
  if (notices > 0) node.onQueued(peer.id);
  return { version: PSI_VERSION, blinded: doubled.toString('base64') };
}

/** One sync step: every registration selector not yet exchanged with the peer, in batches. */
export async function syncRegistrations(node: FederationNode, peer: Peer, actor: string): Promise<DxOutcome> {
  const total: DxOutcome = { selectors: 0, conflicts: 0, notices: 0 };
  for (;;) {
    const batch = await unsentRegistrationSelectors(node.store.db, peer.id, node.batchSize);
    if (batch.length === 0) return total;
    const outcome = await pushRegistrations(node, peer, batch, actor);
    total.selectors += outcome.selectors;
    total.conflicts += outcome.conflicts;
    total.notices += outcome.notices;
  }
}

/** The conflict message's shape, strictly: nothing but references, tags, a country and a contact. */
export function parseConflictMessage(body: unknown): ConflictMessage {
  const message = body as Partial<ConflictMessage> | null;
  const exact = (value: unknown, keys: string[]) => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).every((key) => keys.includes(key));
  const text = (value: unknown, max = 200) => typeof value === 'string' && value.length > 0 && value.length <= max;
  const optional = (value: unknown) => value === undefined || text(value);
  const ok =
    exact(message, ['node', 'notices']) &&
    text(message!.node, 64) &&
    Array.isArray(message!.notices) &&
    message!.notices.length > 0 &&
    message!.notices.length <= 500 &&
    message!.notices.every(
      (notice) =>
        exact(notice, ['reference', 'tag', 'country', 'contact']) &&
        typeof notice.reference === 'string' &&
        /^[A-Za-z0-9-]{4,40}$/.test(notice.reference) &&
        typeof notice.tag === 'string' &&
        /^[0-9a-f]{32}$/.test(notice.tag) &&
        typeof notice.country === 'string' &&
        /^[A-Z]{2}$/.test(notice.country) &&
        exact(notice.contact, ['agency', 'officer', 'phone', 'email']) &&
        text(notice.contact?.agency) &&
        optional(notice.contact?.officer) &&
        optional(notice.contact?.phone) &&
        optional(notice.contact?.email),
    );
  if (!ok) throw new Rejection('invalid-body', 'not a conflict notice message: { node, notices: [{ reference, tag, country, contact: { agency, officer?, phone?, email? } }] } with nothing else');
  return message as ConflictMessage;
}

/**
 * Applies a peer's conflict notices: each becomes a deconfliction alert on every registration of
 * ours under its tag, carrying the peer's contact only. All or nothing, as hit notices: a notice
 * about a conflict this node has not found (yet) refuses the message, which the peer retries.
 */
export async function receiveConflicts(node: FederationNode, peer: Peer, messageId: string, body: unknown): Promise<{ duplicate: boolean; alerts: number }> {
  const message = parseConflictMessage(body);
  return node.store.db.transaction().execute(async (trx) => {
    const fed = federationDb(trx);
    if (!(await firstDelivery(trx, peer.id, messageId, 'dx.notice'))) return { duplicate: true, alerts: 0 };
    const tags = message.notices.map((notice) => notice.tag);
    const known = await sql<{ tag: Buffer; registration_id: string; case_id: string; agency_id: string; kind: 'target' | 'operation' }>`
      SELECT m.tag, m.registration_id, r.case_id, r.agency_id, r.kind FROM federation_dx_matches m
      JOIN deconfliction_registrations r ON r.id = m.registration_id
      WHERE m.peer_id = ${peer.id} AND m.tag IN (SELECT decode(t, 'hex') FROM unnest(${tags}::text[]) AS t)`.execute(trx);
    const byTag = new Map<string, typeof known.rows>();
    for (const row of known.rows) byTag.set(row.tag.toString('hex'), [...(byTag.get(row.tag.toString('hex')) ?? []), row]);
    const unknown = message.notices.filter((notice) => !byTag.has(notice.tag)).length;
    if (unknown > 0) throw new Rejection('not-matched', `${unknown} of ${message.notices.length} conflict notices are about conflicts this node has not found (yet): send them again later`);
    let alerts = 0;
    for (const notice of message.notices) {
      for (const registration of byTag.get(notice.tag)!) {
        const seen = await fed
          .selectFrom('federation_dx_received')
          .select('alert_id')
          .where('peer_id', '=', peer.id)
          .where('reference', '=', notice.reference)
          .where('registration_id', '=', registration.registration_id)
          .executeTakeFirst();
        if (seen) continue;
        // The alert's contact: whom to call on the other node, and the reference to quote.
        const contact = { agency: notice.contact.agency, officer: notice.contact.officer ?? null, phone: notice.contact.phone ?? null, email: notice.contact.email ?? null, node: message.node, country: notice.country, reference: notice.reference };
        // One alert per registration and unit to call: an operation meets another in several
        // cells and days, a subject's target in several selectors, each a notice of its own.
        const already = await sql<{ id: string }>`
          SELECT a.id FROM deconfliction_alerts a JOIN federation_dx_received d ON d.alert_id = a.id AND d.peer_id = ${peer.id}
          WHERE a.registration_id = ${registration.registration_id} AND a.contact - 'reference' = ${JSON.stringify(contact)}::jsonb - 'reference'
          LIMIT 1`.execute(trx);
        const alertId =
          already.rows[0]?.id ??
          (
            await sql<{ id: string }>`
              INSERT INTO deconfliction_alerts (agency_id, case_id, registration_id, reason, contact)
              VALUES (${registration.agency_id}, ${registration.case_id}, ${registration.registration_id}, ${registration.kind}, ${JSON.stringify(contact)}::jsonb)
              RETURNING id`.execute(trx)
          ).rows[0]!.id;
        await fed.insertInto('federation_dx_received').values({ peer_id: peer.id, reference: notice.reference, registration_id: registration.registration_id, alert_id: alertId }).execute();
        if (already.rows.length > 0) continue;
        await appendAuditIn(trx, {
          actor: `peer:${peer.name}`,
          action: 'federation.deconflict.alert',
          agencyId: registration.agency_id,
          caseId: registration.case_id,
          target: `registration:${registration.registration_id}`,
          details: { peer: peer.name, node: message.node, reference: notice.reference },
        });
        alerts++;
      }
    }
    return { duplicate: false, alerts };
  });
}
