/**
 * What row-level security costs: search latency (p50/p95) on a loaded world as the schema owner
 * (no policies apply), and acting as users under the policies of migration 0007 — a user who is
 * a member of every case, and one who is a member of one agency's cases.
 *
 *   npm run bench -- access [--scale small|medium] [--seed 7] [--backend both|embedded|postgres] [--world DIR] [--queries 100]
 *
 * With --ingest, instead: the time to load the world as the owner and as the local administrator
 * acting under the policies (every insert checked against them).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { addUser, ensureLocalAdmin, grantCase } from '../src/access/index.ts';
import { generateWorld, loadWorld, type GroundTruth, type Scale } from '../src/demo/index.ts';
import { parseQuery, search } from '../src/search/index.ts';
import { actAs } from '../src/store/connect.ts';
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

async function measure(store: Store, queries: Record<string, string[]>, as: string, backend: string): Promise<void> {
  for (const [kind, list] of Object.entries(queries)) {
    const timings: number[] = [];
    let hits = 0;
    // One unmeasured pass warms the caches as much for every caller.
    for (const text of list.slice(0, 5)) await search(store.db, parseQuery(text, { region: 'US', secret }), { limit: 20 });
    for (const text of list) {
      const started = performance.now();
      const result = await search(store.db, parseQuery(text, { region: 'US', secret }), { limit: 20 });
      timings.push(performance.now() - started);
      hits += result.records.total + result.entities.length;
    }
    timings.sort((a, b) => a - b);
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    console.log(`| ${backend} | ${as} | ${kind} | ${ms(percentile(timings, 50))} | ${ms(percentile(timings, 95))} | ${ms(timings.at(-1)!)} | ${Math.round(hits / list.length).toLocaleString('en')} |`);
  }
}

async function ingestTimes(world: string, which: string, scratch: string, scale: string): Promise<void> {
  console.log(`\nLoading the ${scale} world as the owner and acting under row-level security, Node ${process.version}\n`);
  console.log('| backend | loaded as | seconds | records |');
  console.log('|---|---|---:|---:|');
  for (const backend of ['embedded', 'postgres'] as const) {
    if (which !== 'both' && which !== backend) continue;
    for (const acting of [false, true]) {
      const opened = await openBenchStore(backend, scratch, `access_ingest_${acting ? 'acting' : 'owner'}`);
      let store = opened.store;
      try {
        await migrateToLatest(store.db);
        if (acting) {
          const admin = (await ensureLocalAdmin(store.db)).user;
          store = await actAs(store, { id: admin.id, name: admin.name });
        }
        const started = performance.now();
        const loaded = await loadWorld(store, world, { actor: acting ? 'admin' : 'bench', secret });
        console.log(`| ${backend} | ${acting ? 'the local administrator, acting' : 'owner (no policies)'} | ${((performance.now() - started) / 1000).toFixed(1)} | ${loaded.records.toLocaleString('en')} |`);
      } finally {
        await store.close();
        await opened.drop();
      }
    }
  }
}

export async function run(args: string[]): Promise<void> {
  const scale = arg(args, '--scale', 'small') as Scale;
  const seed = Number(arg(args, '--seed', '7'));
  const which = arg(args, '--backend', 'both');
  const count = Number(arg(args, '--queries', '100'));
  const scratch = mkdtempSync(join(tmpdir(), 'crosslink-bench-access-'));
  try {
    let world = arg(args, '--world', '');
    if (!world) {
      world = join(scratch, 'world');
      await generateWorld({ seed, scale, out: world });
    }
    if (args.includes('--ingest')) {
      await ingestTimes(world, which, scratch, scale);
      return;
    }
    const truth = JSON.parse(readFileSync(join(world, 'ground-truth.json'), 'utf8')) as GroundTruth;
    console.log(`\nSearch latency with row-level security — ${scale} world (seed ${seed}), ${count} queries of each kind, Node ${process.version}\n`);
    console.log('| backend | acting as | query | p50 | p95 | max | mean hits |');
    console.log('|---|---|---|---:|---:|---:|---:|');
    for (const backend of ['embedded', 'postgres'] as const) {
      if (which !== 'both' && which !== backend) continue;
      const opened = await openBenchStore(backend, scratch, 'access');
      let store = opened.store;
      try {
        await migrateToLatest(store.db);
        process.stderr.write(`loading the world on ${backend}…\n`);
        await loadWorld(store, world, { actor: 'bench', secret });
        const admin = (await ensureLocalAdmin(store.db)).user;
        const cases = await store.db.selectFrom('cases').innerJoin('agencies', 'agencies.id', 'cases.agency_id').select(['cases.ref', 'agencies.name as agency']).orderBy('cases.id').execute();
        const agency = cases[0]!.agency;
        const everything = await addUser(store.db, admin, { name: 'sees-all', role: 'analyst', agency });
        const oneAgency = await addUser(store.db, admin, { name: 'sees-one-agency', role: 'analyst', agency });
        for (const row of cases) {
          await grantCase(store.db, admin, row.ref, everything.name);
          if (row.agency === agency) await grantCase(store.db, admin, row.ref, oneAgency.name);
        }
        await sql`ANALYZE`.execute(store.db);
        const queries = await queriesFor(store, truth, count);
        await measure(store, queries, 'owner (no policies)', backend);
        store = await actAs(store, { id: everything.id, name: everything.name });
        await measure(store, queries, `member of all ${cases.length} cases`, backend);
        store = await actAs(store, { id: oneAgency.id, name: oneAgency.name });
        await measure(store, queries, `member of ${cases.filter((c) => c.agency === agency).length} cases (one agency)`, backend);
      } finally {
        await store.close();
        await opened.drop();
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));
