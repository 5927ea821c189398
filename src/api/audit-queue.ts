/**
 * Group commit for the audit entries of reads. Every append to the audit chain holds one lock
 * until its commit is on disk, so appends happen one after another at the disk's flush rate
 * (about 100 a second measured here: with the lock, 8 clients inserting one row each got 101
 * commits/s; without it, 933/s). One entry per transaction capped the whole API at that rate.
 *
 * Here concurrent requests hand their entries to one queue; while a batch is being written the
 * next gathers, and each batch is one transaction (store/repositories/audit.ts appendAuditBatch).
 * Nothing is lost on a crash: a request's answer waits until its entry has committed, so a read
 * whose entry is not on disk was never answered. If the batch fails, every request in it fails.
 */
import type { Kysely } from 'kysely';
import { appendAuditBatch, type AuditEvent, type Database } from '../store/index.ts';

interface Waiting {
  event: AuditEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class AuditQueue {
  private waiting: Waiting[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    /** Entries per transaction at most (one multi-row insert). */
    private readonly maxBatch = 500,
  ) {}

  /** Resolves once the entry is committed; its time is now (when the read happened), not when written. */
  append(event: AuditEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ event: { ...event, at: event.at ?? new Date() }, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  /** Resolves when nothing is queued or being written (closing the server waits on it). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        await appendAuditBatch(
          this.db,
          batch.map((item) => item.event),
        );
        for (const item of batch) item.resolve();
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    // No await since the last length check: an append made now starts a new drain.
    this.writing = null;
  }
}
