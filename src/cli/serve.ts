/**
 * `crosslink serve`: the HTTP API and the built web app (web/dist) on a local port, until
 * interrupted. The server holds the owner's store: each request is authenticated and then acts
 * as its user (access/ withUser), so it must not be handed a store already acting as someone.
 */
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UserError } from '../model/index.ts';
import type { Store } from '../store/index.ts';
import { withAdministration, type StoreOptions } from './context.ts';
import type { OutputOptions } from './output.ts';

/** The web app as Vite builds it, beside the sources of this package. */
export const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface ServeOptions extends OutputOptions {
  port: string;
  host: string;
  /** The built web app (default: web/dist of this package). */
  web?: string;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port '${value}' is not a port number (0–65535)`);
  return port;
}

/** Serves `store` (the owner's) until SIGINT/SIGTERM; prints the URL (or a JSON line with it). */
export async function serveStore(store: Store, options: ServeOptions): Promise<void> {
  const port = parsePort(options.port);
  if (store.actingAs) throw new Error('serveStore needs the owner store (open it with withAdministration, not withStore)');
  // Loaded on use: the API pulls in every module (analysis, media, sharp), which other commands need not pay for.
  const { buildServer } = await import('../api/index.ts');
  const app = await buildServer(store, { webRoot: options.web ?? WEB_ROOT, logger: { level: 'error', stream: process.stderr } });
  let address: string;
  try {
    address = await app.listen({ port, host: options.host });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${port} on ${options.host} is already in use (choose another with --port)`, 'unavailable');
    throw error;
  }
  const url = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  if (options.json) process.stdout.write(`${JSON.stringify({ url, backend: store.backend, store: store.location })}\n`);
  else process.stdout.write(`Crosslink is serving the ${store.backend} store at ${url}  (API docs: ${url}/api/docs; Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API and the web app')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--web <dir>', 'the built web app to serve', WEB_ROOT)
    .option('--json', 'print the address as JSON')
    .action(async (options: ServeOptions, command: Command) => {
      await withAdministration(command.optsWithGlobals<StoreOptions>(), (store) => serveStore(store, options));
    });
}
