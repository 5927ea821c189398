/** Data loading and server events for the screens. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, get } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` (nothing when null) and again whenever it changes; stale answers are dropped. */
export function useFetch<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: path !== null });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === null) {
      setState({ loading: false });
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ data: previous.data, loading: true }));
    get<T>(path, { signal: controller.signal }).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ loading: false, error: error instanceof ApiError ? error : new ApiError(0, String(error)) });
      },
    );
    return () => controller.abort();
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export interface ServerEvent {
  type: string;
  data: unknown;
}

type EventListener = (event: ServerEvent) => void;
const eventListeners = new Set<EventListener>();
let source: EventSource | null = null;
/** Event names the server may send; unnamed events arrive as 'message'. */
const EVENT_TYPES = ['message', 'ingest', 'progress', 'job', 'hit', 'alert', 'deconfliction'];

function dispatch(type: string, raw: string): void {
  let data: unknown = raw;
  try {
    data = JSON.parse(raw);
  } catch {
    // plain text event
  }
  const named = data && typeof data === 'object' && typeof (data as { type?: unknown }).type === 'string' ? (data as { type: string }).type : type;
  for (const listener of eventListeners) listener({ type: named, data });
}

/** One EventSource for the whole app, opened while someone listens and the user is signed in. */
export function openEvents(): void {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/events', { withCredentials: true });
  for (const type of EVENT_TYPES) source.addEventListener(type, (event) => dispatch(type, (event as MessageEvent<string>).data));
}

export function closeEvents(): void {
  source?.close();
  source = null;
}

export function useServerEvents(listener: EventListener): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => {
    const forward: EventListener = (event) => latest.current(event);
    eventListeners.add(forward);
    openEvents();
    return () => {
      eventListeners.delete(forward);
    };
  }, []);
}

/** Keeps document.title in step with the screen, for screen readers and the tab strip. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Crosslink` : 'Crosslink';
  }, [title]);
}
