/**
 * The PSI point operations of a push, spread over worker threads (one per core, at most four):
 * hash-to-curve and scalar multiplications are pure computation, and by far the cost of an
 * exchange. Small batches stay on the calling thread, where a worker's start-up would cost more.
 * The workers run psi.ts itself (points-worker.js), so the results are the same bytes.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { blindSelectors, POINT_BYTES, PsiError, reblindPoints, scalarOf } from './psi.ts';

/** Below this many points per worker, a batch is done inline. */
const MIN_PER_WORKER = 500;

interface Job {
  resolve(result: Buffer): void;
  reject(error: Error): void;
}

interface Reply {
  id: number;
  result?: Uint8Array;
  error?: string;
  psi?: boolean;
}

class PointPool {
  private readonly workers: Worker[] = [];
  private readonly jobs = new Map<number, Job>();
  private next = 0;
  private turn = 0;

  constructor(readonly size: number) {}

  private worker(): Worker {
    if (this.workers.length < this.size) {
      const worker = new Worker(new URL('./points-worker.js', import.meta.url));
      worker.on('message', (reply: Reply) => {
        const job = this.jobs.get(reply.id);
        if (!job) return;
        this.jobs.delete(reply.id);
        this.holdProcess();
        if (reply.result) job.resolve(Buffer.from(reply.result.buffer, reply.result.byteOffset, reply.result.byteLength));
        else job.reject(reply.psi ? new PsiError(reply.error ?? 'invalid point') : new Error(reply.error ?? 'a point worker failed'));
      });
      worker.on('error', (error) => this.failAll(worker, error));
      worker.on('exit', () => this.failAll(worker, new Error('a point worker stopped')));
      this.workers.push(worker);
      return worker;
    }
    return this.workers[this.turn++ % this.workers.length]!;
  }

  /** A worker that broke takes its jobs with it (they are not told apart per worker: all fail, the push is retried). */
  private failAll(worker: Worker, error: Error): void {
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
    this.holdProcess();
  }

  /** Workers keep the process alive while they have work, and never when idle (a finished command exits). */
  private holdProcess(): void {
    for (const worker of this.workers) {
      if (this.jobs.size > 0) worker.ref();
      else worker.unref();
    }
  }

  run(message: { op: 'blind'; key: Buffer; selectors: string[] } | { op: 'reblind'; key: Buffer; points: Buffer }): Promise<Buffer> {
    const id = this.next++;
    return new Promise<Buffer>((resolve, reject) => {
      const worker = this.worker();
      this.jobs.set(id, { resolve, reject });
      this.holdProcess();
      worker.postMessage({ id, ...message });
    });
  }
}

let pool: PointPool | undefined;
const poolSize = () => Math.min(4, availableParallelism());

function sharedPool(): PointPool | undefined {
  if (poolSize() < 2) return undefined;
  pool ??= new PointPool(poolSize());
  return pool;
}

function parts(count: number): number {
  return Math.max(1, Math.min(poolSize(), Math.floor(count / MIN_PER_WORKER)));
}

/** H(x)^key for each selector, packed: blindSelectors on every core. */
export async function blindInParallel(selectors: readonly string[], key: Buffer): Promise<Buffer> {
  const split = parts(selectors.length);
  const workers = split > 1 ? sharedPool() : undefined;
  if (!workers) return blindSelectors(selectors, scalarOf(key));
  const size = Math.ceil(selectors.length / split);
  const chunks = Array.from({ length: split }, (_, i) => selectors.slice(i * size, (i + 1) * size));
  return Buffer.concat(await Promise.all(chunks.map((chunk) => workers.run({ op: 'blind', key, selectors: chunk }))));
}

/** P^key for each packed point: reblindPoints on every core (a bad point refuses the whole set). */
export async function reblindInParallel(points: Buffer, key: Buffer): Promise<Buffer> {
  const count = Math.floor(points.length / POINT_BYTES);
  const split = parts(count);
  const workers = split > 1 && points.length % POINT_BYTES === 0 ? sharedPool() : undefined;
  if (!workers) return reblindPoints(points, scalarOf(key));
  const size = Math.ceil(count / split) * POINT_BYTES;
  const chunks = Array.from({ length: split }, (_, i) => points.subarray(i * size, (i + 1) * size));
  return Buffer.concat(await Promise.all(chunks.map((chunk) => workers.run({ op: 'reblind', key, points: chunk }))));
}
