/**
 * Case membership: who may see a case, and granting or revoking it. Supervisors and
 * administrators of the case's agency (or a node administrator) manage it; access/membership.ts
 * decides — a case of another agency is "no such case" (404), one's own agency's case is 403 for
 * an analyst — and audits each change. It runs on the owner's connection, because the acting role
 * may not read who the members are.
 */
import type { FastifyInstance } from 'fastify';
import { caseMembers, grantCase, revokeCase } from '../../access/index.ts';
import { appendAudit, findCase } from '../../store/index.ts';
import { principalOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { arrayOf, boolean, dateTime, nullable, object, problems, ref, string, type Schema } from '../schemas.ts';
import { caseParams } from './cases.ts';
import { userParams } from './users.ts';

const memberParams = object({ ...(caseParams['properties'] as Record<string, Schema>), ...(userParams['properties'] as Record<string, Schema>) });

/** Registered with the server's shared schemas, so they appear in the OpenAPI components. */
const MEMBER_SCHEMAS = {
  CaseMember: object({
    user: string,
    role: string,
    agency: nullable({ type: 'string', description: 'null for a node administrator' }),
    grantedBy: nullable({ type: 'string', description: 'null when the case was opened by them, or granted by the node itself' }),
    grantedAt: dateTime,
  }),
  CaseMembers: object({ case: string, agency: string, members: arrayOf(ref('CaseMember')) }),
  Grant: object({ case: string, user: string, granted: { ...boolean, description: 'false when they could already see it' } }),
  Revocation: object({ case: string, user: string, revoked: { ...boolean, description: 'false when they were not a member' } }),
};

export default async function memberRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  for (const [name, schema] of Object.entries(MEMBER_SCHEMAS)) app.addSchema({ $id: name, ...schema });
  const db = ctx.store.db;

  app.get<{ Params: { ref: string } }>(
    '/api/cases/:ref/members',
    {
      schema: {
        tags: ['cases'],
        summary: "Who may see a case (supervisors and administrators of the case's agency)",
        params: caseParams,
        response: { 200: ref('CaseMembers'), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = principalOf(request);
      const members = await caseMembers(db, actor, request.params.ref);
      // caseMembers has checked the caller may manage the case: the case row is theirs to name in the log.
      const found = await findCase(db, members.case);
      await appendAudit(db, { actor: actor.name, action: 'case.members', agencyId: found?.agency_id ?? null, caseId: found?.id ?? null, details: { members: members.members.length } });
      return members;
    },
  );

  app.put<{ Params: { ref: string; name: string } }>(
    '/api/cases/:ref/members/:name',
    {
      schema: {
        tags: ['cases'],
        summary: "Let a user see a case (supervisors and administrators of the case's agency); it takes effect at once",
        params: memberParams,
        response: { 200: ref('Grant'), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => grantCase(db, principalOf(request), request.params.ref, request.params.name),
  );

  app.delete<{ Params: { ref: string; name: string } }>(
    '/api/cases/:ref/members/:name',
    {
      schema: {
        tags: ['cases'],
        summary: 'Take back a grant: the user no longer sees the case, from their next request',
        params: memberParams,
        response: { 200: ref('Revocation'), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => revokeCase(db, principalOf(request), request.params.ref, request.params.name),
  );
}
