/** Signing in and out: a password gives a session (an HttpOnly cookie) and the CSRF token that goes with it. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { login, logout, type Principal } from '../../access/index.ts';
import { isUserError } from '../../model/index.ts';
import { clearSessionCookie, csrfTokenOf, principalOf, RateLimiter, setSessionCookie } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { unauthorized } from '../problem.ts';
import { agencyName } from '../reads.ts';
import { object, problems, ref } from '../schemas.ts';

export default async function sessionRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const limiter = new RateLimiter(ctx.settings.loginsPerMinute, 60_000);
  const userView = async (user: Principal) => ({ id: user.id, name: user.name, role: user.role, agency: await agencyName(ctx.store.db, user.agencyId) });
  const secure = (request: FastifyRequest) => ctx.settings.secureCookies || request.protocol === 'https';

  app.post<{ Body: { name: string; password: string } }>(
    '/api/session',
    {
      config: { public: true },
      schema: {
        tags: ['session'],
        summary: 'Sign in with a name and password',
        description:
          'Sets the session cookie `crosslink_session` (HttpOnly, SameSite=Strict) and returns the CSRF token to send as X-CSRF-Token. Five wrong passwords in a row lock the account for 15 minutes; each address may try a few times a minute.',
        security: [],
        body: object({ name: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 1024 } }),
        response: { 200: ref('Session'), ...problems(400, 401, 413, 429) },
      },
    },
    async (request, reply) => {
      limiter.take(request.ip);
      let issued: Awaited<ReturnType<typeof login>>;
      try {
        issued = await login(ctx.store.db, request.body.name, request.body.password);
      } catch (error) {
        // Wrong name, wrong password and a locked account are all "not signed in".
        if (isUserError(error) && error.code === 'forbidden') throw unauthorized(error.message);
        throw error;
      }
      setSessionCookie(reply, issued.token, secure(request));
      return { user: await userView(issued.principal), csrfToken: csrfTokenOf(issued.token), expiresAt: issued.expiresAt };
    },
  );

  app.get(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Who is signed in, and the CSRF token of the session',
        response: { 200: ref('Session'), ...problems(401) },
      },
    },
    async (request) => {
      const user = principalOf(request);
      const cookie = request.credential?.kind === 'cookie' ? request.credential.token : null;
      return { user: await userView(user), csrfToken: cookie ? csrfTokenOf(cookie) : null, expiresAt: null };
    },
  );

  app.delete(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Sign out: the credential of the request (session, or bearer token) is revoked and the cookie cleared',
        response: { 204: { type: 'null', description: 'signed out' }, ...problems(401, 403) },
      },
    },
    async (request, reply) => {
      await logout(ctx.store.db, request.credential!.token);
      clearSessionCookie(reply, secure(request));
      return reply.code(204).send();
    },
  );
}
