/**
 * Peers: other agencies' nodes, added by an administrator with the public key their administrator
 * gave out of band. Each peer gets a fresh secret PSI scalar of this node's, so the blinded values
 * one peer sees are useless to any other.
 */
import { sql, type Kysely } from 'kysely';
import { UserError } from '../model/index.ts';
import { appendAudit, isUniqueViolation, type Database } from '../store/index.ts';
import { fingerprint, parsePublicKey } from './keys.ts';
import { checkNodeName } from './identity.ts';
import { newPsiKey } from './psi.ts';
import { federationDb } from './tables.ts';

export const DEFAULT_DAILY_BUDGET = 2_000_000;

export interface Peer {
  id: string;
  name: string;
  url: string;
  publicKey: string;
  psiKey: Buffer;
  dailyBudget: number;
}

export interface PeerView {
  name: string;
  url: string;
  publicKey: string;
  fingerprint: string;
  dailyBudget: number;
  addedBy: string;
  addedAt: string;
  /** Selectors this node has exchanged with the peer, tags the peer sent, and matches between them. */
  exchanged: number;
  received: number;
  matches: number;
  /** Messages waiting in the outbox, and the last delivery error if any. */
  pending: number;
  lastError: string | null;
}

export function parsePeerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UserError(`peer URL '${text}' is not a URL (e.g. https://node.example.org:8443)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`peer URL '${text}' must start with https:// (or http:// on a trusted network)`);
  if (url.username || url.password || url.search || url.hash) throw new UserError(`peer URL '${text}' must not carry a user, password, query or fragment`);
  return url.toString().replace(/\/+$/, '');
}

export function parseBudget(text: string | number): number {
  const value = typeof text === 'number' ? text : Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 2_000_000_000) throw new UserError(`--budget '${text}' must be a whole number of selectors per day (0–2000000000)`);
  return value;
}

function toPeer(row: { id: string; name: string; url: string; public_key: string; psi_key: Buffer; daily_budget: number }): Peer {
  return { id: row.id, name: row.name, url: row.url, publicKey: row.public_key, psiKey: row.psi_key, dailyBudget: row.daily_budget };
}

export async function addPeer(db: Kysely<Database>, actor: string, input: { name: string; url: string; key: string; budget?: number }): Promise<Peer> {
  const name = checkNodeName(input.name, 'peer name');
  const url = parsePeerUrl(input.url);
  const publicKey = parsePublicKey(input.key);
  const own = await federationDb(db).selectFrom('federation_node').select('public_key').executeTakeFirst();
  if (own?.public_key === publicKey) throw new UserError(`--key is this node's own public key: give the key the peer's administrator printed with 'crosslink node show'`);
  try {
    const row = await federationDb(db)
      .insertInto('federation_peers')
      .values({ name, url, public_key: publicKey, psi_key: newPsiKey(), daily_budget: input.budget ?? DEFAULT_DAILY_BUDGET, added_by: actor })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(db, { actor, action: 'federation.peer.add', target: name, details: { url, fingerprint: fingerprint(publicKey), dailyBudget: row.daily_budget } });
    return toPeer(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError(`a peer named '${name}' or with that key is already added (see 'crosslink peer list')`, 'conflict');
    throw error;
  }
}

export async function findPeer(db: Kysely<Database>, name: string): Promise<Peer | undefined> {
  const row = await federationDb(db)
    .selectFrom('federation_peers')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.trim().toLowerCase()))
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return row && toPeer(row);
}

export async function requirePeer(db: Kysely<Database>, name: string): Promise<Peer> {
  const peer = await findPeer(db, name);
  if (!peer) throw new UserError(`no peer '${name}' (see 'crosslink peer list')`, 'not_found');
  return peer;
}

/** The active peer holding this public key: how a message's sender is recognised. */
export async function peerByKey(db: Kysely<Database>, publicKey: string): Promise<Peer | undefined> {
  const row = await federationDb(db).selectFrom('federation_peers').selectAll().where('public_key', '=', publicKey).where('removed_at', 'is', null).executeTakeFirst();
  return row && toPeer(row);
}

export async function activePeers(db: Kysely<Database>): Promise<Peer[]> {
  const rows = await federationDb(db).selectFrom('federation_peers').selectAll().where('removed_at', 'is', null).orderBy('name').execute();
  return rows.map(toPeer);
}

export async function removePeer(db: Kysely<Database>, actor: string, name: string): Promise<void> {
  const peer = await requirePeer(db, name);
  await federationDb(db).updateTable('federation_peers').set({ removed_at: sql<Date>`now()` }).where('id', '=', peer.id).execute();
  await appendAudit(db, { actor, action: 'federation.peer.remove', target: peer.name, details: { fingerprint: fingerprint(peer.publicKey) } });
}

export async function setPeerBudget(db: Kysely<Database>, actor: string, name: string, budget: number): Promise<void> {
  const peer = await requirePeer(db, name);
  await federationDb(db).updateTable('federation_peers').set({ daily_budget: budget }).where('id', '=', peer.id).execute();
  await appendAudit(db, { actor, action: 'federation.peer.budget', target: peer.name, details: { dailyBudget: budget } });
}

export async function listPeers(db: Kysely<Database>): Promise<PeerView[]> {
  const count = (table: 'federation_mine' | 'federation_theirs' | 'federation_matches') =>
    sql<string>`(SELECT count(*) FROM ${sql.table(table)} t WHERE t.peer_id = p.id)`;
  const rows = await federationDb(db)
    .selectFrom('federation_peers as p')
    .select(['p.name', 'p.url', 'p.public_key', 'p.daily_budget', 'p.added_by', 'p.added_at'])
    .select([
      count('federation_mine').as('exchanged'),
      count('federation_theirs').as('received'),
      count('federation_matches').as('matches'),
      sql<string>`(SELECT count(*) FROM federation_outbox o WHERE o.peer_id = p.id AND o.delivered_at IS NULL)`.as('pending'),
      sql<string | null>`(SELECT o.last_error FROM federation_outbox o WHERE o.peer_id = p.id AND o.delivered_at IS NULL ORDER BY o.id LIMIT 1)`.as('last_error'),
    ])
    .where('p.removed_at', 'is', null)
    .orderBy('p.name')
    .execute();
  return rows.map((row) => ({
    name: row.name,
    url: row.url,
    publicKey: row.public_key,
    fingerprint: fingerprint(row.public_key),
    dailyBudget: row.daily_budget,
    addedBy: row.added_by,
    addedAt: row.added_at.toISOString(),
    exchanged: Number(row.exchanged),
    received: Number(row.received),
    matches: Number(row.matches),
    pending: Number(row.pending),
    lastError: row.last_error,
  }));
}
