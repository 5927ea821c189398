/**
 * Ingest throughput: the demo world through the full pipeline (parse, extract, store, index) on
 * the embedded store and on PostgreSQL, beside the peer: a raw COPY of the same message rows
 * into a plain table with a full-text column, on the same backend, in the same run.
 *
 *   npm run bench -- ingest [--scale medium] [--seed 7] [--backend both|embedded|postgres] [--world DIR]
 *   (PostgreSQL: CROSSLINK_BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432/postgres)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { generateWorld, loadWorld, type Scale } from '../src/demo/index.ts';
import type { IngestReport } from '../src/ingest/index.ts';
import { migrateToLatest, type Store } from '../src/store/index.ts';
import { arg, openBenchStore } from './lib/common.ts';

const PEER_TABLE = sql`CREATE TABLE bench_raw_messages (
  id bigint, case_id bigint, occurred_at timestamptz, sender text, room text, text text,
  search tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(text, ''))) STORED)`;
const EXPORT = `COPY (SELECT id, case_id, occurred_at, props->>'sender', props->>'room', text FROM records WHERE kind = 'message') TO STDOUT`;

interface Row {
  backend: string;
  messages: number;
  allRecords: number;
  allSeconds: number;
  copySeconds: number;
  copyGinSeconds: number;
}

/** Times COPY of the exported message rows into the peer table, without and with a GIN index. */
async function rawCopy(store: Store): Promise<{ copySeconds: number; copyGinSeconds: number }> {
  const timings: number[] = [];
  for (const withGin of [false, true]) {
    await sql`DROP TABLE IF EXISTS bench_raw_messages`.execute(store.db);
    await PEER_TABLE.execute(store.db);
    if (withGin) await sql`CREATE INDEX ON bench_raw_messages USING gin (search)`.execute(store.db);
    if (store.driver.kind === 'embedded') {
      const pglite = store.driver.pglite;
      const exported = await pglite.query(EXPORT.replace('TO STDOUT', "TO '/dev/blob'"));
      const started = performance.now();
      await pglite.query("COPY bench_raw_messages (id, case_id, occurred_at, sender, room, text) FROM '/dev/blob'", [], { blob: exported.blob! });
      timings.push((performance.now() - started) / 1000);
    } else {
      const client = await store.driver.pool.connect();
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of client.query(copyTo(EXPORT)) as AsyncIterable<Buffer>) chunks.push(chunk);
        const started = performance.now();
        await pipeline(Readable.from(chunks), client.query(copyFrom('COPY bench_raw_messages (id, case_id, occurred_at, sender, room, text) FROM STDIN')));
        timings.push((performance.now() - started) / 1000);
      } finally {
        client.release();
      }
    }
  }
  await sql`DROP TABLE IF EXISTS bench_raw_messages`.execute(store.db);
  return { copySeconds: timings[0]!, copyGinSeconds: timings[1]! };
}

async function measure(backend: 'embedded' | 'postgres', world: string, scratch: string): Promise<Row> {
  const { store, drop } = await openBenchStore(backend, scratch, 'ingest');
  try {
    await migrateToLatest(store.db);
    const reports: IngestReport[] = [];
    const started = performance.now();
    await loadWorld(store, world, { actor: 'bench', secret: Buffer.alloc(32, 7), onSource: (report) => reports.push(report) });
    const allSeconds = (performance.now() - started) / 1000;
    const messages = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM records WHERE kind = 'message'`.execute(store.db)).rows[0]!.n);
    const peer = await rawCopy(store);
    return {
      backend,
      messages,
      allRecords: reports.reduce((sum, report) => sum + report.records, 0),
      allSeconds,
      ...peer,
    };
  } finally {
    await store.close();
    await drop();
  }
}

export async function run(args: string[]): Promise<void> {
  const scale = arg(args, '--scale', 'medium') as Scale;
  const seed = Number(arg(args, '--seed', '7'));
  const which = arg(args, '--backend', 'both');
  const scratch = mkdtempSync(join(tmpdir(), 'crosslink-bench-ingest-'));
  try {
    let world = arg(args, '--world', '');
    if (!world) {
      world = join(scratch, 'world');
      process.stderr.write(`generating the ${scale} world (seed ${seed})…\n`);
      await generateWorld({ seed, scale, out: world });
    }
    const rows: Row[] = [];
    for (const backend of ['embedded', 'postgres'] as const) {
      if (which !== 'both' && which !== backend) continue;
      process.stderr.write(`ingesting on ${backend}…\n`);
      rows.push(await measure(backend, world, scratch));
    }
    const rate = (count: number, seconds: number) => Math.round(count / seconds).toLocaleString('en');
    console.log(`\nIngest — ${scale} world (seed ${seed}), Node ${process.version}\n`);
    // Sources are ingested concurrently on a server, so per-source times overlap: the rate is the
    // chat messages over the wall time of the whole world (which also holds CSVs and media).
    console.log('| backend | chat messages | all records | wall time | msg/s (wall) | peer: raw COPY rows/s (no index / GIN) | ingest ÷ raw COPY (no index / GIN) |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const row of rows) {
      const ours = row.messages / row.allSeconds;
      console.log(
        `| ${row.backend} | ${row.messages.toLocaleString('en')} | ${row.allRecords.toLocaleString('en')} | ${row.allSeconds.toFixed(1)} s | ${rate(row.messages, row.allSeconds)} | ` +
          `${rate(row.messages, row.copySeconds)} / ${rate(row.messages, row.copyGinSeconds)} | ` +
          `${((100 * ours * row.copySeconds) / row.messages).toFixed(0)} % / ${((100 * ours * row.copyGinSeconds) / row.messages).toFixed(0)} % |`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));
