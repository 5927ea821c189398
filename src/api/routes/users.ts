/**
 * Users and their API tokens: list and add users, disable one, and issue, list and revoke tokens.
 * The access/ functions decide and audit; they run on the owner's connection because users and
 * credentials are never readable by the acting role. Before a change, the route resolves the
 * named user the way case routes resolve a case: someone of another agency is "no such user"
 * (404, the same as a name that does not exist), a colleague one may not manage is 403.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addUser, createToken, disableUser, findUser, listTokens, listUsers, mayManageUsersOf, MIN_PASSWORD_LENGTH, revokeToken, ROLES, type Principal } from '../../access/index.ts';
import { appendAudit } from '../../store/index.ts';
import { principalOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { forbidden, notFound } from '../problem.ts';
import { agencyName } from '../reads.ts';
import { arrayOf, boolean, dateTime, id, nullable, object, problems, ref, string } from '../schemas.ts';

const userName = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$', description: 'a user name' };
export const userParams = object({ name: userName });
const tokenParams = object({ name: userName, id: { type: 'string', pattern: '^[0-9]{1,18}$', description: 'the token id' } });
const roleSchema = { type: 'string', enum: Object.keys(ROLES), description: Object.entries(ROLES).map(([role, spec]) => `${role}: ${spec.does}`).join('; ') };

/** Registered with the server's shared schemas, so they appear in the OpenAPI components. */
const USER_SCHEMAS = {
  UserAccount: object(
    {
      id,
      name: string,
      role: roleSchema,
      agency: nullable({ type: 'string', description: 'agency name; null for a node administrator' }),
      password: { type: 'boolean', description: 'whether they may sign in with a password (otherwise tokens only)' },
      lockedUntil: nullable({ ...dateTime, description: 'locked after repeated wrong passwords, until then' }),
      disabled: boolean,
      createdAt: dateTime,
    },
    [],
    'A user account as administrators see it (never a password or token).',
  ),
  Token: object(
    {
      id,
      user: string,
      kind: { type: 'string', enum: ['session', 'token'], description: 'a sign-in session, or an API token' },
      label: nullable(string),
      createdAt: dateTime,
      expiresAt: nullable(dateTime),
      lastUsedAt: nullable(dateTime),
      revokedAt: nullable(dateTime),
    },
    [],
    'A credential, without its secret.',
  ),
  IssuedToken: object(
    {
      id,
      token: { type: 'string', description: 'the secret, shown only now: send it as Authorization: Bearer <token>' },
      user: string,
      kind: { type: 'string', enum: ['token'] },
      label: nullable(string),
      expiresAt: nullable(dateTime),
    },
    [],
    'A new API token; the server keeps only its hash.',
  ),
};

export default async function userRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  for (const [name, schema] of Object.entries(USER_SCHEMAS)) app.addSchema({ $id: name, ...schema });
  const db = ctx.store.db;

  /**
   * The user `name`, if the caller may manage them (or is them, where `self` allows). A user of
   * another agency is answered as one that does not exist: nothing says the name is taken there.
   */
  async function userToManage(actor: Principal, name: string, options: { self: boolean }) {
    const user = await findUser(db, name);
    const missing = notFound(`no user '${name}' that you manage`);
    if (!user) throw missing;
    if ((options.self && user.id === actor.id) || mayManageUsersOf(actor, user.agency_id)) return user;
    if (actor.agencyId !== null && actor.agencyId === user.agency_id) throw forbidden('only an administrator of your agency, or of the node, manages its users and their tokens');
    throw missing;
  }

  const audit = (actor: Principal, action: string, details: Record<string, unknown>, target?: { name: string; agency_id: string | null }) =>
    appendAudit(db, { actor: actor.name, action, details, agencyId: target?.agency_id ?? actor.agencyId, target: target?.name ?? null });

  app.get(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: "Users: your agency's; everyone for a node administrator or an auditor",
        response: { 200: arrayOf(ref('UserAccount')), ...problems(401) },
      },
    },
    async (request) => {
      const actor = principalOf(request);
      const users = await listUsers(db, actor);
      await audit(actor, 'user.list', { users: users.length });
      return users;
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/users/:name',
    {
      schema: {
        tags: ['users'],
        summary: 'One user, among those GET /api/users lists for you',
        params: userParams,
        response: { 200: ref('UserAccount'), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const actor = principalOf(request);
      const wanted = request.params.name.toLowerCase();
      // Read through the same rule as the list: what one may list is what one may read.
      const user = (await listUsers(db, actor)).find((candidate) => candidate.name.toLowerCase() === wanted);
      if (!user) throw notFound(`no user '${request.params.name}' that you may see`);
      await audit(actor, 'user.read', {}, { name: user.name, agency_id: actor.agencyId });
      return user;
    },
  );

  app.post<{ Body: { name: string; role: string; agency?: string; password?: string } }>(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Add a user (administrators of the agency, or a node administrator)',
        description:
          'Without `agency`, the user joins your own agency. Without `password`, they act only with API tokens (POST /api/users/{name}/tokens). Only a node administrator adds a node administrator (an admin without an agency).',
        body: object(
          {
            name: userName,
            role: roleSchema,
            agency: { type: 'string', minLength: 1, maxLength: 200, description: 'their agency (default: yours)' },
            password: { type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: 1024, description: `at least ${MIN_PASSWORD_LENGTH} characters` },
          },
          ['agency', 'password'],
        ),
        response: { 201: ref('UserAccount'), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = principalOf(request);
      const agency = request.body.agency ?? (await agencyName(db, actor.agencyId)) ?? undefined;
      const created = await addUser(db, actor, { ...request.body, agency });
      return reply.code(201).send(created);
    },
  );

  app.post<{ Params: { name: string } }>(
    '/api/users/:name/disable',
    {
      schema: {
        tags: ['users'],
        summary: 'Disable a user: no more sign-ins, their sessions and tokens stop working, and they see no case',
        params: userParams,
        response: { 200: ref('UserAccount'), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = principalOf(request);
      const user = await userToManage(actor, request.params.name, { self: false });
      return disableUser(db, actor, user.name);
    },
  );

  const tokenOwner = (request: FastifyRequest<{ Params: { name: string } }>) => userToManage(principalOf(request), request.params.name, { self: true });

  app.get<{ Params: { name: string } }>(
    '/api/users/:name/tokens',
    {
      schema: {
        tags: ['users'],
        summary: "A user's sessions and API tokens, never the secrets (your own, or those of a user you manage)",
        params: userParams,
        response: { 200: arrayOf(ref('Token')), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = principalOf(request);
      const user = await tokenOwner(request);
      const tokens = await listTokens(db, actor, user.name);
      await audit(actor, 'token.list', { tokens: tokens.length }, user);
      return tokens;
    },
  );

  app.post<{ Params: { name: string }; Body: { label?: string; expiresInDays?: number } }>(
    '/api/users/:name/tokens',
    {
      schema: {
        tags: ['users'],
        summary: 'Issue an API token (your own, or one for a user you manage); the answer is the only time it is shown',
        params: userParams,
        body: object(
          {
            label: { type: 'string', minLength: 1, maxLength: 200, description: 'what it is for, e.g. "laptop" or "nightly export"' },
            expiresInDays: { type: 'integer', minimum: 1, maximum: 3650, description: 'valid for this many days (default: until revoked)' },
          },
          ['label', 'expiresInDays'],
        ),
        response: { 201: ref('IssuedToken'), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const user = await tokenOwner(request);
      const issued = await createToken(db, principalOf(request), user.name, { label: request.body.label, expiresInDays: request.body.expiresInDays });
      return reply.code(201).header('cache-control', 'no-store').send(issued);
    },
  );

  app.delete<{ Params: { name: string; id: string } }>(
    '/api/users/:name/tokens/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Revoke a token or session of a user: it stops working at once',
        params: tokenParams,
        response: { 200: ref('Token'), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = principalOf(request);
      const user = await tokenOwner(request);
      // The id must be this user's: a token id alone would let a path name one user and revoke another's.
      const owned = await listTokens(db, actor, user.name);
      if (!owned.some((token) => token.id === request.params.id)) throw notFound(`no token ${request.params.id} of ${user.name}`);
      return revokeToken(db, actor, request.params.id);
    },
  );
}
