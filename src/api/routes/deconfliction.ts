/**
 * Deconfliction: register a case's targets (an identifier as typed, or a subject) and planned
 * operations (kind, time window, place), see whom a registration would alert before making it,
 * and list the registrations and alerts of the cases you may see. The database raises the alerts
 * as a registration is written, one to each side, each carrying only the other side's contact.
 *
 * Also `announceAlerts`, which this route and the identities route call once their transaction
 * has committed: an `alert` event to each side's users — the alert row that is theirs.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { sql, type RawBuilder, type Transaction } from 'kysely';
import { alertView, checkDeconfliction, listDeconfliction, OPERATION_KINDS, registerDeconfliction, type DeconflictionInput } from '../../access/index.ts';
import { registrationWarnings } from '../../federation/index.ts';
import type { Database } from '../../store/index.ts';
import type { ApiContext } from '../context.ts';
import { forbidden } from '../problem.ts';
import { number, object, problems, ref, type Schema } from '../schemas.ts';

interface RegistrationBody {
  case: string;
  target?: string;
  subject?: string;
  operation?: string;
  platform?: string;
  region?: string;
  from?: string;
  to?: string;
  place?: string;
  lat?: number;
  lon?: number;
  radiusM?: number;
}

const text = (maxLength: number, description: string): Schema => ({ type: 'string', minLength: 1, maxLength, description });

const registrationBody = object(
  {
    case: text(64, 'your case'),
    target: text(500, 'an identifier as typed: email, phone, @handle (with platform), IP, URL, card, wallet, hash'),
    subject: { type: 'string', pattern: '^[sS]?[0-9]{1,18}$', description: 'a resolved subject, e.g. 12 or s12' },
    operation: { type: 'string', maxLength: 32, description: `a planned operation: ${OPERATION_KINDS.join(', ')}` },
    platform: text(64, 'the platform of a handle target, e.g. telegram'),
    region: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'phone region for numbers typed without a country code' },
    from: text(40, 'operation start: YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC unless an offset is given)'),
    to: text(40, 'operation end (a bare day counts in full)'),
    place: text(500, 'where: an address or place name'),
    lat: { ...number, minimum: -90, maximum: 90 },
    lon: { ...number, minimum: -180, maximum: 180 },
    radiusM: { ...number, minimum: 0, maximum: 100_000, description: 'metres around lat/lon (default 100)' },
  },
  ['target', 'subject', 'operation', 'platform', 'region', 'from', 'to', 'place', 'lat', 'lon', 'radiusM'],
  'exactly one of target, subject or operation; an operation needs from, to and a place (place and/or lat/lon)',
);

/** The card-token key, when there is one: only a card selector needs it (and says so when missing). */
export function selectorContext(ctx: ApiContext, region: string | undefined): { region: string; secret?: Buffer } {
  let secret: Buffer | undefined;
  try {
    secret = ctx.cardSecret();
  } catch {
    secret = undefined;
  }
  return { region: (region ?? ctx.settings.region).toUpperCase(), ...(secret ? { secret } : {}) };
}

function inputOf(body: RegistrationBody): DeconflictionInput {
  return {
    caseRef: body.case,
    target: body.target,
    subject: body.subject,
    operation: body.operation,
    platform: body.platform,
    from: body.from,
    to: body.to,
    place: body.place,
    lat: body.lat,
    lon: body.lon,
    radiusM: body.radiusM,
  };
}

/** The acting transaction's start: every alert its triggers raised carries it as `raised_at`. */
export async function transactionTime(db: Transaction<Database>): Promise<string> {
  return (await sql<{ now: string }>`SELECT now()::text AS now`.execute(db)).rows[0]!.now;
}

/**
 * Sends the `alert` events of the alerts a committed transaction raised (they all carry its start
 * time), each to its own side only: the members of the alerted case, or the users of the agency
 * whose identity was met. Read on the owner's connection, which alone may see both sides' rows.
 * A failure is logged, never the request's: the alerts are stored and listed either way.
 */
export async function announceAlerts(ctx: ApiContext, raisedAt: string, log?: FastifyBaseLogger): Promise<void> {
  try {
    await publishAlerts(ctx, sql`a.raised_at = ${raisedAt}::timestamptz`);
  } catch (error) {
    log?.error({ err: error }, 'announcing deconfliction alerts failed');
  }
}

/** Sends an `alert` event for each alert `where` selects (over `deconfliction_alerts a`) to its own side; the largest id sent. */
export async function publishAlerts(ctx: ApiContext, where: RawBuilder<boolean>): Promise<string | undefined> {
  const rows = await sql<{
    id: string;
    raised_at: Date;
    reason: 'target' | 'operation';
    ref: string | null;
    registration_id: string | null;
    identity_id: string | null;
    contact: Record<string, unknown>;
    recipients: string[];
  }>`
    SELECT a.id::text AS id, a.raised_at, a.reason, c.ref, a.registration_id::text AS registration_id, a.identity_id::text AS identity_id, a.contact,
           CASE WHEN a.case_id IS NOT NULL
             THEN coalesce((SELECT array_agg(m.user_id::text) FROM case_members m JOIN users u ON u.id = m.user_id
                            WHERE m.case_id = a.case_id AND m.revoked_at IS NULL AND u.disabled_at IS NULL), '{}')
             ELSE coalesce((SELECT array_agg(u.id::text) FROM users u WHERE u.agency_id = a.agency_id AND u.disabled_at IS NULL), '{}')
           END AS recipients
    FROM deconfliction_alerts a LEFT JOIN cases c ON c.id = a.case_id
    WHERE ${where}
    ORDER BY a.id`.execute(ctx.store.db);
  for (const row of rows.rows) ctx.events.publish(row.recipients, 'alert', alertView(row));
  return rows.rows.at(-1)?.id;
}

export default async function deconflictionRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Querystring: { case?: string } }>(
    '/api/deconfliction',
    {
      schema: {
        tags: ['deconfliction'],
        summary: 'Your registrations (targets and planned operations) and the alerts raised on them',
        description: 'Of every case you may see, or of one. An alert names whom to call on the other side, nothing more. New alerts also arrive as `alert` server-sent events.',
        querystring: object({ case: { type: 'string', minLength: 1, maxLength: 64, description: 'only this case of yours' } }, ['case']),
        response: { 200: ref('Deconfliction'), ...problems(400, 401, 404) },
      },
    },
    async (request) => ctx.asUser(request, (db, acting) => listDeconfliction(db, acting.user.name, { caseRef: request.query.case })),
  );

  app.post<{ Body: RegistrationBody }>(
    '/api/deconfliction',
    {
      schema: {
        tags: ['deconfliction'],
        summary: 'Register a target or a planned operation for your case; a conflict with another unit alerts both sides',
        description: 'Registering the same target for the same case again returns the first registration (`created: false`, status 200).',
        body: registrationBody,
        response: { 200: ref('Registered'), 201: ref('Registered'), ...problems(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const context = selectorContext(ctx, request.body.region);
      const { result, raisedAt } = await ctx.asUser(request, async (db, acting) => {
        if (acting.user.role === 'auditor') throw forbidden('auditors read the audit log; they do not register targets or operations');
        return { result: await registerDeconfliction(db, acting.user.name, inputOf(request.body), context), raisedAt: await transactionTime(db) };
      });
      if (result.alerts.length > 0) await announceAlerts(ctx, raisedAt, request.log);
      return reply.code(result.created ? 201 : 200).send({ ...result, warnings: registrationWarnings(result.registration) });
    },
  );

  app.post<{ Body: RegistrationBody }>(
    '/api/deconfliction/check',
    {
      schema: {
        tags: ['deconfliction'],
        summary: 'Whom a registration would alert, without registering anything',
        body: registrationBody,
        response: { 200: ref('Conflicts'), ...problems(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const context = selectorContext(ctx, request.body.region);
      return ctx.asUser(request, (db, acting) => checkDeconfliction(db, acting.user.name, inputOf(request.body), context));
    },
  );
}
