/**
 * Subjects (resolved people) with the reasons for each member, and the analyst's decisions on a
 * pair — confirm or reject — that every later resolution run respects.
 */
import type { FastifyInstance } from 'fastify';
import { raiseSubjectHits } from '../../access/index.ts';
import { listSubjects, recordDecision } from '../../store/index.ts';
import { principalOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { forbidden, notFound } from '../problem.ts';
import { subjectPage } from '../reads.ts';
import { object, paging, problems, ref } from '../schemas.ts';
import { bareId, entityIdParam } from './entities.ts';
import { announceHits } from './hits.ts';

export default async function subjectRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Querystring: { limit: number; offset: number } }>(
    '/api/subjects',
    {
      schema: {
        tags: ['subjects'],
        summary: 'Subjects with members you may see, largest first',
        querystring: object(paging(500, 50), ['limit', 'offset']),
        response: { 200: ref('SubjectPage'), ...problems(400, 401) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const page = await subjectPage(db, request.query);
        acting.auditRead('subject.list', { offset: page.offset, shown: page.items.length });
        return page;
      }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/subjects/:id',
    {
      schema: {
        tags: ['subjects'],
        summary: 'A subject: its members (in cases you may see) with score and reasons',
        params: object({ id: { type: 'string', pattern: '^[sS]?[0-9]{1,18}$', description: 'a subject id, with or without its s prefix' } }),
        response: { 200: ref('Subject'), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const answer = await ctx.asUser(request, async (db, acting) => {
        const id = bareId(request.params.id);
        const [subject] = await listSubjects(db, id);
        if (!subject) throw notFound(`no subject ${id} that you may see`);
        acting.auditRead('subject.read', { members: subject.members.length }, { target: `s${id}` });
        return { ...subject, hits: await raiseSubjectHits(db, id) };
      });
      await announceHits(ctx, principalOf(request), answer.hits, request.log);
      return answer;
    },
  );

  app.post<{ Body: { a: string; b: string; verdict: 'confirm' | 'reject' } }>(
    '/api/match-decisions',
    {
      schema: {
        tags: ['subjects'],
        summary: 'Confirm or reject that two person entities are the same person',
        description: 'Appended (the latest decision on a pair counts) and respected by every later resolution run. Both entities must be people in cases you may see.',
        body: object({ a: entityIdParam, b: entityIdParam, verdict: { type: 'string', enum: ['confirm', 'reject'] } }),
        response: { 201: ref('MatchDecision'), ...problems(400, 401, 403, 404, 413) },
      },
    },
    async (request, reply) => {
      const a = bareId(request.body.a);
      const b = bareId(request.body.b);
      const decision = await ctx.asUser(request, async (db, acting) => {
        if (acting.user.role === 'auditor') throw forbidden('auditors read and verify the audit log; they do not decide matches');
        await recordDecision(db, a, b, request.body.verdict, acting.user.name);
        await acting.audit(`match.${request.body.verdict}`, {}, { target: `${a},${b}` });
        return { a, b, verdict: request.body.verdict, decidedBy: acting.user.name };
      });
      return reply.code(201).send(decision);
    },
  );
}
