// Compiles curve25519.c into a Node addon (run by `npm ci` / `npm install` as postinstall).
// It needs a C compiler and Node's headers (its OpenSSL's among them: SHA-512 comes from the Node
// process), which this project's machines have; where either is missing it says so and stops
// without failing the install: psi.ts then hashes and multiplies through libsodium, which gives
// the same bytes more slowly. -mtune=native only schedules the instructions for the machine that
// builds it (as npm ci runs where the code runs); it uses none that another x86-64 lacks, and the
// AVX2 ladders are only called where the CPU has AVX2.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'curve25519.c');
const target = join(here, 'build', 'curve25519.node');

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
  console.warn('crosslink: Node headers (node_api.h) not found; the PSI will use libsodium (same results, slower).');
  process.exit(0);
}
mkdirSync(dirname(target), { recursive: true });
const partial = `${target}.${process.pid}.tmp`;
const compiler = process.env.CC || 'cc';
try {
  execFileSync(compiler, ['-O2', '-mtune=native', '-std=gnu11', '-fPIC', '-shared', '-fvisibility=hidden', '-Wall', '-Wextra', `-I${headers}`, '-DNAPI_VERSION=8', source, '-o', partial], { stdio: 'inherit' });
  renameSync(partial, target);
  console.log(`crosslink: built ${target}`);
} catch (error) {
  rmSync(partial, { force: true });
  console.warn(`crosslink: could not compile ${source} with ${compiler} (${error.message}); the PSI will use libsodium (same results, slower).`);
}
