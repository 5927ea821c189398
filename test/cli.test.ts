/**
 * The CLI as a user meets it: set-up commands on both backends, `--json` everywhere, and every
 * user error as one line with a non-zero exit.
 *
 * Most commands run in this process (`run`: runCliInProcess, the same command tree, option
 * parsing and error handling without seconds of start-up each). Real `crosslink` processes
 * (runCli, spawn) remain where the process is the point: exit codes as a shell sees them from a
 * process that must also end after a failure (a usage error, an unreachable server), `serve`
 * stopped by a signal, and the demo end to end (its worker threads must not keep it alive).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationProvider } from '../src/store/migrations/index.ts';
import { freshServerDatabase } from './backends.ts';
import { BIN, parseJson, runCli, runCliInProcess as run, type CliResult } from './cli.ts';

const folders: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'crosslink-cli-'));
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function expectOneLineError(result: CliResult, code: number, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^crosslink: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
}

async function setUpAndInspect(env: Record<string, string>) {
  const init = await run(['init', '--json'], env);
  expect(init.code, init.stderr).toBe(0);
  const every = Object.keys(await migrationProvider.getMigrations());
  expect(parseJson(init)).toMatchObject({ applied: every, schema: every[every.length - 1] });
  const again = await run(['init', '--json'], env);
  expect(parseJson(again)).toMatchObject({ applied: [] });

  const agency = await run(['agency', 'add', 'Northbridge Police Sex Crimes Unit', '--country', 'CA', '--contact', 'Det. Sgt. A. Quinn', '--phone', '+14165550142', '--json'], env);
  expect(agency.code, agency.stderr).toBe(0);
  expect(parseJson(agency)).toMatchObject({ name: 'Northbridge Police Sex Crimes Unit', country: 'CA', contact: { officer: 'Det. Sgt. A. Quinn', phone: '+14165550142' } });

  const opened = await run(['case', 'open', 'NB-2026-0001', '--agency', 'Northbridge Police Sex Crimes Unit', '--title', 'Op Lantern', '--json'], env);
  expect(parseJson(opened)).toMatchObject({ ref: 'NB-2026-0001', agency: 'Northbridge Police Sex Crimes Unit', title: 'Op Lantern', status: 'open' });

  const stats = parseJson<{ totals: Record<string, number>; cases: unknown[] }>(await run(['stats', '--json'], env));
  // Audited: the migration, the local administrator's creation, the agency and the case.
  expect(stats.totals).toMatchObject({ agencies: 1, cases: 1, records: 0, audit_log: 4 });
  expect(stats.cases).toEqual([{ ref: 'NB-2026-0001', agency: 'Northbridge Police Sex Crimes Unit', title: 'Op Lantern', sources: 0, records: 0, entities: 0, links: 0 }]);

  const human = await run(['stats'], env);
  expect(human.stdout).toMatch(/NB-2026-0001\s+Northbridge Police Sex Crimes Unit/);
  return env;
}

// One embedded store for the set-up, error, serve and ingest tests, in that order (a new PGlite
// directory takes seconds to create). The first finds it empty; ingest, last, adds its own agency
// and case, which no earlier test counts.
const embedded = { CROSSLINK_DB: join(tempDir(), 'db') };

describe('crosslink on the embedded store', () => {
  const env = embedded;

  it('initialises, adds an agency, opens a case and reports stats', async () => {
    await setUpAndInspect(env);
    const human = await run(['case', 'list'], env);
    expect(human.stdout).toMatch(/NB-2026-0001/);
  });

  it('reports user errors as one line with a non-zero exit', async () => {
    expectOneLineError(await run(['agency', 'add', 'Northbridge Police Sex Crimes Unit', '--country', 'CA'], env), 1, /agency 'Northbridge Police Sex Crimes Unit' already exists/);
    expectOneLineError(await run(['agency', 'add', 'Harbour Unit', '--country', 'Canada'], env), 1, /country 'Canada' is not an ISO 3166/);
    expectOneLineError(await run(['agency', 'add', 'Harbour Unit'], env), 2, /required option '--country <cc>' not specified/);
    expectOneLineError(await run(['case', 'open', 'X-1', '--agency', 'Nobody'], env), 1, /no agency named 'Nobody'/);
    expectOneLineError(await run(['case', 'open', 'NB-2026-0001', '--agency', 'Northbridge Police Sex Crimes Unit'], env), 1, /case 'NB-2026-0001' already exists/);
    // Real processes: the exit code the shell gets, from a process that ends (no pool left open).
    expectOneLineError(await runCli(['stast'], env), 2, /unknown command 'stast'.*stats/);
    expectOneLineError(await runCli(['stats'], { CROSSLINK_DB: 'postgres://nobody:secret@127.0.0.1:1/none' }), 1, /cannot connect to PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
    expectOneLineError(await run(['demo', 'generate', '--scale', 'huge', '--out', join(tempDir(), 'w')], env), 1, /--scale 'huge' must be one of: small, medium, large/);
    expectOneLineError(await run(['stats'], { CROSSLINK_DB: join(tempDir(), 'empty') }), 1, /is not initialised: run 'crosslink init'/);

    const json = await run(['case', 'open', 'X-1', '--agency', 'Nobody', '--json'], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'not_found', message: expect.stringMatching(/no agency named 'Nobody'/) } });
  });

  it('serves health and stats over HTTP until stopped, then releases the store', async () => {
    const issued = await run(['token', 'create', '--user', 'admin', '--json'], env);
    expect(issued.code, issued.stderr).toBe(0);
    const { token } = parseJson<{ token: string }>(issued);
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((candidate) => candidate.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.on('close', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const health = await fetch(`${url}/api/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', backend: 'embedded' });
    expect((await fetch(`${url}/api/stats`)).status).toBe(401);
    const stats = (await (await fetch(`${url}/api/stats`, { headers: { authorization: `Bearer ${token}` } })).json()) as { totals: Record<string, number> };
    expect(stats.totals.cases).toBe(1);
    const missing = await fetch(`${url}/api/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/);

    // While it serves, nobody else may open the embedded store.
    expectOneLineError(await run(['stats'], env), 1, /is in use by process \d+/);

    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(env['CROSSLINK_DB']!, 'crosslink.lock'))).toBe(false);
    expect((await run(['stats', '--json'], env)).code).toBe(0);
  });
});

describe('crosslink on a PostgreSQL server', () => {
  it('initialises, adds an agency, opens a case and reports stats', async (context) => {
    const database = await freshServerDatabase();
    if (!database) return context.skip();
    try {
      await setUpAndInspect({ CROSSLINK_DB: database.url });
    } finally {
      await database.drop();
    }
  });
});

describe('crosslink demo', () => {
  it('generates the world and loads its agencies and cases; a second run adds nothing', async () => {
    const env = { CROSSLINK_DB: join(tempDir(), 'db') };
    const out = join(tempDir(), 'world');
    // A real process: the demo end to end, generator, media threads and all, and then it exits.
    const first = await runCli(['demo', '--seed', '3', '--out', out, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const result = parseJson<{ generated: { cases: number; agencies: number }; loaded: { agencies: { created: number }; cases: { created: number } } }>(first);
    expect(result.generated.agencies).toBe(4);
    expect(result.loaded.agencies.created).toBe(4);
    expect(result.loaded.cases.created).toBe(result.generated.cases);

    const again = parseJson(await run(['demo', 'load', out, '--json'], env));
    expect(again).toMatchObject({ agencies: { created: 0, existing: 4 }, cases: { created: 0, existing: result.generated.cases } });
    expectOneLineError(await run(['demo', 'load', tempDir()], env), 1, /manifest\.json: not found/);

    const arrests = parseJson<{ records: { total: number; hits: { kind: string; case: string }[] } }>(await run(['search', 'kind:arrest', '--limit', '5', '--json'], env));
    expect(arrests.records.total).toBeGreaterThan(0);
    expect(arrests.records.hits.every((hit) => hit.kind === 'arrest')).toBe(true);
    const firstCase = arrests.records.hits[0]!.case;
    const inCase = parseJson<{ records: { hits: { case: string }[] } }>(await run(['search', 'kind:arrest', '--case', firstCase, '--json'], env));
    expect(inCase.records.hits.every((hit) => hit.case === firstCase)).toBe(true);
    expectOneLineError(await run(['search', 'x', '--limit', '0'], env), 1, /--limit '0' must be a whole number from 1 to 200/);
    expectOneLineError(await run(['search', 'from:2025-13-01'], env), 1, /from:2025-13-01 is not a date/);

    const resolved = parseJson<{ people: number; subjects: number }>(await run(['resolve', '--json'], env));
    expect(resolved.people).toBeGreaterThan(0);
    const subjects = parseJson<{ id: string; members: { kind: string; source: string; key: string }[] }[]>(await run(['subjects', '--json'], env));
    expect(subjects).toHaveLength(resolved.subjects);
    expect(subjects[0]!.members[0]).toEqual(expect.objectContaining({ kind: 'person', source: expect.any(String), key: expect.any(String) }));
    const shown = await run(['subject', 'show', subjects[0]!.id], env);
    expect(shown.stdout).toMatch(new RegExp(`^Subject ${subjects[0]!.id}:`));
    expectOneLineError(await run(['subject', 'show', '999999999'], env), 1, /no subject 999999999/);
    expectOneLineError(await run(['match', 'reject', 'x', '1'], env), 1, /entity ids are whole numbers/);
    expectOneLineError(await run(['resolve', '--threshold', '2'], env), 1, /--threshold '2' must be a probability/);
  });
});

describe('crosslink ingest', () => {
  it('ingests a folder: each file detected, media grouped per folder, unknown files named, the rest loaded', async () => {
    const env = { ...embedded, CROSSLINK_SECRET: 'cd'.repeat(32) };
    for (const args of [['init'], ['agency', 'add', 'Harbour Unit', '--country', 'CA'], ['case', 'open', 'HB-1', '--agency', 'Harbour Unit']]) {
      expect((await run(args, env)).code).toBe(0);
    }
    const folder = tempDir();
    const shared = new URL('../../shared/testdata/', import.meta.url).pathname;
    copyFileSync(join(shared, 'chat/irc/irssi_gardening.log'), join(folder, 'irssi_gardening.log'));
    copyFileSync(join(shared, 'chat/telegram/test_single_export.json'), join(folder, 'result.json'));
    mkdirSync(join(folder, 'photos'));
    const photos = (readdirSync(join(shared, 'exif'), { recursive: true }) as string[]).filter((file) => /\.jpe?g$/i.test(file)).sort().slice(0, 3);
    for (const name of photos) copyFileSync(join(shared, 'exif', name), join(folder, 'photos', basename(name)));
    writeFileSync(join(folder, 'notes.bin'), Buffer.from([0, 159, 146, 150, 0, 1]));

    const result = await run(['ingest', folder, '--case', 'HB-1', '--json'], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/notes\.bin: not a format Crosslink recognises/)]);
    const reports = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { file: string; format: string; records: number; skipped: boolean });
    expect(reports.map((report) => [report.file.slice(folder.length + 1), report.format])).toEqual([
      ['irssi_gardening.log', 'irc-irssi'],
      ['photos', 'media-folder'],
      ['result.json', 'telegram-json'],
    ]);
    expect(reports.find((report) => report.format === 'media-folder')?.records).toBe(3);

    const again = await run(['ingest', join(folder, 'irssi_gardening.log'), '--case', 'HB-1'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already ingested as source \d+ \(\d+ records\) — nothing added/);
  });
});
