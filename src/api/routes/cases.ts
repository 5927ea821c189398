/** Cases: the list a user may see, and one case with its sources' chain of custody. */
import type { FastifyInstance } from 'fastify';
import { caseScope, type ApiContext } from '../context.ts';
import { caseDetail, caseSummaries } from '../reads.ts';
import { arrayOf, object, problems, ref } from '../schemas.ts';

export const caseParams = object({ ref: { type: 'string', minLength: 1, maxLength: 64, description: 'the case reference' } });

export default async function caseRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get(
    '/api/cases',
    {
      schema: {
        tags: ['cases'],
        summary: 'The cases you may see, with their source and record counts',
        response: { 200: arrayOf(ref('CaseSummary')), ...problems(401) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const cases = await caseSummaries(db);
        acting.auditRead('case.list', { cases: cases.length });
        return cases;
      }),
  );

  app.get<{ Params: { ref: string } }>(
    '/api/cases/:ref',
    {
      schema: {
        tags: ['cases'],
        summary: 'A case and its sources, each with its chain of custody',
        params: caseParams,
        response: { 200: ref('CaseDetail'), ...problems(401, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const found = await caseDetail(db, request.params.ref);
        acting.auditRead('case.read', {}, await caseScope(db, found.ref));
        return found;
      }),
  );
}
