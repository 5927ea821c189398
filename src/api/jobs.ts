/**
 * Background jobs: an uploaded source being ingested, or a hash set being imported. They run one
 * at a time (ingest keeps the database busy on its own; two at once would only share it), in this
 * process, and report progress to their owner as server-sent events. A job is its owner's: anyone
 * else asking for it is told it does not exist.
 */
import { randomUUID } from 'node:crypto';
import type { EventHub } from './events.ts';

export type JobKind = 'ingest' | 'hashset';
export type JobStatus = 'queued' | 'running' | 'complete' | 'failed';

export interface JobView {
  id: string;
  kind: JobKind;
  status: JobStatus;
  case: string | null;
  file: string;
  format: string | null;
  phase: string | null;
  done: number;
  total: number;
  records: number;
  rejects: number;
  source: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  result: Record<string, unknown> | null;
}

export type JobProgress = Partial<Pick<JobView, 'phase' | 'done' | 'total' | 'records' | 'rejects' | 'source' | 'format'>>;

interface Job {
  view: JobView;
  owner: string;
}

/** Progress events per job at most this often; status changes always go out. */
const PROGRESS_INTERVAL_MS = 200;
/** Finished jobs kept for their owners to look at. */
const KEEP_FINISHED = 500;

export class Jobs {
  private readonly jobs = new Map<string, Job>();
  private queue: Promise<void> = Promise.resolve();
  private readonly lastSent = new Map<string, number>();

  constructor(private readonly events: EventHub) {}

  /**
   * Queues `work`; it runs after the jobs before it. `work` reports progress through its argument
   * and returns the job's result; a thrown error fails the job with the error's message (a bug's
   * message goes to `describe`, which decides what the owner reads).
   */
  start(
    owner: string,
    init: { kind: JobKind; case: string | null; file: string; format: string | null; total?: number },
    work: (progress: (update: JobProgress) => void) => Promise<{ result: Record<string, unknown>; progress?: JobProgress }>,
    describe: (error: unknown) => string,
  ): JobView {
    const view: JobView = {
      id: randomUUID(),
      kind: init.kind,
      status: 'queued',
      case: init.case,
      file: init.file,
      format: init.format,
      phase: null,
      done: 0,
      total: init.total ?? 0,
      records: 0,
      rejects: 0,
      source: null,
      error: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      result: null,
    };
    const job: Job = { view, owner };
    this.jobs.set(view.id, job);
    this.prune();
    this.send(job, true);
    const run = async () => {
      view.status = 'running';
      view.startedAt = new Date().toISOString();
      this.send(job, true);
      try {
        const outcome = await work((update) => {
          Object.assign(view, update);
          this.send(job, false);
        });
        Object.assign(view, outcome.progress ?? {});
        view.result = outcome.result;
        view.status = 'complete';
      } catch (error) {
        view.status = 'failed';
        view.error = describe(error);
      }
      view.finishedAt = new Date().toISOString();
      this.send(job, true);
    };
    this.queue = this.queue.then(run, run);
    return { ...view };
  }

  /** The job, if `owner` started it. */
  get(id: string, owner: string): JobView | undefined {
    const job = this.jobs.get(id);
    return job && job.owner === owner ? { ...job.view } : undefined;
  }

  list(owner: string): JobView[] {
    return [...this.jobs.values()].filter((job) => job.owner === owner).map((job) => ({ ...job.view })).reverse();
  }

  /** Resolves once every job queued so far has finished (closing the server waits for this). */
  idle(): Promise<void> {
    return this.queue;
  }

  private send(job: Job, always: boolean): void {
    const now = Date.now();
    if (!always && now - (this.lastSent.get(job.view.id) ?? 0) < PROGRESS_INTERVAL_MS) return;
    this.lastSent.set(job.view.id, now);
    this.events.publish([job.owner], job.view.kind === 'ingest' ? 'ingest' : 'job', { ...job.view });
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((job) => job.view.finishedAt !== null);
    for (const job of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) {
      this.jobs.delete(job.view.id);
      this.lastSent.delete(job.view.id);
    }
  }
}
