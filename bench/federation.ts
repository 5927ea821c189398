/**
 * Federation: private set intersection of two nodes' selectors over loopback, end to end — two
 * nodes, each in its own process with its own store and peer endpoint (bench/lib/federation-node.ts),
 * signed HTTP messages, ECDH over X25519 (PSI version 2) — then an incremental sync of a day's new
 * selectors, timed until their hits are stored on both nodes: once with new selectors on both
 * nodes at once, and once as the goal puts it, a day's new selectors on one node, some of them
 * held by the other already.
 *
 *   npm run bench -- federation [--size 1000000] [--overlap 0.1] [--delta SIZE/10] [--batch 5000] [--backend embedded|postgres] [--verbose]
 *
 * Both nodes sync at the same time, round after round until a round moves nothing, as two
 * deployments on their own schedules do. "Point operations" are what the protocol spends its time
 * on: per selector pushed, one hash-to-curve and one scalar multiplication on the pushing node, one
 * check and one scalar multiplication on the answering node. Pushes are pipelined (sync.ts): the
 * next batch is blinded while the last is answered and stored. `--backend postgres` runs both
 * nodes on the local server. The peer it is measured against is the same work done in one process
 * without a network or a store (the first table).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { SyncReport } from '../src/federation/index.ts';
import { blindSelectors, curveMapper, hashSelectors, multiply, newPsiKey, reblindPoints, scalarMultiplier, scalarOf } from '../src/federation/psi.ts';
import { arg } from './lib/common.ts';
import type { Request } from './lib/federation-node.ts';

const args = process.argv.slice(2);
const size = Number(arg(args, '--size', '1000000'));
const overlap = Number(arg(args, '--overlap', '0.1'));
const delta = Number(arg(args, '--delta', String(Math.max(1, Math.round(size / 10)))));
const batchSize = Number(arg(args, '--batch', '5000'));
const backend = arg(args, '--backend', 'embedded') as 'embedded' | 'postgres';
/** Prints every round's reports (seconds since the phase began, then per node) to stderr. */
const verbose = args.includes('--verbose');

const seconds = (from: number) => (performance.now() - from) / 1000;
const rate = (count: number, time: number) => Math.round(count / time).toLocaleString('en');

interface NodeProcess {
  call<T = unknown>(request: Request): Promise<T>;
  stop(): void;
}

/** A node in its own process (bench/lib/federation-node.ts), driven over IPC. */
function startNode(): NodeProcess {
  const child = fork(fileURLToPath(new URL('./lib/federation-node.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 0;
  child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const waiter = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message.result);
  });
  child.on('exit', (code) => {
    for (const waiter of waiting.values()) waiter.reject(new Error(`a node process exited (${code})`));
    waiting.clear();
  });
  return {
    call: <T>(request: Request) =>
      new Promise<T>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, ...request });
      }),
    stop: () => child.kill(),
  };
}

function pointRates(): void {
  const n = 5000;
  const key = scalarOf(newPsiKey());
  const selectors = Array.from({ length: n }, (_, i) => `phone:+1416555${String(i).padStart(4, '0')}`);
  const hashRates = (['native', 'libsodium'] as const).map((mapper) => {
    if (mapper === 'native' && curveMapper !== 'native') return 'not built';
    const started = performance.now();
    hashSelectors(selectors, mapper);
    return rate(n, seconds(started));
  });
  const points = hashSelectors(selectors);
  const multiplyRates = (['native', 'libsodium'] as const).map((multiplier) => {
    if (multiplier === 'native' && scalarMultiplier !== 'native') return 'not available';
    const started = performance.now();
    multiply(points, key, Buffer.alloc(points.length), multiplier);
    return rate(n, seconds(started));
  });
  let started = performance.now();
  const blinded = blindSelectors(selectors, key);
  const blind = seconds(started);
  started = performance.now();
  reblindPoints(blinded, scalarOf(newPsiKey()));
  const reblind = seconds(started);
  console.log('| in one process, one core | operations/s |');
  console.log('|---|---:|');
  console.log(`| hash-to-curve, our addon | ${hashRates[0]} |`);
  console.log(`| hash-to-curve, libsodium's API (the fallback) | ${hashRates[1]} |`);
  console.log(`| X25519, our addon (four ladders in AVX2) | ${multiplyRates[0]} |`);
  console.log(`| X25519, libsodium (the fallback) | ${multiplyRates[1]} |`);
  console.log(`| blind: hash-to-curve (${curveMapper}) + X25519 (${scalarMultiplier}) | ${rate(n, blind)} |`);
  console.log(`| answer: check + X25519 (${scalarMultiplier}) | ${rate(n, reblind)} |`);
  console.log(`| one selector both ways (2 blinds + 2 answers) | ${rate(n, 2 * (blind + reblind))} |`);
  console.log('');
}

async function main(): Promise<void> {
  pointRates();
  const scratch = mkdtempSync(`${tmpdir()}/crosslink-bench-federation-`);
  const nodes = [startNode(), startNode()] as const;
  const [a, b] = nodes;
  try {
    const [pa, pb] = await Promise.all(nodes.map((node, i) => node.call<{ url: string; key: string }>({ op: 'open', name: ['a', 'b'][i]!, backend, scratch, batchSize })));
    await a.call({ op: 'addPeer', name: 'b', url: pb!.url, key: pb!.key });
    await b.call({ op: 'addPeer', name: 'a', url: pa!.url, key: pa!.key });
    const count = async (table: 'federation_matches' | 'federation_hits') => Promise.all(nodes.map((node) => node.call<number>({ op: 'count', table })));
    // Both nodes sync at once, as two deployments do on their own schedules, round after round
    // until one moves nothing: the notices a round queues go in the next. With `expect`, also the
    // time at the end of the round after which each node holds that many more hits: when the day's
    // hits are there, before the round that finds nothing left to do.
    const syncUntilQuiet = async (expect?: { before: number[]; more: number }): Promise<{ reports: SyncReport[]; quiet: number; hitsStored?: number }> => {
      const started = performance.now();
      const all: SyncReport[] = [];
      let hitsStored: number | undefined;
      for (let round = 0; round < 10; round++) {
        const reports = (await Promise.all(nodes.map((node) => node.call<SyncReport[]>({ op: 'sync' })))).flat();
        const roundEnd = seconds(started);
        all.push(...reports);
        if (verbose) console.error(roundEnd.toFixed(1), JSON.stringify(reports));
        if (expect && hitsStored === undefined && (await count('federation_hits')).every((n, i) => n - expect.before[i]! >= expect.more)) hitsStored = roundEnd;
        if (reports.every((report) => report.pushed === 0 && report.delivered === 0 && report.pending === 0)) return { reports: all, quiet: roundEnd, hitsStored };
      }
      const errors = all.filter((report) => report.error).map((report) => report.error);
      throw new Error(`the nodes were still exchanging after 10 rounds (last errors: ${errors.slice(-3).join('; ')})`);
    };

    const common = Math.round(size * overlap);
    const started = performance.now();
    await Promise.all([
      a.call({ op: 'load', agency: 'Agency A', ref: 'A-1', selectors: { prefix: 'a', from: 0, count: size, common } }),
      b.call({ op: 'load', agency: 'Agency B', ref: 'B-1', selectors: { prefix: 'b', from: 0, count: size, common } }),
    ]);
    const loading = seconds(started);

    const { reports, quiet: full } = await syncUntilQuiet();
    const pushed = reports.reduce((sum, report) => sum + report.pushed, 0);
    const matches = await count('federation_matches');
    const hits = await count('federation_hits');

    // A day's new selectors on A, half of them also held by B (new on B too, not yet sent).
    const newCommon = Math.round(delta / 2);
    await Promise.all([
      a.call({ op: 'load', agency: 'Agency A', ref: 'A-1', selectors: { prefix: 'a-new', from: 0, count: delta, common: 0, newBoth: newCommon } }),
      b.call({ op: 'load', agency: 'Agency B', ref: 'B-1', selectors: { prefix: 'b-new', from: 0, count: newCommon, common: 0, newBoth: newCommon } }),
    ]);
    const incremental = await syncUntilQuiet({ before: hits, more: newCommon });
    const incrementalTime = incremental.hitsStored ?? Number.NaN;
    const incrementalPushed = incremental.reports.reduce((sum, report) => sum + report.pushed, 0);
    const hitsAfter = await count('federation_hits');

    // The goal's own case: a day's new selectors on one node, half of them held by the other
    // already (loaded and exchanged the day before, not timed).
    await b.call({ op: 'load', agency: 'Agency B', ref: 'B-1', selectors: { prefix: 'b-day2', from: 0, count: newCommon, common: 0, newBoth: newCommon, bothPrefix: 'day2-' } });
    await syncUntilQuiet();
    const hitsBeforeDay = await count('federation_hits');
    await a.call({ op: 'load', agency: 'Agency A', ref: 'A-1', selectors: { prefix: 'a-day2', from: 0, count: delta, common: 0, newBoth: newCommon, bothPrefix: 'day2-' } });
    const day = await syncUntilQuiet({ before: hitsBeforeDay, more: newCommon });
    const dayTime = day.hitsStored ?? Number.NaN;
    const dayPushed = day.reports.reduce((sum, report) => sum + report.pushed, 0);
    const hitsAfterDay = await count('federation_hits');

    console.log(`| ${backend}, loopback, a process per node | selectors pushed | seconds (quiet) | selectors/s | point operations/s | matches (A, B) | hits stored (A, B) |`);
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    console.log(`| full sync, ${size.toLocaleString('en')} × 2 selectors, ${common.toLocaleString('en')} common | ${pushed.toLocaleString('en')} | ${full.toFixed(1)} | ${rate(pushed, full)} | ${rate(pushed * 2, full)} | ${matches.join(', ')} | ${hits.join(', ')} |`);
    console.log(
      `| incremental: ${delta.toLocaleString('en')} new on A (${newCommon.toLocaleString('en')} also new on B) until hits stored on both | ${incrementalPushed.toLocaleString('en')} | ${incrementalTime.toFixed(1)} (${incremental.quiet.toFixed(1)}) | ${rate(incrementalPushed, incrementalTime)} | ${rate(incrementalPushed * 2, incrementalTime)} | — | +${hitsAfter[0]! - hits[0]!}, +${hitsAfter[1]! - hits[1]!} |`,
    );
    console.log(
      `| a day on A: ${delta.toLocaleString('en')} new, ${newCommon.toLocaleString('en')} of them held by B already, until hits stored on both | ${dayPushed.toLocaleString('en')} | ${dayTime.toFixed(1)} (${day.quiet.toFixed(1)}) | ${rate(dayPushed, dayTime)} | ${rate(dayPushed * 2, dayTime)} | — | +${hitsAfterDay[0]! - hitsBeforeDay[0]!}, +${hitsAfterDay[1]! - hitsBeforeDay[1]!} |`,
    );
    console.log(`\n(seconds: until the round after which the new hits are stored on both nodes; in brackets, until a round finds nothing left to do. Loading the selectors into the two stores, not timed above: ${loading.toFixed(1)} s; batch ${batchSize}; point operations: hash-to-curve or check, each followed by a scalar multiplication)`);
  } finally {
    await Promise.all(nodes.map((node) => node.call({ op: 'close' }).catch(() => undefined)));
    for (const node of nodes) node.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
