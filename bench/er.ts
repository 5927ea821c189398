/**
 * Entity-resolution quality and speed: pairwise precision, recall and F1 against labelled person
 * records loaded through the arrest CSV mapping (../shared/testdata/er/fake_1000.csv, Splink's
 * benchmark data). Goal (issue 5): F1 ≥ 0.95 with precision ≥ 0.97.
 *
 *   npm run bench -- er [--threshold 0.9]
 */
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatByName } from '../src/ingest/index.ts';
import { normaliseIdentifier } from '../src/extract/index.ts';
import { DEFAULT_THRESHOLD, resolve, type PersonRecord } from '../src/resolve/index.ts';

const FILE = fileURLToPath(new URL('../../shared/testdata/er/fake_1000.csv', import.meta.url));
const MAPPING = { kind: 'arrests', fields: { key: 'unique_id', first_name: 'first_name', last_name: 'surname', birth_date: 'dob', city: 'city', email: 'email' }, dateFormat: 'yyyy-MM-dd' } as const;

function arg(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
}

function pairsOf(clusters: Map<string, string[]>): Set<string> {
  const pairs = new Set<string>();
  for (const members of clusters.values()) {
    const sorted = [...members].sort();
    for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < sorted.length; j++) pairs.add(`${sorted[i]}|${sorted[j]}`);
  }
  return pairs;
}

export async function run(args: string[]): Promise<void> {
  const threshold = Number(arg(args, '--threshold', String(DEFAULT_THRESHOLD)));
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
  let truePositives = 0;
  for (const pair of predicted) if (actual.has(pair)) truePositives++;
  const precision = truePositives / Math.max(1, predicted.size);
  const recall = truePositives / Math.max(1, actual.size);
  const f1 = (2 * precision * recall) / Math.max(1e-9, precision + recall);
  console.log(`\nEntity resolution — fake_1000 (${records.length} records, ${truth.size} true people), threshold ${threshold}\n`);
  console.log('| candidate pairs | predicted pairs | true pairs | precision | recall | F1 | clusters | time |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| ${result.pairs.length.toLocaleString('en')} | ${predicted.size.toLocaleString('en')} | ${actual.size.toLocaleString('en')} | ${precision.toFixed(3)} | ${recall.toFixed(3)} | ${f1.toFixed(3)} | ${result.clusters.length} | ${seconds.toFixed(2)} s |`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));
