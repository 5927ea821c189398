/** Small pieces every screen uses: errors, loading and empty states, snippets, paging, sorting, dates, hashes. */
import { Fragment, type ReactNode } from 'react';
import type { ApiError } from '../api.ts';

export function Problem({ error, what }: { error: ApiError | Error | undefined; what?: string }) {
  if (!error) return null;
  const status = 'status' in error ? (error as ApiError).status : 0;
  const hint =
    status === 404
      ? 'It does not exist, or you are not cleared to see it.'
      : status === 403
        ? 'Your role does not allow this.'
        : status === 0
          ? ''
          : '';
  return (
    <div className="problem" role="alert">
      <strong>{what ? `Could not ${what}: ` : ''}</strong>
      {error.message}
      {hint && <span className="muted"> {hint}</span>}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** A search snippet: the server marks matches between « and »; they become <mark>, nothing else is HTML. */
export function Snippet({ text }: { text: string }) {
  const parts = text.split(/(«[^»]*»)/g);
  return (
    <span className="snippet">
      {parts.map((part, index) =>
        part.startsWith('«') && part.endsWith('»') ? <mark key={index}>{part.slice(1, -1)}</mark> : <Fragment key={index}>{part}</Fragment>,
      )}
    </span>
  );
}

/** "Showing 21–40 of 345" with previous/next; never a silent cap. */
export function Pager({
  offset,
  limit,
  shown,
  total,
  more,
  capped,
  onChange,
  label,
}: {
  offset: number;
  limit: number;
  shown: number;
  total: number;
  more?: boolean;
  /** When `more` means "the server looked no further" (search counts to a limit): what to do instead of paging on. */
  capped?: string;
  onChange: (offset: number) => void;
  label: string;
}) {
  const first = shown === 0 ? 0 : offset + 1;
  const last = offset + shown;
  const totalText = `${total.toLocaleString()}${more ? '+' : ''}`;
  const atCap = !!more && capped !== undefined && last >= total;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <span className="showing" role="status">
        Showing {first.toLocaleString()}–{last.toLocaleString()} of {totalText} {label}
      </span>
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        ← Previous
      </button>
      <button type="button" disabled={last >= total && (!more || atCap)} onClick={() => onChange(offset + limit)}>
        Next →
      </button>
      {atCap && <span className="muted">{capped}</span>}
    </nav>
  );
}

/** A column header's aria-sort, so a screen reader says which column orders the table and which way. */
export function ariaSort(sorted: boolean, descending: boolean): 'ascending' | 'descending' | 'none' {
  if (!sorted) return 'none';
  return descending ? 'descending' : 'ascending';
}

export function When({ at }: { at: string | null | undefined }) {
  if (!at) return <span className="muted">undated</span>;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return <span>{at}</span>;
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()}>
      {date.toISOString().replace('T', ' ').slice(0, 16)} UTC
    </time>
  );
}

/** A hash shown short, with the whole value on hover, for screen readers and for copying. */
export function Hash({ value, length = 12 }: { value: string | null | undefined; length?: number }) {
  if (!value) return <span className="muted">—</span>;
  return (
    <code className="hash" title={value} aria-label={`hash ${value}`}>
      {value.length > length ? `${value.slice(0, length)}…` : value}
    </code>
  );
}

export function Count({ n, one, many }: { n: number; one: string; many?: string }) {
  return (
    <>
      {n.toLocaleString()} {n === 1 ? one : (many ?? `${one}s`)}
    </>
  );
}

export function bytes(size: number | null | undefined): string {
  if (size === null || size === undefined) return '—';
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} kB`;
  if (size < 1024 ** 3) return `${(size / 1024 ** 2).toFixed(1)} MB`;
  return `${(size / 1024 ** 3).toFixed(2)} GB`;
}

/** Entity kinds in words, for labels and screen readers. */
export function kindLabel(kind: string): string {
  return kind.replace(/_/g, ' ');
}
