/**
 * Entity-resolution quality and speed: pairwise precision, recall and F1 against labelled person
 * records loaded through the arrest CSV mapping (../shared/testdata/er/fake_1000.csv, Splink's
 * benchmark data). Goal (issue 5): F1 ≥ 0.95 with precision ≥ 0.97.
 *
 *   npm run bench -- er [--threshold 0.9]             fake_1000, in memory
 *   npm run bench -- er --demo small|medium [--seed 7]  the demo world's arrest records, through the store
 *   npm run bench -- er --synthetic 1000000              speed on N generated person records (in memory)
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatByName } from '../src/ingest/index.ts';
import { normaliseIdentifier } from '../src/extract/index.ts';
import { generateWorld, loadWorld, type GroundTruth, type Scale } from '../src/demo/index.ts';
import { DEFAULT_THRESHOLD, resolve, runResolution, type PersonRecord } from '../src/resolve/index.ts';
import { listSubjects, migrateToLatest, openStore } from '../src/store/index.ts';
import { arg } from './lib/common.ts';

const FILE = fileURLToPath(new URL('../../shared/testdata/er/fake_1000.csv', import.meta.url));
const MAPPING = { kind: 'arrests', fields: { key: 'unique_id', first_name: 'first_name', last_name: 'surname', birth_date: 'dob', city: 'city', email: 'email' }, dateFormat: 'yyyy-MM-dd' } as const;

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
async function runDemo(scale: Scale, seed: number, threshold: number): Promise<void> {
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
      const { precision, recall, f1 } = score(predicted, actual);
      console.log(`\nEntity resolution — demo world ${scale} (seed ${seed}): ${arrestKeys.size} arrest records of ${truth.people.length} people, threshold ${threshold}\n`);
      console.log('| person records | candidate pairs | predicted pairs | true pairs | precision | recall | F1 | resolve time |');
      console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
      console.log(`| ${report.people} | ${report.candidatePairs} | ${predicted.size} | ${actual.size} | ${precision.toFixed(3)} | ${recall.toFixed(3)} | ${f1.toFixed(3)} | ${report.seconds} s |`);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** N person records: ~70 % unique people, the rest second records with a slip (typo, nickname, swapped date). */
function syntheticPeople(count: number): { records: PersonRecord[]; truth: Map<string, string[]> } {
  const syllables = ['an', 'bel', 'cor', 'dal', 'en', 'fra', 'gil', 'har', 'is', 'jon', 'kel', 'lor', 'mar', 'nor', 'ol', 'per', 'quin', 'ros', 'sal', 'tor', 'ul', 'val', 'wen', 'yor'];
  let state = 12345;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
  const word = (parts: number) => Array.from({ length: parts }, () => syllables[Math.floor(random() * syllables.length)]!).join('');
  const records: PersonRecord[] = [];
  const truth = new Map<string, string[]>();
  while (records.length < count) {
    const person = `p${truth.size}`;
    const base: PersonRecord = {
      id: `r${records.length}`,
      firstName: word(2),
      lastName: word(3),
      birthDate: `${1940 + Math.floor(random() * 70)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
      city: word(2),
      identifiers: random() < 0.5 ? [`email:${word(2)}${Math.floor(random() * 100)}@example.com`] : [],
    };
    records.push(base);
    truth.set(person, [base.id]);
    if (random() < 0.3 && records.length < count) {
      const twin = { ...base, id: `r${records.length}`, lastName: base.lastName!.slice(0, -1) + 'x' };
      records.push(twin);
      truth.get(person)!.push(twin.id);
    }
  }
  return { records, truth };
}

export async function run(args: string[]): Promise<void> {
  const threshold = Number(arg(args, '--threshold', String(DEFAULT_THRESHOLD)));
  const synthetic = Number(arg(args, '--synthetic', '0'));
  if (synthetic > 0) {
    const { records, truth } = syntheticPeople(synthetic);
    const started = performance.now();
    const result = resolve(records, { threshold });
    const seconds = (performance.now() - started) / 1000;
    const { precision, recall, f1 } = score(pairsOf(new Map(result.clusters.map((cluster, index) => [String(index), cluster]))), pairsOf(truth));
    console.log(`\nEntity resolution speed — ${records.length.toLocaleString('en')} generated person records, threshold ${threshold}, in memory\n`);
    console.log('| records | candidate pairs | precision | recall | F1 | time | peak RSS |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|');
    console.log(`| ${records.length.toLocaleString('en')} | ${result.pairs.length.toLocaleString('en')} | ${precision.toFixed(3)} | ${recall.toFixed(3)} | ${f1.toFixed(3)} | ${seconds.toFixed(1)} s | ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB |`);
    return;
  }
  const demo = arg(args, '--demo', '');
  if (demo) return runDemo(demo as Scale, Number(arg(args, '--seed', '7')), threshold);
  const records: PersonRecord[] = [];
  const truth = new Map<string, string[]>();
  for await (const item of formatByName('arrests-csv').parse({ path: FILE, open: () => createReadStream(FILE), options: { mapping: MAPPING } })) {
    if (item.type !== 'record') continue;
    const { record } = item;
    const email = record.identifiers?.find((identifier) => identifier.type === 'email');
    const normalised = email ? normaliseIdentifier('email', email.raw, {}) : null;
    records.push({
      id: record.key,
      firstName: record.person?.first_name,
      lastName: record.person?.last_name,
      birthDate: record.person?.birth_date,
      city: record.person?.city,
      identifiers: normalised ? [`email:${normalised.value}`] : [],
    });
    const cluster = String(record.props['cluster']);
    truth.set(cluster, [...(truth.get(cluster) ?? []), record.key]);
  }
  const started = performance.now();
  const result = resolve(records, { threshold });
  const seconds = (performance.now() - started) / 1000;
  const predicted = pairsOf(new Map(result.clusters.map((cluster, index) => [String(index), cluster])));
  const actual = pairsOf(truth);
  const { precision, recall, f1 } = score(predicted, actual);
  console.log(`\nEntity resolution — fake_1000 (${records.length} records, ${truth.size} true people), threshold ${threshold}\n`);
  console.log('| candidate pairs | predicted pairs | true pairs | precision | recall | F1 | clusters | time |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| ${result.pairs.length.toLocaleString('en')} | ${predicted.size.toLocaleString('en')} | ${actual.size.toLocaleString('en')} | ${precision.toFixed(3)} | ${recall.toFixed(3)} | ${f1.toFixed(3)} | ${result.clusters.length} | ${seconds.toFixed(2)} s |`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));
