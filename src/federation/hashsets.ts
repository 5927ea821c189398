/**
 * Hash-set exchange: a node shares categorised media hash sets (hashes, numbers and categories
 * only — never content, names or paths) with its peers as VICS JSON, the format Project VIC and
 * Griffeye exchange. Each set goes to each peer once, in parts of at most 5,000 entries, through
 * the outbox (retried until acknowledged, applied once).
 *
 * A set received is stored as a categorised hash set of this node, named after its source, with the
 * node it came from and the category scheme its categories follow recorded beside it
 * (`federation_hashset_received`): categories are kept exactly as the source region decided them
 * (a UK "A" is not a US "1"), never mapped into this node's own scheme. A set received from a peer
 * is not offered on to others: its source shares it where it chooses.
 */
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import { hashSetEntryRow } from '../media/hash-set-store.ts';
import { readVics, writeVics, type HashSetEntry } from '../media/hashsets/index.ts';
import { UserError } from '../model/index.ts';
import { appendAudit, appendAuditIn, type Database } from '../store/index.ts';
import { Rejection } from './envelope.ts';
import type { FederationNode } from './node.ts';
import { enqueue, firstDelivery } from './outbox.ts';
import type { Peer } from './peers.ts';
import { federationDb } from './tables.ts';

const ENTRIES_PER_PART = 5_000;
const SCHEME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface HashSetOffer {
  node: string;
  set: { id: string; name: string; scheme: string; entries: number; part: number; parts: number };
  /** A VICS 2.0 JSON document holding this part's entries. */
  vics: string;
}

export interface SharedHashSetView {
  id: string;
  name: string;
  entries: number;
  /** Shared by this node (with its scheme), or received from a peer (with the source's scheme). */
  direction: 'shared' | 'received';
  scheme: string;
  node: string | null;
  at: string;
}

export function parseScheme(text: string): string {
  const scheme = text.trim();
  if (!SCHEME.test(scheme)) throw new UserError(`--scheme '${text}' must name a category scheme in 1–64 letters, digits, '.', '_' or '-' (e.g. UK-CAID, US-VICS, CA-Default)`);
  return scheme;
}

/** Marks a categorised set (by id or name) as shared with every peer, its categories following `scheme`. */
export async function shareHashSet(db: Kysely<Database>, actor: string, set: string, scheme: string): Promise<SharedHashSetView> {
  const fed = federationDb(db);
  const found = await fed
    .selectFrom('hash_sets')
    .select(['id', 'name', 'kind', 'entries'])
    .where((eb) => (/^\d{1,18}$/.test(set.trim()) ? eb('id', '=', set.trim()) : eb('name', '=', set.trim())))
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!found) throw new UserError(`no hash set '${set}' (see 'crosslink hashset list')`, 'not_found');
  if (found.kind !== 'categorised') throw new UserError(`hash set '${found.name}' is a known-good list: only categorised sets are exchanged`);
  const received = await fed.selectFrom('federation_hashset_received').select('node').where('set_id', '=', found.id).executeTakeFirst();
  if (received) throw new UserError(`hash set '${found.name}' came from ${received.node}: its source shares it where it chooses`, 'conflict');
  const checked = parseScheme(scheme);
  await fed
    .insertInto('federation_hashset_shares')
    .values({ set_id: found.id, scheme: checked, shared_by: actor })
    .onConflict((oc) => oc.column('set_id').doUpdateSet({ scheme: checked }))
    .execute();
  await appendAudit(db, { actor, action: 'federation.hashset.share', target: found.name, details: { set: found.id, scheme: checked, entries: found.entries } });
  return { id: found.id, name: found.name, entries: found.entries, direction: 'shared', scheme: checked, node: null, at: new Date().toISOString() };
}

/** The sets this node shares and those it received, with scheme and source. */
export async function listExchangedHashSets(db: Kysely<Database>): Promise<SharedHashSetView[]> {
  const rows = await sql<{ id: string; name: string; entries: number; direction: 'shared' | 'received'; scheme: string; node: string | null; at: Date }>`
    SELECT s.id, s.name, s.entries, 'shared' AS direction, f.scheme, NULL AS node, f.shared_at AS at
    FROM federation_hashset_shares f JOIN hash_sets s ON s.id = f.set_id
    UNION ALL
    SELECT s.id, s.name, s.entries, 'received', r.scheme, r.node, r.received_at
    FROM federation_hashset_received r JOIN hash_sets s ON s.id = r.set_id
    ORDER BY direction DESC, name`.execute(db);
  return rows.rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() }));
}

async function entriesOf(db: Kysely<Database>, setId: string): Promise<HashSetEntry[]> {
  const rows = await federationDb(db)
    .selectFrom('hash_set_entries')
    .select(['md5', 'sha1', 'sha256', 'pdq', 'category', 'series', 'victim_identified', 'offender_identified'])
    .where('set_id', '=', setId)
    .execute();
  return rows.map((row) => ({
    ...(row.md5 ? { md5: row.md5 } : {}),
    ...(row.sha1 ? { sha1: row.sha1 } : {}),
    ...(row.sha256 ? { sha256: row.sha256 } : {}),
    ...(row.pdq ? { pdq: row.pdq } : {}),
    ...(row.category !== null ? { category: /^\d+$/.test(row.category) ? Number(row.category) : row.category } : {}),
    ...(row.series !== null ? { series: row.series } : {}),
    ...(row.victim_identified !== null ? { victimIdentified: row.victim_identified } : {}),
    ...(row.offender_identified !== null ? { offenderIdentified: row.offender_identified } : {}),
    source: { file: 'crosslink', line: 0 },
  }));
}

async function vicsText(entries: readonly HashSetEntry[]): Promise<string> {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  await writeVics(entries, sink);
  return chunks.join('');
}

/** One sync step: every shared set the peer has not had yet, queued in parts (the outbox delivers them). */
export async function syncHashSets(node: FederationNode, peer: Peer, actor: string): Promise<{ sets: number; entries: number }> {
  const fed = federationDb(node.store.db);
  const due = await fed
    .selectFrom('federation_hashset_shares as f')
    .innerJoin('hash_sets as s', 's.id', 'f.set_id')
    .select(['s.id', 's.name', 'f.scheme'])
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('federation_hashset_sent as t').select('t.set_id').where('t.peer_id', '=', peer.id).whereRef('t.set_id', '=', 's.id'))))
    .orderBy('s.id')
    .execute();
  let entries = 0;
  for (const set of due) {
    const all = await entriesOf(node.store.db, set.id);
    const parts = Math.max(1, Math.ceil(all.length / ENTRIES_PER_PART));
    const texts: string[] = [];
    for (let part = 0; part < parts; part++) texts.push(await vicsText(all.slice(part * ENTRIES_PER_PART, (part + 1) * ENTRIES_PER_PART)));
    await node.store.db.transaction().execute(async (trx) => {
      for (let part = 0; part < parts; part++) {
        const offer: HashSetOffer = { node: node.identity.name, set: { id: set.id, name: set.name.slice(0, 200), scheme: set.scheme, entries: all.length, part: part + 1, parts }, vics: texts[part]! };
        await enqueue(trx, peer.id, 'hashset.offer', offer as unknown as Record<string, unknown>);
      }
      await federationDb(trx).insertInto('federation_hashset_sent').values({ peer_id: peer.id, set_id: set.id, entries: all.length }).execute();
      await appendAuditIn(trx, { actor, action: 'federation.hashset.sent', target: peer.name, details: { peer: peer.name, set: set.id, name: set.name, scheme: set.scheme, entries: all.length, parts } });
    });
    entries += all.length;
    node.onQueued(peer.id);
  }
  return { sets: due.length, entries };
}

function parseOffer(body: unknown): HashSetOffer {
  const offer = body as Partial<HashSetOffer> | null;
  const exact = (value: unknown, keys: string[]) => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).every((key) => keys.includes(key));
  const set = offer?.set;
  const ok =
    exact(offer, ['node', 'set', 'vics']) &&
    typeof offer!.node === 'string' &&
    offer!.node.length > 0 &&
    offer!.node.length <= 64 &&
    exact(set, ['id', 'name', 'scheme', 'entries', 'part', 'parts']) &&
    typeof set!.id === 'string' &&
    /^\d{1,18}$/.test(set!.id) &&
    typeof set!.name === 'string' &&
    set!.name.length > 0 &&
    set!.name.length <= 200 &&
    typeof set!.scheme === 'string' &&
    SCHEME.test(set!.scheme) &&
    [set!.entries, set!.part, set!.parts].every((n) => Number.isInteger(n) && n >= 0) &&
    set!.part >= 1 &&
    set!.part <= set!.parts &&
    typeof offer!.vics === 'string' &&
    offer!.vics.length <= 8 * 1024 * 1024;
  if (!ok) throw new Rejection('invalid-body', 'not a hash-set offer: { node, set: { id, name, scheme, entries, part, parts }, vics } with nothing else');
  return offer as HashSetOffer;
}

/** Stores one part of a peer's hash set: the entries of its VICS document, categories as the source decided them. */
export async function receiveHashSet(node: FederationNode, peer: Peer, messageId: string, body: unknown): Promise<{ duplicate: boolean; entries: number; rejects: number }> {
  const offer = parseOffer(body);
  const entries: HashSetEntry[] = [];
  let rejects = 0;
  for await (const item of readVics(Readable.from([offer.vics]), `${peer.name}:${offer.set.id}`)) {
    if (item.type === 'reject') rejects++;
    else if (item.entry.md5 || item.entry.sha1 || item.entry.sha256 || item.entry.pdq) entries.push(item.entry);
  }
  if (entries.length > ENTRIES_PER_PART) throw new Rejection('invalid-body', `a hash-set part carries at most ${ENTRIES_PER_PART} entries, not ${entries.length}`);
  return node.store.db.transaction().execute(async (trx) => {
    const fed = federationDb(trx);
    if (!(await firstDelivery(trx, peer.id, messageId, 'hashset.offer'))) return { duplicate: true, entries: 0, rejects: 0 };
    let setId = (await fed.selectFrom('federation_hashset_received').select('set_id').where('peer_id', '=', peer.id).where('remote_set', '=', offer.set.id).executeTakeFirst())?.set_id;
    if (setId === undefined) {
      // Unique per source node and set: the key and the set's id there, not the bytes of a file.
      const identity = createHash('sha256').update(`${peer.publicKey}:${offer.set.id}`).digest('hex');
      const created = await fed
        .insertInto('hash_sets')
        .values({ name: `${offer.set.name} (from ${peer.name})`, kind: 'categorised', format: 'vics', file_name: `federation:${peer.name}:${offer.set.id}`, file_sha256: identity, imported_by: `peer:${peer.name}` })
        .returning('id')
        .executeTakeFirstOrThrow();
      setId = created.id;
      await fed.insertInto('federation_hashset_received').values({ set_id: setId, peer_id: peer.id, node: offer.node, remote_set: offer.set.id, scheme: offer.set.scheme }).execute();
    }
    if (entries.length > 0) {
      await fed
        .insertInto('hash_set_entries')
        .values(
          entries.map((entry) => hashSetEntryRow(setId, entry)),
        )
        .execute();
    }
    await fed.updateTable('hash_sets').set((eb) => ({ entries: eb('entries', '+', entries.length) })).where('id', '=', setId).execute();
    await fed.updateTable('federation_hashset_received').set((eb) => ({ parts_received: eb('parts_received', '+', 1) })).where('set_id', '=', setId).execute();
    await appendAuditIn(trx, {
      actor: `peer:${peer.name}`,
      action: 'federation.hashset.received',
      target: peer.name,
      details: { peer: peer.name, set: setId, remoteSet: offer.set.id, scheme: offer.set.scheme, part: offer.set.part, parts: offer.set.parts, entries: entries.length, rejects },
    });
    return { duplicate: false, entries: entries.length, rejects };
  });
}
