/**
 * The signed envelope every message between nodes travels in: sender and recipient (public keys),
 * a message id, the time, a nonce, the SHA-256 of the body and an Ed25519 signature over all of it.
 * A receiver refuses a message from a key it does not know, for someone else, with a bad signature,
 * more than five minutes off its own clock, or whose nonce it has seen (nonces.ts).
 *
 * The body travels as JSON text inside the envelope, so the digest covers exactly the bytes signed.
 */
import { createHash, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { signBytes, verifyBytes } from './keys.ts';

export const MAX_SKEW_MS = 5 * 60_000;
/** A nonce must be remembered for as long as a message carrying it could still pass as fresh. */
export const NONCE_TTL_MS = 2 * MAX_SKEW_MS + 60_000;

// hit.applied: the notice messages a PSI reply carried, stored by the pusher (push.ts); pdq.*: PDQ
// values sent as-is for near matching (pdq.ts); dx.*: deconfliction registrations through the PSI
// and their conflict notices (deconfliction.ts); hashset.offer: a categorised hash set in VICS JSON
// (hashsets.ts).
export const MESSAGE_TYPES = ['psi.push', 'psi.reply', 'hit.notice', 'hit.applied', 'ack', 'pdq.push', 'pdq.reply', 'dx.push', 'dx.reply', 'dx.notice', 'hashset.offer'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface Envelope {
  v: 1;
  type: MessageType;
  /** The message id: a retry carries the same one, so the receiver applies it once. */
  id: string;
  from: string;
  to: string;
  at: string;
  nonce: string;
  digest: string;
  /** In a reply: the id of the message it answers. */
  replyTo?: string;
  sig: string;
}

export interface SignedMessage {
  envelope: Envelope;
  body: string;
}

/** Why a message is refused, and the HTTP status that says so. */
const STATUS = {
  // Not a signed message at all: unauthenticated, as a request without credentials is.
  unsigned: 401,
  malformed: 400,
  'wrong-type': 400,
  'invalid-body': 400,
  'wrong-recipient': 401,
  'unknown-sender': 401,
  'bad-digest': 401,
  'bad-signature': 401,
  stale: 401,
  replayed: 409,
  // A notice about a match this node has not found (yet): the sender retries later.
  'not-matched': 409,
  'over-budget': 429,
} as const;

export type RejectionReason = keyof typeof STATUS;

/** A message refused, with the HTTP status to answer and a one-line reason. */
export class Rejection extends Error {
  override readonly name = 'Rejection';
  constructor(
    readonly reason: RejectionReason,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.reason];
  }

  /** What HTTP servers (Fastify's error handling, api/problem.ts) read. */
  get statusCode(): number {
    return this.status;
  }
}

export interface Signer {
  publicKey: string;
  privateKey: KeyObject;
}

function signingInput(envelope: Omit<Envelope, 'sig'>): Buffer {
  const fields = [envelope.type, envelope.id, envelope.from, envelope.to, envelope.at, envelope.nonce, envelope.digest, envelope.replyTo ?? ''];
  return Buffer.from(`crosslink-federation-v1\n${fields.join('\n')}`);
}

const digestOf = (body: string) => createHash('sha256').update(body, 'utf8').digest('hex');

export function seal(signer: Signer, to: string, type: MessageType, body: unknown, options: { now: Date; id?: string; replyTo?: string }): SignedMessage {
  const text = JSON.stringify(body);
  const unsigned: Omit<Envelope, 'sig'> = {
    v: 1,
    type,
    id: options.id ?? randomUUID(),
    from: signer.publicKey,
    to,
    at: options.now.toISOString(),
    nonce: randomBytes(16).toString('base64url'),
    digest: digestOf(text),
    ...(options.replyTo ? { replyTo: options.replyTo } : {}),
  };
  return { envelope: { ...unsigned, sig: signBytes(signer.privateKey, signingInput(unsigned)) }, body: text };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY = /^[A-Za-z0-9_-]{43}$/;

/** The shape of a signed message, checked field by field before anything is trusted. */
export function parseMessage(raw: unknown): SignedMessage {
  const message = raw as Partial<SignedMessage> | null;
  const envelope = message?.envelope as Partial<Envelope> | undefined;
  const ok =
    typeof message === 'object' &&
    message !== null &&
    typeof message.body === 'string' &&
    typeof envelope === 'object' &&
    envelope !== null &&
    envelope.v === 1 &&
    MESSAGE_TYPES.includes(envelope.type as MessageType) &&
    typeof envelope.id === 'string' &&
    UUID.test(envelope.id) &&
    typeof envelope.from === 'string' &&
    KEY.test(envelope.from) &&
    typeof envelope.to === 'string' &&
    KEY.test(envelope.to) &&
    typeof envelope.at === 'string' &&
    !Number.isNaN(Date.parse(envelope.at)) &&
    typeof envelope.nonce === 'string' &&
    /^[A-Za-z0-9_-]{16,64}$/.test(envelope.nonce) &&
    typeof envelope.digest === 'string' &&
    /^[0-9a-f]{64}$/.test(envelope.digest) &&
    (envelope.replyTo === undefined || (typeof envelope.replyTo === 'string' && UUID.test(envelope.replyTo))) &&
    typeof envelope.sig === 'string' &&
    /^[A-Za-z0-9_-]{86}$/.test(envelope.sig);
  if (!ok) throw new Rejection('unsigned', 'not a signed federation message (an envelope with type, id, from, to, at, nonce, digest and sig, and a body)');
  return { envelope: envelope as Envelope, body: message.body as string };
}

/**
 * Checks a parsed message addressed to `self` from the peer holding `senderKey` (undefined: an
 * unknown sender): recipient, type, digest, signature and freshness. The nonce is the caller's
 * (it needs the store). Returns the body, parsed.
 */
export function openMessage(message: SignedMessage, expected: { self: string; type: MessageType; senderKey: string | undefined; now: Date; replyTo?: string }): unknown {
  const { envelope } = message;
  if (envelope.to !== expected.self) throw new Rejection('wrong-recipient', 'the message is addressed to another node');
  if (envelope.type !== expected.type) throw new Rejection('wrong-type', `expected a '${expected.type}' message here, not '${envelope.type}'`);
  if (expected.senderKey === undefined || expected.senderKey !== envelope.from) throw new Rejection('unknown-sender', 'the sender is not a peer of this node (add it with crosslink peer add)');
  if (digestOf(message.body) !== envelope.digest) throw new Rejection('bad-digest', 'the body does not match the digest in the envelope');
  const { sig, ...unsigned } = envelope;
  if (!verifyBytes(envelope.from, signingInput(unsigned), sig)) throw new Rejection('bad-signature', "the signature does not verify with the sender's key");
  const skew = Math.abs(Date.parse(envelope.at) - expected.now.getTime());
  if (skew > MAX_SKEW_MS) throw new Rejection('stale', `the message was sent ${Math.round(skew / 1000)} s from this node's clock (more than ${MAX_SKEW_MS / 60_000} min)`);
  if (expected.replyTo !== undefined && envelope.replyTo !== expected.replyTo) throw new Rejection('malformed', 'the reply answers another message');
  try {
    return JSON.parse(message.body) as unknown;
  } catch {
    throw new Rejection('malformed', 'the body is not JSON');
  }
}
