/**
 * This node's identity: its Ed25519 key pair (made on first use), a name, the agency that runs it
 * and a contact, and where its TLS certificate lives. Held by the store's owner: the application
 * role cannot read the table, so no user's connection can ever read the private key.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import { UserError } from '../model/index.ts';
import { appendAudit, type Database } from '../store/index.ts';
import { fingerprint, generateKeyPair, privateKeyFromDer, privateKeyToDer } from './keys.ts';
import { federationDb } from './tables.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CONTACT_FIELDS = ['officer', 'phone', 'email'] as const;
const TLS_FIELDS = ['cert', 'key', 'ca'] as const;

export type Contact = Partial<Record<(typeof CONTACT_FIELDS)[number], string>>;
export type TlsPaths = Partial<Record<(typeof TLS_FIELDS)[number], string>>;

export interface NodeIdentity {
  name: string;
  agency: string;
  contact: Contact;
  publicKey: string;
  fingerprint: string;
  tls: TlsPaths;
  privateKey: KeyObject;
}

/** What may be shown of this node (everything but the private key). */
export type NodeView = Omit<NodeIdentity, 'privateKey'>;

export function nodeView(identity: NodeIdentity): NodeView {
  return { name: identity.name, agency: identity.agency, contact: identity.contact, publicKey: identity.publicKey, fingerprint: identity.fingerprint, tls: identity.tls };
}

export function checkNodeName(name: string, what = 'node name'): string {
  const trimmed = name.trim();
  if (!NAME.test(trimmed)) throw new UserError(`${what} '${name}' must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  return trimmed;
}

function pick<K extends string>(value: unknown, fields: readonly K[]): Partial<Record<K, string>> {
  const source = (value ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.filter((field) => typeof source[field] === 'string' && source[field] !== '').map((field) => [field, source[field] as string])) as Partial<Record<K, string>>;
}

/** This node's identity, or undefined before it is made. */
export async function loadNodeIdentity(db: Kysely<Database>): Promise<NodeIdentity | undefined> {
  const row = await federationDb(db).selectFrom('federation_node').selectAll().executeTakeFirst();
  if (!row) return undefined;
  return {
    name: row.name,
    agency: row.agency,
    contact: pick(row.contact, CONTACT_FIELDS),
    publicKey: row.public_key,
    fingerprint: fingerprint(row.public_key),
    tls: pick(row.tls, TLS_FIELDS),
    privateKey: privateKeyFromDer(row.private_key),
  };
}

/** This node's identity, made (a fresh key pair, a generated name) the first time it is asked for. */
export async function ensureNodeIdentity(db: Kysely<Database>, actor: string): Promise<NodeIdentity> {
  const existing = await loadNodeIdentity(db);
  if (existing) return existing;
  const keys = generateKeyPair();
  const name = `node-${randomBytes(3).toString('hex')}`;
  // Two first uses at once: one key pair wins, and both callers read it back.
  const inserted = await federationDb(db)
    .insertInto('federation_node')
    .values({ name, public_key: keys.publicKey, private_key: privateKeyToDer(keys.privateKey), contact: '{}', tls: '{}' })
    .onConflict((oc) => oc.column('singleton').doNothing())
    .returning('public_key')
    .executeTakeFirst();
  if (inserted) await appendAudit(db, { actor, action: 'federation.node.create', target: name, details: { publicKey: keys.publicKey } });
  return (await loadNodeIdentity(db))!;
}

export interface NodeChanges {
  name?: string;
  agency?: string;
  contact?: Contact;
  tls?: TlsPaths;
}

/** Renames the node, or changes its agency, contact (merged field by field; '' clears one) or TLS paths. */
export async function updateNodeIdentity(db: Kysely<Database>, actor: string, changes: NodeChanges): Promise<NodeIdentity> {
  const current = await ensureNodeIdentity(db, actor);
  const merge = <T extends Record<string, string | undefined>>(base: T, update: T | undefined) =>
    Object.fromEntries(Object.entries({ ...base, ...update }).filter(([, value]) => value !== undefined && value !== '')) as Record<string, string>;
  const values = {
    name: changes.name === undefined ? current.name : checkNodeName(changes.name),
    agency: changes.agency?.trim() ?? current.agency,
    contact: JSON.stringify(merge(current.contact, changes.contact)),
    tls: JSON.stringify(merge(current.tls, changes.tls)),
  };
  await federationDb(db).updateTable('federation_node').set(values).execute();
  await appendAudit(db, { actor, action: 'federation.node.update', target: values.name, details: { changed: Object.keys(changes).filter((key) => changes[key as keyof NodeChanges] !== undefined) } });
  return (await loadNodeIdentity(db))!;
}
