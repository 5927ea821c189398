/**
 * HTTP(S) between nodes: a signed message POSTed as JSON, a signed reply checked before its body is
 * believed (from the peer, to us, fresh, answering this very message). node:http rather than fetch,
 * so a node can trust its own CA for peers' certificates.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { openMessage, parseMessage, seal, type MessageType } from './envelope.ts';
import type { FederationNode } from './node.ts';
import type { Peer } from './peers.ts';

/** A peer answered, but not with a good reply: its status and one line from its problem document. */
export class PeerRefusal extends Error {
  override readonly name = 'PeerRefusal';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The peer could not be reached at all (refused, reset, timed out): retry later, in order. */
export class PeerUnreachable extends Error {
  override readonly name = 'PeerUnreachable';
}

export function isPeerDown(error: unknown): boolean {
  return error instanceof PeerUnreachable;
}

interface Response {
  status: number;
  text: string;
}

function post(url: URL, payload: string, options: { timeoutMs: number; ca?: Buffer }): Promise<Response> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        timeout: options.timeoutMs,
        // A connection per message: a pooled one the peer closed meanwhile (idle timeout, restart)
        // would fail the message for nothing; one handshake per batch of thousands costs little.
        agent: false,
        ...(url.protocol === 'https:' && options.ca ? { ca: options.ca } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => reject(new PeerUnreachable(`the answer from ${url.host} broke off: ${error.message}`)));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${Math.round(options.timeoutMs / 1000)} s`)));
    request.on('error', (error: NodeJS.ErrnoException) => reject(new PeerUnreachable(`cannot reach ${url.host}: ${error.code ?? error.message}`)));
    request.end(payload);
  });
}

/**
 * Sends `body` to the peer as a signed `type` message and returns the body of its signed `replyType`
 * reply. `id` keeps a message's id across retries (the outbox).
 */
export async function exchange(node: FederationNode, peer: Peer, path: string, type: MessageType, replyType: MessageType, body: unknown, options: { id?: string } = {}): Promise<unknown> {
  const message = seal(node.identity, peer.publicKey, type, body, { now: node.now(), ...(options.id ? { id: options.id } : {}) });
  const response = await post(new URL(`${peer.url}${path}`), JSON.stringify(message), { timeoutMs: node.timeoutMs, ca: node.ca });
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    throw new PeerRefusal(response.status, `${peer.name} answered ${response.status} with something that is not JSON`);
  }
  if (response.status !== 200) {
    const detail = (parsed as { detail?: unknown } | null)?.detail;
    throw new PeerRefusal(response.status, `${peer.name} refused the message (${response.status}): ${typeof detail === 'string' ? detail : 'no reason given'}`);
  }
  const reply = parseMessage(parsed);
  return openMessage(reply, { self: node.identity.publicKey, type: replyType, senderKey: peer.publicKey, now: node.now(), replyTo: message.envelope.id });
}
