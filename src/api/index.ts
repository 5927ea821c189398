/** @module api — the HTTP API: Fastify, one file per resource under routes/, OpenAPI 3.1 at /api/openapi.json. */
export { buildServer, DEFAULT_SETTINGS, VERSION, type ServerOptions } from './server.ts';
export type { ApiContext, ApiSettings } from './context.ts';
export type { ServerEventName } from './events.ts';
