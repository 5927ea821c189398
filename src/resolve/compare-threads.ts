/**
 * The comparison of candidate pairs on every core. At a million records the pairs number some
 * fifteen million and comparing them is a third of a run; each pair is independent, so the pairs
 * are cut into chunks that the main thread and one worker thread per other core take in turn (an
 * atomic counter hands them out: blocks differ in cost, so fixed halves would leave a core idle).
 * Pair columns and patterns live in shared memory; the prepared records are copied to each worker
 * once. Small runs stay on the main thread: starting a worker costs more than they do.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CandidatePairs } from './blocking.ts';
import { comparePreparedAbove, Interner, type PreparedRecords, type Scorer } from './compare.ts';
import { SimilarityCache } from './strings.ts';

/** Below this many pairs to compare, threads do not pay for their start (tens of milliseconds each). */
export const THREADED_PAIRS = 1_000_000;
const CHUNK = 1 << 15;

export interface ThreadOptions {
  /** How many threads compare, the main one included (default: one per core). */
  threads?: number;
  /** Fewer pairs than this are compared on the main thread alone (default THREADED_PAIRS). */
  minimumPairs?: number;
}

/** What a worker is given: shared columns, and the records with the class of each object field named. */
export interface CompareJob {
  records: PreparedRecords;
  classes: Record<string, 'interner' | 'cache'>;
  a: Int32Array;
  b: Int32Array;
  patterns: Uint16Array;
  scorer: Scorer;
  /** Pairs k with k % step === 0 were compared in training already (0: none were). */
  step: number;
  /** next[0]: the first pair of the next chunk to take. */
  next: Int32Array;
}

/** Compares the pairs of chunks taken from `job.next` until none is left. Runs on the main thread and in workers. */
export function compareChunks(job: CompareJob): void {
  const { records, a, b, patterns, scorer, step, next } = job;
  const count = patterns.length;
  for (let from = Atomics.add(next, 0, CHUNK); from < count; from = Atomics.add(next, 0, CHUNK)) {
    const to = Math.min(count, from + CHUNK);
    for (let k = from; k < to; k++) if (step === 0 || k % step !== 0) patterns[k] = comparePreparedAbove(records, a[k]!, b[k]!, scorer);
  }
}

/** A worker's copy of the records has lost its classes' methods: give them back. */
export function reviveRecords(records: PreparedRecords, classes: CompareJob['classes']): PreparedRecords {
  for (const [field, kind] of Object.entries(classes)) {
    Object.setPrototypeOf((records as unknown as Record<string, object>)[field], kind === 'interner' ? Interner.prototype : SimilarityCache.prototype);
  }
  return records;
}

function shared<T extends Int32Array | Uint16Array>(array: T, make: (buffer: SharedArrayBuffer) => T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const copy = make(new SharedArrayBuffer(array.length * array.BYTES_PER_ELEMENT));
  copy.set(array);
  return copy;
}

/** comparePairs on this thread alone. */
export function comparePairsHere(records: PreparedRecords, pairs: CandidatePairs, patterns: Uint16Array, scorer: Scorer, step: number): void {
  compareChunks(jobOf(records, pairs, patterns, scorer, step));
}

function jobOf(records: PreparedRecords, pairs: CandidatePairs, patterns: Uint16Array, scorer: Scorer, step: number): CompareJob {
  return { records, classes: {}, a: pairs.a, b: pairs.b, patterns: patterns.subarray(0, pairs.count), scorer, step, next: new Int32Array(new SharedArrayBuffer(4)) };
}

/**
 * Fills `patterns[k]` (comparePreparedAbove) for every pair not compared in training, on up to
 * `threads` cores. Returns the patterns: `patterns` itself, or a shared copy of it.
 */
export async function comparePairs(
  records: PreparedRecords,
  pairs: CandidatePairs,
  patterns: Uint16Array,
  scorer: Scorer,
  step: number,
  { threads = availableParallelism(), minimumPairs = THREADED_PAIRS }: ThreadOptions = {},
): Promise<Uint16Array> {
  const job = jobOf(records, pairs, patterns, scorer, step);
  if (threads <= 1 || pairs.count < minimumPairs) {
    compareChunks(job);
    return patterns;
  }
  job.a = shared(pairs.a.subarray(0, pairs.count), (buffer) => new Int32Array(buffer));
  job.b = shared(pairs.b.subarray(0, pairs.count), (buffer) => new Int32Array(buffer));
  job.patterns = shared(patterns, (buffer) => new Uint16Array(buffer));
  // Workers get the interned values only: the value → id maps (hundreds of thousands of entries)
  // are not needed to compare and would be copied to every thread.
  const copy: Record<string, unknown> = { ...records };
  const classes: CompareJob['classes'] = {};
  for (const [field, value] of Object.entries(records)) {
    if (value instanceof Interner) {
      classes[field] = 'interner';
      copy[field] = { values: value.values };
    } else if (value instanceof SimilarityCache) classes[field] = 'cache';
  }
  const workerData: CompareJob = { ...job, records: copy as unknown as PreparedRecords, classes };
  const workers = Array.from({ length: threads - 1 }, () => new Worker(new URL('./compare-worker.js', import.meta.url), { workerData }));
  const finished = workers.map(
    (worker) =>
      new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`comparison worker stopped with code ${code}`))));
      }),
  );
  try {
    compareChunks(job);
    await Promise.all(finished);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return job.patterns;
}
