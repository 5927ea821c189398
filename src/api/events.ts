/**
 * Server-sent events: one stream per signed-in browser tab, each event addressed to the users who
 * may see it. Ingest progress goes to the user who started the job; `hit` and `alert` (cross-case
 * hits and deconfliction, issue 10) will be addressed the same way by the code that finds them.
 */

/** Event names on the stream. `hit` and `alert` are reserved for cross-case hits and deconfliction alerts. */
export type ServerEventName = 'ingest' | 'job' | 'hit' | 'alert';

type Listener = (name: ServerEventName, data: unknown) => void;

export class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** Listens for the events addressed to `userId`; returns the function that stops listening. */
  subscribe(userId: string, listener: Listener): () => void {
    const own = this.listeners.get(userId) ?? new Set<Listener>();
    own.add(listener);
    this.listeners.set(userId, own);
    return () => {
      own.delete(listener);
      if (own.size === 0) this.listeners.delete(userId);
    };
  }

  /** Sends an event to every open stream of these users (and nobody else). */
  publish(userIds: Iterable<string>, name: ServerEventName, data: unknown): void {
    for (const userId of new Set(userIds)) {
      for (const listener of this.listeners.get(userId) ?? []) listener(name, data);
    }
  }

  /** Open streams, for tests and health. */
  get streams(): number {
    let count = 0;
    for (const own of this.listeners.values()) count += own.size;
    return count;
  }
}

/** One event in the text/event-stream format. */
export function formatEvent(name: string, data: unknown, id?: string): string {
  const lines = JSON.stringify(data).split('\n').map((line) => `data: ${line}`);
  return `${id ? `id: ${id}\n` : ''}event: ${name}\n${lines.join('\n')}\n\n`;
}
