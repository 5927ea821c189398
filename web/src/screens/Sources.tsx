/**
 * A case's sources with their chain of custody (file, SHA-256, who, when, records, rejects), the
 * rejects report of one source, and ingesting a new file with a live progress bar.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, get, listOf, query, totalOf, upload } from '../api.ts';
import { bytes, Empty, Hash, Loading, Pager, Problem, When } from '../components/common.tsx';
import { useFetch, useServerEvents, type Loaded } from '../hooks.ts';
import { Link } from '../router.tsx';
import type { CaseDetail, Job, RejectView, SourceView } from '../types.ts';
import { evidenceUrl } from './Evidence.tsx';

/** The first of several names a field may have (the API is young; older and newer names both work). */
function pick<T>(value: Record<string, unknown>, ...keys: string[]): T | undefined {
  for (const key of keys) {
    const found = key.split('.').reduce<unknown>((inner, part) => (inner && typeof inner === 'object' ? (inner as Record<string, unknown>)[part] : undefined), value);
    if (found !== undefined && found !== null && found !== '') return found as T;
  }
  return undefined;
}

export function sourceName(source: SourceView): string {
  return pick<string>(source, 'file', 'originalName', 'original_name', 'name', 'path') ?? `source ${source.id}`;
}

const REJECTS_PAGE = 100;

function Rejects({ caseRef, source, onClose }: { caseRef: string; source: SourceView; onClose: () => void }) {
  const [offset, setOffset] = useState(0);
  const rejects = useFetch<unknown>(`/api/cases/${encodeURIComponent(caseRef)}/sources/${encodeURIComponent(source.id)}/rejects${query({ limit: REJECTS_PAGE, offset })}`);
  const list = listOf<RejectView>(rejects.data, 'rejects');
  const total = totalOf(rejects.data, list.length);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="panel rejects" aria-labelledby="rejects-title">
      <div className="title-row">
        <h3 id="rejects-title" tabIndex={-1} ref={heading}>
          Rejects report: {sourceName(source)}
        </h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {rejects.loading && <Loading what="Loading the rejects" />}
      <Problem error={rejects.error} what="load the rejects" />
      {rejects.data !== undefined && list.length === 0 && <Empty>No rejected lines: every line of this source loaded.</Empty>}
      {list.length > 0 && <Pager label="rejected lines" offset={offset} limit={REJECTS_PAGE} shown={list.length} total={total} onChange={setOffset} />}
      {list.length > 0 && (
        <table className="data">
          <caption>
            {total.toLocaleString()} rejected {total === 1 ? 'line' : 'lines'}; the good lines of the file still loaded.
          </caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                Line
              </th>
              <th scope="col">Reason</th>
              <th scope="col">Raw text</th>
            </tr>
          </thead>
          <tbody>
            {list.map((reject, index) => (
              <tr key={index}>
                <td className="num">{reject.line ?? '—'}</td>
                <td className="wrap">{reject.reason}</td>
                <td className="wrap">
                  <code>{reject.raw ?? ''}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface Progress {
  phase: 'uploading' | 'ingesting' | 'done' | 'failed';
  /** What the server is doing: queued, fingerprint, parse, links. */
  step?: string;
  done: number;
  total: number;
  records?: number;
  rejects?: number;
  message?: string;
  jobId?: string;
}

const STEP_WORDS: Record<string, string> = { queued: 'waiting for the ingest before it', fingerprint: 'hashing the file', parse: 'reading records', links: 'linking' };
const FINISHED = /^(done|completed?|finished|succeeded|success|ok)$/i;
const FAILED = /^(failed|error|errored|cancelled|canceled)$/i;

/** Reads whatever a job or progress event says into one progress state. */
function progressFrom(job: Job, previous: Progress): Progress {
  const state = String(job.state ?? job.status ?? job.phase ?? '');
  const done = typeof job.done === 'number' ? job.done : typeof job.records === 'number' ? job.records : previous.done;
  const total = typeof job.total === 'number' ? job.total : previous.total;
  const next: Progress = { ...previous, done, total, phase: 'ingesting', step: String(job.status === 'queued' ? 'queued' : (job.phase ?? previous.step ?? '')) };
  if (typeof job.records === 'number') next.records = job.records;
  if (typeof job.rejects === 'number') next.rejects = job.rejects;
  if (FINISHED.test(state)) next.phase = 'done';
  if (FAILED.test(state) || job.error) {
    next.phase = 'failed';
    next.message = String(job.error ?? job.detail ?? 'the ingest failed');
  }
  return next;
}

function jobOf(data: unknown): Job | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const value = data as Record<string, unknown>;
  if (value.job && typeof value.job === 'object') return { ...(value as object), ...(value.job as Job) } as Job;
  if (typeof value.job === 'string' || typeof value.job === 'number') return { ...(value as object), id: String(value.job) } as Job;
  if (typeof value.jobId === 'string' || typeof value.jobId === 'number') return { ...(value as object), id: String(value.jobId) } as Job;
  if (typeof value.id === 'string' || typeof value.id === 'number') return { ...(value as object), id: String(value.id) } as Job;
  return undefined;
}

function Ingest({ caseRef, onDone }: { caseRef: string; onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState('');
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const jobId = progress?.jobId;
  const active = progress?.phase === 'ingesting';

  useServerEvents((event) => {
    const job = jobOf(event.data);
    if (!job || !jobId || String(job.id) !== jobId) return;
    setProgress((previous) => (previous ? progressFrom(job, previous) : previous));
  });

  // Polling as well as events: a proxy that buffers events must not leave the bar stuck.
  useEffect(() => {
    if (!active || !jobId) return;
    const timer = window.setInterval(() => {
      get<unknown>(`/api/jobs/${encodeURIComponent(jobId)}`).then(
        (data) => {
          const job = jobOf(data);
          if (job) setProgress((previous) => (previous ? progressFrom({ ...job, id: jobId }, previous) : previous));
        },
        () => undefined,
      );
    }, 1000);
    return () => window.clearInterval(timer);
  }, [active, jobId]);

  useEffect(() => {
    if (progress?.phase === 'done') onDone();
  }, [progress?.phase, onDone]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setProgress({ phase: 'uploading', done: 0, total: file.size });
    const form = new FormData();
    if (format) form.set('format', format);
    form.set('file', file, file.name);
    try {
      const answer = await upload<unknown>(`/api/cases/${encodeURIComponent(caseRef)}/sources`, form, (sent, total) =>
        setProgress((previous) => (previous && previous.phase === 'uploading' ? { ...previous, done: sent, total: total || file.size } : previous)),
      );
      const job = jobOf(answer);
      if (!job) {
        setProgress({ phase: 'done', done: 1, total: 1 });
        return;
      }
      setProgress(progressFrom(job, { phase: 'ingesting', done: 0, total: 0, jobId: String(job.id) }));
    } catch (caught) {
      setProgress(null);
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };

  const percent = progress && progress.total > 0 ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : undefined;
  return (
    <section className="panel" aria-labelledby="ingest-title">
      <h2 id="ingest-title">Ingest a file</h2>
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        <label htmlFor="ingest-file">Evidence file</label>
        <input id="ingest-file" type="file" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
        <label htmlFor="ingest-format">Format</label>
        <select id="ingest-format" value={format} onChange={(event) => setFormat(event.target.value)}>
          <option value="">Detect</option>
          <option value="csv">CSV</option>
          <option value="jsonl">JSON Lines</option>
          <option value="irc">IRC log</option>
          <option value="whatsapp">WhatsApp export</option>
          <option value="telegram">Telegram export</option>
          <option value="discord">Discord export</option>
        </select>
        <button type="submit" className="primary" disabled={!file || progress?.phase === 'uploading' || active}>
          Upload and ingest
        </button>
      </form>
      {error && (
        <p className="problem" role="alert">
          {error}
        </p>
      )}
      {progress && (
        <div className="progress" aria-live="polite">
          <label htmlFor="ingest-progress">
            {progress.phase === 'uploading' && `Uploading ${bytes(progress.done)} of ${bytes(progress.total)}`}
            {progress.phase === 'ingesting' &&
              `Ingesting${progress.step ? ` (${STEP_WORDS[progress.step] ?? progress.step})` : ''}: ${progress.total > 0 ? `${bytes(progress.done)} of ${bytes(progress.total)} read` : 'starting'}${progress.records !== undefined ? `, ${progress.records.toLocaleString()} records` : ''}${progress.rejects ? `, ${progress.rejects.toLocaleString()} rejects` : ''}`}
            {progress.phase === 'done' &&
              `Ingested${progress.records !== undefined ? `: ${progress.records.toLocaleString()} records` : ''}${progress.rejects !== undefined ? `, ${progress.rejects.toLocaleString()} rejects` : ''}.`}
            {progress.phase === 'failed' && `Failed: ${progress.message ?? ''}`}
          </label>
          <progress id="ingest-progress" max={100} value={progress.phase === 'done' ? 100 : percent} />
        </div>
      )}
    </section>
  );
}

export function SourcesTab({ caseRef, detail }: { caseRef: string; detail: Loaded<CaseDetail> }) {
  const [rejectsOf, setRejectsOf] = useState<SourceView | null>(null);
  const sources = listOf<SourceView>(detail.data?.sources, 'sources');
  return (
    <>
      <section className="panel" aria-labelledby="sources-title">
        <h2 id="sources-title">Sources and chain of custody</h2>
        {detail.loading && !detail.data && <Loading what="Loading the sources" />}
        {detail.data && sources.length === 0 && <Empty>No evidence in this case yet. Ingest a file below: a chat export, a CSV of transactions or arrests, a media folder.</Empty>}
        {sources.length > 0 && (
          <div className="table-scroll">
            <table className="data sources">
              <caption className="visually-hidden">Sources of case {caseRef}</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Format</th>
                  <th scope="col">Status</th>
                  <th scope="col">SHA-256</th>
                  <th scope="col">Added by</th>
                  <th scope="col">When</th>
                  <th scope="col" className="num">
                    Records
                  </th>
                  <th scope="col" className="num">
                    Rejects
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Evidence viewer</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {sources.map((source) => {
                  const rejects = pick<number>(source, 'rejects', 'rejectCount', 'rejected') ?? 0;
                  return (
                    <tr key={source.id}>
                      <th scope="row" className="wrap">
                        {sourceName(source)}
                        {pick<number>(source, 'size', 'bytes') !== undefined && <span className="muted small"> ({bytes(pick<number>(source, 'size', 'bytes'))})</span>}
                      </th>
                      <td>{pick<string>(source, 'format') ?? '—'}</td>
                      <td>{pick<string>(source, 'status') ?? '—'}</td>
                      <td>
                        <Hash value={pick<string>(source, 'sha256', 'custody.sha256')} />
                      </td>
                      <td className="wrap">
                        {pick<string>(source, 'addedBy', 'ingestedBy', 'by', 'actor', 'custody.by') ?? '—'}
                        {pick<string>(source, 'origin') && <div className="muted small">from {pick<string>(source, 'origin')}</div>}
                      </td>
                      <td>
                        <When at={pick<string>(source, 'addedAt', 'ingestedAt', 'createdAt', 'at', 'custody.at')} />
                      </td>
                      <td className="num">{pick<number>(source, 'records', 'recordCount')?.toLocaleString() ?? '—'}</td>
                      <td className="num">
                        {rejects > 0 ? (
                          <button type="button" className="link" onClick={() => setRejectsOf(source)} aria-label={`${rejects} rejects of ${sourceName(source)}: show the report`}>
                            {rejects.toLocaleString()}
                          </button>
                        ) : (
                          <button type="button" className="link muted" onClick={() => setRejectsOf(source)} aria-label={`no rejects in ${sourceName(source)}: show the report`}>
                            0
                          </button>
                        )}
                      </td>
                      <td>
                        <Link to={evidenceUrl(caseRef, String(source.id))} aria-label={`Open ${sourceName(source)} in the evidence viewer`}>
                          Open
                        </Link>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {rejectsOf && <Rejects caseRef={caseRef} source={rejectsOf} onClose={() => setRejectsOf(null)} />}
      <Ingest caseRef={caseRef} onDone={detail.reload} />
    </>
  );
}
