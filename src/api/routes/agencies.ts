/**
 * Agencies: the directory every signed-in user may read (hit notices and deconfliction alerts name
 * an agency and its point of contact), which a node administrator adds to and an agency's own
 * administrator keeps current. Runs acting as the user: row-level security admits only
 * administrators' changes, and the checks here narrow that to the agency's own.
 */
import type { FastifyInstance } from 'fastify';
import type { Transaction } from 'kysely';
import { isNodeAdmin, mayManageUsersOf } from '../../access/index.ts';
import { addAgency, findAgency, listAgencies, type Agency, type Database } from '../../store/index.ts';
import type { ApiContext } from '../context.ts';
import { forbidden, notFound } from '../problem.ts';
import { arrayOf, dateTime, id, nullable, object, problems, ref, string } from '../schemas.ts';

const CONTACT_FIELDS = ['officer', 'phone', 'email'] as const;
type ContactField = (typeof CONTACT_FIELDS)[number];
type ContactBody = Partial<Record<ContactField, string>>;

export const agencyParams = object({ name: { type: 'string', minLength: 1, maxLength: 200, description: 'the agency name (any case)' } });

const contactProperties = {
  officer: { type: 'string', maxLength: 200, description: 'the point of contact named in hit notices' },
  phone: { type: 'string', maxLength: 64 },
  email: { type: 'string', maxLength: 200 },
};

/** Registered with the server's shared schemas, so they appear in the OpenAPI components. */
const AGENCY_SCHEMAS = {
  Agency: object(
    {
      id,
      name: string,
      country: { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166 two-letter code' },
      kind: nullable({ type: 'string', description: 'e.g. city-unit, national-centre, task-force' }),
      contact: object({ officer: nullable(string), phone: nullable(string), email: nullable(string) }, [], 'whom hit notices and alerts tell others to call'),
      createdAt: dateTime,
    },
    [],
    'A police force or unit that owns cases.',
  ),
};

export interface AgencyView {
  id: string;
  name: string;
  country: string;
  kind: string | null;
  contact: Record<ContactField, string | null>;
  createdAt: string;
}

function agencyView(row: Agency): AgencyView {
  const field = (name: ContactField) => (typeof row.contact[name] === 'string' && row.contact[name] !== '' ? (row.contact[name] as string) : null);
  return { id: row.id, name: row.name, country: row.country, kind: row.kind, contact: { officer: field('officer'), phone: field('phone'), email: field('email') }, createdAt: row.created_at.toISOString() };
}

/** The contact fields given, trimmed; an empty one removes that field. */
function contactOf(body: ContactBody, before: Record<string, unknown> = {}): Record<string, unknown> {
  const contact: Record<string, unknown> = { ...before };
  for (const name of CONTACT_FIELDS) {
    const value = body[name]?.trim();
    if (value === undefined) continue;
    if (value === '') delete contact[name];
    else contact[name] = value;
  }
  return contact;
}

async function requireAgencyNamed(db: Transaction<Database>, name: string): Promise<Agency> {
  const agency = await findAgency(db, name);
  if (!agency) throw notFound(`no agency named '${name}' (see GET /api/agencies)`);
  return agency;
}

export default async function agencyRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  for (const [name, schema] of Object.entries(AGENCY_SCHEMAS)) app.addSchema({ $id: name, ...schema });

  app.get(
    '/api/agencies',
    {
      schema: {
        tags: ['agencies'],
        summary: 'The directory of agencies: names, countries and points of contact (every user may read it)',
        response: { 200: arrayOf(ref('Agency')), ...problems(401) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const agencies = await listAgencies(db);
        acting.auditRead('agency.list', { agencies: agencies.length });
        return agencies.map(agencyView);
      }),
  );

  app.post<{ Body: { name: string; country: string; kind?: string } & ContactBody }>(
    '/api/agencies',
    {
      schema: {
        tags: ['agencies'],
        summary: 'Add an agency (node administrators)',
        description: 'Its users are then added with POST /api/users by a node administrator, or by an administrator of the agency.',
        body: object(
          {
            name: { type: 'string', minLength: 1, maxLength: 200, description: 'e.g. "Northbridge Police Sex Crimes Unit"' },
            country: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'ISO 3166 two-letter code, e.g. CA' },
            kind: { type: 'string', minLength: 1, maxLength: 64, description: 'e.g. city-unit, national-centre, task-force' },
            ...contactProperties,
          },
          ['kind', ...CONTACT_FIELDS],
        ),
        response: { 201: ref('Agency'), ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const created = await ctx.asUser(request, async (db, acting) => {
        if (!isNodeAdmin(acting.user)) throw forbidden('only a node administrator adds agencies');
        const { name, country, kind } = request.body;
        const row = await addAgency(db, { name, country, kind: kind?.trim() || undefined, contact: contactOf(request.body) });
        await acting.audit('agency.add', { country: row.country }, { agencyId: row.id, target: row.name });
        return agencyView(row);
      });
      return reply.code(201).send(created);
    },
  );

  app.put<{ Params: { name: string }; Body: ContactBody }>(
    '/api/agencies/:name/contact',
    {
      schema: {
        tags: ['agencies'],
        summary: "Change an agency's point of contact (its administrators, or a node administrator)",
        description: 'Only the fields given change; an empty one clears it. Hit notices and deconfliction alerts give this contact unless a case names its own.',
        params: agencyParams,
        body: { ...object(contactProperties, CONTACT_FIELDS), minProperties: 1 },
        response: { 200: ref('Agency'), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const agency = await requireAgencyNamed(db, request.params.name);
        // An agency's administrators manage it as they manage its users.
        if (!mayManageUsersOf(acting.user, agency.id)) throw forbidden(`only an administrator of ${agency.name} or of the node changes its contact`);
        // Not in store/repositories/agencies.ts (another owner's file): one UPDATE, under the acting role's policy.
        const row = await db.updateTable('agencies').set({ contact: contactOf(request.body, agency.contact) }).where('id', '=', agency.id).returningAll().executeTakeFirstOrThrow();
        await acting.audit('agency.contact', contactOf(request.body), { agencyId: row.id, target: row.name });
        return agencyView(row);
      }),
  );
}
