/**
 * Background jobs and the event stream. A job and its events belong to the user who started it;
 * they report only what that user did (not audited again: the upload and the ingest are).
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { formatEvent } from '../events.ts';
import { notFound } from '../problem.ts';
import { arrayOf, object, problems, ref } from '../schemas.ts';
import { SECURITY_HEADERS } from '../security.ts';

const HEARTBEAT_MS = 15_000;

export default async function jobRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get(
    '/api/jobs',
    { schema: { tags: ['jobs'], summary: 'Your background jobs, newest first', response: { 200: arrayOf(ref('Job')), ...problems(401) } } },
    async (request) => ctx.jobs.list(principalOf(request).id),
  );

  app.get<{ Params: { id: string } }>(
    '/api/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'One of your background jobs: its status and progress',
        params: object({ id: { type: 'string', minLength: 1, maxLength: 64 } }),
        response: { 200: ref('Job'), ...problems(401, 404) },
      },
    },
    async (request) => {
      const job = ctx.jobs.get(request.params.id, principalOf(request).id);
      if (!job) throw notFound(`no job ${request.params.id} of yours`);
      return job;
    },
  );

  const streams = new Set<ServerResponse>();
  // Event streams never end by themselves: closing the server ends them.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });

  app.get(
    '/api/events',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Server-sent events: progress of your jobs (`ingest`, `job`), cross-agency `hit` and deconfliction `alert`',
        description:
          'A text/event-stream. Each event is named (`ingest` for an upload being ingested, `job` for a hash-set import, `hit` for a cross-agency hit, `alert` for a deconfliction alert) and its data is JSON: for `ingest` and `job`, the Job; for `hit`, either `{direction: "raised", …HitNotice}` (another agency holds what you looked up) or `{direction: "received", reference, kind, case, count, lastSeen}` (someone outside your case looked up what it holds: GET /api/hits for who); for `alert`, the Alert of yours. On connecting, the state of your unfinished jobs is sent at once.',
        response: {
          200: { description: 'the event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...problems(401),
        },
      },
    },
    async (request, reply) => {
      const user = principalOf(request);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        // Proxies (nginx) must pass events on as they come.
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 5000\n\n');
      streams.add(raw);
      const unsubscribe = ctx.events.subscribe(user.id, (name, data) => raw.write(formatEvent(name, data)));
      for (const job of ctx.jobs.list(user.id).reverse()) {
        if (job.finishedAt === null) raw.write(formatEvent(job.kind === 'ingest' ? 'ingest' : 'job', job));
      }
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const stop = () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(raw);
      };
      request.raw.on('close', stop);
      raw.on('close', stop);
    },
  );
}
