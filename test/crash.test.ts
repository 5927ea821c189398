/**
 * Crash safety with a real child process: `kill -9` an ingest after some batches committed,
 * run it again, and the store must hold exactly what one clean run stores — on every backend.
 *
 * The killed ingest and its re-run are real `crosslink` processes (the re-run takes over the dead
 * one's store lock and resumes). Setting up the stores, the clean reference run and the last,
 * skipped run go through the same command tree in this process (runCliInProcess), without seconds
 * of start-up each.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.ts';
import { BACKENDS, freshServerDatabase } from './backends.ts';
import { BIN, parseJson, runCli, runCliInProcess } from './cli.ts';

const folders: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'crosslink-crash-'));
  folders.push(dir);
  return dir;
}

/** An irssi log of ordinary chat, with identifiers in some lines and a few bad lines; returns how many bad lines. */
function writeLog(path: string, messages: number): { badLines: number } {
  const nicks = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
  const words = 'rain tomato garden engine football chess recipe bread sunny tyres league oven basil'.split(' ');
  const lines = ['--- Log opened Tue Mar 05 00:00:00 2024'];
  let badLines = 0;
  for (let i = 0; i < messages; i++) {
    if (i > 0 && i % 1000 === 0) {
      const day = new Date(Date.UTC(2024, 2, 5 + i / 1000));
      lines.push(`--- Day changed ${day.toUTCString().slice(0, 3)} ${day.toUTCString().slice(8, 11)} ${String(day.getUTCDate()).padStart(2, '0')} ${day.getUTCFullYear()}`);
    }
    const minute = Math.floor(((i % 1000) * 1440) / 1000);
    const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    let text = Array.from({ length: 6 }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' ');
    if (i % 50 === 0) text += ` write to ${nicks[i % 6]}${i % 13}@example.com`;
    if (i % 70 === 0) text += ` or call (416) 555-01${String(i % 100).padStart(2, '0')}`;
    lines.push(`${time} < ${nicks[(i * 5) % 6]}> ${text}`);
    if (i % 5000 === 17) {
      lines.push('this line is not irssi at all');
      badLines++;
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { badLines };
}

/**
 * About ten batches at the ingest's 2,000 items a batch: the kill after four leaves committed
 * batches behind it and more ahead than can commit before the signal lands, with bad lines and
 * day changes on both sides. More lines would only make every run longer.
 */
const MESSAGES = 20_000;

async function countsOf(location: string) {
  const store = await openStore(location);
  try {
    const row = async (query: string) => Number((await sql.raw<{ n: string }>(query).execute(store.db)).rows[0]!.n);
    return {
      records: await row('SELECT count(*) AS n FROM records'),
      distinctKeys: await row('SELECT count(DISTINCT (source_id, key)) AS n FROM records'),
      mentions: await row('SELECT count(*) AS n FROM mentions'),
      links: await row('SELECT count(*) AS n FROM links'),
      entities: await row('SELECT count(*) AS n FROM entities'),
      identifiers: await row('SELECT count(*) AS n FROM identifiers'),
      rejects: await row('SELECT count(*) AS n FROM source_rejects'),
      sources: await row('SELECT count(*) AS n FROM sources'),
    };
  } finally {
    await store.close();
  }
}

async function prepareStore(kind: 'embedded' | 'postgres'): Promise<string> {
  let location: string;
  if (kind === 'embedded') location = join(tempDir(), 'db');
  else {
    const database = await freshServerDatabase();
    if (!database) throw new Error('no server');
    cleanups.push(database.drop);
    location = database.url;
  }
  for (const args of [['init'], ['agency', 'add', 'Harbour Unit', '--country', 'CA'], ['case', 'open', 'HB-1', '--agency', 'Harbour Unit']]) {
    const result = await runCliInProcess(args, { CROSSLINK_DB: location });
    expect(result.code, result.stderr).toBe(0);
  }
  return location;
}

/**
 * Two stores holding the same agency and case: one to crash, one for the clean run. Embedded, the
 * second is a copy of the first's closed directory: the same database, without the seconds a new
 * PGlite directory takes to create.
 */
async function prepareStores(kind: 'embedded' | 'postgres'): Promise<{ crashed: string; clean: string }> {
  const crashed = await prepareStore(kind);
  if (kind === 'postgres') return { crashed, clean: await prepareStore(kind) };
  const clean = join(tempDir(), 'db');
  cpSync(crashed, clean, { recursive: true });
  return { crashed, clean };
}

/** Starts an ingest, waits until `batches` batches have committed, then kills it with SIGKILL. */
async function ingestAndKill(location: string, file: string, batches: number): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'ingest', file, '--case', 'HB-1', '--region', 'CA', '--json'], {
    env: { ...process.env, CROSSLINK_DB: location, CROSSLINK_PROGRESS: 'plain', CROSSLINK_SECRET: 'ab'.repeat(32) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(signal === 'SIGKILL' ? -9 : code)));
  await new Promise<void>((resolve, reject) => {
    let seen = 0;
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      seen = (err.match(/^progress .*: parse, [1-9]\d* records/gm) ?? []).length;
      if (seen >= batches) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('close', () => reject(new Error(`ingest ended before ${batches} batches: ${err}`)));
  });
  expect(await exited).toBe(-9);
}

describe.each(BACKENDS)('kill -9 during ingest on $name', (backend) => {
  it('a re-run finishes the source and the store equals one clean run, without duplicates', async () => {
    const file = join(tempDir(), '#garden.log');
    const { badLines } = writeLog(file, MESSAGES);
    const env = { CROSSLINK_SECRET: 'ab'.repeat(32) };

    const { crashed, clean } = await prepareStores(backend.name);
    await ingestAndKill(crashed, file, 4);
    const rerun = await runCli(['ingest', file, '--case', 'HB-1', '--region', 'CA', '--json'], { ...env, CROSSLINK_DB: crashed }, 300_000);
    expect(rerun.code, rerun.stderr).toBe(0);
    const report = parseJson<{ resumed: boolean; skipped: boolean; records: number; rejects: number }>(rerun);
    expect(report).toMatchObject({ resumed: true, skipped: false, rejects: badLines });

    const once = await runCliInProcess(['ingest', file, '--case', 'HB-1', '--region', 'CA', '--json'], { ...env, CROSSLINK_DB: clean });
    expect(once.code, once.stderr).toBe(0);
    expect(parseJson(once)).toMatchObject({ resumed: false, records: report.records });

    const [afterCrash, afterClean] = [await countsOf(crashed), await countsOf(clean)];
    expect(afterCrash).toEqual(afterClean);
    expect(afterCrash.distinctKeys).toBe(afterCrash.records);
    expect(afterCrash.records).toBe(MESSAGES);

    // And once more: nothing is added.
    const third = parseJson<{ skipped: boolean }>(await runCliInProcess(['ingest', file, '--case', 'HB-1', '--json'], { ...env, CROSSLINK_DB: crashed }));
    expect(third.skipped).toBe(true);
    expect(await countsOf(crashed)).toEqual(afterCrash);
  }, 600_000);
});
