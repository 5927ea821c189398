#!/usr/bin/env node
// The `crosslink` command: registers the TypeScript loader, then runs the CLI.
// No build step, so `npx crosslink` works straight after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
