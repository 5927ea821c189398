/**
 * Search latency on a loaded world: p50/p95 of word, identifier and fuzzy-name queries on the
 * embedded store and on PostgreSQL (goal, issue 5: p95 ≤ 100 ms on PostgreSQL for word and
 * identifier queries on the medium world).
 *
 *   npm run bench -- search [--scale medium] [--seed 7] [--backend both|embedded|postgres] [--world DIR] [--queries 200]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { generateWorld, loadWorld, type GroundTruth, type Scale } from '../src/demo/index.ts';
import { parseQuery, search } from '../src/search/index.ts';
import { migrateToLatest, type Store } from '../src/store/index.ts';
import { arg, openBenchStore } from './lib/common.ts';

const secret = Buffer.alloc(32, 7);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function queriesFor(store: Store, truth: GroundTruth, count: number): Promise<Record<string, string[]>> {
  const words = await sql<{ word: string }>`
    SELECT w AS word FROM (SELECT text FROM records WHERE kind = 'message' ORDER BY id LIMIT 50000) t, regexp_split_to_table(lower(t.text), '[^a-z]+') AS w
    WHERE length(w) >= 5 GROUP BY w ORDER BY count(*) DESC LIMIT ${count}`.execute(store.db);
  const identifiers = truth.people.flatMap((person) => person.identifiers.filter((i) => i.type === 'phone' || i.type === 'email').map((i) => i.value));
  const names = truth.people.map((person) => person.name);
  const pick = <T>(list: T[]) => Array.from({ length: count }, (_, i) => list[(i * 7919) % list.length]!);
  return {
    word: words.rows.map((row) => row.word),
    'two words': pick(words.rows.map((row) => row.word)).map((word, i) => `${word} ${words.rows[(i + 3) % words.rows.length]!.word}`),
    identifier: pick(identifiers),
    'fuzzy name': pick(names).map((name) => `~"${name.slice(0, -1)}"`),
  };
}

export async function run(args: string[]): Promise<void> {
  const scale = arg(args, '--scale', 'medium') as Scale;
  const seed = Number(arg(args, '--seed', '7'));
  const which = arg(args, '--backend', 'both');
  const count = Number(arg(args, '--queries', '200'));
  const scratch = mkdtempSync(join(tmpdir(), 'crosslink-bench-search-'));
  try {
    let world = arg(args, '--world', '');
    if (!world) {
      world = join(scratch, 'world');
      await generateWorld({ seed, scale, out: world });
    }
    const truth = JSON.parse(readFileSync(join(world, 'ground-truth.json'), 'utf8')) as GroundTruth;
    console.log(`\nSearch latency — ${scale} world (seed ${seed}), ${count} queries of each kind, Node ${process.version}\n`);
    console.log('| backend | query | p50 | p95 | max | mean hits |');
    console.log('|---|---|---:|---:|---:|---:|');
    for (const backend of ['embedded', 'postgres'] as const) {
      if (which !== 'both' && which !== backend) continue;
      const { store, drop } = await openBenchStore(backend, scratch, 'search');
      try {
        await migrateToLatest(store.db);
        process.stderr.write(`loading the world on ${backend}…\n`);
        await loadWorld(store, world, { actor: 'bench', secret });
        await sql`ANALYZE`.execute(store.db);
        for (const [kind, queries] of Object.entries(await queriesFor(store, truth, count))) {
          const timings: number[] = [];
          let hits = 0;
          for (const text of queries) {
            const started = performance.now();
            const result = await search(store.db, parseQuery(text, { region: 'US', secret }), { limit: 20 });
            timings.push(performance.now() - started);
            hits += result.records.total + result.entities.length;
          }
          timings.sort((a, b) => a - b);
          const ms = (value: number) => `${value.toFixed(1)} ms`;
          console.log(`| ${backend} | ${kind} | ${ms(percentile(timings, 50))} | ${ms(percentile(timings, 95))} | ${ms(timings.at(-1)!)} | ${Math.round(hits / queries.length).toLocaleString('en')} |`);
        }
      } finally {
        await store.close();
        await drop();
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));
