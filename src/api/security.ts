/**
 * Headers every response carries: the page may load only its own scripts, styles and images, may
 * not be framed, sends no referrer, and API answers are never cached (they hold case data).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "img-src 'self' data: blob:",
].join('; ');

/** The API docs page (Swagger UI): its own scripts, styles and fonts, nothing from elsewhere (it sets a few inline styles). */
export const DOCS_CONTENT_SECURITY_POLICY = `${CONTENT_SECURITY_POLICY}; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; font-src 'self' data:`;

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** onSend hook: adds the headers a route has not set itself (the API docs page brings its own CSP). */
export async function addSecurityHeaders(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!reply.hasHeader(name)) void reply.header(name, value);
  }
  if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
}
