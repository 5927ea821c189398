/**
 * The HTTP server: Fastify with the API under /api/ (one file per resource in routes/), the
 * OpenAPI 3.1 description made from the same schemas that validate requests and shape responses,
 * interactive docs, and — when built — the web app. Routes call access/, search/, analysis/,
 * media/, export/, ingest/ and the store; they compute nothing themselves.
 *
 * The store must be the owner's (not one acting as a user): authentication reads users and
 * credentials, and every route then acts as the signed-in user through `withUser`.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { resolveCardSecret } from '../ingest/index.ts';
import type { Listening, Store } from '../store/index.ts';
import { authenticator } from './auth.ts';
import { AuditQueue } from './audit-queue.ts';
import { actingFor, type ApiContext, type ApiSettings } from './context.ts';
import { announceArrivals } from './arrivals.ts';
import { EventHub } from './events.ts';
import { Jobs } from './jobs.ts';
import { describeError, sendProblem } from './problem.ts';
import { ROUTES } from './routes/index.ts';
import { object, sharedSchemas, type Schema } from './schemas.ts';
import { addSecurityHeaders, DOCS_CONTENT_SECURITY_POLICY } from './security.ts';
import { webAppHandler } from './static.ts';
import { VERSION } from './version.ts';

export { VERSION };

declare module 'fastify' {
  interface FastifyInstance {
    /** The API's context: store, jobs, events, settings (tests wait on `api.jobs.idle()`). */
    api: ApiContext;
  }
  interface FastifyContextConfig {
    /** The fields of a multipart upload route, for its OpenAPI request body (the stream itself is read by the route). */
    multipart?: Record<string, Schema>;
  }
}

export interface ServerOptions {
  /** Fastify's logger: off by default; `crosslink serve` logs errors (the 500s' causes) to stderr. */
  logger?: FastifyServerOptions['logger'];
  /** The key for card-number tokens (default: CROSSLINK_SECRET, or the embedded store's key file). */
  cardSecret?: Buffer;
  /** The built web app to serve (web/dist); without one, non-API paths get a page pointing to the docs. */
  webRoot?: string;
  /** Largest JSON body, in bytes (default 1 MiB). */
  bodyBytes?: number;
  /**
   * Send responses with JSON.stringify instead of the schema serialiser, which drops fields the
   * schema does not declare: tests use it to prove the OpenAPI document describes every field.
   */
  plainSerializer?: boolean;
  settings?: Partial<ApiSettings>;
}

export const DEFAULT_SETTINGS: ApiSettings = {
  uploadBytes: 2 * 1024 ** 3,
  uploadDir: join(tmpdir(), 'crosslink-uploads'),
  region: 'US',
  loginsPerMinute: 10,
  secureCookies: false,
};

/** Paths under /api/ reachable without signing in, beyond routes marked public (the docs UI's own files). */
const PUBLIC_PREFIXES = ['/api/docs'];

export async function buildServer(store: Store, options: ServerOptions = {}): Promise<FastifyInstance> {
  if (store.actingAs) throw new Error('the API server needs the owner store: it authenticates each request and then acts as that user');
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyBytes ?? 1024 * 1024,
    exposeHeadRoutes: false,
    // An unknown parameter (a misspelt filter) is refused with its name, never silently ignored.
    ajv: { customOptions: { removeAdditional: false } },
  });

  const events = new EventHub();
  const auditQueue = new AuditQueue(store.db);
  let secret: Buffer | undefined = options.cardSecret;
  const ctx: ApiContext = {
    store,
    events,
    jobs: new Jobs(events),
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    cardSecret: () => (secret ??= resolveCardSecret(store)),
    auditQueue,
    asUser: actingFor(store, auditQueue),
    routes: [],
  };

  app.decorate('api', ctx);
  for (const schema of sharedSchemas()) app.addSchema(schema);
  if (options.plainSerializer) app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) ctx.routes.push({ method, url: route.url, documented: !(route.schema as { hide?: boolean } | undefined)?.hide });
  });
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, { limits: { fileSize: ctx.settings.uploadBytes, files: 1 } });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Crosslink API',
        version: VERSION,
        description:
          'Evidence linking across cases and agencies. Sign in with POST /api/session (a session cookie, plus a CSRF token to send as X-CSRF-Token on requests that change something), or send `Authorization: Bearer <token>` (an API token from `crosslink token create`). You see only the cases you are a member of; everything you read or do is written to the audit log. Errors are RFC 9457 problem+json.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'crosslink_session', description: 'from POST /api/session; requests that change something also need X-CSRF-Token' },
          bearer: { type: 'http', scheme: 'bearer', description: 'an API token (crosslink token create)' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
      tags: [
        { name: 'session', description: 'signing in and out' },
        { name: 'agencies', description: 'the agencies of this node and their contacts' },
        { name: 'users', description: 'users, roles, API tokens' },
        { name: 'cases', description: 'cases, their members, sources and chain of custody, uploads' },
        { name: 'records', description: "a case's records, each with its source file and line" },
        { name: 'jobs', description: 'background jobs and the event stream' },
        { name: 'search', description: 'search across every case you may see' },
        { name: 'entities', description: 'entity pages' },
        { name: 'subjects', description: 'resolved people and match decisions' },
        { name: 'graph', description: 'link chart: neighbourhoods, paths, communities, centrality' },
        { name: 'analysis', description: 'similar cases, timelines, places' },
        { name: 'media', description: 'media review (hashes and metadata; pictures only on purpose), hash sets' },
        { name: 'hits', description: 'hit notices: another case holds what you looked for (contact only)' },
        { name: 'deconfliction', description: 'target and operation registrations and their alerts' },
        { name: 'identities', description: 'law-enforcement-controlled identities' },
        { name: 'federation', description: "other agencies' nodes: hit notices and exchanges (signed, between nodes)" },
        { name: 'exports', description: 'exports for other tools' },
        { name: 'audit', description: 'the audit trail' },
        { name: 'system', description: 'health and statistics' },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`) },
    // Upload routes read their multipart body as a stream; their documented body is listed in their config.
    transform: ({ schema, url, route }) => {
      if (!schema) return { schema, url };
      // Stable operation ids (getApiCasesRef, postApiSession …) for client generators.
      const operationId = [String(route.method).toLowerCase(), ...url.split(/[/{}:-]+/).filter(Boolean)].map((part, i) => (i === 0 ? part : part[0]!.toUpperCase() + part.slice(1))).join('');
      const fields = route.config?.multipart;
      if (!fields) return { schema: { ...schema, operationId }, url };
      return { schema: { ...schema, operationId, consumes: ['multipart/form-data'], body: object(fields, Object.keys(fields).filter((name) => name !== 'file')) }, url };
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // The plugin's own policy upgrades requests to https and allows framing: ours, with what Swagger UI needs.
    transformStaticCSP: () => DOCS_CONTENT_SECURITY_POLICY,
    uiConfig: { docExpansion: 'list', deepLinking: true },
  });

  app.decorateRequest('principal', null);
  app.decorateRequest('credential', null);
  const authenticate = authenticator(store);
  // Before the body is read or validated: an unauthenticated upload is refused before its first byte is stored.
  app.addHook('onRequest', async (request) => {
    if (request.is404 || !request.url.startsWith('/api/') || PUBLIC_PREFIXES.some((prefix) => request.url.startsWith(prefix))) return;
    await authenticate(request);
  });
  app.addHook('onSend', addSecurityHeaders);

  app.setErrorHandler((error, request, reply) => {
    const described = describeError(error);
    if (described.bug) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, described.status, described.detail, request, described.headers);
  });

  for (const routes of ROUTES) await routes(app, ctx);

  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  const serveWebApp = webAppHandler(options.webRoot);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    if (path === '/api' || path.startsWith('/api/') || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return sendProblem(reply, 404, `no route for ${request.method} ${path} (see /api/docs)`, request);
    }
    return serveWebApp(request, reply);
  });

  // What other nodes send is announced on event streams, which need a socket: a server only
  // injected into (tests) opens no listening connection it would not use.
  let arrivals: Promise<Listening> | undefined;
  app.addHook('onListen', async () => {
    arrivals = announceArrivals(ctx, app.log);
    await arrivals;
  });

  // Jobs write to the store: closing waits for the one running (queued ones still run first).
  app.addHook('onClose', async () => {
    await arrivals?.then((listening) => listening.stop(), () => undefined);
    await ctx.jobs.idle();
    await ctx.auditQueue.idle();
  });

  await app.ready();
  return app;
}
