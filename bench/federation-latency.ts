/**
 * Federation latency (issue 10): the time from ingesting a new source on one node to its hits
 * appearing on all three nodes. Three nodes, each on a PostgreSQL database of its own and run as an
 * operator runs one — `crosslink federation serve` in a process of its own — meshed by their public
 * keys. Then, as an analyst would, `crosslink ingest` of a new chat export on node A, in another
 * process; and the three databases are read every 20 ms until A holds a hit from B and from C for
 * each of the file's selectors they hold, and B and C each hold A's.
 *
 *   npm run bench -- federation-latency [--background 20000] [--runs 3] [--interval 3600]
 *
 * Each node first holds `--background` selectors of its own case (a tenth of them on all three),
 * ingested the same way and synced before anything is timed. The nodes' periodic round is every
 * `--interval` seconds (an hour by default, so that what is timed is the nodes' reaction to new
 * data: store/notify.ts and sync.ts `syncSoon`); with `--interval 60` and the notifications
 * unheard, the wait would be up to a minute, the periodic round's. PostgreSQL only: an embedded
 * store belongs to one process, so an ingest cannot run beside `federation serve`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { activePeers, pendingMessages } from '../src/federation/index.ts';
import { unsentSelectors } from '../src/federation/policy.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { adminStatement, arg, benchDatabaseUrl } from './lib/common.ts';

const args = process.argv.slice(2);
const background = Number(arg(args, '--background', '20000'));
const runs = Number(arg(args, '--runs', '3'));
const interval = arg(args, '--interval', '3600');
const BIN = fileURLToPath(new URL('../bin/crosslink.js', import.meta.url));
/** Selectors of each kind a timed file names: held by B only, by C only, by both, by no one. */
const PER_KIND = 5;

interface NodeSpec {
  key: 'a' | 'b' | 'c';
  name: string;
  agency: string;
  country: string;
  caseRef: string;
}

const NODES: NodeSpec[] = [
  { key: 'a', name: 'ca-northbridge', agency: 'Northbridge Police', country: 'CA', caseRef: 'CA-1' },
  { key: 'b', name: 'uk-kingsbridge', agency: 'Kingsbridge Constabulary', country: 'GB', caseRef: 'UK-1' },
  { key: 'c', name: 'au-southport', agency: 'Southport Police', country: 'AU', caseRef: 'AU-1' },
];

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const log = (line: string) => process.stderr.write(`${line}\n`);

function databaseUrl(key: string): string {
  return benchDatabaseUrl(`crosslink_bench_latency_${key}`);
}

function cli(node: NodeSpec, cliArgs: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...cliArgs], { env: { ...process.env, CROSSLINK_DB: databaseUrl(node.key), CROSSLINK_TOKEN: '', CROSSLINK_SECRET: 'ab'.repeat(32) } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`crosslink ${cliArgs.join(' ')} (node ${node.name}) exited ${code}: ${err.trim()}`))));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A WhatsApp export in which each message names one e-mail address. */
function chatExport(path: string, sender: string, emails: string[]): void {
  const lines = emails.map((email, i) => {
    const minute = i % 60;
    const hour = Math.floor(i / 60) % 24;
    const day = 1 + (Math.floor(i / 1440) % 28);
    return `${String(day).padStart(2, '0')}/03/2024, ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')} - ${sender}: try ${email} for the spare parts`;
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** What each node holds before anything is timed: its own, the shared tenth, and the run-held addresses. */
function backgroundOf(node: NodeSpec): string[] {
  const emails: string[] = [];
  const shared = Math.floor(background / 10);
  for (let i = 0; i < background; i++) emails.push(i < shared ? `person${i}@shared.example` : `person${i}@${node.key}.example`);
  for (let run = 0; run < runs; run++) {
    for (let k = 0; k < PER_KIND; k++) {
      if (node.key === 'b') emails.push(`held-b-r${run}-${k}@example.org`);
      if (node.key === 'c') emails.push(`held-c-r${run}-${k}@example.org`);
      if (node.key !== 'a') emails.push(`held-bc-r${run}-${k}@example.org`);
    }
  }
  return emails;
}

function timedFile(run: number): string[] {
  return Array.from({ length: PER_KIND }, (_, k) => [`held-b-r${run}-${k}@example.org`, `held-c-r${run}-${k}@example.org`, `held-bc-r${run}-${k}@example.org`, `only-a-r${run}-${k}@example.org`]).flat();
}

async function hitsLike(store: Store, pattern: string): Promise<number> {
  const result = await sql<{ n: string }>`SELECT count(*) AS n FROM federation_hits h JOIN identifiers i ON i.id = h.identifier_id WHERE i.value LIKE ${pattern}`.execute(store.db);
  return Number(result.rows[0]!.n);
}

/** Whether every node has sent every shared selector and every message to every peer: nothing left for a round. */
async function quiet(stores: Store[]): Promise<boolean> {
  for (const store of stores) {
    if ((await pendingMessages(store.db)) > 0) return false;
    for (const peer of await activePeers(store.db)) if ((await unsentSelectors(store.db, peer.id, '0', 1)).length > 0) return false;
  }
  return true;
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'crosslink-bench-latency-'));
  const serving: ChildProcess[] = [];
  const stores: Store[] = [];
  try {
    for (const node of NODES) {
      await adminStatement(`DROP DATABASE IF EXISTS crosslink_bench_latency_${node.key} WITH (FORCE)`);
      await adminStatement(`CREATE DATABASE crosslink_bench_latency_${node.key}`);
    }
    log(`setting up three nodes, ${background.toLocaleString('en')} selectors each (a tenth on all three), through the CLI…`);
    const keys = new Map<string, string>();
    const ports = new Map<string, number>();
    for (const node of NODES) {
      await cli(node, ['init']);
      await cli(node, ['node', 'set', '--name', node.name, '--agency', node.agency, '--officer', 'Duty desk']);
      keys.set(node.key, (JSON.parse(await cli(node, ['node', 'show', '--json'])) as { publicKey: string }).publicKey);
      ports.set(node.key, await freePort());
      await cli(node, ['agency', 'add', node.agency, '--country', node.country]);
      await cli(node, ['case', 'open', node.caseRef, '--agency', node.agency, '--officer', 'Det. Sgt. Example']);
      await cli(node, ['federation', 'policy', node.caseRef, 'hit-only']);
      const file = join(scratch, `WhatsApp Chat with ${node.key} background.txt`);
      chatExport(file, `Informant ${node.key.toUpperCase()}`, backgroundOf(node));
      await cli(node, ['ingest', file, '--case', node.caseRef]);
    }
    for (const node of NODES) {
      for (const other of NODES) if (other !== node) await cli(node, ['peer', 'add', other.name, `http://127.0.0.1:${ports.get(other.key)}`, '--key', keys.get(other.key)!]);
    }
    for (const node of NODES) {
      const child = spawn(process.execPath, [BIN, 'federation', 'serve', '--port', String(ports.get(node.key)), '--interval', interval, '--json'], {
        env: { ...process.env, CROSSLINK_DB: databaseUrl(node.key), CROSSLINK_TOKEN: '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      serving.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`federation serve on ${node.name} exited ${code}`)));
      });
    }
    for (const node of NODES) {
      stores.push(await openStore(databaseUrl(node.key)));
    }
    const [onA, onB, onC] = stores as [Store, Store, Store];
    log('waiting for the first rounds (the background) to finish…');
    const synced = performance.now();
    while (!(await quiet(stores))) await new Promise((resolve) => setTimeout(resolve, 250));
    const backgroundSeconds = seconds(performance.now() - synced);
    log(`  background synced in ${backgroundSeconds} after the nodes started`);

    const rows: string[] = [];
    for (let run = 0; run < runs; run++) {
      const file = join(scratch, `WhatsApp Chat with Sam ${run}.txt`);
      chatExport(file, 'Sam', timedFile(run));
      const pattern = `%-r${run}-%@example.org`;
      const wanted = { a: 4 * PER_KIND, b: 2 * PER_KIND, c: 2 * PER_KIND };
      const seen: Record<'a' | 'b' | 'c', number | undefined> = { a: undefined, b: undefined, c: undefined };
      const started = performance.now();
      let ingested: number | undefined;
      const ingest = cli(NODES[0]!, ['ingest', file, '--case', 'CA-1']).then(() => (ingested = performance.now() - started));
      while (seen.a === undefined || seen.b === undefined || seen.c === undefined) {
        const counts = { a: await hitsLike(onA, pattern), b: await hitsLike(onB, pattern), c: await hitsLike(onC, pattern) };
        for (const key of ['a', 'b', 'c'] as const) if (seen[key] === undefined && counts[key] >= wanted[key]) seen[key] = performance.now() - started;
        if (performance.now() - started > 300_000) throw new Error(`run ${run}: no hits on every node after 5 minutes (${JSON.stringify(counts)})`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await ingest;
      const all = Math.max(seen.a, seen.b, seen.c);
      log(`  run ${run + 1}: ingest command ${seconds(ingested!)}; hits on A ${seconds(seen.a)}, B ${seconds(seen.b)}, C ${seconds(seen.c)}; all three ${seconds(all)}`);
      rows.push(`| ${run + 1} | ${seconds(ingested!)} | ${seconds(seen.a)} | ${seconds(seen.b)} | ${seconds(seen.c)} | **${seconds(all)}** | ${seconds(all - ingested!)} |`);
      while (!(await quiet(stores))) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    process.stdout.write(
      [
        '',
        `Federation latency — three nodes (PostgreSQL, a database and a \`federation serve\` process each, loopback), ${background.toLocaleString('en')} selectors each, periodic round every ${interval} s; a new WhatsApp export of ${4 * PER_KIND} messages ingested on A with \`crosslink ingest\` (${PER_KIND} addresses held by B, ${PER_KIND} by C, ${PER_KIND} by both, ${PER_KIND} by no one), Node ${process.version}`,
        '',
        '| run | ingest command (start to exit) | hits on A (20) | on B (10) | on C (10) | **on all three** | after the ingest ended |',
        '|---:|---:|---:|---:|---:|---:|---:|',
        ...rows,
        '',
        '(seconds from the start of the `crosslink ingest` process, which includes its start-up)',
        '',
        `Before the runs, the three nodes' first rounds (the background, each node's selectors to both peers) took ${backgroundSeconds} from the start of the \`federation serve\` processes until nothing was left to send.`,
        '',
      ].join('\n'),
    );
  } finally {
    for (const store of stores) await store.close().catch(() => undefined);
    for (const child of serving) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const node of NODES) await adminStatement(`DROP DATABASE IF EXISTS crosslink_bench_latency_${node.key} WITH (FORCE)`).catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
