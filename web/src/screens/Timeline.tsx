/**
 * Timelines and places. A timeline shows one lane per actor (i2's theme lines) for the page in
 * view and the same entries as a list grouped by day, month or year; undated entries are listed
 * apart, never dropped. Places are a table and a plain SVG scatter of positions — no map tiles,
 * so nothing about a case is sent to a tile server.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { listOf, query } from '../api.ts';
import { Empty, kindLabel, Loading, Pager, Problem, When } from '../components/common.tsx';
import { useFetch } from '../hooks.ts';
import { entityUrl, Link } from '../router.tsx';
import type { Place, Timeline, TimelineEntry } from '../types.ts';

const LIMIT = 100;
const MAX_LANES = 10;
type Zoom = 'day' | 'month' | 'year';
const bucketOf = (at: string, zoom: Zoom) => (zoom === 'year' ? at.slice(0, 4) : zoom === 'month' ? at.slice(0, 7) : at.slice(0, 10));

function Lanes({ entries }: { entries: TimelineEntry[] }) {
  const dated = entries.filter((entry) => entry.at);
  if (dated.length < 2) return null;
  const times = dated.map((entry) => Date.parse(entry.at!));
  const min = Math.min(...times);
  const max = Math.max(...times);
  const counts = new Map<string, number>();
  for (const entry of dated) counts.set(entry.actor ?? '(no actor)', (counts.get(entry.actor ?? '(no actor)') ?? 0) + 1);
  const lanes = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  const shown = lanes.slice(0, MAX_LANES);
  const width = 900;
  const laneHeight = 22;
  const left = 160;
  const x = (time: number) => left + (max === min ? 0.5 : (time - min) / (max - min)) * (width - left - 10);
  return (
    <figure className="lanes">
      <svg viewBox={`0 0 ${width} ${shown.length * laneHeight + 24}`} role="img" aria-label={`Swim lanes of ${shown.length} actors from ${new Date(min).toISOString().slice(0, 10)} to ${new Date(max).toISOString().slice(0, 10)}`}>
        {shown.map((lane, index) => (
          <g key={lane} transform={`translate(0, ${index * laneHeight})`}>
            <text x={4} y={15} className="lane-label">
              {lane.length > 22 ? `${lane.slice(0, 21)}…` : lane}
              <title>{lane}</title>
            </text>
            <line x1={left} x2={width - 10} y1={11} y2={11} className="lane-line" />
            {dated
              .filter((entry) => (entry.actor ?? '(no actor)') === lane)
              .map((entry) => (
                <circle key={entry.record} cx={x(Date.parse(entry.at!))} cy={11} r={4} className={`event kind-${entry.kind}`}>
                  <title>{`${entry.at} ${entry.kind}: ${entry.text ?? ''}`}</title>
                </circle>
              ))}
          </g>
        ))}
        <text x={left} y={shown.length * laneHeight + 18} className="axis">
          {new Date(min).toISOString().slice(0, 10)}
        </text>
        <text x={width - 10} y={shown.length * laneHeight + 18} textAnchor="end" className="axis">
          {new Date(max).toISOString().slice(0, 10)}
        </text>
      </svg>
      {lanes.length > MAX_LANES && (
        <figcaption className="muted small">
          Showing the {MAX_LANES} busiest of {lanes.length} lanes on this page; every entry is in the list below.
        </figcaption>
      )}
    </figure>
  );
}

/** A list with a roving tabindex: one Tab stop, arrow keys between entries (UI brief §5). */
function EntryList({ entries, label }: { entries: TimelineEntry[]; label: string }) {
  const [focus, setFocus] = useState(0);
  const list = useRef<HTMLOListElement>(null);
  const move = (event: KeyboardEvent<HTMLOListElement>) => {
    const delta = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : event.key === 'Home' ? -Infinity : event.key === 'End' ? Infinity : 0;
    if (delta === 0) return;
    event.preventDefault();
    const next = Math.max(0, Math.min(entries.length - 1, delta === -Infinity ? 0 : delta === Infinity ? entries.length - 1 : focus + delta));
    setFocus(next);
    (list.current?.children[next] as HTMLElement | undefined)?.focus();
  };
  return (
    <ol className="timeline-entries" aria-label={label} ref={list} onKeyDown={move}>
      {entries.map((entry, index) => (
        <li key={entry.record} tabIndex={index === focus ? 0 : -1} onFocus={() => setFocus(index)}>
          <When at={entry.at} /> <span className={`kind-badge kind-${entry.kind}`}>{kindLabel(entry.kind)}</span> {entry.actor && <strong>{entry.actor}</strong>}
          {entry.target && <> → {entry.target}</>}
          {entry.room && <span className="muted"> in {entry.room}</span>} <span className="wrap">{entry.text ?? ''}</span>{' '}
          <span className="provenance muted small">
            {entry.case} · {entry.source.file}
            {entry.source.line !== null ? `:${entry.source.line}` : ''}
          </span>
        </li>
      ))}
    </ol>
  );
}

export function TimelineTab({ reference, compact = false }: { reference: string; compact?: boolean }) {
  const [offset, setOffset] = useState(0);
  const [zoom, setZoom] = useState<Zoom>('day');
  const [range, setRange] = useState({ from: '', to: '' });
  const limit = compact ? 25 : LIMIT;
  const answer = useFetch<Timeline>(`/api/timeline/${encodeURIComponent(reference)}${query({ limit, offset, from: range.from, to: range.to })}`);
  const timeline = answer.data;
  const entries = timeline?.entries ?? [];
  const undated = entries.filter((entry) => !entry.at);
  const groups = useMemo(() => {
    const map = new Map<string, TimelineEntry[]>();
    for (const entry of entries) if (entry.at) map.set(bucketOf(entry.at, zoom), [...(map.get(bucketOf(entry.at, zoom)) ?? []), entry]);
    return [...map.entries()];
  }, [entries, zoom]);

  return (
    <section className={compact ? '' : 'panel'} aria-label={`Timeline of ${reference}`}>
      {!compact && <h2>Timeline</h2>}
      <div className="toolbar">
        <label>
          Group by{' '}
          <select value={zoom} onChange={(event) => setZoom(event.target.value as Zoom)}>
            <option value="day">day</option>
            <option value="month">month</option>
            <option value="year">year</option>
          </select>
        </label>
        <label>
          From{' '}
          <input type="date" value={range.from} onChange={(event) => (setRange({ ...range, from: event.target.value }), setOffset(0))} />
        </label>
        <label>
          To{' '}
          <input type="date" value={range.to} onChange={(event) => (setRange({ ...range, to: event.target.value }), setOffset(0))} />
        </label>
      </div>
      {answer.loading && <Loading what="Loading the timeline" />}
      <Problem error={answer.error} what="load the timeline" />
      {timeline && timeline.total === 0 && <Empty>Nothing on the timeline{range.from || range.to ? ' in this date range' : ''}.</Empty>}
      {timeline && timeline.total > 0 && (
        <>
          <Pager label="entries" offset={offset} limit={limit} shown={entries.length} total={timeline.total} onChange={setOffset} />
          {!compact && <Lanes entries={entries} />}
          {groups.map(([bucket, items]) => (
            <div key={bucket} className="timeline-group">
              <h3>
                {bucket} <span className="muted small">({items.length})</span>
              </h3>
              <EntryList entries={items} label={`Entries of ${bucket}`} />
            </div>
          ))}
          {undated.length > 0 && (
            <div className="timeline-group undated">
              <h3>
                Undated <span className="muted small">({undated.length} on this page — listed, not dropped)</span>
              </h3>
              <EntryList entries={undated} label="Undated entries" />
            </div>
          )}
        </>
      )}
    </section>
  );
}

function Scatter({ places }: { places: Place[] }) {
  const located = places.filter((place) => place.latitude !== null && place.longitude !== null);
  if (located.length === 0) return <p className="muted">No place has a position; they are listed below.</p>;
  const lats = located.map((place) => place.latitude!);
  const lons = located.map((place) => place.longitude!);
  const pad = 0.05;
  let [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  if (maxLat - minLat < 0.01) [minLat, maxLat] = [minLat - 0.05, maxLat + 0.05];
  if (maxLon - minLon < 0.01) [minLon, maxLon] = [minLon - 0.05, maxLon + 0.05];
  const width = 640;
  const height = 360;
  const x = (lon: number) => (pad + ((lon - minLon) / (maxLon - minLon)) * (1 - 2 * pad)) * width;
  const y = (lat: number) => (pad + ((maxLat - lat) / (maxLat - minLat)) * (1 - 2 * pad)) * height;
  return (
    <figure className="scatter">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${located.length} positions between latitude ${minLat.toFixed(3)} and ${maxLat.toFixed(3)}, longitude ${minLon.toFixed(3)} and ${maxLon.toFixed(3)}`}>
        <rect x={0} y={0} width={width} height={height} className="scatter-bg" />
        {located.map((place, index) => (
          <circle key={index} cx={x(place.longitude!)} cy={y(place.latitude!)} r={5} className={`place from-${place.from}`}>
            <title>{`${place.label} (${place.latitude}, ${place.longitude}) — ${place.from}, ${place.case}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="muted small">
        Positions only, drawn without a map (no tile server sees them). Latitude {minLat.toFixed(3)}…{maxLat.toFixed(3)}, longitude {minLon.toFixed(3)}…{maxLon.toFixed(3)}.
      </figcaption>
    </figure>
  );
}

export function PlacesTab({ reference }: { reference: string }) {
  const answer = useFetch<unknown>(`/api/places/${encodeURIComponent(reference)}`);
  const places = listOf<Place>(answer.data, 'places');
  return (
    <section className="panel" aria-labelledby="places-title">
      <h2 id="places-title">Places</h2>
      {answer.loading && <Loading what="Loading places" />}
      <Problem error={answer.error} what="load places" />
      {answer.data !== undefined && places.length === 0 && <Empty>No places in this case: no location entities, photo positions or addresses.</Empty>}
      {places.length > 0 && (
        <>
          <Scatter places={places} />
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Place</th>
                <th scope="col">From</th>
                <th scope="col" className="num">
                  Latitude
                </th>
                <th scope="col" className="num">
                  Longitude
                </th>
                <th scope="col">Case</th>
              </tr>
            </thead>
            <tbody>
              {places.map((place, index) => (
                <tr key={index}>
                  <th scope="row" className="wrap">
                    <Link to={entityUrl(place.entity)}>{place.label}</Link>
                  </th>
                  <td>{place.from}</td>
                  <td className="num">{place.latitude?.toFixed(5) ?? '—'}</td>
                  <td className="num">{place.longitude?.toFixed(5) ?? '—'}</td>
                  <td>{place.case}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
