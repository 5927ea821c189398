/**
 * Media review without seeing images: a case's files as hashes and metadata, what they match in
 * other cases and hash sets, and categories. Looking at one is a separate, deliberate request
 * (blurred greyscale first; revealed only on a second request), and each look is audited.
 */
import type { FastifyInstance } from 'fastify';
import { raiseMediaHits } from '../../access/index.ts';
import { categoriseMedia, mediaHits, PDQ_MATCH_THRESHOLD } from '../../media/index.ts';
import { principalOf } from '../auth.ts';
import { caseScope, type ApiContext } from '../context.ts';
import { locateMediaFile, renderForReview } from '../media-view.ts';
import { forbidden, notFound } from '../problem.ts';
import { agencyName, caseMedia, mediaFile } from '../reads.ts';
import { arrayOf, flag, isOn, object, paging, problems, ref } from '../schemas.ts';
import { caseParams } from './cases.ts';
import { bareId, entityIdParam } from './entities.ts';
import { announceHits } from './hits.ts';

/** Roles that may look at pictures: case workers. Auditors read the log, not the evidence. */
const VIEWERS = new Set(['analyst', 'supervisor', 'admin']);

export default async function mediaRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Params: { ref: string }; Querystring: { limit: number; offset: number } }>(
    '/api/cases/:ref/media',
    {
      schema: {
        tags: ['media'],
        summary: "A case's media files: hashes and metadata, your agency's category — never pixels",
        params: caseParams,
        querystring: object(paging(1000, 100), ['limit', 'offset']),
        response: { 200: ref('MediaPage'), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const page = await caseMedia(db, request.params.ref, acting.user.agencyId, request.query);
        acting.auditRead('media.list', { offset: page.offset, shown: page.items.length }, await caseScope(db, request.params.ref));
        return page;
      }),
  );

  app.get<{ Params: { ref: string }; Querystring: { threshold: number } }>(
    '/api/cases/:ref/media-matches',
    {
      schema: {
        tags: ['media'],
        summary: "What a case's media match: the same file or a near-identical picture (PDQ) in other cases you may see, and hash-set entries",
        description:
          'Pictures held by cases you may not see are not listed: each raises a hit notice instead — the holding agency’s contact, nothing else — listed at GET /api/hits?case={ref} and sent as a `hit` server-sent event.',
        params: caseParams,
        querystring: object({ threshold: { type: 'integer', minimum: 0, maximum: 128, default: PDQ_MATCH_THRESHOLD, description: 'PDQ Hamming distance that counts as a match' } }, ['threshold']),
        response: { 200: arrayOf(ref('MediaHits')), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const { hits, notices } = await ctx.asUser(request, async (db, acting) => {
        const found = await mediaHits(db, request.params.ref, { threshold: request.query.threshold, agencyId: acting.user.agencyId ?? undefined });
        acting.auditRead('media.match', { threshold: request.query.threshold, media: found.length }, await caseScope(db, request.params.ref));
        // Matches in cases the user may not see stay hidden; their holders' contacts become hit notices (GET /api/hits?case=).
        return { hits: found, notices: await raiseMediaHits(db, request.params.ref, { threshold: request.query.threshold }) };
      });
      await announceHits(ctx, principalOf(request), notices, request.log);
      return hits;
    },
  );

  app.get<{ Params: { id: string }; Querystring: { reveal: string } }>(
    '/api/media/:id/view',
    {
      schema: {
        tags: ['media'],
        summary: 'Look at one image, on purpose: greyscale and strongly blurred; `reveal=1` (audited separately) shows it as it is',
        description: 'A PNG, re-encoded (no metadata), never cached. Every request is written to the audit log (`media.view`, or `media.reveal`). Auditors may not view media.',
        params: object({ id: entityIdParam }),
        querystring: object({ reveal: flag('1: show the image as it is (audited as media.reveal)') }, ['reveal']),
        response: {
          200: { description: 'the image', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } },
          ...problems(400, 401, 403, 404, 409, 415),
        },
      },
    },
    async (request, reply) => {
      const user = principalOf(request);
      if (!VIEWERS.has(user.role)) throw forbidden(`a${user.role === 'auditor' ? 'n auditor' : ` ${user.role}`} may not view media`);
      const id = bareId(request.params.id);
      const reveal = isOn(request.query.reveal);
      const file = await ctx.asUser(request, (db) => mediaFile(db, id));
      if (!file) throw notFound(`no media file ${id} that you may see`);
      const path = await locateMediaFile(file.origin, file.relativePath, file.sha256);
      const image = await renderForReview(path, reveal);
      // Recorded once the picture exists, before a byte of it is sent.
      await ctx.asUser(request, (_db, acting) =>
        acting.audit(reveal ? 'media.reveal' : 'media.view', { sha256: file.sha256, blurred: !reveal }, { agencyId: file.agencyId, caseId: file.caseId, target: `e${id}` }),
      );
      return reply
        .header('content-type', 'image/png')
        .header('cache-control', 'no-store')
        .header('content-disposition', `inline; filename="${reveal ? 'revealed' : 'blurred'}-e${id}.png"`)
        .header('x-crosslink-blurred', reveal ? 'false' : 'true')
        .send(image);
    },
  );

  app.post<{ Body: { sha256: string; category: string } }>(
    '/api/media/categories',
    {
      schema: {
        tags: ['media'],
        summary: "Record your category for a media file (by SHA-256), for your agency; the latest decision counts",
        body: object({ sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' }, category: { type: 'string', minLength: 1, maxLength: 64 } }),
        response: { 201: ref('Categorisation'), ...problems(400, 401, 403, 413) },
      },
    },
    async (request, reply) => {
      const user = principalOf(request);
      if (!VIEWERS.has(user.role)) throw forbidden('auditors read and verify the audit log; they do not categorise media');
      if (!user.agencyId) throw forbidden("categories belong to an agency: a node administrator has none (sign in as a user of the agency)");
      const agencyId = user.agencyId;
      const sha256 = request.body.sha256.toLowerCase();
      const recorded = await ctx.asUser(request, async (db, acting) => {
        await categoriseMedia(db, { sha256, category: request.body.category, agencyId, actor: user.name });
        await acting.audit('media.categorise', { sha256, category: request.body.category.trim() }, { agencyId });
        return { sha256, category: request.body.category.trim(), by: user.name, agency: (await agencyName(db, agencyId)) ?? '' };
      });
      return reply.code(201).send(recorded);
    },
  );
}
