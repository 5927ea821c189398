/**
 * Errors as RFC 9457 problem details (application/problem+json): one `detail` line a person can
 * act on. A user's mistake keeps its message; a bug becomes a plain 500 and stays in the log.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isUserError, type UserErrorCode } from '../model/index.ts';

export const PROBLEM_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

const STATUS_OF: Record<UserErrorCode, number> = { invalid: 400, not_found: 404, conflict: 409, forbidden: 403, unavailable: 503 };

/** An error that already knows its HTTP status (and, for 401/429, the headers that go with it). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

export const unauthorized = (detail: string) => new ApiProblem(401, detail, { 'www-authenticate': 'Bearer realm="crosslink"' });
export const forbidden = (detail: string) => new ApiProblem(403, detail);
export const notFound = (detail: string) => new ApiProblem(404, detail);
export const badRequest = (detail: string) => new ApiProblem(400, detail);

export function problem(status: number, detail: string, instance?: string): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail: detail.replace(/\s*\n\s*/g, ' ').trim(), ...(instance ? { instance } : {}) };
}

/** Errors of the multipart reader and of Fastify's body handling that are the client's doing. */
const CLIENT_ERRORS: Record<string, number> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 413,
  FST_REQ_FILE_TOO_LARGE: 413,
  FST_FILES_LIMIT: 413,
  FST_FIELDS_LIMIT: 413,
  FST_PARTS_LIMIT: 413,
  FST_PROTO_VIOLATION: 400,
  FST_INVALID_MULTIPART_CONTENT_TYPE: 415,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 415,
  FST_ERR_CTP_EMPTY_JSON_BODY: 400,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 400,
};

/** Status and detail for anything a route or hook threw. */
export function describeError(error: unknown): { status: number; detail: string; headers: Record<string, string>; bug: boolean } {
  if (error instanceof ApiProblem) return { status: error.status, detail: error.message, headers: error.headers, bug: false };
  if (isUserError(error)) return { status: STATUS_OF[error.code], detail: error.message, headers: {}, bug: false };
  const fastifyError = error as Partial<FastifyError> & { code?: string };
  if (fastifyError.validation) {
    // "querystring/limit must be <= 200" reads better as "limit must be <= 200 (in the query string)".
    const where = fastifyError.validationContext === 'querystring' ? 'query string' : fastifyError.validationContext === 'params' ? 'path' : (fastifyError.validationContext ?? 'request');
    const unknown = (fastifyError.validation[0]?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
    if (unknown !== undefined) return { status: 400, detail: `unknown parameter '${unknown}' (in the ${where})`, headers: {}, bug: false };
    const detail = (fastifyError.message ?? 'invalid request').replace(/^(querystring|params|body|headers)\/?/, '').replace(/^ /, '');
    return { status: 400, detail: `${detail || 'invalid request'} (in the ${where})`, headers: {}, bug: false };
  }
  // PostgreSQL refused the acting user (a row-level security policy, a missing privilege).
  if (fastifyError.code === '42501') return { status: 403, detail: 'you may not do that: the case belongs to another agency, or you are not a member of it', headers: {}, bug: false };
  const known = fastifyError.code ? CLIENT_ERRORS[fastifyError.code] : undefined;
  if (known) return { status: known, detail: fastifyError.message ?? 'invalid request', headers: {}, bug: false };
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, detail: fastifyError.message ?? 'invalid request', headers: {}, bug: false };
  return { status: 500, detail: 'the server failed to answer this request; the error is in its log', headers: {}, bug: true };
}

export function sendProblem(reply: FastifyReply, status: number, detail: string, request?: FastifyRequest, headers: Record<string, string> = {}): FastifyReply {
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
  return reply
    .code(status)
    .type(PROBLEM_TYPE)
    .send(problem(status, detail, request?.url.split('?')[0]));
}
