/**
 * What the browser tests stand on: Debian's Chromium (never a downloaded browser), the web app
 * built fresh by Vite, and a real Crosslink server over the small demo world on an embedded store,
 * with one analyst who may see every case. Screenshots go to .crosslink/test-artifacts/web.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { addUser, ensureLocalAdmin, grantCase } from '../../src/access/index.ts';
import { buildServer } from '../../src/api/index.ts';
import { generateWorld, loadWorld, type GroundTruth, type Manifest } from '../../src/demo/index.ts';
import { runResolution } from '../../src/resolve/index.ts';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env['CROSSLINK_CHROMIUM'] ?? '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, '.crosslink', 'test-artifacts', 'web');
export const USER = 'sgt.web';
export const PASSWORD = 'a long synthetic test password';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Fails at once, and says what to do, when the system Chromium is not installed. */
export function requireChromium(): string {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The web tests need Debian's Chromium at ${CHROMIUM}, which is missing. Install it with 'apt-get install chromium' ` +
        '(or set CROSSLINK_CHROMIUM to another Chromium binary). They never download a browser.',
    );
  }
  return CHROMIUM;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: requireChromium(), headless: true, args: CHROMIUM_ARGS });
}

/** `vite build` of web/ into `outDir`, as `npm run build:web` does (in a child: Vitest runs Vite itself). */
export function buildWebApp(outDir: string): Promise<void> {
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', join(ROOT, 'web', 'vite.config.ts'), '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0 && existsSync(join(outDir, 'index.html'))) resolve();
      else reject(new Error(`vite build failed (exit ${code}):\n${output}`));
    });
  });
}

export interface WebWorld {
  url: string;
  /** Where the generated world's files are (the manifest's paths are relative to it). */
  worldDir: string;
  truth: GroundTruth;
  manifest: Manifest;
  store: Store;
  close(): Promise<void>;
}

/**
 * The small demo world (seed 7) loaded and resolved, an analyst granted every case, the web app
 * built, and the server listening on a free loopback port.
 */
export async function startWebWorld(): Promise<WebWorld> {
  requireChromium();
  const dir = mkdtempSync(join(tmpdir(), 'crosslink-web-'));
  const worldDir = join(dir, 'world');
  const webDir = join(dir, 'web');
  const secret = Buffer.alloc(32, 7);
  const [store] = await Promise.all([openStore('memory://'), buildWebApp(webDir), generateWorld({ seed: 7, scale: 'small', out: worldDir })]);
  let app: FastifyInstance | undefined;
  try {
    await migrateToLatest(store.db);
    await loadWorld(store, worldDir, { actor: 'test', secret });
    await runResolution(store, { actor: 'test' });
    const truth = JSON.parse(readFileSync(join(worldDir, 'ground-truth.json'), 'utf8')) as GroundTruth;
    const manifest = JSON.parse(readFileSync(join(worldDir, 'manifest.json'), 'utf8')) as Manifest;
    const admin = (await ensureLocalAdmin(store.db)).user;
    const home = truth.cases[0]!.agency;
    await addUser(store.db, admin, { name: USER, role: 'analyst', agency: home, password: PASSWORD });
    for (const entry of truth.cases) await grantCase(store.db, admin, entry.ref, USER);
    app = await buildServer(store, { cardSecret: secret, webRoot: webDir, settings: { uploadDir: join(dir, 'uploads'), loginsPerMinute: 1000 } });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    mkdirSync(ARTIFACTS, { recursive: true });
    const server = app;
    return {
      url: address,
      worldDir,
      truth,
      manifest,
      store,
      async close() {
        await server.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A browser test's fixture: the world, Chromium, and one page signed in as the analyst. */
export interface WebSession {
  world: WebWorld;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** What the page threw or logged as an error; a test ends by asserting it stayed empty. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Starts the world and Chromium side by side, opens a 1280×800 page that records its errors, and
 * signs the analyst in. Whatever started is closed again if another part fails.
 */
export async function startWebSession(contextOptions: BrowserContextOptions = {}): Promise<WebSession> {
  requireChromium(); // before anything starts, so a missing browser is the one error reported
  const [worldStart, browserStart] = await Promise.allSettled([startWebWorld(), launchBrowser()]);
  const world = worldStart.status === 'fulfilled' ? worldStart.value : undefined;
  const browser = browserStart.status === 'fulfilled' ? browserStart.value : undefined;
  const close = async () => {
    await browser?.close();
    await world?.close();
  };
  try {
    if (worldStart.status === 'rejected') throw worldStart.reason;
    if (browserStart.status === 'rejected') throw browserStart.reason;
    const context = await browserStart.value.newContext({ viewport: { width: 1280, height: 800 }, ...contextOptions });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // The 401 of the first session check (not signed in yet) is expected; nothing else is.
      if (message.type() === 'error' && !/status of 401/.test(message.text())) pageErrors.push(message.text());
    });
    await signIn(page, worldStart.value.url);
    return { world: worldStart.value, browser: browserStart.value, context, page, pageErrors, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

export async function signIn(page: Page, url: string, name = USER, password = PASSWORD): Promise<void> {
  await page.goto(url);
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'My cases' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}
