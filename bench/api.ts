/**
 * The HTTP API under load (issue 9): the medium world on PostgreSQL, the API server in this
 * process on loopback, and a load generator in a separate process (so its own work does not
 * share the server's event loop) sending search and entity-page requests at a fixed rate for a
 * bounded time. Prints p50/p95/p99 latency and the achieved rate of each endpoint against the
 * goal (p99 ≤ 100 ms at 200 requests/s), and the time of the web app's first load: index.html
 * and every file it references (goal ≤ 1 s on loopback).
 *
 *   npm run bench -- api [--world DIR] [--scale medium] [--seed 7] [--backend postgres|embedded] [--rate 200] [--seconds 20] [--database NAME] [--only search|entity]
 *
 * `--database NAME` (PostgreSQL only) keeps the loaded world in that database on the local server
 * and reuses it on the next run (loading and resolving the medium world takes minutes); without
 * it, each run loads into a fresh database and drops it.
 *
 * The load is open-loop: request i is due at start + i/rate whether or not earlier ones have
 * answered, and its latency counts from when it was due — a slow server cannot hide its queue by
 * slowing the generator down (coordinated omission).
 */
import { spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { addUser, createToken, ensureLocalAdmin, findUser, grantCase } from '../src/access/index.ts';
import { generateWorld, loadWorld, type GroundTruth, type Scale } from '../src/demo/index.ts';
import { runResolution } from '../src/resolve/index.ts';
import pg from 'pg';
import { migrateToLatest, openStore, type Store } from '../src/store/index.ts';
import { arg, BENCH_ADMIN_URL, benchDatabaseUrl, openBenchStore } from './lib/common.ts';

const secret = Buffer.alloc(32, 7);
const WEB_ROOT = fileURLToPath(new URL('../web/dist', import.meta.url));
const GOAL_P99_MS = 100;
const GOAL_FIRST_LOAD_MS = 1000;
/** How long after its last request a phase waits for the answers still outstanding. */
const DRAIN_MS = 10_000;

/** One kind of request the generator sends; `paths` are cycled through. */
interface Target {
  endpoint: string;
  label: string;
  paths: string[];
}

/** What the parent hands the generator process (as a JSON file). */
interface Plan {
  origin: string;
  token: string;
  rate: number;
  seconds: number;
  /** Targets driven together in one phase share the rate; each phase runs alone. */
  phases: Target[][];
  firstLoads: number;
}

interface EndpointResult {
  endpoint: string;
  label: string;
  sent: number;
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Responses per second over the phase, from its start to the last answer. */
  achieved: number;
  /** The rate asked of this label (its share of the phase's rate). */
  asked: number;
}

interface DriveResult {
  endpoints: EndpointResult[];
  firstLoad: { files: number; bytes: number; timings: number[] };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// ---------------------------------------------------------------- the generator (child process)

function get(agent: http.Agent, origin: string, path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<{ status: number; bytes: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(new URL(path, origin), { agent, headers, ...(signal ? { signal } : {}) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: response.statusCode ?? 0, bytes: body.length, body: body.toString('utf8') });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/** Drives one phase: its targets interleaved at `rate` in total for `seconds`; latency counted from each request's due time. */
async function drivePhase(plan: Plan, targets: Target[], seconds: number, record: boolean): Promise<EndpointResult[]> {
  // Enough sockets that a slow answer never holds up the next due request.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const headers = { authorization: `Bearer ${plan.token}`, accept: 'application/json' };
  const total = Math.round(plan.rate * seconds);
  const interval = 1000 / plan.rate;
  const per = targets.map(() => ({ timings: [] as number[], statuses: {} as Record<string, number>, sent: 0, failed: 0, last: 0 }));
  const pending: Promise<void>[] = [];
  // Aborts what is still queued or in flight when the phase's time is up (agent.destroy alone would let queued requests open new sockets).
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one listener per request in flight, by design
  const start = performance.now();
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        const which = next % targets.length;
        const target = targets[which]!;
        const due = start + next * interval;
        const path = target.paths[Math.floor(next / targets.length) % target.paths.length]!;
        const tally = per[which]!;
        tally.sent += 1;
        pending.push(
          get(agent, plan.origin, path, headers, abort.signal).then(
            (response) => {
              const ended = performance.now();
              tally.timings.push(ended - due);
              tally.last = Math.max(tally.last, ended);
              tally.statuses[response.status] = (tally.statuses[response.status] ?? 0) + 1;
              if (response.status !== 200) tally.failed += 1;
            },
            () => {
              tally.failed += 1;
              tally.statuses['error'] = (tally.statuses['error'] ?? 0) + 1;
            },
          ),
        );
        next += 1;
      }
      if (next >= total) return done();
      setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  // Bounded in time even when the server falls behind: what is still unanswered DRAIN_MS after the last request was sent counts as timed out.
  let drained = false;
  await Promise.race([Promise.all(pending).then(() => (drained = true)), new Promise((resolve) => setTimeout(resolve, DRAIN_MS))]);
  if (!drained) {
    for (const tally of per) {
      const answered = tally.timings.length + (tally.statuses['error'] ?? 0);
      if (tally.sent > answered) {
        tally.failed += tally.sent - answered;
        tally.statuses['timeout'] = tally.sent - answered;
      }
    }
  }
  abort.abort();
  agent.destroy();
  if (!record) return [];
  const summary = (endpoint: string, label: string, tallies: typeof per, asked: number): EndpointResult => {
    const sorted = tallies.flatMap((tally) => tally.timings).sort((a, b) => a - b);
    const statuses: Record<string, number> = {};
    for (const tally of tallies) for (const [status, n] of Object.entries(tally.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
    const sent = tallies.reduce((sum, tally) => sum + tally.sent, 0);
    const failed = tallies.reduce((sum, tally) => sum + tally.failed, 0);
    const last = Math.max(...tallies.map((tally) => tally.last));
    return {
      endpoint,
      label,
      sent,
      ok: sent - failed,
      failed,
      statuses,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      achieved: sorted.length / ((last - start) / 1000),
      asked,
    };
  };
  const rows = targets.map((target, i) => summary(target.endpoint, target.label, [per[i]!], plan.rate / targets.length));
  // Kinds of request sent to one endpoint together are also summed up as that endpoint at the full rate.
  if (targets.length > 1 && targets.every((target) => target.endpoint === targets[0]!.endpoint)) rows.push(summary(targets[0]!.endpoint, 'all', per, plan.rate));
  return rows;
}

/** The files index.html pulls in at once: scripts, stylesheets, preloads and icons (not lazily loaded chunks). */
function referencedFiles(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)) {
    const ref = match[1]!;
    if (!/^[a-z]+:/i.test(ref)) found.add(ref);
  }
  return [...found];
}

/** A first load as a browser with an empty cache makes it: new connections (six at most, as browsers do), index.html, then its files in parallel. */
async function firstLoad(origin: string): Promise<{ ms: number; files: number; bytes: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
  const started = performance.now();
  const index = await get(agent, origin, '/', { accept: 'text/html' });
  if (index.status !== 200) throw new Error(`GET / answered ${index.status}`);
  const files = referencedFiles(index.body);
  const answers = await Promise.all(files.map((file) => get(agent, origin, file, { accept: '*/*' })));
  const ms = performance.now() - started;
  agent.destroy();
  const failed = answers.findIndex((answer) => answer.status !== 200);
  if (failed >= 0) throw new Error(`GET ${files[failed]} answered ${answers[failed]!.status}`);
  return { ms, files: files.length + 1, bytes: index.bytes + answers.reduce((sum, answer) => sum + answer.bytes, 0) };
}

async function drive(planFile: string): Promise<void> {
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Plan;
  const endpoints: EndpointResult[] = [];
  for (const targets of plan.phases) {
    // A short unrecorded run first: connections open, the server's code and the database's caches warm.
    await drivePhase(plan, targets, Math.min(3, plan.seconds), false);
    endpoints.push(...(await drivePhase(plan, targets, plan.seconds, true)));
  }
  const timings: number[] = [];
  let shape = { files: 0, bytes: 0 };
  for (let i = 0; i < plan.firstLoads; i++) {
    const load = await firstLoad(plan.origin);
    timings.push(load.ms);
    shape = { files: load.files, bytes: load.bytes };
  }
  const result: DriveResult = { endpoints, firstLoad: { ...shape, timings } };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------- the server side (this process)

async function searchQueries(store: Store, truth: GroundTruth, count: number): Promise<{ words: string[]; identifiers: string[] }> {
  const words = await sql<{ word: string }>`
    SELECT w AS word FROM (SELECT text FROM records WHERE kind = 'message' ORDER BY id LIMIT 50000) t, regexp_split_to_table(lower(t.text), '[^a-z]+') AS w
    WHERE length(w) >= 5 GROUP BY w ORDER BY count(*) DESC LIMIT ${count}`.execute(store.db);
  const identifiers = truth.people.flatMap((person) => person.identifiers.filter((i) => i.type === 'phone' || i.type === 'email').map((i) => i.value));
  const pick = <T>(list: T[]) => Array.from({ length: Math.min(count, list.length) }, (_, i) => list[(i * 7919) % list.length]!);
  return { words: words.rows.map((row) => row.word), identifiers: pick(identifiers) };
}

/** Entities spread over the whole table (every kind and case), by a stride through their ids. */
async function entityIds(store: Store, count: number): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    SELECT id::text AS id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total FROM entities WHERE supersedes IS NULL) e
    WHERE n % greatest(1, total / ${count}) = 0 LIMIT ${count}`.execute(store.db);
  return rows.rows.map((row) => row.id);
}

/** A database on the local server kept between runs (`--database`): created when missing, never dropped. */
async function openKeptStore(name: string): Promise<{ store: Store; drop: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return { store: await openStore(benchDatabaseUrl(name)), drop: async () => undefined };
}

function runGenerator(plan: Plan, scratch: string): Promise<DriveResult> {
  const planFile = join(scratch, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--drive', planFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the load generator exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as DriveResult);
    });
  });
}

function report(result: DriveResult, context: string): void {
  // A label with no answer at all has no percentiles (NaN, which JSON carries as null).
  const ms = (value: number | null) => (value === null || !Number.isFinite(value) ? '—' : `${value.toFixed(1)} ms`);
  console.log(`\nAPI under load — ${context}, Node ${process.version}, load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}\n`);
  console.log(`| endpoint | requests | asked | achieved | p50 | p95 | p99 | max | not 200 | p99 ≤ ${GOAL_P99_MS} ms |`);
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const row of result.endpoints) {
    const bad = Object.entries(row.statuses).filter(([status]) => status !== '200');
    console.log(
      `| ${row.endpoint} | ${row.label} | ${row.asked.toFixed(0)}/s | ${row.achieved.toFixed(1)}/s | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.p99)} | ${ms(row.max)} | ${row.failed}${bad.length ? ` (${bad.map(([s, n]) => `${s}×${n}`).join(', ')})` : ''} | ${row.p99 <= GOAL_P99_MS && row.failed === 0 ? 'yes' : 'NO'} |`,
    );
  }
  const loads = [...result.firstLoad.timings].sort((a, b) => a - b);
  if (loads.length > 0) {
    console.log(`\nWeb app first load (index.html + ${result.firstLoad.files - 1} referenced files, ${(result.firstLoad.bytes / 1024).toFixed(0)} KiB, new connections each time), ${loads.length} loads:\n`);
    console.log(`| first | median | max | ≤ ${GOAL_FIRST_LOAD_MS} ms |`);
    console.log('|---:|---:|---:|---|');
    console.log(`| ${ms(result.firstLoad.timings[0]!)} | ${ms(percentile(loads, 50))} | ${ms(loads.at(-1)!)} | ${loads.at(-1)! <= GOAL_FIRST_LOAD_MS ? 'yes' : 'NO'} |`);
  }
}

async function ensureWebBuild(): Promise<boolean> {
  if (existsSync(join(WEB_ROOT, 'index.html'))) return true;
  process.stderr.write('web/dist is missing: building the web app (npm run build:web)…\n');
  const code = await new Promise<number | null>((resolve) => spawn('npm', ['run', 'build:web'], { stdio: 'inherit' }).on('exit', resolve));
  return code === 0 && existsSync(join(WEB_ROOT, 'index.html'));
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--drive') return drive(args[1]!);
  const scale = arg(args, '--scale', 'medium') as Scale;
  const seed = Number(arg(args, '--seed', '7'));
  const backend = arg(args, '--backend', 'postgres') as 'postgres' | 'embedded';
  const rate = Number(arg(args, '--rate', '200'));
  const seconds = Number(arg(args, '--seconds', '20'));
  if (backend !== 'postgres' && backend !== 'embedded') throw new Error(`--backend '${backend}' must be postgres or embedded`);
  if (!(rate > 0 && seconds > 0)) throw new Error(`--rate '${rate}' and --seconds '${seconds}' must be positive numbers`);
  const scratch = mkdtempSync(join(tmpdir(), 'crosslink-bench-api-'));
  try {
    let world = arg(args, '--world', '');
    if (!world) {
      world = join(scratch, 'world');
      await generateWorld({ seed, scale, out: world });
    }
    const truth = JSON.parse(readFileSync(join(world, 'ground-truth.json'), 'utf8')) as GroundTruth;
    const web = await ensureWebBuild();
    const keep = arg(args, '--database', '');
    if (keep && backend !== 'postgres') throw new Error('--database needs --backend postgres');
    if (keep && !/^[a-z_][a-z0-9_]{0,62}$/.test(keep)) throw new Error(`--database '${keep}' must be a plain lower-case name`);
    const opened = keep ? await openKeptStore(keep) : await openBenchStore(backend, scratch, 'api');
    const store = opened.store;
    try {
      await migrateToLatest(store.db);
      const loaded = await store.db.selectFrom('cases').select('id').limit(1).executeTakeFirst();
      if (loaded) {
        process.stderr.write(`reusing the world already loaded in database ${keep}…\n`);
      } else {
        process.stderr.write(`loading the world on ${backend}…\n`);
        await loadWorld(store, world, { actor: 'bench', secret });
        process.stderr.write('resolving…\n');
        await runResolution(store, { actor: 'bench' });
      }
      // An analyst who may see every case, signing in with an API token as a tool would.
      const admin = (await ensureLocalAdmin(store.db)).user;
      const cases = await store.db.selectFrom('cases').innerJoin('agencies', 'agencies.id', 'cases.agency_id').select(['cases.ref', 'agencies.name as agency']).orderBy('cases.id').execute();
      const analyst = (await findUser(store.db, 'bench-analyst')) ?? (await addUser(store.db, admin, { name: 'bench-analyst', role: 'analyst', agency: cases[0]!.agency }));
      for (const row of cases) await grantCase(store.db, admin, row.ref, analyst.name);
      const { token } = await createToken(store.db, admin, analyst.name, { label: 'bench api' });
      await sql`ANALYZE`.execute(store.db);

      const queries = await searchQueries(store, truth, 200);
      const entities = await entityIds(store, 500);
      const q = (text: string) => `/api/search?q=${encodeURIComponent(text)}`;
      const only = arg(args, '--only', '');
      const allPhases: Record<string, Target[]> = {
        search: [
          { endpoint: 'GET /api/search', label: 'word', paths: queries.words.map(q) },
          { endpoint: 'GET /api/search', label: 'identifier', paths: queries.identifiers.map(q) },
        ],
        entity: [{ endpoint: 'GET /api/entities/:id', label: 'entity page', paths: entities.map((id) => `/api/entities/e${id}`) }],
      };
      if (only && !(only in allPhases)) throw new Error(`--only '${only}' must be one of ${Object.keys(allPhases).join(', ')}`);
      const phases = only ? [allPhases[only]!] : Object.values(allPhases);

      const { buildServer } = await import('../src/api/index.ts');
      const app = await buildServer(store, { cardSecret: secret, ...(web ? { webRoot: WEB_ROOT } : {}), logger: { level: 'error', stream: process.stderr } });
      const origin = await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        process.stderr.write(`driving ${origin} at ${rate} requests/s, ${seconds} s per endpoint…\n`);
        const result = await runGenerator({ origin, token, rate, seconds, phases, firstLoads: web ? 10 : 0 }, scratch);
        const records = await store.db.selectFrom('records').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
        report(result, `${scale} world (seed ${seed}, ${Number(records.n).toLocaleString('en')} records) on ${backend}, ${rate} requests/s for ${seconds} s per endpoint (search: word and identifier queries alternating)`);
      } finally {
        await app.close();
      }
    } finally {
      await store.close();
      await opened.drop();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));
