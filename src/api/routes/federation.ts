/**
 * Federation over HTTP. Node-to-node endpoints (POST /api/federation/psi, /notices) are not for
 * signed-in users: they authenticate each request by its signed envelope (federation/envelope.ts)
 * before the body is validated or handled, and answer with a signed reply. Users read the hits
 * other nodes reported on their cases at GET /api/federation/hits.
 *
 * The same node-to-node endpoints make up `crosslink federation serve`, a server of their own (with
 * TLS) that is all a peer needs to reach: `buildPeerServer` below.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  authenticateMessage,
  handle,
  listFederatedHits,
  MESSAGE_TYPES,
  openFederationNode,
  parseMessage,
  type FederationNode,
  type HANDLERS,
  type Received,
} from '../../federation/index.ts';
import type { Store } from '../../store/index.ts';
import type { ApiContext } from '../context.ts';
import { describeError, sendProblem } from '../problem.ts';
import { arrayOf, nullable, object, problems, sharedSchemas, string, dateTime } from '../schemas.ts';

/** A PSI push of MAX_PUSH points is 2.2 MB of base64 inside JSON; room for that and more. */
const PEER_BODY_BYTES = 16 * 1024 * 1024;

const key = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$', description: 'an Ed25519 public key, base64url' };
const uuid = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' };
const SIGNED_MESSAGE = object(
  {
    envelope: object(
      {
        v: { type: 'integer', enum: [1] },
        type: { type: 'string', enum: [...MESSAGE_TYPES] },
        id: { ...uuid, description: 'the message id: a retry carries the same one' },
        from: key,
        to: key,
        at: { ...dateTime, description: 'when it was sent: more than 5 minutes off the receiver’s clock is refused' },
        nonce: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$', description: 'never used twice' },
        digest: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256 (hex) of body' },
        replyTo: { ...uuid, description: 'in a reply: the id of the message it answers' },
        sig: { type: 'string', pattern: '^[A-Za-z0-9_-]{86}$', description: 'Ed25519 signature (base64url) over the other envelope fields' },
      },
      ['replyTo'],
    ),
    body: { type: 'string', description: 'the message body, as JSON text' },
  },
  [],
  'A message between nodes: a body in a signed envelope.',
);

/** The node behind a store, loaded on first use and kept (until then, requests get 503: not set up). */
function nodeLoader(store: Store): () => Promise<FederationNode> {
  let loaded: Promise<FederationNode> | undefined;
  return () => {
    loaded ??= openFederationNode(store).catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}

/** The endpoints peers call; their refusals are problem+json with the status of the reason (envelope.ts). */
export async function registerPeerEndpoints(app: FastifyInstance, nodeOf: () => Promise<FederationNode>): Promise<void> {
  const received = new WeakMap<FastifyRequest, Received>();
  const endpoint = (url: string, type: keyof typeof HANDLERS, summary: string, description: string) =>
    app.post(
      url,
      {
        bodyLimit: PEER_BODY_BYTES,
        config: { public: true },
        schema: {
          tags: ['federation'],
          summary,
          description: `${description} Authenticated by the signed envelope (a peer added with crosslink peer add), not by a session; the answer is a signed reply.`,
          security: [],
          body: SIGNED_MESSAGE,
          response: { 200: SIGNED_MESSAGE, ...problems(400, 401, 409, 429, 503) },
        },
        // Before validation: an unsigned or forged request is refused as unauthenticated, whatever its body.
        preValidation: async (request) => {
          parseMessage(request.body);
          received.set(request, await authenticateMessage(await nodeOf(), request.body, type));
        },
      },
      async (request) => handle(await nodeOf(), received.get(request)!, type),
    );
  endpoint(
    '/api/federation/psi',
    'psi.push',
    'A peer pushes blinded selectors (private set intersection)',
    'Body: { version, blinded } — the PSI version (crosslink-psi-v2-x25519) and base64 of X25519 u-coordinates H(x)^a. Reply: the same points raised to this node’s scalar for the peer, in the same order.',
  );
  endpoint(
    '/api/federation/notices',
    'hit.notice',
    'A peer delivers hit notices',
    'Body: { node, notices: [{ reference, tag, agency, contact, case? }] } about matches both nodes found. Refused with 409 while this node has not found a match yet (the peer retries).',
  );
  endpoint(
    '/api/federation/notices/applied',
    'hit.applied',
    'A peer says it has stored hit notices that this node’s PSI replies carried',
    'Body: { ids } — up to 100 outbox message ids of hit notice messages this node sent in its replies to the peer’s pushes. Their outbox copies count as delivered and are not sent again.',
  );
  endpoint(
    '/api/federation/pdq',
    'pdq.push',
    'A peer pushes PDQ values its cases share (near matching)',
    'Body: { hashes } — PDQ values (64 hex digits). Reply: { matches: [{ at, tag, distance }] } — which of them are within distance 31 of a PDQ value this node’s sharing cases hold, never the values.',
  );
  endpoint(
    '/api/federation/deconfliction',
    'dx.push',
    'A peer pushes blinded deconfliction registration selectors (private set intersection)',
    'As /api/federation/psi, for the selectors of target registrations (a domain of their own).',
  );
  endpoint(
    '/api/federation/deconfliction/notices',
    'dx.notice',
    'A peer delivers conflict notices: whom to call about a target both nodes registered',
    'Body: { node, notices: [{ reference, tag, country, contact: { agency, officer?, phone?, email? } }] }. Each becomes a deconfliction alert; refused with 409 while this node has not found the conflict yet.',
  );
  endpoint(
    '/api/federation/hashsets',
    'hashset.offer',
    'A peer delivers (a part of) a categorised hash set it shares',
    'Body: { node, set: { id, name, scheme, entries, part, parts }, vics } — a VICS 2.0 JSON document of hashes and categories. Stored as a hash set of this node with its source node and category scheme.',
  );
}

const HIT = object({
  id: string,
  case: string,
  identifier: object({ type: string, value: string }),
  node: string,
  agency: object({ name: string, country: string }),
  contact: object({ officer: string, phone: string, email: string }, ['officer', 'phone', 'email']),
  reference: { type: 'string', description: 'quote it when calling the other agency' },
  otherCase: nullable(object({ ref: string, officer: string }, ['officer'])),
  receivedAt: dateTime,
});

export default async function federationRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  await registerPeerEndpoints(app, nodeLoader(ctx.store));

  app.get<{ Querystring: { case?: string; limit: number } }>(
    '/api/federation/hits',
    {
      schema: {
        tags: ['federation'],
        summary: 'Hits other agencies’ nodes reported on your cases: who to call, and the reference to quote',
        querystring: object({ case: { type: 'string', maxLength: 64 }, limit: { type: 'integer', minimum: 1, maximum: 5000, default: 200 } }, ['case', 'limit']),
        response: { 200: arrayOf(HIT), ...problems(400, 401) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const hits = await listFederatedHits(db, { ...(request.query.case ? { caseRef: request.query.case } : {}), limit: request.query.limit });
        acting.auditRead('federation.hits', { case: request.query.case, found: hits.length });
        return hits;
      }),
  );
}

export interface PeerServerOptions {
  /** PEM certificate and key: HTTPS. Without them, plain HTTP (a trusted network or a TLS proxy in front). */
  tls?: { cert: Buffer; key: Buffer };
  logger?: boolean;
}

/** A server with only the endpoints peers call, for `node` (`crosslink federation serve`, tests). */
export async function buildPeerServer(node: FederationNode, options: PeerServerOptions = {}): Promise<FastifyInstance> {
  const app = (options.tls ? Fastify({ https: options.tls, logger: options.logger ?? false }) : Fastify({ logger: options.logger ?? false })) as unknown as FastifyInstance;
  for (const schema of sharedSchemas()) app.addSchema(schema);
  app.setErrorHandler((error, request, reply) => {
    const described = describeError(error);
    if (described.bug) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, described.status, described.detail, request, described.headers);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, 404, `no route for ${request.method} ${request.url.split('?')[0]} on a federation endpoint`, request));
  await registerPeerEndpoints(app, async () => node);
  await app.ready();
  return app;
}
