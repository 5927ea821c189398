/**
 * Media triage without seeing images: one row per file with its hashes, metadata, matches and
 * category. No pixels unless the reviewer switches thumbnails on for this case, and then only
 * small, blurred and greyscale images made by the server; holding Space peeks at the focused item
 * (audited by the server), releasing snaps back. Keys 1–9 and 0 categorise and move on; items a
 * hash set already categorised are collapsed out of the default view (UI brief §3).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { ApiError, listOf, post, query, totalOf } from '../api.ts';
import { bytes, Empty, Hash, Loading, Pager, Problem, When } from '../components/common.tsx';
import { HitNotices } from '../components/HitNotices.tsx';
import { useExposure } from '../exposure.ts';
import { useFetch } from '../hooks.ts';
import { caseUrl, Link } from '../router.tsx';
import type { HitList, MediaHit, MediaItem } from '../types.ts';

/** Media rows per page (the API gives at most 1,000 at once). */
const PAGE = 500;
/** A category that means "no decision" (what U records, so the latest decision can undo an earlier one). */
const isUncategorised = (category: string | null | undefined) => !category || /^uncategori[sz]ed$/i.test(category);

const CATEGORIES: Record<string, string> = {
  '0': 'Non-pertinent',
  '1': 'Category 1',
  '2': 'Category 2',
  '3': 'Category 3',
  '4': 'Category 4',
  '5': 'Category 5',
  '6': 'Category 6',
  '7': 'Category 7',
  '8': 'Category 8',
  '9': 'Category 9',
};

interface Row {
  item: MediaItem;
  id: string;
  hits: MediaHit[];
  category: string | null;
  /** Categorised by a hash-set entry rather than by a person here. */
  known: boolean;
}

function num(item: MediaItem, ...keys: string[]): number | undefined {
  for (const key of keys) if (typeof item[key] === 'number') return item[key];
  return undefined;
}
function str(item: MediaItem, ...keys: string[]): string | undefined {
  for (const key of keys) if (typeof item[key] === 'string' && item[key] !== '') return item[key];
  return undefined;
}

function Matches({ hits }: { hits: MediaHit[] }) {
  if (hits.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="media-hits">
      {hits.slice(0, 4).map((hit, index) => (
        <li key={index}>
          {hit.where === 'case' ? (
            <>
              {hit.signal === 'pdq' ? `near-identical (PDQ ${hit.distance})` : `same file (${hit.signal})`} in{' '}
              {hit.case ? <Link to={caseUrl(hit.case)}>{hit.case}</Link> : 'another case'}
              {hit.agency ? <span className="muted"> · {hit.agency}</span> : null}
            </>
          ) : (
            <>
              hash set {hit.set ?? ''} ({hit.signal}){hit.category ? ` · listed as ${hit.category}` : ''}
            </>
          )}
        </li>
      ))}
      {hits.length > 4 && <li className="muted">and {hits.length - 4} more</li>}
    </ul>
  );
}

export default function MediaTab({ caseRef }: { caseRef: string }) {
  const base = `/api/cases/${encodeURIComponent(caseRef)}`;
  const [offset, setOffset] = useState(0);
  const media = useFetch<unknown>(`${base}/media?limit=${PAGE}&offset=${offset}`);
  const matches = useFetch<unknown>(`${base}/media-matches`);
  // Matching raises notices for pictures held by cases I may not see; they are read once it has run.
  const notices = useFetch<HitList>(matches.data !== undefined ? `/api/hits${query({ case: caseRef })}` : null);
  const [thumbnails, setThumbnails] = useState(false);
  const [peeking, setPeeking] = useState<string | null>(null);
  const [showKnown, setShowKnown] = useState(false);
  const [decided, setDecided] = useState<Record<string, string | null>>({});
  const [focus, setFocus] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  const [history, setHistory] = useState<{ sha256: string; previous: string | null }[]>([]);
  const body = useRef<HTMLTableSectionElement>(null);
  useExposure(`thumbnails:${caseRef}`, thumbnails);
  useExposure(`peek:${caseRef}`, peeking !== null);

  // The order is fixed when the page loads (uncategorised first): deciding must not reshuffle the
  // rows under the reviewer's keys, or "next" would skip an item.
  const loaded = useMemo(() => {
    const hitsBy = new Map<string, MediaHit[]>();
    const hashSetCategory = new Map<string, string>();
    for (const entry of listOf<{ media: MediaItem; hits: MediaHit[] }>(matches.data, 'media', 'matches')) {
      hitsBy.set(entry.media.sha256, entry.hits);
      const listed = entry.hits.find((hit) => hit.where === 'hash_set' && hit.category);
      if (listed?.category) hashSetCategory.set(entry.media.sha256, listed.category);
    }
    const items = listOf<MediaItem>(media.data, 'items', 'media').map((item) => ({
      item,
      id: String(item.entity ?? item.id ?? '').replace(/^e/, ''),
      hits: hitsBy.get(item.sha256) ?? [],
      stored: isUncategorised(item.category) ? null : (item.category ?? null),
      listed: hashSetCategory.get(item.sha256) ?? null,
    }));
    const decidedFirst = (entry: (typeof items)[number]) => Number((entry.stored ?? entry.listed) !== null);
    return items.sort((a, b) => decidedFirst(a) - decidedFirst(b) || a.item.file.localeCompare(b.item.file));
  }, [media.data, matches.data]);

  const rows: Row[] = loaded.map(({ item, id, hits, stored, listed }) => {
    const decision = item.sha256 in decided ? decided[item.sha256]! : stored;
    const own = isUncategorised(decision) ? null : decision;
    return { item, id, hits, category: own ?? listed, known: own === null && listed !== null };
  });

  const visible = showKnown ? rows : rows.filter((row) => !row.known);
  const knownCount = rows.length - rows.filter((row) => !row.known).length;
  const left = rows.filter((row) => row.category === null).length;

  const focusRow = useCallback((index: number) => {
    setFocus(index);
    (body.current?.children[index] as HTMLElement | undefined)?.focus();
  }, []);

  const categorise = async (row: Row, category: string | null, index: number) => {
    const previous = row.category;
    setDecided((current) => ({ ...current, [row.item.sha256]: category }));
    try {
      await post('/api/media/categories', { sha256: row.item.sha256, category: category ?? 'uncategorised' });
      setHistory((list) => [...list, { sha256: row.item.sha256, previous }].slice(-50));
      const remaining = rows.filter((other) => other.category === null && other !== row).length + (category === null ? 1 : 0);
      setAnnouncement(`${category === null ? 'Uncategorised' : (CATEGORIES[category] ?? category)} applied to ${row.item.file}; ${remaining} left.`);
      // Focus advances to the next item, as in Aleph's decision hotkeys.
      if (index + 1 < visible.length) focusRow(index + 1);
    } catch (error) {
      setDecided((current) => ({ ...current, [row.item.sha256]: previous }));
      setAnnouncement(`Not saved: ${error instanceof ApiError ? error.message : String(error)}`);
    }
  };

  const undo = async () => {
    const last = history[history.length - 1];
    if (!last) return;
    setHistory((list) => list.slice(0, -1));
    setDecided((current) => ({ ...current, [last.sha256]: last.previous }));
    try {
      await post('/api/media/categories', { sha256: last.sha256, category: last.previous ?? 'uncategorised' });
      setAnnouncement('Last decision undone.');
    } catch (error) {
      setAnnouncement(`Undo not saved: ${error instanceof ApiError ? error.message : String(error)}`);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const row = visible[focus];
    const key = event.key;
    if (key === 'ArrowDown' || key === 'j' || key === 'ArrowRight') {
      event.preventDefault();
      focusRow(Math.min(visible.length - 1, focus + 1));
    } else if (key === 'ArrowUp' || key === 'k' || key === 'ArrowLeft') {
      event.preventDefault();
      focusRow(Math.max(0, focus - 1));
    } else if (/^[0-9]$/.test(key) && row) {
      event.preventDefault();
      void categorise(row, key, focus);
    } else if ((key === 'u' || key === 'U') && row) {
      event.preventDefault();
      void categorise(row, null, focus);
    } else if (key === 'z' || key === 'Z') {
      event.preventDefault();
      void undo();
    } else if (key === ' ' && row) {
      event.preventDefault();
      if (event.repeat) return;
      if (!thumbnails) setAnnouncement('Switch thumbnails on for this case to peek.');
      else setPeeking(row.id);
    }
  };
  const onKeyUp = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    if (event.key === ' ') setPeeking(null);
  };
  // Releasing Space anywhere (or leaving the window) ends a peek.
  useEffect(() => {
    if (peeking === null) return;
    const stop = () => setPeeking(null);
    window.addEventListener('blur', stop);
    window.addEventListener('keyup', stop);
    return () => {
      window.removeEventListener('blur', stop);
      window.removeEventListener('keyup', stop);
    };
  }, [peeking]);

  return (
    <section className="panel media" aria-labelledby="media-title">
      <h2 id="media-title">Media triage</h2>
      <p className="muted small">
        Hashes and metadata only. Images are never shown unless you switch thumbnails on; they are small, blurred and greyscale, and every look is
        recorded.
      </p>
      <div className="toolbar">
        <label className="switch">
          <input type="checkbox" checked={thumbnails} onChange={(event) => setThumbnails(event.target.checked)} /> Show blurred greyscale thumbnails for this case
        </label>
        {knownCount > 0 && (
          <label>
            <input type="checkbox" checked={showKnown} onChange={(event) => setShowKnown(event.target.checked)} /> Show {knownCount} items already categorised by a hash
            set
          </label>
        )}
        <span className="muted small">{left} uncategorised</span>
      </div>
      <p className="legend small" aria-label="Keys">
        Keys: <kbd>↑</kbd>/<kbd>↓</kbd> or <kbd>J</kbd>/<kbd>K</kbd> move · {Object.entries(CATEGORIES).map(([key, label]) => `${key} ${label}`).join(' · ')} · <kbd>U</kbd>{' '}
        uncategorised · <kbd>Z</kbd> undo · hold <kbd>Space</kbd> to peek
      </p>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {media.loading && !media.data && <Loading what="Loading media" />}
      <Problem error={media.error} what="load the media" />
      <Problem error={matches.error} what="load the media matches" />
      <HitNotices notices={notices.data?.raised.filter((hit) => hit.kind === 'media')} title="Pictures another agency also holds" />
      {media.data !== undefined && totalOf(media.data, rows.length) > PAGE && (
        <Pager label="files" offset={offset} limit={PAGE} shown={rows.length} total={totalOf(media.data, rows.length)} onChange={setOffset} />
      )}
      {media.data !== undefined && rows.length === 0 && <Empty>No media in this case. Ingest a media folder to hash its files (MD5, SHA-1, SHA-256, PDQ).</Empty>}
      {visible.length > 0 && (
        <div className="table-scroll">
          <table className="data media-grid" aria-label={`Media of case ${caseRef}`} aria-rowcount={visible.length}>
            <thead>
              <tr>
                {thumbnails && <th scope="col">Preview</th>}
                <th scope="col">File</th>
                <th scope="col">Hashes</th>
                <th scope="col">Metadata</th>
                <th scope="col">Matches</th>
                <th scope="col">Category</th>
              </tr>
            </thead>
            <tbody ref={body} onKeyDown={onKeyDown} onKeyUp={onKeyUp}>
              {visible.map((row, index) => {
                const width = num(row.item, 'width');
                const height = num(row.item, 'height');
                return (
                  <tr
                    key={row.item.sha256 + row.id}
                    tabIndex={index === focus ? 0 : -1}
                    onFocus={() => setFocus(index)}
                    onClick={() => focusRow(index)}
                    aria-selected={index === focus}
                    className={row.category === null ? 'uncategorised' : ''}
                  >
                    {thumbnails && (
                      <td className="thumb">
                        {row.id ? (
                          <img
                            src={`/api/media/${encodeURIComponent(row.id)}/view${peeking === row.id ? '?reveal=1' : ''}`}
                            alt={peeking === row.id ? `Revealed: ${row.item.file}` : `Blurred greyscale preview of ${row.item.file}`}
                            width={64}
                            height={64}
                            loading="lazy"
                            draggable={false}
                          />
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                    )}
                    <th scope="row" className="wrap">
                      <span className="hash-icon" aria-hidden="true">
                        #
                      </span>{' '}
                      {row.item.file}
                    </th>
                    <td className="small">
                      <div>
                        SHA-256 <Hash value={row.item.sha256} length={16} />
                      </div>
                      {row.item.md5 && (
                        <div>
                          MD5 <Hash value={row.item.md5} />
                        </div>
                      )}
                      {row.item.pdq && (
                        <div>
                          PDQ <Hash value={row.item.pdq} />
                          {typeof row.item.quality === 'number' && <span className="muted"> q{row.item.quality}</span>}
                        </div>
                      )}
                    </td>
                    <td className="small meta">
                      {num(row.item, 'size', 'bytes') !== undefined && <div>{bytes(num(row.item, 'size', 'bytes'))}</div>}
                      {width && height && (
                        <div>
                          {width}×{height}
                        </div>
                      )}
                      {str(row.item, 'takenAt', 'capturedAt', 'createdAt') && (
                        <div>
                          taken <When at={str(row.item, 'takenAt', 'capturedAt', 'createdAt')} />
                        </div>
                      )}
                      {str(row.item, 'device', 'camera', 'make') && <div>{str(row.item, 'device', 'camera', 'make')}</div>}
                      {str(row.item, 'mimeType', 'mime', 'format') && <div>{str(row.item, 'mimeType', 'mime', 'format')}</div>}
                    </td>
                    <td className="small">
                      <Matches hits={row.hits} />
                    </td>
                    <td>
                      {row.category === null ? (
                        <span className="muted">Uncategorised</span>
                      ) : (
                        <span className="category-badge">
                          {CATEGORIES[row.category] ?? row.category}
                          {row.known ? ' (hash set)' : ''}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
