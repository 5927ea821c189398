#!/usr/bin/env node
// `npm run bench -- <name> [args]`: runs bench/<name>.ts through tsx; with no name, lists them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here).filter((file) => file.endsWith('.ts')).map((file) => file.slice(0, -3)).sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !existsSync(join(here, `${name}.ts`))) {
  process.stderr.write(`${name ? `crosslink bench: no benchmark '${name}'. ` : ''}Usage: npm run bench -- <name> [args]; available: ${available.join(', ')}\n`);
  process.exit(name ? 1 : 0);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`), ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
