/**
 * `crosslink demo generate|load` and `crosslink demo`: the synthetic multi-agency world with
 * ground truth, written in the real file formats and loaded into the store.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { DeconflictionDemo, GenerateResult, LoadResult, Scale } from '../demo/index.ts';
import { UserError } from '../model/index.ts';
import type { Principal } from '../access/index.ts';
import type { Store } from '../store/index.ts';
import { acceptStoreOptions, currentActor, withAdministration, withStore, type StoreOptions } from './context.ts';
import { DEMO_PASSWORD, ensureDemoUsers, type DemoUser } from './demo-users.ts';
import { emit, type OutputOptions } from './output.ts';
import { progressReporter } from './progress.ts';
import { serveStore } from './serve.ts';

interface GenerateOptions extends OutputOptions {
  seed: string;
  scale: string;
  out?: string;
}

interface DemoOptions extends GenerateOptions {
  serve?: boolean;
  port: string;
  host: string;
}

const SCALES: readonly Scale[] = ['small', 'medium', 'large'];

function parseGenerate(options: GenerateOptions, defaultOut: () => string): { seed: number; scale: Scale; out: string } {
  const seed = Number(options.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UserError(`--seed '${options.seed}' must be a whole number ≥ 0`);
  if (!SCALES.includes(options.scale as Scale)) throw new UserError(`--scale '${options.scale}' must be one of: ${SCALES.join(', ')}`);
  return { seed, scale: options.scale as Scale, out: resolve(options.out ?? defaultOut()) };
}

async function generate(options: GenerateOptions, defaultOut: () => string): Promise<GenerateResult> {
  const parsed = parseGenerate(options, defaultOut);
  const progress = progressReporter(options, 'Generating');
  try {
    return await (await demoModule()).generateWorld({ ...parsed, onProgress: progress.update });
  } finally {
    progress.stop();
  }
}

function describeGenerated(result: GenerateResult): string {
  return (
    `Generated the ${result.scale} world (seed ${result.seed}) in ${result.out}: ${result.agencies} agencies, ${result.cases} cases, ` +
    `${result.files} files, ${result.messages} messages, ${result.records} other records, ${result.media} media files.`
  );
}

function describeLoaded(result: Loaded): string {
  return (
    `Loaded ${result.dir}: ${result.agencies.created} agencies added (${result.agencies.existing} already there), ` +
    `${result.cases.created} cases opened (${result.cases.existing} already there); ${result.files} files: ${result.ingested} ingested, ` +
    `${result.skipped} already there; ${result.records} records, ${result.rejects} rejects; ` +
    `${result.resolution.subjects} subjects (${result.resolution.linked} linking two or more records).` +
    (result.deconfliction ? `\n${describeDeconfliction(result.deconfliction)}` : '')
  );
}

function describeDeconfliction(demo: DeconflictionDemo): string {
  const parts = [
    demo.identity ? `${demo.identity.targetedBy} targeted ${demo.identity.selector}, an account ${demo.identity.operatedBy} operates undercover` : undefined,
    demo.operations ? `${demo.operations.agencies.join(' and ')} planned operations at one place next week` : undefined,
  ].filter((part) => part !== undefined);
  return `Deconfliction: ${parts.join('; ')} — ${demo.alerts} alerts, each with the other side's contact only (sign in as a demo user, or 'crosslink deconflict list').`;
}

// Loaded on use: the generator pulls in sharp, which other commands need not pay for at start-up.
const demoModule = () => import('../demo/index.ts');

type Loaded = LoadResult & { resolution: { subjects: number; linked: number }; deconfliction?: DeconflictionDemo };

/** Loads the world as the acting user (media are matched as they are ingested). */
async function load(store: Store, dir: string, options: OutputOptions): Promise<LoadResult> {
  const { resolveCardSecret } = await import('../ingest/index.ts');
  const progress = progressReporter(options, 'Loading');
  try {
    return await (await demoModule()).loadWorld(store, dir, { actor: currentActor(), secret: resolveCardSecret(store), onProgress: progress.update });
  } finally {
    progress.stop();
  }
}

/** Node work on the owner's store: the demo's sign-ins, its deconfliction scenario, and people into subjects. */
async function resolveAndAddUsers(store: Store, admin: Principal, loaded: LoadResult): Promise<{ loaded: Loaded; users: DemoUser[] }> {
  const { runResolution } = await import('../resolve/index.ts');
  const users = await ensureDemoUsers(store, admin);
  // Before resolution, which keeps the account police operate out of subjects.
  const deconfliction = await (await demoModule()).seedDeconfliction(store, users);
  const resolution = await runResolution(store, { actor: admin.name });
  return { loaded: { ...loaded, resolution: { subjects: resolution.subjects, linked: resolution.linked }, ...(deconfliction ? { deconfliction } : {}) }, users };
}

function describeUsers(users: DemoUser[]): string {
  return `Demo sign-ins (password '${DEMO_PASSWORD}'): ${users.map((user) => `${user.name} (${user.agency}, ${user.cases} cases)`).join('; ')}.`;
}

const temporaryWorld = () => mkdtempSync(join(tmpdir(), 'crosslink-demo-'));

export function registerDemo(program: Command): void {
  // Not a leaf (generate and load sit under it), yet it opens a store: it takes --db and --token too.
  const demo = acceptStoreOptions(program.command('demo'))
    .description('generate the synthetic demo world and load it into the store (default: small, in a temporary folder)')
    .option('--seed <n>', 'random seed; the same seed gives the same world', '7')
    .option('--scale <scale>', 'small (~10 cases), medium (~100 cases, ~1M messages) or large (~1,000 cases, ~10M messages)', 'small')
    .option('--out <dir>', 'where to write the world (default: a new temporary folder)')
    .option('--serve', 'then serve the store over HTTP')
    .option('--port <port>', 'port for --serve', '8080')
    .option('--host <host>', 'address for --serve', '127.0.0.1')
    .option('--json', 'print the result as JSON')
    .action(async (options: DemoOptions, command: Command) => {
      const generated = await generate(options, temporaryWorld);
      const storeOptions = command.optsWithGlobals<StoreOptions>();
      const { stored, location, backend } = await withStore(storeOptions, 'migrated', async (store) => ({ stored: await load(store, generated.out, options), location: store.location, backend: store.backend }));
      // Users and the server work on the owner's store: the server acts as each signed-in user itself.
      await withAdministration(storeOptions, async (store, admin) => {
        const { loaded, users } = await resolveAndAddUsers(store, admin, stored);
        emit(options, { generated, loaded, users, password: DEMO_PASSWORD, store: location, backend }, (r) => `${describeGenerated(r.generated)}\n${describeLoaded(r.loaded)}\n${describeUsers(r.users)}`);
        if (options.serve) await serveStore(store, options);
      });
    });

  demo
    .command('generate')
    .description('write the synthetic world (chat exports, CSVs, media) and its ground-truth.json')
    .option('--seed <n>', 'random seed; the same seed gives byte-identical output', '7')
    .option('--scale <scale>', 'small, medium or large', 'small')
    .requiredOption('--out <dir>', 'the folder to write (created; a previous world there is replaced)')
    .option('--json', 'print the result as JSON')
    .action(async (options: GenerateOptions) => {
      const result = await generate(options, temporaryWorld);
      emit(options, result, describeGenerated);
    });

  demo
    .command('load')
    .description("create a generated world's agencies and cases in the store")
    .argument('<dir>', 'a folder written by `crosslink demo generate`')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, options: OutputOptions, command: Command) => {
      const storeOptions = command.optsWithGlobals<StoreOptions>();
      const stored = await withStore(storeOptions, 'migrated', (store) => load(store, resolve(dir), options));
      const { loaded, users } = await withAdministration(storeOptions, (store, admin) => resolveAndAddUsers(store, admin, stored));
      emit(options, { ...loaded, users, password: DEMO_PASSWORD }, (r) => `${describeLoaded(r)}\n${describeUsers(r.users)}`);
    });
}
