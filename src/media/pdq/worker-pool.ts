/**
 * PDQ hashing on every core: a pool of worker threads, each decoding (sharp) and hashing whole
 * files, so one process keeps every core busy (`crosslink hash` and
 * bench/media.ts `--threads`). In one thread, decoding overlaps hashing only partly (pdqFromFiles);
 * with a worker per core both halves of the work run everywhere.
 *
 * Each worker is a small JavaScript file (worker-thread.js) that loads decode.ts through tsx, as
 * federation's points-worker.js does: a worker inherits neither the CLI's tsx nor vitest's loader.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PdqBatchItem, PdqFileResult } from './decode.ts';

interface Job {
  file: string;
  resolve: (item: PdqBatchItem) => void;
}

interface PdqWorkerReply {
  id: number;
  file: string;
  result?: PdqFileResult;
  error?: string;
}

/** A fixed set of hashing threads; `hash(file)` resolves with the file's result or its decode error. */
export class PdqWorkerPool {
  private readonly workers: Worker[];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; job: Job }[] = [];
  private readonly running = new Map<number, Job>();
  private nextId = 0;
  private failure: Error | undefined;

  readonly threads: number;

  constructor(threads = availableParallelism()) {
    this.threads = Math.max(1, threads);
    this.workers = Array.from({ length: this.threads }, () => {
      const worker = new Worker(new URL('./worker-thread.js', import.meta.url));
      worker.on('message', (reply: PdqWorkerReply) => this.finish(worker, reply));
      worker.on('error', (error) => this.fail(error));
      this.idle.push(worker);
      return worker;
    });
  }

  hash(file: string): Promise<PdqBatchItem> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, job: { file, resolve } });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const { id, job } = this.queue.shift()!;
      this.running.set(id, job);
      worker.postMessage({ id, file: job.file });
    }
  }

  private finish(worker: Worker, reply: PdqWorkerReply): void {
    const job = this.running.get(reply.id);
    this.running.delete(reply.id);
    this.idle.push(worker);
    if (job) job.resolve(reply.result ? { file: reply.file, ok: true, result: reply.result } : { file: reply.file, ok: false, error: new Error(reply.error ?? 'unknown error') });
    this.dispatch();
  }

  /** A worker that dies takes its jobs with it: every caller hears of it rather than waiting forever. */
  private fail(error: Error): void {
    this.failure = error;
    for (const job of this.running.values()) job.resolve({ file: job.file, ok: false, error });
    for (const { job } of this.queue.splice(0)) job.resolve({ file: job.file, ok: false, error });
    this.running.clear();
  }
}

/**
 * Hashes many files on `threads` worker threads (or on `pool`'s), yielding results in the
 * files' order (up to 4 × threads files in flight). A file that fails to decode yields `ok: false` and the batch goes on.
 */
export async function* pdqFromFilesOnThreads(files: Iterable<string>, options: { threads?: number; pool?: PdqWorkerPool } = {}): AsyncGenerator<PdqBatchItem> {
  const threads = options.pool?.threads ?? Math.max(1, options.threads ?? availableParallelism());
  // A pool passed in is kept for the next batch (starting threads costs about a second); one made here is closed.
  const pool = options.pool ?? new PdqWorkerPool(threads);
  try {
    const inFlight: Promise<PdqBatchItem>[] = [];
    for (const file of files) {
      inFlight.push(pool.hash(file));
      if (inFlight.length >= 4 * threads) yield await inFlight.shift()!;
    }
    while (inFlight.length > 0) yield await inFlight.shift()!;
  } finally {
    if (!options.pool) await pool.close();
  }
}
