/**
 * Cross-agency hits: the notices a user raised (another agency holds what they looked up — whom
 * to call, nothing else) and the hits on the user's cases (who looked, and how to reach them),
 * and the case officer's own line that notices give. Notices themselves are raised where the
 * user meets a selector: search, a subject's page, a case's media matches.
 *
 * Also `announceHits`, which those routes call once their transaction has committed: a `hit`
 * event to the seeker (their notice) and to the holding case's members (the reference and their
 * own case, so the work queue can fetch the rest under their own rights).
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { listHits, setCaseContact, type HitNotice, type Principal } from '../../access/index.ts';
import { caseScope, type ApiContext } from '../context.ts';
import { forbidden } from '../problem.ts';
import { object, problems, ref } from '../schemas.ts';
import { caseParams } from './cases.ts';

/** What a holding case's members are told on the event stream when someone outside it meets what it holds. */
export interface ReceivedHitEvent {
  direction: 'received';
  reference: string;
  kind: string;
  case: string;
  count: number;
  lastSeen: string;
}

/** What the seeker is told on the event stream: the notice, nothing more. */
export type RaisedHitEvent = { direction: 'raised' } & HitNotice;

const hitId = (reference: string) => /^HIT-([0-9]{1,18})$/.exec(reference)?.[1];

/**
 * Sends the `hit` events of notices just raised. Runs on the owner's connection after the acting
 * transaction has committed (on PGlite, the one session is free only then). The recipients are
 * the holding case's active members, read here because an acting user may not read who they are.
 * A failure is logged, never the request's: the hits are stored and listed either way.
 */
export async function announceHits(ctx: ApiContext, seeker: Principal, notices: readonly HitNotice[], log?: FastifyBaseLogger): Promise<void> {
  if (notices.length === 0) return;
  for (const notice of notices) ctx.events.publish([seeker.id], 'hit', { direction: 'raised', ...notice } satisfies RaisedHitEvent);
  const ids = notices.map((notice) => hitId(notice.reference)).filter((id): id is string => id !== undefined);
  if (ids.length === 0) return;
  try {
    const rows = await sql<{ id: string; kind: string; ref: string; count: number; last_seen: Date; members: string[] }>`
      SELECT h.id::text AS id, h.kind, c.ref, h.count, h.last_seen,
             coalesce((SELECT array_agg(m.user_id::text) FROM case_members m JOIN users u ON u.id = m.user_id
                       WHERE m.case_id = h.holder_case_id AND m.revoked_at IS NULL AND u.disabled_at IS NULL), '{}') AS members
      FROM hits h JOIN cases c ON c.id = h.holder_case_id
      WHERE h.id = ANY (${ids}::bigint[])`.execute(ctx.store.db);
    for (const row of rows.rows) {
      const event: ReceivedHitEvent = { direction: 'received', reference: `HIT-${row.id}`, kind: row.kind, case: row.ref, count: row.count, lastSeen: new Date(row.last_seen).toISOString() };
      ctx.events.publish(row.members.filter((member) => member !== seeker.id), 'hit', event);
    }
  } catch (error) {
    log?.error({ err: error }, 'announcing hits failed');
  }
}

export default async function hitRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Querystring: { case?: string } }>(
    '/api/hits',
    {
      schema: {
        tags: ['hits'],
        summary: 'Cross-agency hits both ways: those you raised (whom to call) and those on your cases (who looked)',
        description:
          '`raised`: another agency holds something you looked up — the notice carries its point of contact and nothing of its case. `received`: someone who may not see your case looked up what it holds — who, and how to reach them. Quote the reference when calling. New hits also arrive as `hit` server-sent events.',
        querystring: object({ case: { type: 'string', minLength: 1, maxLength: 64, description: 'only the hits on this case of yours, and those its pictures raised' } }, ['case']),
        response: { 200: ref('HitList'), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const list = await listHits(db, { caseRef: request.query.case });
        const scope = request.query.case === undefined ? {} : await caseScope(db, request.query.case);
        acting.auditRead('hits.list', { case: request.query.case, raised: list.raised.length, received: list.received.length }, scope);
        return list;
      }),
  );

  app.put<{ Params: { ref: string }; Body: { phone?: string; email?: string } }>(
    '/api/cases/:ref/contact',
    {
      schema: {
        tags: ['hits'],
        summary: "The case officer's own phone and email, which hit notices and deconfliction alerts give for this case (empty: the agency's)",
        params: caseParams,
        body: object({ phone: { type: 'string', maxLength: 64 }, email: { type: 'string', maxLength: 200 } }, ['phone', 'email']),
        response: { 200: ref('CaseContact'), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      return ctx.asUser(request, async (db, acting) => {
        if (acting.user.role === 'auditor') throw forbidden("auditors read the audit log; they do not set a case's contact");
        const contact = { phone: request.body.phone?.trim() || undefined, email: request.body.email?.trim() || undefined };
        await setCaseContact(db, request.params.ref, contact);
        const scope = await caseScope(db, request.params.ref);
        await acting.audit('case.contact', contact, scope);
        return { case: scope.target, phone: contact.phone ?? null, email: contact.email ?? null };
      });
    },
  );
}
