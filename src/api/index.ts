/** @module api — the HTTP API. */
export { buildServer, VERSION, type ServerOptions } from './server.ts';
