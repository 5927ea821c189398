/**
 * Entity-resolution quality and speed: pairwise precision, recall and F1 against labelled person
 * records loaded through the arrest CSV mapping (../shared/testdata/er/fake_1000.csv, Splink's
 * benchmark data). Goal (issue 5): F1 ≥ 0.95 with precision ≥ 0.97.
 *
 *   npm run bench -- er [--threshold 0.9]             fake_1000, in memory
 *   npm run bench -- er --robustness [--no-demo]      the default threshold on many labelled sets no model was tuned on (worst precision)
 *   npm run bench -- er --holdout                       fake_1000: threshold chosen on half the people, scored on the other half
 *   npm run bench -- er --demo small|medium [--seed 7]  the demo world's arrest records, through the store
 *   npm run bench -- er --synthetic 1000000              speed on N generated person records (in memory)
 *   npm run bench -- er --synthetic 1000000 --store postgres|embedded   the same loaded into a fresh store: runResolution
 *                                                        timed end to end (full), then 1 % more people (incremental)
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { generateWorld, loadWorld, type GroundTruth, type Scale } from '../src/demo/index.ts';
import { clusterIds, DEFAULT_THRESHOLD, resolve, runResolution, type PersonRecord } from '../src/resolve/index.ts';
import { addAgency, findAgency, findCase, listSubjects, migrateToLatest, openCase, openStore, registerSource, type Store } from '../src/store/index.ts';
import { arg, openBenchStore } from './lib/common.ts';
import { halves, loadLabelledCsv, noisier, resample, without, type LabelledSet } from './lib/labelled.ts';
import { syntheticPeople } from './lib/people.ts';

const FILE = fileURLToPath(new URL('../../shared/testdata/er/fake_1000.csv', import.meta.url));

function pairsOf(clusters: Map<string, string[]>): Set<string> {
  const pairs = new Set<string>();
  for (const members of clusters.values()) {
    const sorted = [...members].sort();
    for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < sorted.length; j++) pairs.add(`${sorted[i]}|${sorted[j]}`);
  }
  return pairs;
}

function score(predicted: Set<string>, actual: Set<string>) {
  let truePositives = 0;
  for (const pair of predicted) if (actual.has(pair)) truePositives++;
  const precision = truePositives / Math.max(1, predicted.size);
  const recall = truePositives / Math.max(1, actual.size);
  return { precision, recall, f1: (2 * precision * recall) / Math.max(1e-9, precision + recall) };
}

/** The demo world through the whole pipeline: ingest, resolve in the store, score arrest records against the ground truth. */
async function scoreDemo(scale: Scale, seed: number, threshold: number) {
  const scratch = mkdtempSync(join(tmpdir(), 'crosslink-bench-er-'));
  try {
    await generateWorld({ seed, scale, out: join(scratch, 'world') });
    const truth = JSON.parse(readFileSync(join(scratch, 'world', 'ground-truth.json'), 'utf8')) as GroundTruth;
    const store = await openStore('memory://');
    try {
      await migrateToLatest(store.db);
      await loadWorld(store, join(scratch, 'world'), { actor: 'bench', secret: Buffer.alloc(32, 7) });
      const report = await runResolution(store, { threshold, actor: 'bench' });
      const subjects = await listSubjects(store.db);
      // Arrest rows are the person records with a key; card holders (known only by a card) are left out.
      const arrestKeys = new Set(truth.people.flatMap((person) => person.records.filter((key) => key.startsWith('AR-'))));
      const predicted = pairsOf(new Map(subjects.map((subject) => [subject.id, subject.members.map((member) => member.key).filter((key) => arrestKeys.has(key))])));
      const actual = pairsOf(new Map(truth.people.map((person) => [person.id, person.records.filter((key) => arrestKeys.has(key))])));
      return { report, records: arrestKeys.size, people: truth.people.length, predicted: predicted.size, actual: actual.size, ...score(predicted, actual) };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function runDemo(scale: Scale, seed: number, threshold: number): Promise<void> {
  const { report, records, people, predicted, actual, precision, recall, f1 } = await scoreDemo(scale, seed, threshold);
  console.log(`\nEntity resolution — demo world ${scale} (seed ${seed}): ${records} arrest records of ${people} people, threshold ${threshold}\n`);
  console.log('| person records | candidate pairs | predicted pairs | true pairs | precision | recall | F1 | resolve time |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| ${report.people} | ${report.candidatePairs} | ${predicted} | ${actual} | ${precision.toFixed(3)} | ${recall.toFixed(3)} | ${f1.toFixed(3)} | ${report.seconds} s |`);
}

/** Loads generated people as person entities (with their e-mail identifiers) straight into the store: fixture setup, not timed. */
async function loadSyntheticPeople(store: Store, records: readonly PersonRecord[], batch: string): Promise<void> {
  const agency = (await findAgency(store.db, 'Bench Unit')) ?? (await addAgency(store.db, { name: 'Bench Unit', country: 'GB' }));
  const scope = (await findCase(store.db, 'ER-BENCH')) ?? (await openCase(store.db, { ref: 'ER-BENCH', agency: agency.name }));
  const { source } = await registerSource(store.db, { agencyId: agency.id, caseId: scope.id }, {
    sha256: createHash('sha256').update(batch).digest('hex'),
    bytes: 0,
    originalName: `synthetic-people-${batch}.csv`,
    format: 'arrests-csv',
    ingestedBy: 'bench',
  });
  const text = (value: string | undefined) => (value === undefined ? '\\N' : value.replace(/[\\\t\n]/g, ' '));
  const lines = records.map((r) => [r.id, text(r.firstName), text(r.lastName), text(r.birthDate), text(r.city), text(r.identifiers[0]?.slice('email:'.length))].join('\t') + '\n');
  const statements = [
    `CREATE TEMP TABLE bench_people (key text, first_name text, last_name text, birth_date text, city text, email text)`,
    `COPY bench_people FROM ${store.driver.kind === 'postgres' ? 'STDIN' : "'/dev/blob'"}`,
    `INSERT INTO entities (agency_id, case_id, kind, key, label, props, source_id)
     SELECT ${agency.id}, ${scope.id}, 'person', 'record:' || key, concat_ws(' ', first_name, last_name),
            jsonb_strip_nulls(jsonb_build_object('first_name', first_name, 'last_name', last_name, 'full_name', concat_ws(' ', first_name, last_name), 'birth_date', birth_date, 'city', city)), ${source.id}
     FROM bench_people`,
    `INSERT INTO identifiers (type, value) SELECT DISTINCT 'email', email FROM bench_people WHERE email IS NOT NULL ON CONFLICT DO NOTHING`,
    `INSERT INTO mentions (agency_id, case_id, identifier_id, entity_id, source_id, role)
     SELECT ${agency.id}, ${scope.id}, i.id, e.id, ${source.id}, 'person'
     FROM bench_people p JOIN identifiers i ON i.type = 'email' AND i.value = p.email
     JOIN entities e ON e.case_id = ${scope.id} AND e.kind = 'person' AND e.key = 'record:' || p.key AND e.supersedes IS NULL`,
    `DROP TABLE bench_people`,
    `ANALYZE`,
  ];
  if (store.driver.kind === 'postgres') {
    const client = await store.driver.pool.connect();
    try {
      await client.query(statements[0]!);
      await pipeline(Readable.from(lines), client.query(copyFrom(statements[1]!)));
      for (const statement of statements.slice(2)) await client.query(statement);
    } finally {
      client.release();
    }
  } else {
    const { pglite } = store.driver;
    await pglite.query(statements[0]!);
    await pglite.query(statements[1]!, [], { blob: new Blob(lines) });
    for (const statement of statements.slice(2)) await pglite.query(statement);
  }
}

/** Pairwise scores of the subjects in the store against the generated truth. */
async function scoreStore(store: Store, truth: Map<string, string[]>) {
  const rows = await sql<{ subject_id: string; key: string }>`SELECT sm.subject_id, e.key FROM subject_members sm JOIN entities e ON e.id = sm.entity_id`.execute(store.db);
  const clusters = new Map<string, string[]>();
  for (const row of rows.rows) {
    const key = row.key.replace(/^record:/, '');
    const list = clusters.get(row.subject_id);
    if (list) list.push(key);
    else clusters.set(row.subject_id, [key]);
  }
  return score(pairsOf(clusters), pairsOf(truth));
}

/** Speed of runResolution over the store: N generated people loaded (not timed), a full run timed end to end, then 1 % more people and an incremental run. */
async function runSyntheticStore(count: number, backend: 'embedded' | 'postgres', threshold: number): Promise<void> {
  const extra = Math.max(1, Math.round(count / 100));
  const { records, truth } = syntheticPeople(count + extra);
  const scratch = mkdtempSync(join(tmpdir(), 'crosslink-bench-er-'));
  const { store, drop } = await openBenchStore(backend, scratch, 'er');
  try {
    await migrateToLatest(store.db);
    let started = performance.now();
    await loadSyntheticPeople(store, records.slice(0, count), 'first');
    const loadSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    let cpu = process.cpuUsage();
    const full = await runResolution(store, { threshold, actor: 'bench', full: true });
    const fullSeconds = (performance.now() - started) / 1000;
    const fullCpu = (process.cpuUsage().user + process.cpuUsage().system - cpu.user - cpu.system) / 1e6;
    const fullLoad = loadavg()[0]!;
    const fullRss = process.resourceUsage().maxRSS / 1024;
    const firstTruth = new Map([...truth].map(([person, ids]) => [person, ids.filter((id) => Number(id.slice(1)) < count)]));
    const fullScore = await scoreStore(store, firstTruth);
    await loadSyntheticPeople(store, records.slice(count), 'more');
    started = performance.now();
    cpu = process.cpuUsage();
    const incremental = await runResolution(store, { threshold, actor: 'bench' });
    const incrementalSeconds = (performance.now() - started) / 1000;
    const incrementalCpu = (process.cpuUsage().user + process.cpuUsage().system - cpu.user - cpu.system) / 1e6;
    const incrementalScore = await scoreStore(store, truth);
    console.log(`\nMachine load (1-minute average) when the full run ended: ${fullLoad.toFixed(1)} on 2 cores`);
    console.log(`\nEntity resolution in the store (${backend === 'postgres' ? 'PostgreSQL' : 'embedded PGlite'}) — ${count.toLocaleString('en')} generated person entities (loaded in ${loadSeconds.toFixed(1)} s, not timed), threshold ${threshold}\n`);
    console.log('| run | people | resolved | candidate pairs | subjects | precision | recall | F1 | time (load + resolve + write) | Node CPU | peak RSS |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const [report, seconds, result, rss, cpuSeconds] of [
      [full, fullSeconds, fullScore, fullRss, fullCpu],
      [incremental, incrementalSeconds, incrementalScore, process.resourceUsage().maxRSS / 1024, incrementalCpu],
    ] as const) {
      console.log(
        `| ${report.mode} | ${report.people.toLocaleString('en')} | ${report.resolved.toLocaleString('en')} | ${report.candidatePairs.toLocaleString('en')} | ${report.subjects.toLocaleString('en')} | ${result.precision.toFixed(3)} | ${result.recall.toFixed(3)} | ${result.f1.toFixed(3)} | ${seconds.toFixed(1)} s (${report.phases.load} + ${report.phases.resolve} + ${report.phases.write}) | ${cpuSeconds.toFixed(1)} s | ${Math.round(rss)} MiB |`,
      );
    }
  } finally {
    await store.close();
    await drop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const threshold = Number(arg(args, '--threshold', String(DEFAULT_THRESHOLD)));
  const synthetic = Number(arg(args, '--synthetic', '0'));
  const backend = arg(args, '--store', '');
  if (synthetic > 0 && backend) {
    if (backend !== 'postgres' && backend !== 'embedded') throw new Error(`--store ${backend}: expected postgres or embedded`);
    return runSyntheticStore(synthetic, backend, threshold);
  }
  if (synthetic > 0) {
    const { records, truth } = syntheticPeople(synthetic);
    const started = performance.now();
    const result = resolve(records, { threshold });
    const seconds = (performance.now() - started) / 1000;
    const { precision, recall, f1 } = score(pairsOf(new Map(clusterIds(result).map((cluster, index) => [String(index), cluster]))), pairsOf(truth));
    console.log(`\nEntity resolution speed — ${records.length.toLocaleString('en')} generated person records, threshold ${threshold}, in memory\n`);
    console.log('| records | candidate pairs | precision | recall | F1 | time | peak RSS |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|');
    console.log(`| ${records.length.toLocaleString('en')} | ${result.pairs.count.toLocaleString('en')} | ${precision.toFixed(3)} | ${recall.toFixed(3)} | ${f1.toFixed(3)} | ${seconds.toFixed(1)} s | ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB |`);
    return;
  }
  const demo = arg(args, '--demo', '');
  if (demo) return runDemo(demo as Scale, Number(arg(args, '--seed', '7')), threshold);
  const { records, truth } = await loadLabelledCsv('fake_1000', FILE);
  if (args.includes('--robustness')) return robustness({ name: 'fake_1000', records, truth }, threshold, !args.includes('--no-demo'));
  if (args.includes('--holdout')) return holdout(records, truth);
  const started = performance.now();
  const result = resolve(records, { threshold });
  const seconds = (performance.now() - started) / 1000;
  const predicted = pairsOf(new Map(clusterIds(result).map((cluster, index) => [String(index), cluster])));
  const actual = pairsOf(truth);
  const { precision, recall, f1 } = score(predicted, actual);
  console.log(`\nEntity resolution — fake_1000 (${records.length} records, ${truth.size} true people), threshold ${threshold}\n`);
  console.log('| candidate pairs | predicted pairs | true pairs | precision | recall | F1 | clusters | time |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| ${result.pairs.count.toLocaleString('en')} | ${predicted.size.toLocaleString('en')} | ${actual.size.toLocaleString('en')} | ${precision.toFixed(3)} | ${recall.toFixed(3)} | ${f1.toFixed(3)} | ${clusterIds(result).length} | ${seconds.toFixed(2)} s |`,
  );
}

/**
 * Robustness to labelled data not looked at: fake_1000's people split in two halves (every
 * record of a person in the same half). The threshold is chosen on one half (highest F1 with
 * precision ≥ 0.97) and the other half is scored at it; each half's model is estimated by EM on
 * that half alone, as on any new data set. Both ways round.
 */
function holdout(records: PersonRecord[], truth: Map<string, string[]>): void {
  const people = [...truth.keys()].sort((a, b) => Number(a) - Number(b));
  const halves = [0, 1].map((half) => {
    const ids = new Set(people.filter((_, index) => index % 2 === half).flatMap((person) => truth.get(person)!));
    return { records: records.filter((record) => ids.has(record.id)), truth: new Map([...truth].filter(([, members]) => ids.has(members[0]!))) };
  });
  const thresholds = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99];
  const at = (half: (typeof halves)[number], threshold: number) => {
    const result = resolve(half.records, { threshold });
    return score(pairsOf(new Map(clusterIds(result).map((cluster, index) => [String(index), cluster]))), pairsOf(half.truth));
  };
  console.log(`\nEntity resolution — fake_1000 held out: threshold chosen on one half of the people, scored on the other\n`);
  console.log('| chosen on | records | threshold chosen | its F1 there | scored on | records | precision | recall | F1 |');
  console.log('|---|---:|---:|---:|---|---:|---:|---:|---:|');
  for (const [train, test] of [[0, 1], [1, 0]] as const) {
    let best = { threshold: DEFAULT_THRESHOLD, f1: -1 };
    for (const threshold of thresholds) {
      const result = at(halves[train]!, threshold);
      if (result.precision >= 0.97 && result.f1 > best.f1) best = { threshold, f1: result.f1 };
    }
    const result = at(halves[test]!, best.threshold);
    const name = (half: number) => (half === 0 ? 'A (even people)' : 'B (odd people)');
    console.log(
      `| ${name(train)} | ${halves[train]!.records.length} | ${best.threshold} | ${best.f1.toFixed(3)} | ${name(test)} | ${halves[test]!.records.length} | ${result.precision.toFixed(3)} | ${result.recall.toFixed(3)} | ${result.f1.toFixed(3)} |`,
    );
  }
  for (const half of [0, 1]) {
    const result = at(halves[half]!, DEFAULT_THRESHOLD);
    console.log(
      `| (none: the default) | | ${DEFAULT_THRESHOLD} | | ${half === 0 ? 'A (even people)' : 'B (odd people)'} | ${halves[half]!.records.length} | ${result.precision.toFixed(3)} | ${result.recall.toFixed(3)} | ${result.f1.toFixed(3)} |`,
    );
  }
}

/** Scores of resolving a labelled set in memory, estimating the model on it alone. */
function scoreSet(set: LabelledSet, threshold: number) {
  const result = resolve(set.records, { threshold });
  const predicted = pairsOf(new Map(clusterIds(result).map((cluster, index) => [String(index), cluster])));
  const actual = pairsOf(set.truth);
  return { records: set.records.length, people: set.truth.size, predicted: predicted.size, actual: actual.size, ...score(predicted, actual) };
}

/** The labelled sets of the sweep: fake_1000, its halves, resamples of 200–800 records, a column missing, heavier noise; generated people. */
export function robustnessSets(fake: LabelledSet): LabelledSet[] {
  const sets = [fake, ...halves(fake)];
  for (const size of [200, 400, 600, 800]) for (const seed of [1, 2, 3]) sets.push(resample(fake, size, seed));
  sets.push(without(fake, 'identifiers'), without(fake, 'city'), without(without(fake, 'identifiers'), 'city'), ...halves(without(fake, 'identifiers')));
  for (const seed of [1, 2]) sets.push(noisier(fake, 0.15, seed), noisier(resample(fake, 500, seed + 10), 0.3, seed));
  for (const seed of [12345, 777]) {
    const { records, truth } = syntheticPeople(10_000, seed);
    sets.push({ name: `generated people 10,000 (seed ${seed})`, records, truth });
  }
  const small = syntheticPeople(1_000, 99);
  sets.push({ name: 'generated people 1,000 (seed 99)', records: small.records, truth: small.truth });
  return sets;
}

/**
 * Robustness at one threshold (the default unless --threshold): every set's model is estimated
 * on that set alone, as on any new data, and nothing is tuned per set. The goal is the worst
 * precision ≥ 0.97 with F1 ≥ 0.95 on fake_1000 and the demo worlds.
 */
async function robustness(fake: LabelledSet, threshold: number, demo: boolean): Promise<void> {
  console.log(`\nEntity resolution — robustness at threshold ${threshold}: each set resolved with a model estimated on it alone\n`);
  console.log('| labelled set | records | people | true pairs | predicted pairs | precision | recall | F1 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const rows: { name: string; precision: number; f1: number }[] = [];
  const print = (name: string, result: { records: number; people: number; actual: number; predicted: number; precision: number; recall: number; f1: number }) => {
    rows.push({ name, precision: result.precision, f1: result.f1 });
    console.log(`| ${name} | ${result.records.toLocaleString('en')} | ${result.people.toLocaleString('en')} | ${result.actual.toLocaleString('en')} | ${result.predicted.toLocaleString('en')} | ${result.precision.toFixed(3)} | ${result.recall.toFixed(3)} | ${result.f1.toFixed(3)} |`);
  };
  for (const set of robustnessSets(fake)) print(set.name, scoreSet(set, threshold));
  if (demo) for (const [scale, seed] of [['small', 7], ['small', 11], ['medium', 7]] as const) print(`demo world ${scale} (seed ${seed}), in the store`, await scoreDemo(scale, seed, threshold));
  const worst = rows.reduce((low, row) => (row.precision < low.precision ? row : low));
  const lowestF1 = rows.reduce((low, row) => (row.f1 < low.f1 ? row : low));
  console.log(`\nWorst precision ${worst.precision.toFixed(3)} (${worst.name}); lowest F1 ${lowestF1.f1.toFixed(3)} (${lowestF1.name}).`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));
