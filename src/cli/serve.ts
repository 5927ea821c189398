/** `crosslink serve`: the HTTP API (health and stats for now) on a local port, until interrupted. */
import type { Command } from 'commander';
import { buildServer } from '../api/index.ts';
import { UserError } from '../model/index.ts';
import type { Store } from '../store/index.ts';
import { withStore, type StoreOptions } from './context.ts';
import type { OutputOptions } from './output.ts';

export interface ServeOptions extends OutputOptions {
  port: string;
  host: string;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port '${value}' is not a port number (0–65535)`);
  return port;
}

/** Serves `store` until SIGINT/SIGTERM; prints the URL (or a JSON line with it). */
export async function serveStore(store: Store, options: ServeOptions): Promise<void> {
  const port = parsePort(options.port);
  const app = await buildServer(store);
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
  else process.stdout.write(`Crosslink is serving the ${store.backend} store at ${url}  (health: ${url}/api/health; Ctrl-C stops)\n`);
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
    .description('serve the HTTP API')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--json', 'print the address as JSON')
    .action(async (options: ServeOptions, command: Command) => {
      await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', (store) => serveStore(store, options));
    });
}
