/**
 * The HTTP server. For now: health and store statistics under /api/; later issues add a file
 * per resource. Routes only call the store's functions; they compute nothing themselves.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { storeStats, type Store } from '../store/index.ts';

export const VERSION = '0.1.0';

export interface ServerOptions {
  logger?: boolean;
}

export async function buildServer(store: Store, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });

  app.get('/api/health', async () => ({ status: 'ok', version: VERSION, backend: store.backend }));

  app.get('/api/stats', async () => storeStats(store.db));

  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .type('application/problem+json')
      .send({ type: 'about:blank', title: 'Not Found', status: 404, detail: `no route for ${request.method} ${request.url}` });
  });
  await app.ready();
  return app;
}
