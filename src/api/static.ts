/**
 * The built web app (web/dist, made by Vite): its files as they are, and index.html for every
 * other path that is not under /api/, so the app's own router handles deep links. Hashed assets
 * are cached for good; index.html never, so a new build shows at the next load.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** A page for when the web app has not been built: where to go instead. */
const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Crosslink</title>
<body>
<h1>Crosslink</h1><p>The API is running. The web app has not been built here: run <code>npm run build:web</code> (or <code>npx vite build web</code>) and restart.</p>
<p>API documentation: <a href="/api/docs">/api/docs</a> · <a href="/api/openapi.json">/api/openapi.json</a></p></body></html>`;

export function webAppHandler(root: string | undefined) {
  const base = root && existsSync(join(root, 'index.html')) ? resolve(root) : undefined;
  return async function serveWebApp(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    if (!base) return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    let path: string | undefined;
    try {
      path = decodeURIComponent(request.url.split('?')[0]!);
    } catch {
      path = undefined; // not a path the app wrote: let the app say it has no such page
    }
    const file = path === undefined ? undefined : resolve(join(base, path));
    if (file && file.startsWith(base + sep) && existsSync(file) && statSync(file).isFile()) {
      const immutable = file.startsWith(join(base, 'assets') + sep);
      return reply
        .type(TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .send(createReadStream(file));
    }
    // A path of the app's own (a case, an entity): the app decides what it shows.
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(createReadStream(join(base, 'index.html')));
  };
}
