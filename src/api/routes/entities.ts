/** An entity's page: what it is, where it came from, its identifiers, subject, records and links. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';
import { entityPage } from '../reads.ts';
import { object, paging, problems, ref } from '../schemas.ts';

export const entityIdParam = { type: 'string', pattern: '^[eE]?[0-9]{1,18}$', description: 'an entity id, with or without its e prefix' };
export const bareId = (value: string) => value.replace(/^[a-zA-Z]/, '');

export default async function entityRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: { limit: number; offset: number } }>(
    '/api/entities/:id',
    {
      schema: {
        tags: ['entities'],
        summary: 'An entity: properties and provenance, identifiers, its subject, the records it takes part in (by page, with source file and line), links by kind',
        params: object({ id: entityIdParam }),
        querystring: object(paging(500, 50), ['limit', 'offset']),
        response: { 200: ref('EntityPage'), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const { scope, ...page } = await entityPage(db, bareId(request.params.id), request.query);
        acting.auditRead('entity.read', { entity: page.entity.id, offset: request.query.offset }, { ...scope, target: `e${page.entity.id}` });
        return page;
      }),
  );
}
