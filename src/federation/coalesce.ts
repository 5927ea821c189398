/**
 * Work run soon after it is asked for, with a burst of requests sharing one run: a timer per key,
 * one run per key at a time, and a request during a run getting another run after it (the run
 * under way may have read its input already). Used for a peer's outbox delivery after notices are
 * queued (outbox.ts `deliverSoon`), for a sync round after new data (sync.ts `syncSoon`) and for
 * the API server's look at what other nodes sent (api/arrivals.ts).
 */
export interface Coalescer {
  /** A run for `key` in `ms`, unless one is due sooner already. */
  later(key: string, ms: number): void;
  /** No more runs: cancels those not started and waits for those under way. */
  stop(): Promise<void>;
}

/** `run` reports its own failures; a rejection is dropped here so that it cannot stop later runs. */
export function coalescer(run: (key: string) => Promise<void>): Coalescer {
  const timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let stopped = false;

  const start = (key: string) => {
    if (running.has(key)) {
      again.add(key);
      return;
    }
    const work = run(key)
      .catch(() => undefined)
      .finally(() => {
        running.delete(key);
        if (again.delete(key)) later(key, 0);
      });
    running.set(key, work);
  };
  const later = (key: string, ms: number) => {
    if (stopped) return;
    const due = Date.now() + ms;
    const scheduled = timers.get(key);
    if (scheduled && scheduled.due <= due) return;
    if (scheduled) clearTimeout(scheduled.timer);
    const timer = setTimeout(() => {
      timers.delete(key);
      start(key);
    }, ms);
    // A pending run never keeps the process alive on its own.
    timer.unref();
    timers.set(key, { timer, due });
  };
  return {
    later,
    async stop() {
      stopped = true;
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running.values()]);
    },
  };
}
