/**
 * Case similarity against the ground truth: precision@5 of `similarCases` over the demo world's
 * truly connected cases (issue 7 goal: ≥ 0.9), on several seeds, with recall for context.
 *
 *   npm run bench -- similar [--scale small|medium] [--seeds 1,2,3,4,5] [--backend embedded|postgres]
 *
 * precision@5: for each case with any result, the share of its top five (or fewer, when fewer pass
 * the evidence bar) that the ground truth lists as connected; averaged over those cases.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { similarCases } from '../src/analysis/index.ts';
import { generateWorld, loadWorld, type GroundTruth, type Scale } from '../src/demo/index.ts';
import { runResolution } from '../src/resolve/index.ts';
import { migrateToLatest } from '../src/store/index.ts';
import { arg, openBenchStore } from './lib/common.ts';

const args = process.argv.slice(2);
const scale = arg(args, '--scale', 'small') as Scale;
const seeds = arg(args, '--seeds', '1,2,3,4,5').split(',').map(Number);
const backend = arg(args, '--backend', 'postgres') as 'embedded' | 'postgres';

console.log(`\nCase similarity — demo world ${scale}, ${backend}\n`);
console.log('| seed | cases | connected pairs | cases ranked | precision@5 | recall@5 | query p50 |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const seed of seeds) {
  const scratch = mkdtempSync(join(tmpdir(), 'crosslink-bench-similar-'));
  const { store, drop } = await openBenchStore(backend, scratch, `similar${seed}`);
  try {
    await migrateToLatest(store.db);
    await generateWorld({ seed, scale, out: join(scratch, 'world') });
    const truth = JSON.parse(readFileSync(join(scratch, 'world', 'ground-truth.json'), 'utf8')) as GroundTruth;
    await loadWorld(store, join(scratch, 'world'), { actor: 'bench', secret: Buffer.alloc(32, 7) });
    await runResolution(store, { actor: 'bench' });
    const connected = new Set(truth.connectedCases.map((pair) => [...pair].sort().join('|')));
    let precision = 0;
    let ranked = 0;
    let found = 0;
    const times: number[] = [];
    for (const { ref } of truth.cases) {
      const started = performance.now();
      const results = await similarCases(store.db, ref, { limit: 5 });
      times.push(performance.now() - started);
      const right = results.filter((result) => connected.has([ref, result.case].sort().join('|'))).length;
      found += right;
      if (results.length > 0) {
        ranked++;
        precision += right / results.length;
      }
    }
    // Each connected pair can be found from both ends; recall@5 counts both directions.
    const possible = truth.cases.reduce((sum, { ref }) => sum + Math.min(5, truth.connectedCases.filter((pair) => pair.includes(ref)).length), 0);
    times.sort((a, b) => a - b);
    console.log(`| ${seed} | ${truth.cases.length} | ${connected.size} | ${ranked} | ${(precision / Math.max(1, ranked)).toFixed(3)} | ${(found / Math.max(1, possible)).toFixed(3)} | ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms |`);
  } finally {
    await store.close();
    await drop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
