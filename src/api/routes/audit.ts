/**
 * The audit trail, for auditors and administrators: search it, and verify its hash chain. Both
 * are access/ functions that check the caller's rights and record the look themselves.
 */
import type { FastifyInstance } from 'fastify';
import { readsWholeAuditLog, searchAudit, verifyAuditLog } from '../../access/index.ts';
import { principalOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { forbidden } from '../problem.ts';
import { arrayOf, day, object, problems, ref } from '../schemas.ts';

export default async function auditRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const mayRead = (request: Parameters<typeof principalOf>[0]) => {
    const user = principalOf(request);
    if (!readsWholeAuditLog(user)) throw forbidden('only auditors and administrators read the audit log');
    return user;
  };

  app.get<{ Querystring: { actor?: string; action?: string; case?: string; from?: string; to?: string; limit: number } }>(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Search the audit log, newest first (auditors and administrators)',
        querystring: object(
          {
            actor: { type: 'string', maxLength: 64 },
            action: { type: 'string', maxLength: 64, description: "an action, or a prefix ending in '.' or '*' (e.g. media., analysis*)" },
            case: { type: 'string', maxLength: 64 },
            from: day,
            to: { ...day, description: 'up to and including this day' },
            limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 100 },
          },
          ['actor', 'action', 'case', 'from', 'to', 'limit'],
        ),
        response: { 200: arrayOf(ref('AuditEntry')), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const user = mayRead(request);
      const { actor, action, from, to, limit } = request.query;
      return searchAudit(ctx.store.db, user, {
        ...(actor ? { actor } : {}),
        ...(action ? { action } : {}),
        ...(request.query.case ? { caseRef: request.query.case } : {}),
        ...(from ? { from: new Date(`${from}T00:00:00Z`) } : {}),
        ...(to ? { to: new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000) } : {}),
        limit,
      });
    },
  );

  app.get<{ Querystring: { head?: string } }>(
    '/api/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: "Verify the audit log's hash chain (auditors and administrators)",
        description: '`head`: a hash printed by an earlier verification; the answer then also says whether that row is still in the chain, unchanged.',
        querystring: object({ head: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' } }, ['head']),
        response: { 200: ref('AuditReport'), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const user = mayRead(request);
      return verifyAuditLog(ctx.store.db, user, request.query.head ? { head: request.query.head } : {});
    },
  );
}
