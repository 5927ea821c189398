/** Similar cases with their reasons, timelines, and places: analysis/ over what the user may see. */
import type { FastifyInstance } from 'fastify';
import { places, similarCases, timeline } from '../../analysis/index.ts';
import { caseScope, type ApiContext } from '../context.ts';
import { arrayOf, day, object, paging, problems, ref } from '../schemas.ts';
import { caseParams } from './cases.ts';

const target = object({ ref: { type: 'string', minLength: 1, maxLength: 64, description: 'a case reference, s<id> (a subject) or e<id> (an entity)' } });

export default async function analysisRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Params: { ref: string }; Querystring: { limit: number; min?: number } }>(
    '/api/cases/:ref/similar',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Other cases you may see, ranked by what they share with this one, with reasons',
        params: caseParams,
        querystring: object(
          {
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 10 },
            min: { type: 'number', minimum: 0, description: 'lowest score listed (default: strong evidence only)' },
          },
          ['limit', 'min'],
        ),
        response: { 200: arrayOf(ref('SimilarCase')), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const found = await similarCases(db, request.params.ref, { limit: request.query.limit, ...(request.query.min !== undefined ? { minScore: request.query.min } : {}) });
        acting.auditRead('analysis.similar', { found: found.length }, await caseScope(db, request.params.ref));
        return found;
      }),
  );

  app.get<{ Params: { ref: string }; Querystring: { from?: string; to?: string; limit: number; offset: number } }>(
    '/api/timeline/:ref',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Records of a case, subject or entity in time order, each with its source file and line (undated ones last)',
        params: target,
        querystring: object({ from: day, to: day, ...paging(1000, 100) }, ['from', 'to', 'limit', 'offset']),
        response: { 200: ref('Timeline'), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const { from, to, limit, offset } = request.query;
        const result = await timeline(db, request.params.ref, {
          ...(from ? { from: new Date(`${from}T00:00:00Z`) } : {}),
          ...(to ? { to: new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000) } : {}),
          limit,
          offset,
        });
        acting.auditRead('analysis.timeline', { of: request.params.ref, offset, shown: result.entries.length });
        return result;
      }),
  );

  app.get<{ Params: { ref: string } }>(
    '/api/places/:ref',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Places of a case, subject or entity: location entities, photo positions (EXIF), addresses — only what the data says',
        params: target,
        response: { 200: arrayOf(ref('Place')), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const found = await places(db, request.params.ref);
        acting.auditRead('analysis.places', { of: request.params.ref, found: found.length });
        return found;
      }),
  );
}
