/** The audit trail for auditors: who viewed, searched, revealed or categorised what, and when. */
import { useState, type FormEvent } from 'react';
import { listOf, query } from '../api.ts';
import { Empty, Loading, Problem, When } from '../components/common.tsx';
import { useFetch, useTitle } from '../hooks.ts';
import type { AuditEntry } from '../types.ts';

export function AuditScreen() {
  useTitle('Audit trail');
  const [draft, setDraft] = useState({ actor: '', action: '', case: '' });
  const [filters, setFilters] = useState(draft);
  const answer = useFetch<unknown>(`/api/audit${query({ ...filters, limit: 200 })}`);
  const entries = listOf<AuditEntry>(answer.data, 'entries', 'audit');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  return (
    <div className="audit">
      <h1>Audit trail</h1>
      <form className="filters" onSubmit={submit} aria-label="Audit filters">
        <label>
          Who <input value={draft.actor} onChange={(event) => setDraft({ ...draft, actor: event.target.value })} />
        </label>
        <label>
          Action <input value={draft.action} placeholder="e.g. media. or search" onChange={(event) => setDraft({ ...draft, action: event.target.value })} />
        </label>
        <label>
          Case <input value={draft.case} onChange={(event) => setDraft({ ...draft, case: event.target.value })} />
        </label>
        <button type="submit">Filter</button>
      </form>
      {answer.loading && <Loading what="Loading the audit trail" />}
      <Problem error={answer.error} what="load the audit trail" />
      {answer.data !== undefined && entries.length === 0 && <Empty>No entries match.</Empty>}
      {entries.length > 0 && (
        <table className="data">
          <caption className="muted">
            The latest {entries.length} entries{entries.length >= 200 ? ' (narrow the filters to see older ones)' : ''}.
          </caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry, index) => (
              <tr key={entry.id ?? index}>
                <td>
                  <When at={entry.at ?? (entry.createdAt as string | undefined)} />
                </td>
                <td>{entry.actor ?? '—'}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td className="wrap">{entry.target ?? entry.case ?? ''}</td>
                <td className="wrap small">{entry.details === undefined || entry.details === null ? '' : typeof entry.details === 'string' ? entry.details : JSON.stringify(entry.details)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
