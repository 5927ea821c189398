/**
 * PDQ (issue 6): hashing throughput and exact matching speed, with the C/C++ reference figures
 * (measured elsewhere on this machine kind) printed beside ours.
 *
 *   npm run bench -- media [--only hash|match] [--count 1000] [--seed 6] [--rounds 3] [--threads N]
 *                          [--stored 1000000] [--queries 10000] [--brute 200] [--brute-dihedral 25]
 *
 * (a) Hashing, one process: the 26 PDQ reference images and `--count` generated 1–2 MP JPEGs
 *     (gradients, shapes and noise; cached in the temp folder per seed and count). Sequential
 *     (decode, then hash), pipelined (the next decode on sharp's thread while this one hashes) and
 *     on every core (a worker thread per core, `--threads`). Beside them, the C++ tool's recorded
 *     rate and its decode step (ImageMagick `convert FILE pnm:-`) timed here, when installed.
 * (b) Matching: `--queries` random query hashes against `--stored` stored ones, with near neighbours
 *     planted at known distances (and some planted as rotated/mirrored copies, found only by the
 *     dihedral queries); index build and query times, and recall against brute force on the first
 *     `--brute` queries (`--brute-dihedral` for the 8-variant queries).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeForPdq, pdqFromFile, pdqFromFiles } from '../src/media/pdq/decode.ts';
import { PdqWorkerPool, pdqFromFilesOnThreads } from '../src/media/pdq/worker-pool.ts';
import { PDQ_WORDS } from '../src/media/pdq/hamming.ts';
import { approximateDihedralWords, PDQ_DIHEDRAL_NAMES, pdqFromPixels } from '../src/media/pdq/hash.ts';
import { bruteForceMatches, PdqIndex } from '../src/media/pdq/index-mih.ts';
import { arg } from './lib/common.ts';

const REFERENCE_IMAGES = new URL('../../shared/testdata/pdq/images/', import.meta.url).pathname;

/** Figures measured with the reference tools on this machine kind (not re-run here). */
const PEERS = {
  cppReferenceSet: 40, // pdq-photo-hasher, images/s on the reference set (512×512 pre-resize, flavour A)
  cppBridge: 20, // images/s on a 1600×1004 JPEG
  cppCore: 342, // images/s, hashing core alone (decoded pixels in)
  cBrute10kx1M: 10, // s, brute force 10,000 × 1,000,000
  cppMih1kx100kDihedral: 2.6, // s, reference multi-index matcher, 1,000 × 100,000 with 8 dihedral queries
};

function xorshift(seed: number): () => number {
  let state = (seed >>> 0) || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

const seconds = (start: number) => (performance.now() - start) / 1000;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (value: number, digits = 1) => value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

// ---------------------------------------------------------------- (a) hashing

/** A benign synthetic photo-sized picture: a gradient, filled shapes and sensor-like noise. */
function syntheticPicture(seed: number): { pixels: Buffer; width: number; height: number; quality: number } {
  const next = xorshift(seed * 2654435761 + 1);
  const unit = () => next() / 4294967296;
  const width = 1000 + Math.floor(unit() * 700);
  const height = Math.max(600, Math.min(2000, Math.round((1_000_000 + unit() * 1_000_000) / width)));
  const pixels = Buffer.alloc(width * height * 3);
  const from = [unit() * 255, unit() * 255, unit() * 255];
  const to = [unit() * 255, unit() * 255, unit() * 255];
  const angle = unit() * Math.PI * 2;
  const dx = Math.cos(angle) / width;
  const dy = Math.sin(angle) / height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + x * dx + y * dy));
      const p = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) pixels[p + c] = from[c]! + (to[c]! - from[c]!) * t;
    }
  }
  const shapes = 6 + Math.floor(unit() * 14);
  for (let s = 0; s < shapes; s++) {
    const colour = [unit() * 255, unit() * 255, unit() * 255];
    const cx = unit() * width;
    const cy = unit() * height;
    const r = 30 + unit() * Math.min(width, height) * 0.3;
    const round = unit() < 0.5;
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(height, cy + r); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(width, cx + r); x++) {
        if (round && (x - cx) ** 2 + (y - cy) ** 2 > r * r) continue;
        const p = (y * width + x) * 3;
        for (let c = 0; c < 3; c++) pixels[p + c] = colour[c]!;
      }
    }
  }
  const noise = 2 + Math.floor(unit() * 20);
  for (let p = 0; p < pixels.length; p++) pixels[p] = Math.max(0, Math.min(255, pixels[p]! + ((next() % (2 * noise + 1)) - noise)));
  return { pixels, width, height, quality: 75 + Math.floor(unit() * 20) };
}

async function generatedJpegs(count: number, seed: number): Promise<string[]> {
  const dir = join(tmpdir(), `crosslink-bench-media-${seed}-${count}`);
  const names = Array.from({ length: count }, (_, i) => join(dir, `synthetic-${String(i).padStart(5, '0')}.jpg`));
  if (existsSync(join(dir, 'complete'))) return names;
  mkdirSync(dir, { recursive: true });
  const start = performance.now();
  let megapixels = 0;
  for (let i = 0; i < count; i++) {
    const { pixels, width, height, quality } = syntheticPicture(seed * 1_000_003 + i);
    megapixels += (width * height) / 1e6;
    await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toFile(names[i]!);
    if (i % 100 === 99) process.stderr.write(`generated ${i + 1}/${count} JPEGs…\n`);
  }
  writeFileSync(join(dir, 'complete'), `${count}\n`);
  process.stderr.write(`generated ${count} JPEGs (${fmt(megapixels / count, 2)} MP mean) in ${fmt(seconds(start))} s into ${dir}\n`);
  return names;
}

interface HashRates {
  sequential: number;
  pipelined: number;
  /** Every core: a worker thread per core, each decoding and hashing whole files. */
  threaded: number;
  decodeMs: number;
  decodeCpuMs: number;
  coreMs: number;
  coreCpuMs: number;
  megapixels: number;
}

/** Row of the hashing table: ours three ways, the recorded peer, and the peer's own decode step timed here. */
function hashRow(name: string, count: number, r: HashRates, peer: number, magick: number | undefined): string {
  const bound = magick === undefined ? 'not run' : `${fmt(magick)} (ours ${fmt(r.threaded / magick, 2)}×)`;
  return `| ${name} | ${count} | ${fmt(r.megapixels, 2)} | ${fmt(r.sequential)} | ${fmt(r.pipelined)} | **${fmt(r.threaded)}** | ${fmt(r.decodeCpuMs)} | ${fmt(r.coreCpuMs)} | ${peer} (ours ${fmt(r.threaded / peer, 2)}×) | ${bound} |`;
}

/** Debian's ImageMagick 6 (the C++ reference tool decodes with `convert FILE pnm:-`), when installed. */
function findImageMagick(): string | undefined {
  for (const candidate of ['/usr/bin/convert-im6.q16', '/usr/bin/convert']) {
    const run = spawnSync(candidate, ['-version'], { encoding: 'utf8' });
    if (run.status === 0 && run.stdout.includes('ImageMagick')) return candidate;
  }
  return undefined;
}

/**
 * The C++ tool's first step alone, on this machine in this run: `convert FILE pnm:-` per file, as
 * its CImg loader runs it. The tool then resizes and hashes too, so its rate is at most this.
 */
function imageMagickRate(convert: string | undefined, files: string[]): number | undefined {
  if (!convert) return undefined;
  const start = performance.now();
  for (const file of files) {
    const run = spawnSync(convert, [file, 'pnm:-'], { maxBuffer: 1 << 28 });
    if (run.status !== 0) throw new Error(`${convert} ${file}: ${run.stderr.toString().trim()}`);
  }
  return files.length / seconds(start);
}

async function hashRates(files: string[], rounds: number, pool: PdqWorkerPool): Promise<HashRates> {
  const sequential: number[] = [];
  const pipelined: number[] = [];
  const threaded: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    for (const file of files) await pdqFromFile(file);
    sequential.push(files.length / seconds(start));
    start = performance.now();
    for await (const item of pdqFromFiles(files)) if (!item.ok) throw item.error;
    pipelined.push(files.length / seconds(start));
    start = performance.now();
    for await (const item of pdqFromFilesOnThreads(files, { pool })) if (!item.ok) throw item.error;
    threaded.push(files.length / seconds(start));
  }
  // Decode and core separately, on a sample (decoded pixels of all files would not fit in memory),
  // in wall and CPU time: on a shared machine CPU time shows what an idle one would do.
  const sample = files.slice(0, Math.min(files.length, 60));
  let decode = 0;
  let decodeCpu = 0;
  let core = 0;
  let coreCpu = 0;
  let megapixels = 0;
  for (const file of sample) {
    let start = performance.now();
    let cpu = process.cpuUsage();
    const { pixels, width, height, channels } = await decodeForPdq(file);
    decode += performance.now() - start;
    decodeCpu += cpuMs(cpu);
    megapixels += (width * height) / 1e6;
    const coreRuns: number[] = [];
    const coreCpuRuns: number[] = [];
    for (let round = 0; round < rounds; round++) {
      start = performance.now();
      cpu = process.cpuUsage();
      pdqFromPixels(pixels, width, height, channels);
      coreRuns.push(performance.now() - start);
      coreCpuRuns.push(cpuMs(cpu));
    }
    core += median(coreRuns);
    coreCpu += median(coreCpuRuns);
  }
  const n = sample.length;
  return { sequential: median(sequential), pipelined: median(pipelined), threaded: median(threaded), decodeMs: decode / n, decodeCpuMs: decodeCpu / n, coreMs: core / n, coreCpuMs: coreCpu / n, megapixels: megapixels / n };
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function benchHashing(args: string[]): Promise<void> {
  const count = Number(arg(args, '--count', '1000'));
  const seed = Number(arg(args, '--seed', '6'));
  const rounds = Number(arg(args, '--rounds', '3'));
  const threads = Number(arg(args, '--threads', String(availableParallelism())));
  const convert = findImageMagick();
  const reference = readdirSync(REFERENCE_IMAGES).sort().map((name) => REFERENCE_IMAGES + name);
  const generated = await generatedJpegs(count, seed);
  // Warm up the JIT and sharp before timing, and start the worker threads once (about a second,
  // paid once per process: ingest and `crosslink hash` keep one pool for a whole batch).
  for (const file of reference) await pdqFromFile(file);
  const poolStart = performance.now();
  const pool = new PdqWorkerPool(threads);
  for await (const item of pdqFromFilesOnThreads(reference, { pool })) if (!item.ok) throw item.error;
  process.stderr.write(`started ${threads} hashing threads and hashed the reference set once in ${fmt(seconds(poolStart), 2)} s\n`);
  console.log(`\nPDQ hashing, one process (Node ${process.version}, sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}), median of ${rounds} rounds\n`);
  console.log(`| set | images | mean MP | sequential img/s | pipelined img/s | ${threads} threads img/s | decode ms CPU | hash core ms CPU | C++ tool img/s (recorded) | ImageMagick decode alone, here img/s (bound on the C++ tool) |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, files, peer] of [
    ['PDQ reference images', reference, PEERS.cppReferenceSet],
    [`generated JPEGs (seed ${seed})`, generated, PEERS.cppBridge],
  ] as const) {
    console.log(hashRow(name, files.length, await hashRates(files, rounds, pool), peer, imageMagickRate(convert, files.slice(0, 100))));
  }
  const bridge = REFERENCE_IMAGES + 'bridge-1-original.jpg';
  const bridges = Array(30).fill(bridge) as string[];
  console.log(hashRow('bridge-1-original.jpg ×30 (1600×1004)', 30, await hashRates(bridges, rounds, pool), PEERS.cppBridge, imageMagickRate(convert, bridges)));
  // The C++ core figure is for 512×512 input (its CLI resizes first): time ours on the same size.
  const square = await decodeForPdq(REFERENCE_IMAGES + 'square-512x512.jpg');
  const squareRuns: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let i = 0; i < 50; i++) pdqFromPixels(square.pixels, square.width, square.height, square.channels);
    squareRuns.push((performance.now() - start) / 50);
  }
  console.log(`\nHash core on 512×512 pixels (square-512x512.jpg, decoded once): ${fmt(median(squareRuns), 2)} ms/img = ${fmt(1000 / median(squareRuns), 0)} img/s (C++ core alone: ${PEERS.cppCore} img/s, ratio ${fmt(1000 / median(squareRuns) / PEERS.cppCore, 2)}).`);
  console.log(`\nPeers (C++ pdq-photo-hasher, measured elsewhere on this machine kind; flavour A pre-resizes to 512×512): reference set ${PEERS.cppReferenceSet} img/s, 1600×1004 JPEG ${PEERS.cppBridge} img/s, core alone ${PEERS.cppCore} img/s.`);
  await pool.close();
}

// ---------------------------------------------------------------- (b) matching

function flipBits(words: Uint32Array, offset: number, distance: number, next: () => number): void {
  const bits = new Set<number>();
  while (bits.size < distance) bits.add(next() & 255);
  for (const k of bits) words[offset + (k >> 5)]! ^= 1 << (k & 31);
}

/** Wall and CPU seconds since the call (CPU: this process, all threads). */
function startClock(): () => { wall: number; cpu: number; text: string } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    const result = { wall: (performance.now() - wall) / 1000, cpu: (used.user + used.system) / 1e6 };
    return { ...result, text: `${fmt(result.wall, 2)} s wall, ${fmt(result.cpu, 2)} s CPU` };
  };
}

function perQuery(batch: { starts: Uint32Array; id: Uint32Array; distance: Uint16Array }, queries: number): { id: number; distance: number }[][] {
  return Array.from({ length: queries }, (_, q) => {
    const list = [];
    for (let m = batch.starts[q]!; m < batch.starts[q + 1]!; m++) list.push({ id: batch.id[m]!, distance: batch.distance[m]! });
    return list;
  });
}

function sameMatches(a: { id: number; distance: number }[], b: { id: number; distance: number }[]): { found: number; missed: number; extra: number } {
  const key = (m: { id: number; distance: number }) => `${m.id}:${m.distance}`;
  const inA = new Set(a.map(key));
  const inB = new Set(b.map(key));
  return { found: b.filter((m) => inA.has(key(m))).length, missed: b.filter((m) => !inA.has(key(m))).length, extra: a.filter((m) => !inB.has(key(m))).length };
}

async function benchMatching(args: string[]): Promise<void> {
  const storedCount = Number(arg(args, '--stored', '1000000'));
  const queryCount = Number(arg(args, '--queries', '10000'));
  const bruteCount = Math.min(queryCount, Number(arg(args, '--brute', '200')));
  const bruteDihedralCount = Math.min(queryCount, Number(arg(args, '--brute-dihedral', '25')));
  const seed = Number(arg(args, '--seed', '6'));
  const next = xorshift(seed);
  const stored = new Uint32Array(storedCount * PDQ_WORDS);
  for (let i = 0; i < stored.length; i++) stored[i] = next();
  const queries = new Uint32Array(queryCount * PDQ_WORDS);
  for (let i = 0; i < queries.length; i++) queries[i] = next();
  // Plant neighbours at known distances over random slots: for query i, one at i % 41 bits and, for
  // even i, one at 28–31 bits; for every 5th query, a mirrored copy (approximate flipy variant) within
  // 0–20 bits that only a dihedral query can find.
  const planted: { query: number; slot: number; distance: number; dihedral: boolean }[] = [];
  const usedSlots = new Set<number>();
  const plant = (query: number, source: Uint32Array, sourceOffset: number, distance: number, dihedral: boolean) => {
    let slot: number;
    do slot = next() % storedCount;
    while (usedSlots.has(slot));
    usedSlots.add(slot);
    stored.set(source.subarray(sourceOffset, sourceOffset + PDQ_WORDS), slot * PDQ_WORDS);
    flipBits(stored, slot * PDQ_WORDS, distance, next);
    planted.push({ query, slot, distance, dihedral });
  };
  for (let q = 0; q < queryCount && usedSlots.size < storedCount / 2; q++) {
    plant(q, queries, q * PDQ_WORDS, q % 41, false);
    if (q % 2 === 0) plant(q, queries, q * PDQ_WORDS, 28 + (q % 4), false);
    if (q % 5 === 0) plant(q, approximateDihedralWords(queries, q * PDQ_WORDS).flipy, 0, q % 21, true);
  }

  console.log(`\nPDQ matching: ${fmt(queryCount, 0)} queries × ${fmt(storedCount, 0)} stored hashes, threshold 31, ${fmt(planted.length, 0)} planted neighbours (Node ${process.version})\n`);
  let clock = startClock();
  const index = PdqIndex.fromWords(stored);
  const build = clock();
  console.log(`index build: ${build.text}, ${fmt(index.memoryBytes / 2 ** 20, 0)} MiB in typed arrays`);

  // Warm the JIT on a few queries first.
  index.queryBatch(queries.subarray(0, Math.min(200, queryCount) * PDQ_WORDS));
  clock = startClock();
  const plainBatch = index.queryBatch(queries);
  const query = clock();
  const plain = perQuery(plainBatch, queryCount);

  clock = startClock();
  const allVariants = new Uint32Array(queryCount * 8 * PDQ_WORDS);
  for (let q = 0; q < queryCount; q++) {
    const variants = approximateDihedralWords(queries, q * PDQ_WORDS);
    PDQ_DIHEDRAL_NAMES.forEach((name, v) => allVariants.set(variants[name], (q * 8 + v) * PDQ_WORDS));
  }
  const making = clock();
  clock = startClock();
  const dihedralBatch = index.queryBatch(allVariants, { variants: 8 });
  const dihedralTime = clock();
  const dihedral = perQuery(dihedralBatch, queryCount);

  // One query at a time (interactive use), on a sample.
  const singles = Math.min(queryCount, 1000);
  clock = startClock();
  for (let q = 0; q < singles; q++) index.queryWords(queries.subarray(q * PDQ_WORDS, (q + 1) * PDQ_WORDS));
  const single = clock();

  // Plain 16 × 16-bit multi-index hashing (no word filter), for comparison, on a tenth of the queries.
  const unfilteredQueries = Math.max(1, Math.floor(queryCount / 10));
  const unfiltered = PdqIndex.fromWords(stored, { wordFilter: false });
  clock = startClock();
  unfiltered.queryBatch(queries.subarray(0, unfilteredQueries * PDQ_WORDS));
  const unfilteredTime = clock();
  const scale = queryCount / unfilteredQueries;

  // Recall against brute force, and against the planted ground truth.
  let start = performance.now();
  let bruteTotals = { found: 0, missed: 0, extra: 0 };
  for (let q = 0; q < bruteCount; q++) {
    const r = sameMatches(plain[q]!, bruteForceMatches(stored, queries.subarray(q * PDQ_WORDS, (q + 1) * PDQ_WORDS)));
    bruteTotals = { found: bruteTotals.found + r.found, missed: bruteTotals.missed + r.missed, extra: bruteTotals.extra + r.extra };
  }
  const bruteSeconds = seconds(start);
  start = performance.now();
  let bruteDihedralTotals = { found: 0, missed: 0, extra: 0 };
  for (let q = 0; q < bruteDihedralCount; q++) {
    const r = sameMatches(dihedral[q]!, bruteForceMatches(stored, allVariants.subarray(q * 8 * PDQ_WORDS, (q + 1) * 8 * PDQ_WORDS)));
    bruteDihedralTotals = { found: bruteDihedralTotals.found + r.found, missed: bruteDihedralTotals.missed + r.missed, extra: bruteDihedralTotals.extra + r.extra };
  }
  const bruteDihedralSeconds = seconds(start);
  const plantedWithin = planted.filter((p) => !p.dihedral && p.distance <= 31);
  const plantedFound = plantedWithin.filter((p) => plain[p.query]!.some((m) => m.id === p.slot)).length;
  const mirrored = planted.filter((p) => p.dihedral);
  const mirroredFound = mirrored.filter((p) => dihedral[p.query]!.some((m) => m.id === p.slot)).length;

  const recall = (t: { found: number; missed: number }) => (t.found + t.missed === 0 ? 'n/a' : `${fmt((100 * t.found) / (t.found + t.missed), 1)} %`);
  const atFullSize = queryCount === 10_000 && storedCount === 1_000_000;
  console.log('\n| step | wall s | CPU s | matches | goal | peer (measured elsewhere) |');
  console.log('|---|---:|---:|---:|---|---|');
  console.log(`| build index over ${fmt(storedCount, 0)} | ${fmt(build.wall, 2)} | ${fmt(build.cpu, 2)} | | | |`);
  console.log(`| ${fmt(queryCount, 0)} queries (one batch) | ${fmt(query.wall, 2)} | ${fmt(query.cpu, 2)} | ${fmt(plainBatch.count, 0)} | ≤ 1 s | C brute force, 10,000 × 1,000,000: ≈ ${PEERS.cBrute10kx1M} s${atFullSize ? ` (${fmt(PEERS.cBrute10kx1M / query.wall, 1)}× our wall time)` : ''} |`);
  console.log(`| ${fmt(queryCount, 0)} queries × 8 dihedral variants (one batch) | ${fmt(dihedralTime.wall, 2)} | ${fmt(dihedralTime.cpu, 2)} | ${fmt(dihedralBatch.count, 0)} | ≤ 8 s | C++ multi-index, 1,000 × 100,000 × 8 variants: ${PEERS.cppMih1kx100kDihedral} s |`);
  console.log(`| (making the 8 variants from each query hash) | ${fmt(making.wall, 2)} | ${fmt(making.cpu, 2)} | | | |`);
  console.log(`| ${fmt(singles, 0)} single queries, one call each | ${fmt(single.wall, 2)} | ${fmt(single.cpu, 2)} | | (${fmt((single.wall / singles) * 1e6, 0)} µs per query) | |`);
  console.log(`| plain 16×16-bit MIH, no word filter (${fmt(unfilteredQueries, 0)} queries, ×${fmt(scale, 0)}) | ${fmt(unfilteredTime.wall * scale, 2)} | ${fmt(unfilteredTime.cpu * scale, 2)} | | | |`);
  console.log(`\nrecall vs brute force, ${bruteCount} queries: ${recall(bruteTotals)} (${bruteTotals.found} found, ${bruteTotals.missed} missed, ${bruteTotals.extra} extra; brute force took ${fmt(bruteSeconds, 1)} s = ${fmt((bruteSeconds * queryCount) / Math.max(1, bruteCount), 0)} s extrapolated to all queries)`);
  console.log(`recall vs brute force, ${bruteDihedralCount} dihedral queries: ${recall(bruteDihedralTotals)} (${bruteDihedralTotals.found} found, ${bruteDihedralTotals.missed} missed, ${bruteDihedralTotals.extra} extra; ${fmt(bruteDihedralSeconds, 1)} s)`);
  console.log(`planted neighbours within 31 bits found: ${plantedFound} / ${plantedWithin.length}; mirrored copies found by dihedral queries: ${mirroredFound} / ${mirrored.length}`);
  const peerScaled = (PEERS.cppMih1kx100kDihedral * (queryCount / 1000) * (storedCount / 100_000));
  console.log(`C++ multi-index scaled linearly to ${fmt(queryCount, 0)} × ${fmt(storedCount, 0)} with 8 variants: ≈ ${fmt(peerScaled, 0)} s (${fmt(peerScaled / dihedralTime.wall, 1)}× our wall time)`);
}

export async function run(args: string[]): Promise<void> {
  const only = arg(args, '--only', '');
  if (only !== 'match') await benchHashing(args);
  if (only !== 'hash') await benchMatching(args);
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));
