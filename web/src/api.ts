/**
 * Talking to the Crosslink API: same-origin fetch with the session cookie, the CSRF token on every
 * request that changes something, and RFC 9457 problem+json turned into one readable message.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
/** Called when a request finds the session gone, so the app can show the sign-in screen. */
let onSignedOut: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function onSessionLost(handler: (() => void) | null): void {
  onSignedOut = handler;
}

/** Query string from an object; empty and undefined values are left out. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function problemOf(response: Response): Promise<string> {
  const type = response.headers.get('content-type') ?? '';
  try {
    if (type.includes('json')) {
      const body = (await response.json()) as { detail?: string; title?: string; message?: string };
      return body.detail ?? body.message ?? body.title ?? response.statusText;
    }
    const text = await response.text();
    return text.slice(0, 300) || response.statusText;
  } catch {
    return response.statusText || `HTTP ${response.status}`;
  }
}

export async function request<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers.set('x-csrf-token', csrfToken);
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers.set('content-type', 'application/json');
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, { ...init, method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'The Crosslink server cannot be reached. Is `crosslink serve` running?');
  }
  if (!response.ok) {
    const message = await problemOf(response);
    if (response.status === 401 && path !== '/api/session') onSignedOut?.();
    throw new ApiError(response.status, message);
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) return (await response.json()) as T;
  return (await response.text()) as T;
}

export const get = <T>(path: string, init?: RequestInit) => request<T>('GET', path, undefined, init);
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, body);
export const del = <T>(path: string) => request<T>('DELETE', path);

/**
 * A list out of a response that is either the list itself or an object holding it under one of
 * `keys` ({ cases: [...] }, { items: [...] }): the screens need not care which.
 */
export function listOf<T>(value: unknown, ...keys: string[]): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value && typeof value === 'object') {
    for (const key of [...keys, 'items', 'results', 'data']) {
      const inner = (value as Record<string, unknown>)[key];
      if (Array.isArray(inner)) return inner as T[];
    }
  }
  return [];
}

/** The total that goes with a page of a list, when the server says it. */
export function totalOf(value: unknown, fallback: number): number {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const total = (value as Record<string, unknown>).total;
    if (typeof total === 'number') return total;
  }
  return fallback;
}

/**
 * Upload with progress of the bytes sent (fetch cannot report upload progress; XMLHttpRequest can).
 * Ingest progress after the upload comes from the server's events.
 */
export function upload<T>(path: string, form: FormData, onProgress: (sent: number, total: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : 0);
    xhr.onerror = () => reject(new ApiError(0, 'The upload failed: the server could not be reached.'));
    xhr.onload = () => {
      let body: unknown = xhr.responseText;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: keep the text
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else {
        const problem = body as { detail?: string; title?: string } | string;
        const message = typeof problem === 'string' ? problem.slice(0, 300) : (problem.detail ?? problem.title ?? `HTTP ${xhr.status}`);
        reject(new ApiError(xhr.status, message || `HTTP ${xhr.status}`));
      }
    };
    xhr.send(form);
  });
}
