/**
 * The receiving end: a message is believed only once it is shown to come from a peer, for this
 * node, unaltered, fresh and not seen before; then it is handled and answered with a signed reply.
 * Refusals of a known peer's messages are audited (an unknown sender's are not: anyone can knock).
 */
import { appendAudit } from '../store/index.ts';
import { NONCE_TTL_MS, openMessage, parseMessage, Rejection, seal, type Envelope, type MessageType, type SignedMessage } from './envelope.ts';
import type { FederationNode } from './node.ts';
import { receiveNotices } from './notices.ts';
import { answerRegistrations, receiveConflicts } from './deconfliction.ts';
import { receiveHashSet } from './hashsets.ts';
import { answerPdq } from './pdq.ts';
import { peerByKey, type Peer } from './peers.ts';
import { answerPush, receiveApplied } from './push.ts';
import { federationDb } from './tables.ts';

export interface Received {
  peer: Peer;
  envelope: Envelope;
  body: unknown;
}

async function refuse(node: FederationNode, peer: Peer | undefined, rejection: Rejection): Promise<never> {
  if (peer) await appendAudit(node.store.db, { actor: `peer:${peer.name}`, action: 'federation.rejected', target: peer.name, details: { peer: peer.name, reason: rejection.reason } });
  throw rejection;
}

/** Records the nonce; a nonce already recorded is a replay. Expired nonces go first: past the freshness window they cannot come back. */
async function useNonce(node: FederationNode, peer: Peer, envelope: Envelope): Promise<boolean> {
  const db = federationDb(node.store.db);
  await db.deleteFrom('federation_nonces').where('expires_at', '<', node.now()).execute();
  const inserted = await db
    .insertInto('federation_nonces')
    .values({ peer_id: peer.id, nonce: envelope.nonce, expires_at: new Date(Date.parse(envelope.at) + NONCE_TTL_MS) })
    .onConflict((oc) => oc.columns(['peer_id', 'nonce']).doNothing())
    .returning('nonce')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Authenticates a raw request body as a `type` message from a peer. */
export async function authenticateMessage(node: FederationNode, raw: unknown, type: MessageType): Promise<Received> {
  const message = parseMessage(raw);
  const peer = await peerByKey(node.store.db, message.envelope.from);
  let body: unknown;
  try {
    body = openMessage(message, { self: node.identity.publicKey, type, senderKey: peer?.publicKey, now: node.now() });
  } catch (error) {
    if (error instanceof Rejection) return refuse(node, peer, error);
    throw error;
  }
  if (!(await useNonce(node, peer!, message.envelope))) return refuse(node, peer, new Rejection('replayed', 'this message (its nonce) was received before'));
  return { peer: peer!, envelope: message.envelope, body };
}

function reply(node: FederationNode, received: Received, type: MessageType, body: unknown): SignedMessage {
  return seal(node.identity, received.peer.publicKey, type, body, { now: node.now(), replyTo: received.envelope.id });
}

/** What each kind of message does, and how it is answered. */
export const HANDLERS = {
  'psi.push': async (node: FederationNode, received: Received) => reply(node, received, 'psi.reply', await answerPush(node, received.peer, received.body)),
  'hit.notice': async (node: FederationNode, received: Received) => reply(node, received, 'ack', await receiveNotices(node, received.peer, received.envelope.id, received.body)),
  'hit.applied': async (node: FederationNode, received: Received) => reply(node, received, 'ack', await receiveApplied(node, received.peer, received.body)),
  'pdq.push': async (node: FederationNode, received: Received) => reply(node, received, 'pdq.reply', await answerPdq(node, received.peer, received.body)),
  'dx.push': async (node: FederationNode, received: Received) => reply(node, received, 'dx.reply', await answerRegistrations(node, received.peer, received.body)),
  'dx.notice': async (node: FederationNode, received: Received) => reply(node, received, 'ack', await receiveConflicts(node, received.peer, received.envelope.id, received.body)),
  'hashset.offer': async (node: FederationNode, received: Received) => reply(node, received, 'ack', await receiveHashSet(node, received.peer, received.envelope.id, received.body)),
} as const satisfies Partial<Record<MessageType, (node: FederationNode, received: Received) => Promise<SignedMessage>>>;

/** Handles an authenticated message; a refusal is audited, except a notice that comes early (normal, and retried). */
export async function handle(node: FederationNode, received: Received, type: keyof typeof HANDLERS): Promise<SignedMessage> {
  try {
    return await HANDLERS[type](node, received);
  } catch (error) {
    if (error instanceof Rejection && error.reason !== 'not-matched') return refuse(node, received.peer, error);
    throw error;
  }
}

/** Authenticates, handles and answers one message. */
export async function receive(node: FederationNode, raw: unknown, type: keyof typeof HANDLERS): Promise<SignedMessage> {
  return handle(node, await authenticateMessage(node, raw, type), type);
}
