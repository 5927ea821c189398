/**
 * The evidence viewer (UI brief screen 9, after Aleph's document viewers): one source of a case,
 * its records shown the way the evidence looks — a chat log threaded by conversation, purchases as
 * a sortable table, arrests and sightings as property tables, media as hashes and metadata one item
 * at a time (never pixels). Paged for sources of 100,000 records; J/K or ↓/↑ move from record to
 * record and on to the next page, Enter opens one in full, N jumps to the next searched word.
 * Opened from a search (`?q=…&record=…`) it starts at the page of that record with the words marked.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { listOf, query } from '../api.ts';
import { Empty, Hash, Loading, Pager, Problem, When } from '../components/common.tsx';
import { ChatLog, chatThreads } from '../components/evidence/ChatLog.tsx';
import { hasTerm, searchTerms, termPattern } from '../components/evidence/EvidenceText.tsx';
import { MediaViewer } from '../components/evidence/MediaViewer.tsx';
import type { RecordNav } from '../components/evidence/nav.ts';
import { ParticipantLegend, useParticipantRanks } from '../components/evidence/participants.tsx';
import { RecordDetails } from '../components/evidence/RecordDetails.tsx';
import { propertyText, RecordTable } from '../components/evidence/RecordTable.tsx';
import { TransactionTable, type SortState } from '../components/evidence/TransactionTable.tsx';
import { useFetch, useTitle } from '../hooks.ts';
import { caseUrl, Link, navigate, useLocation } from '../router.tsx';
import type { CaseDetail, RecordPage, RecordSummary, SourceOverview, SourceView } from '../types.ts';

type ViewMode = 'chat' | 'transactions' | 'media' | 'records';

const PAGE_SIZE: Record<ViewMode, number> = { chat: 100, transactions: 50, media: 50, records: 50 };
const CHAT_KINDS = new Set(['message', 'room_event']);
const KIND_WORDS: Record<string, string> = { message: 'messages', room_event: 'room events', transaction: 'card transactions', arrest: 'arrests and bookings', sighting: 'P2P sightings', media: 'media files' };

/** Where the viewer shows a source; `record` opens the page that holds it, `q` marks a search's words. */
export function evidenceUrl(caseRef: string, sourceId: string, params: { record?: string; q?: string } = {}): string {
  return `/cases/${encodeURIComponent(caseRef)}/sources/${encodeURIComponent(sourceId)}${query({ record: params.record?.replace(/^r/, ''), q: params.q })}`;
}

/** The view for a source: by the kind asked for, else by the kind most of its records are. */
function viewModeOf(kind: string | undefined): ViewMode {
  if (kind === undefined || CHAT_KINDS.has(kind)) return 'chat';
  if (kind === 'transaction') return 'transactions';
  if (kind === 'media') return 'media';
  return 'records';
}

interface ViewerParams {
  q: string;
  offset: number;
  record: string;
  room: string;
  kind: string;
  sort: string;
  desc: boolean;
}

function readParams(params: URLSearchParams): ViewerParams {
  return {
    q: params.get('q') ?? '',
    offset: Math.max(0, Number(params.get('offset') ?? 0) || 0),
    record: (params.get('record') ?? '').replace(/^r/i, ''),
    room: params.get('room') ?? '',
    kind: params.get('kind') ?? '',
    sort: params.get('sort') ?? '',
    desc: params.get('desc') === '1',
  };
}

/** The records of a page whose text, or an identifier, holds a searched word. */
function hitsOf(records: readonly RecordSummary[], terms: RegExp | null): Set<string> {
  if (!terms) return new Set();
  // A chat line's properties repeat its room and writer: a word in them is not a hit in the line.
  const matches = (record: RecordSummary) =>
    hasTerm(record.text, terms) ||
    record.identifiers.some((identifier) => hasTerm(identifier.display ?? identifier.value, terms)) ||
    (!CHAT_KINDS.has(record.kind) && hasTerm(propertyText(Object.values(record.props)), terms));
  return new Set(records.filter(matches).map((record) => record.id));
}

function Custody({ source, caseRef }: { source: SourceView | undefined; caseRef: string }) {
  if (!source) return null;
  const rejects = typeof source.rejects === 'number' ? source.rejects : 0;
  return (
    <p className="muted small custody">
      SHA-256 <Hash value={typeof source.sha256 === 'string' ? source.sha256 : null} /> · added by {String(source['ingestedBy'] ?? source.addedBy ?? '—')}{' '}
      <When at={typeof source['ingestedAt'] === 'string' ? source['ingestedAt'] : (source.addedAt ?? null)} />
      {rejects > 0 && (
        <>
          {' '}
          · {rejects.toLocaleString()} {rejects === 1 ? 'line' : 'lines'} rejected (<Link to={caseUrl(caseRef)}>rejects report on the Sources tab</Link>)
        </>
      )}
    </p>
  );
}

function KeyHelp({ mode }: { mode: ViewMode }) {
  return (
    <p className="key-help small muted" aria-label="Keyboard">
      <kbd>J</kbd>/<kbd>K</kbd> or <kbd>↓</kbd>/<kbd>↑</kbd> {mode === 'media' ? 'next or previous file' : 'next or previous record'} (on to the next page) · <kbd>Enter</kbd> details · <kbd>N</kbd>/
      <kbd>Shift+N</kbd> next or previous match · <kbd>Esc</kbd> close details
    </p>
  );
}

export function EvidenceScreen({ caseRef, sourceId }: { caseRef: string; sourceId: string }) {
  const { params } = useLocation();
  const asked = readParams(params);
  const base = `/api/cases/${encodeURIComponent(caseRef)}`;
  const overview = useFetch<SourceOverview>(`${base}/sources/${encodeURIComponent(sourceId)}/overview`);
  const caseDetail = useFetch<CaseDetail>(base);
  const custody = listOf<SourceView>(caseDetail.data?.sources, 'sources').find((source) => String(source.id) === sourceId);
  const outline = overview.data;
  useTitle(`${outline?.source.file ?? `source ${sourceId}`} · ${caseRef}`);

  // Non-chat views show one kind at a time; a chat log keeps its room events among the messages.
  const topKind = outline?.kinds[0]?.kind;
  const mode = viewModeOf(asked.kind || topKind);
  const kindFilter = asked.kind || (mode !== 'chat' && (outline?.kinds.length ?? 0) > 1 ? topKind : undefined);
  const limit = PAGE_SIZE[mode];
  const recordsPath =
    outline && outline.records > 0
      ? `${base}/records${query({
          source: sourceId,
          kind: kindFilter,
          room: asked.room || undefined,
          sort: asked.sort || undefined,
          desc: asked.desc ? 1 : undefined,
          record: asked.record || undefined,
          offset: asked.record ? undefined : asked.offset || undefined,
          limit,
        })}`
      : null;
  const page = useFetch<RecordPage>(recordsPath);
  const data = page.data;

  const go = (next: Partial<ViewerParams>, options: { replace?: boolean } = {}) => {
    const merged = { ...asked, record: '', ...next };
    const search = query({ q: merged.q, room: merged.room, kind: merged.kind, sort: merged.sort, desc: merged.desc ? 1 : undefined, record: merged.record, offset: merged.offset || undefined });
    navigate(`/cases/${encodeURIComponent(caseRef)}/sources/${encodeURIComponent(sourceId)}${search}`, options);
  };

  const items = useMemo(() => data?.items ?? [], [data]);
  const threads = useMemo(() => (mode === 'chat' ? chatThreads(items) : null), [mode, items]);
  const ordered = useMemo(() => (threads ? threads.flatMap((thread) => thread.records) : items), [threads, items]);
  const indexOf = useMemo(() => new Map(ordered.map((record, index) => [record.id, index])), [ordered]);
  const terms = useMemo(() => termPattern(searchTerms(asked.q)), [asked.q]);
  const hits = useMemo(() => hitsOf(ordered, terms), [ordered, terms]);
  const ranks = useParticipantRanks(outline);

  const [focus, setFocus] = useState(0);
  /** The record in the details panel; `takeFocus` when the user opened it (not when the page was opened at it). */
  const [selection, setSelection] = useState<{ id: string; takeFocus: boolean } | null>(null);
  const selected = selection?.id ?? null;
  const list = useRef<HTMLDivElement>(null);
  /** Where focus goes once the next page arrives: its first record (moving down) or its last (moving up). */
  const pendingFocus = useRef<'first' | 'last' | null>(null);
  const pageOffset = data?.offset ?? asked.offset;
  const total = data?.total ?? 0;

  const focusRecord = useCallback((index: number, block: ScrollLogicalPosition = 'nearest') => {
    setFocus(index);
    const element = list.current?.querySelector<HTMLElement>(`[data-record-index="${index}"]`);
    element?.focus({ preventScroll: true });
    element?.scrollIntoView({ block });
  }, []);

  // A new page: focus its first or last record when the keyboard moved there, or the record it was opened at.
  useEffect(() => {
    if (!data) return;
    const anchored = asked.record ? indexOf.get(asked.record) : undefined;
    if (anchored !== undefined) {
      setSelection({ id: asked.record, takeFocus: false });
      window.requestAnimationFrame(() => focusRecord(anchored, 'center'));
    } else if (pendingFocus.current) {
      const index = pendingFocus.current === 'last' ? ordered.length - 1 : 0;
      window.requestAnimationFrame(() => focusRecord(Math.max(0, index)));
    } else {
      setFocus(0);
    }
    pendingFocus.current = null;
    // Only when a page arrives, not on every render: the rest is read as it is then.
  }, [data]);

  const move = (delta: number) => {
    const next = focus + delta;
    if (next < 0) {
      if (pageOffset > 0) {
        pendingFocus.current = 'last';
        go({ offset: Math.max(0, pageOffset - limit) });
      }
      return;
    }
    if (next >= ordered.length) {
      if (pageOffset + ordered.length < total) {
        pendingFocus.current = 'first';
        go({ offset: pageOffset + limit });
      }
      return;
    }
    focusRecord(next);
  };

  const nextHit = (direction: 1 | -1) => {
    for (let step = 1; step <= ordered.length; step++) {
      const index = (focus + direction * step + ordered.length) % ordered.length;
      if (hits.has(ordered[index]!.id)) {
        focusRecord(index, 'center');
        return;
      }
    }
  };

  const closeDetails = () => {
    setSelection(null);
    window.requestAnimationFrame(() => focusRecord(focus));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select, [contenteditable]')) return;
    const key = event.key;
    if (key === 'j' || key === 'ArrowDown') move(1);
    else if (key === 'k' || key === 'ArrowUp') move(-1);
    else if (key === 'Home' && ordered.length > 0) focusRecord(0);
    else if (key === 'End' && ordered.length > 0) focusRecord(ordered.length - 1);
    else if (key === 'Enter' && target.matches('[data-record]') && ordered[focus]) setSelection({ id: ordered[focus]!.id, takeFocus: true });
    else if (key === 'n' || key === 'N') nextHit(key === 'N' ? -1 : 1);
    else if (key === 'Escape' && selected) closeDetails();
    else return;
    event.preventDefault();
  };

  const nav: RecordNav = { indexOf, focus, selected, hits, onOpen: (record) => setSelection({ id: record.id, takeFocus: true }), onFocusIndex: setFocus };
  const sortState: SortState = { sort: data?.sort ?? (asked.sort || 'line'), desc: data?.desc ?? asked.desc };

  const [draft, setDraft] = useState(asked.q);
  useEffect(() => setDraft(asked.q), [asked.q]);
  const mark = (event: FormEvent) => {
    event.preventDefault();
    go({ q: draft.trim(), offset: pageOffset }, { replace: true });
  };

  const shownKind = asked.kind || topKind;
  const otherKinds = outline?.kinds.filter((entry) => (mode === 'chat' ? !CHAT_KINDS.has(entry.kind) : entry.kind !== shownKind)) ?? [];
  const roomChoices = outline && outline.rooms.items.length > 1 ? outline.rooms.items : [];
  const pager = data && data.items.length > 0 && (
    <Pager label={mode === 'media' ? 'files' : 'records'} offset={pageOffset} limit={limit} shown={data.items.length} total={total} onChange={(offset) => go({ offset })} />
  );

  return (
    <div className="evidence" onKeyDown={onKeyDown}>
      <nav className="breadcrumbs small" aria-label="Where this is">
        <Link to={caseUrl(caseRef)}>Case {caseRef}</Link> › <Link to={caseUrl(caseRef)}>Sources</Link> › evidence viewer
      </nav>
      <div className="title-row">
        <h1 className="wrap">{outline?.source.file ?? `Source ${sourceId}`}</h1>
      </div>
      <Problem error={overview.error} what={`open source ${sourceId} of case ${caseRef}`} />
      {overview.loading && !outline && <Loading what="Reading the source" />}
      {outline && (
        <>
          <p className="muted">
            {outline.source.format} · {outline.source.status} · {outline.records.toLocaleString()} records
            {outline.kinds.length > 0 && ` (${outline.kinds.map((entry) => `${entry.records.toLocaleString()} ${KIND_WORDS[entry.kind] ?? entry.kind}`).join(', ')})`}
          </p>
          <Custody source={custody} caseRef={caseRef} />
        </>
      )}

      {outline && outline.records === 0 && (
        <Empty>
          This source holds no records{outline.source.status === 'ingesting' ? ' yet: it is still being ingested' : ''}. If its lines were rejected, the rejects report on the{' '}
          <Link to={caseUrl(caseRef)}>Sources tab</Link> says why; the file itself is unchanged.
        </Empty>
      )}

      {outline && outline.records > 0 && (
        <div className="evidence-toolbar">
          {roomChoices.length > 0 && (
            <label>
              Conversation{' '}
              <select value={asked.room} onChange={(event) => go({ room: event.target.value, offset: 0 })}>
                <option value="">All {outline.rooms.total.toLocaleString()} conversations</option>
                {roomChoices.map((item) => (
                  <option key={item.room?.id ?? 'none'} value={item.room?.id ?? 'none'}>
                    {item.room?.label ?? 'outside any room'} ({item.records.toLocaleString()})
                  </option>
                ))}
              </select>
              {outline.rooms.total > roomChoices.length && <span className="muted small"> the {roomChoices.length} busiest</span>}
            </label>
          )}
          <form className="mark-words" onSubmit={mark} role="search" aria-label="Mark words in this source">
            <label htmlFor="mark-words">Mark words</label>
            <input id="mark-words" type="search" value={draft} onChange={(event) => setDraft(event.target.value)} placeholder="words to highlight" />
            <button type="submit">Mark</button>
          </form>
          {terms && (
            <span className="hit-count small" role="status">
              {hits.size.toLocaleString()} of {ordered.length.toLocaleString()} on this page match ·{' '}
              <Link to={`/search${query({ q: asked.q, case: caseRef })}`}>search the whole case</Link>
            </span>
          )}
          {asked.kind && (
            <span className="small">
              Only {KIND_WORDS[asked.kind] ?? asked.kind} ·{' '}
              <button type="button" className="link" onClick={() => go({ kind: '', sort: '', offset: 0 })}>
                show the source's usual view
              </button>
            </span>
          )}
          {otherKinds.length > 0 && (
            <span className="small">
              Also in this source:{' '}
              {otherKinds.map((entry) => (
                <button key={entry.kind} type="button" className="link" onClick={() => go({ kind: entry.kind, sort: '', room: '', offset: 0 })}>
                  {entry.records.toLocaleString()} {KIND_WORDS[entry.kind] ?? entry.kind}
                </button>
              ))}
            </span>
          )}
        </div>
      )}
      {outline && outline.records > 0 && <KeyHelp mode={mode} />}
      {outline && mode === 'chat' && outline.participants.items.length > 0 && <ParticipantLegend overview={outline} />}

      <div className={`evidence-body${selected ? ' with-details' : ''}`}>
        <div className="evidence-main" ref={list}>
          <Problem error={page.error} what="read the records" />
          {page.error?.status === 404 && asked.record && (
            <p>
              <button type="button" className="link" onClick={() => go({ record: '', offset: 0 })}>
                Open the source from its first record
              </button>
            </p>
          )}
          {page.loading && !data && <Loading what="Reading the records" />}
          {data && data.items.length === 0 && (
            <Empty>
              No records here{asked.room ? ' in this conversation' : ''}
              {kindFilter ? ` of this kind` : ''}.{' '}
              {(asked.room || asked.kind || pageOffset > 0) && (
                <button type="button" className="link" onClick={() => go({ room: '', kind: '', offset: 0 })}>
                  Show the whole source
                </button>
              )}
            </Empty>
          )}
          {pager}
          {data && data.items.length > 0 && (
            <div className={`evidence-view view-${mode}${page.loading ? ' busy-page' : ''}`} aria-busy={page.loading}>
              {mode === 'chat' && threads && <ChatLog threads={threads} nav={nav} ranks={ranks} terms={terms} />}
              {mode === 'transactions' && <TransactionTable records={ordered} nav={nav} state={sortState} total={total} onSort={(next) => go({ sort: next.sort, desc: next.desc, offset: 0 })} />}
              {mode === 'media' && <MediaViewer records={ordered} nav={nav} caseRef={caseRef} />}
              {mode === 'records' && <RecordTable records={ordered} nav={nav} terms={terms} />}
            </div>
          )}
          {data && data.items.length > 10 && pager}
        </div>
        {selected && (
          <aside className="evidence-aside" aria-label="Record details">
            <RecordDetails recordId={selected} takeFocus={selection?.takeFocus ?? false} terms={terms} onClose={closeDetails} />
          </aside>
        )}
      </div>
    </div>
  );
}
