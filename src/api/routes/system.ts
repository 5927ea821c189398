/** Health (public: for monitoring) and statistics of what the user may see. */
import type { FastifyInstance } from 'fastify';
import { storeStats } from '../../store/index.ts';
import type { ApiContext } from '../context.ts';
import { problems, ref } from '../schemas.ts';
import { VERSION } from '../version.ts';

export default async function systemRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get(
    '/api/health',
    { config: { public: true }, schema: { tags: ['system'], summary: 'Is the server up', security: [], response: { 200: ref('Health') } } },
    async () => ({ status: 'ok' as const, version: VERSION, backend: ctx.store.backend }),
  );

  app.get(
    '/api/stats',
    { schema: { tags: ['system'], summary: 'What the store holds that you may see: rows per table and counts per case', response: { 200: ref('Stats'), ...problems(401) } } },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const stats = await storeStats(db);
        acting.auditRead('stats', { cases: stats.cases.length });
        return stats;
      }),
  );
}
