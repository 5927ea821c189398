/**
 * Law-enforcement-controlled identities of the user's own agency: the accounts police operate
 * (undercover, or an arrested person's account used with lawful authority), with the operating
 * officer, the authority and the validity window. No other agency reads them (row-level security):
 * another agency's user listing gets their own, and retiring another agency's gets 404.
 */
import type { FastifyInstance } from 'fastify';
import { addIdentity, listIdentities, retireIdentity } from '../../access/index.ts';
import type { ApiContext } from '../context.ts';
import { arrayOf, day, object, problems, ref } from '../schemas.ts';
import { announceAlerts, selectorContext, transactionTime } from './deconfliction.ts';

interface IdentityBody {
  selector: string;
  platform?: string;
  region?: string;
  officer: string;
  authority: string;
  from: string;
  to?: string;
  note?: string;
}

export default async function identityRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get(
    '/api/identities',
    {
      schema: {
        tags: ['identities'],
        summary: "Your agency's law-enforcement identities, current and retired (no other agency's)",
        response: { 200: arrayOf(ref('Identity')), ...problems(401) },
      },
    },
    async (request) => ctx.asUser(request, (db, acting) => listIdentities(db, acting.user.name)),
  );

  app.post<{ Body: IdentityBody }>(
    '/api/identities',
    {
      schema: {
        tags: ['identities'],
        summary: 'Register an identity your agency operates; if another unit targets it, both sides get a deconfliction alert',
        description: 'Its activity is then marked as police activity, never a suspect’s, and resolution never merges it into a subject. The audit entry names its id and type, never the selector.',
        body: object(
          {
            selector: { type: 'string', minLength: 1, maxLength: 500, description: 'the account: email, phone, @handle (with platform) …' },
            platform: { type: 'string', minLength: 1, maxLength: 64, description: 'where a handle lives, e.g. telegram' },
            region: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'phone region for numbers typed without a country code' },
            officer: { type: 'string', minLength: 1, maxLength: 200, description: 'the officer who operates it' },
            authority: { type: 'string', minLength: 1, maxLength: 200, description: 'the warrant or authorisation reference' },
            from: day,
            to: { ...day, description: 'last day it is operated (inclusive); open-ended without' },
            note: { type: 'string', maxLength: 1000 },
          },
          ['platform', 'region', 'to', 'note'],
        ),
        response: { 201: ref('IdentityAdded'), ...problems(400, 401, 403, 409, 503) },
      },
    },
    async (request, reply) => {
      const { platform, region, ...rest } = request.body;
      const context = selectorContext(ctx, region);
      const { added, raisedAt } = await ctx.asUser(request, async (db, acting) => ({
        added: await addIdentity(db, acting.user.name, { ...rest, platform }, context),
        raisedAt: await transactionTime(db),
      }));
      if (added.alerts > 0) await announceAlerts(ctx, raisedAt, request.log);
      return reply.code(201).send(added);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/identities/:id/retire',
    {
      schema: {
        tags: ['identities'],
        summary: 'Retire an identity of your agency: from now on it is no longer police-operated (its alerts stay)',
        params: object({ id: { type: 'string', pattern: '^[0-9]{1,18}$', description: 'the identity id' } }),
        response: { 200: ref('Identity'), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ctx.asUser(request, (db, acting) => retireIdentity(db, acting.user.name, request.params.id)),
  );
}
