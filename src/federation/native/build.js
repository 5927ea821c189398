// Compiles hash-to-curve.c into a Node addon (run by `npm ci` / `npm install` as postinstall).
// It needs a C compiler and Node's headers, which this project's machines have; where either is
// missing it says so and stops without failing the install: psi.ts then hashes through libsodium,
// which gives the same bytes about five times slower.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'hash-to-curve.c');
const target = join(here, 'build', 'hash-to-curve.node');

function nodeHeaders() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
    join(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
  ].filter(Boolean);
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
}

if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs && !process.argv.includes('--force')) {
  process.exit(0);
}
const headers = nodeHeaders();
if (!headers) {
  console.warn('crosslink: Node headers (node_api.h) not found; the PSI hash-to-curve will use libsodium (same results, slower).');
  process.exit(0);
}
mkdirSync(dirname(target), { recursive: true });
const partial = `${target}.${process.pid}.tmp`;
const compiler = process.env.CC || 'cc';
try {
  execFileSync(compiler, ['-O2', '-std=gnu11', '-fPIC', '-shared', '-fvisibility=hidden', '-Wall', '-Wextra', `-I${headers}`, '-DNAPI_VERSION=8', source, '-o', partial], { stdio: 'inherit' });
  renameSync(partial, target);
  console.log(`crosslink: built ${target}`);
} catch (error) {
  rmSync(partial, { force: true });
  console.warn(`crosslink: could not compile ${source} with ${compiler} (${error.message}); the PSI hash-to-curve will use libsodium (same results, slower).`);
}
