/**
 * A small history-API router: real URLs (the server answers every path with the app), links that
 * open in a new tab with Ctrl/middle-click, and Back/Forward that work. Enough for ten screens;
 * no dependency needed.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const listener of listeners) listener();
  window.scrollTo(0, 0);
}

export interface Location {
  path: string;
  params: URLSearchParams;
}

export function useLocation(): Location {
  const current = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(current, window.location.origin);
  return { path: url.pathname, params: url.searchParams };
}

/** Matches `/cases/:ref/media` against a path; returns the decoded parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i]!;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(have[i]!);
    else if (part !== have[i]) return null;
  }
  return params;
}

export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} {...rest} onClick={onClick}>
      {children}
    </a>
  );
}

export const caseUrl = (ref: string, tab = '') => `/cases/${encodeURIComponent(ref)}${tab ? `/${tab}` : ''}`;
export const entityUrl = (id: string) => `/entities/${encodeURIComponent(id.replace(/^e/, ''))}`;
export const subjectUrl = (id: string) => `/subjects/${encodeURIComponent(id.replace(/^s/, ''))}`;
export const chartUrl = (ref: string) => `/chart?start=${encodeURIComponent(ref)}`;

/** Where a graph node id (`e12`, `s3`, `i45`) opens in the app. */
export function nodeUrl(id: string): string | null {
  if (/^e\d+$/.test(id)) return entityUrl(id);
  if (/^s\d+$/.test(id)) return subjectUrl(id);
  return null;
}
