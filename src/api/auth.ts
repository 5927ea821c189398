/**
 * Who is asking: a session cookie (the web app) or `Authorization: Bearer <token>` (tools), both
 * checked by access/. A cookie is sent by the browser on its own, so a request that changes
 * something must also carry the session's CSRF token in `X-CSRF-Token` — a value a page on another
 * site cannot read. Bearer tokens need none: a browser never adds them by itself.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateToken, SESSION_HOURS, type Principal } from '../access/index.ts';
import { isUserError } from '../model/index.ts';
import type { Store } from '../store/index.ts';
import { ApiProblem, forbidden, unauthorized } from './problem.ts';

export const SESSION_COOKIE = 'crosslink_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user; set by `authenticate` before every route that is not public. */
    principal: Principal | null;
    /** How: the session cookie, or a bearer token. */
    credential: { kind: 'cookie' | 'bearer'; token: string } | null;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in (health, the API description, signing in itself). */
    public?: boolean;
  }
}

/**
 * The CSRF token of a session: an HMAC keyed by the session's own secret, so it needs no storage,
 * survives a restart, and cannot be computed without the cookie (which scripts cannot read).
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('crosslink csrf v1').digest('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The credential a request carries: a bearer token wins over the cookie. */
export function credentialOf(request: FastifyRequest): { kind: 'cookie' | 'bearer'; token: string } | null {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthorized("the Authorization header must be 'Bearer <token>'");
    return { kind: 'bearer', token: match[1]! };
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? { kind: 'cookie', token: cookie } : null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The onRequest hook of every non-public route: 401 without a valid credential, 403 on a cookie request without its CSRF token. */
export function authenticator(store: Store) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    if (request.routeOptions.config.public) return;
    const credential = credentialOf(request);
    if (!credential) throw unauthorized('sign in first: POST /api/session with your name and password, or send Authorization: Bearer <token>');
    try {
      request.principal = await authenticateToken(store.db, credential.token);
    } catch (error) {
      if (isUserError(error)) throw unauthorized(credential.kind === 'cookie' ? 'your session has ended (signed out, expired or revoked): sign in again' : error.message);
      throw error;
    }
    request.credential = credential;
    if (credential.kind === 'cookie' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, csrfTokenOf(credential.token))) {
        throw forbidden(`a request with the session cookie that changes something must send the session's CSRF token in the ${CSRF_HEADER} header (from POST or GET /api/session)`);
      }
    }
  };
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge: SESSION_HOURS * 3600 });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure });
}

/**
 * A fixed-window counter per client address: enough to slow password guessing from one place
 * (the account lockout in access/ stops guessing at one account from many places).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts one attempt; throws 429 when `key` has used up its window. */
  take(key: string, now = Date.now()): void {
    const window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      if (this.windows.size > 10_000) this.prune(now);
      this.windows.set(key, { start: now, count: 1 });
      return;
    }
    window.count++;
    if (window.count > this.limit) {
      const seconds = Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
      throw new ApiProblem(429, `too many sign-in attempts from your address: try again in ${seconds} s`, { 'retry-after': String(seconds) });
    }
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}

/** The authenticated user of a route that is not public. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized('sign in first');
  return request.principal;
}
