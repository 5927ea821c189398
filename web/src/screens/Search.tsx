/**
 * One box over every case I may see: records ranked with highlighted snippets (paged, "showing X
 * of Y"), entities matched by identifier, handle or fuzzy name, and filters by case, kind and date.
 * The filters live in the URL, so a search can be bookmarked and Back works.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { listOf, query } from '../api.ts';
import { Empty, kindLabel, Loading, Pager, Problem, Snippet, When } from '../components/common.tsx';
import { HitNotices } from '../components/HitNotices.tsx';
import { useFetch, useTitle } from '../hooks.ts';
import { caseUrl, chartUrl, entityUrl, Link, navigate, useLocation } from '../router.tsx';
import type { CaseSummary, SearchResult } from '../types.ts';
import { evidenceUrl } from './Evidence.tsx';

const LIMIT = 20;
/** Search counts and ranks the first matches it finds, no more (src/search/search.ts COUNT_LIMIT): paging past them finds nothing. */
const CAPPED = 'Only the first matches found are ranked: narrow the search (more words, case:, kind:, dates) to reach the rest.';
const RECORD_KINDS = ['message', 'transaction', 'arrest', 'sighting', 'media'];

export function SearchScreen() {
  const { params } = useLocation();
  const q = params.get('q') ?? '';
  const filters = { case: params.get('case') ?? '', kind: params.get('kind') ?? '', from: params.get('from') ?? '', to: params.get('to') ?? '' };
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  useTitle(q ? `Search: ${q}` : 'Search');
  const [text, setText] = useState(q);
  const [draft, setDraft] = useState(filters);
  useEffect(() => setText(q), [q]);
  const filterKey = JSON.stringify(filters);
  useEffect(() => setDraft(JSON.parse(filterKey) as typeof filters), [filterKey]);
  const cases = useFetch<unknown>('/api/cases');
  const caseList = listOf<CaseSummary>(cases.data, 'cases');
  const hasQuery = q.trim() !== '' || Object.values(filters).some(Boolean);
  const result = useFetch<SearchResult>(hasQuery ? `/api/search${query({ q, ...filters, limit: LIMIT, offset })}` : null);

  const go = (next: { q?: string; offset?: number; filters?: typeof filters }) => {
    const nextFilters = next.filters ?? filters;
    navigate(`/search${query({ q: next.q ?? q, ...nextFilters, offset: next.offset || undefined })}`);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    go({ q: text.trim(), offset: 0, filters: draft });
  };

  const records = result.data?.records;
  const entities = result.data?.entities ?? [];
  return (
    <div className="search">
      <h1>Search</h1>
      <form className="search-form" role="search" onSubmit={submit} aria-label="Search every case you may see">
        <div className="search-box">
          <label htmlFor="search-q" className="visually-hidden">
            Search words, identifiers, @handles or ~fuzzy names
          </label>
          <input id="search-q" type="search" value={text} onChange={(event) => setText(event.target.value)} placeholder='words, "phrases", -exclusions, an email or phone, @handle, ~fuzzy name' />
          <button type="submit" className="primary">
            Search
          </button>
        </div>
        <fieldset className="filters">
          <legend>Filters</legend>
          <label>
            Case
            <select value={draft.case} onChange={(event) => setDraft({ ...draft, case: event.target.value })}>
              <option value="">All my cases</option>
              {caseList.map((item) => (
                <option key={item.ref} value={item.ref}>
                  {item.ref}
                  {item.title ? ` — ${item.title}` : ''}
                </option>
              ))}
            </select>
          </label>
          <label>
            Kind
            <select value={draft.kind} onChange={(event) => setDraft({ ...draft, kind: event.target.value })}>
              <option value="">Any</option>
              {RECORD_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {kind}
                </option>
              ))}
            </select>
          </label>
          <label>
            From
            <input type="date" value={draft.from} onChange={(event) => setDraft({ ...draft, from: event.target.value })} />
          </label>
          <label>
            To
            <input type="date" value={draft.to} onChange={(event) => setDraft({ ...draft, to: event.target.value })} />
          </label>
          <button type="submit">Apply filters</button>
          {Object.values(filters).some(Boolean) && (
            <button type="button" className="link" onClick={() => go({ offset: 0, filters: { case: '', kind: '', from: '', to: '' } })}>
              Clear filters
            </button>
          )}
        </fieldset>
      </form>

      {!hasQuery && (
        <Empty>
          Type words to find messages and records, an identifier in any notation (an email, <code>+1 416 555 0123</code>, a card number) to find who used it,{' '}
          <code>@handle</code> for accounts, or <code>~name</code> for names spelt differently. Only cases you are a member of are searched.
        </Empty>
      )}
      <Problem error={result.error} what="search" />
      {result.loading && <Loading what="Searching" />}

      {result.data && <HitNotices notices={result.data.hits} />}
      {result.data && (
        <div className="results">
          <section aria-labelledby="entity-results" className="panel">
            <h2 id="entity-results">
              People, accounts and things <span className="muted">({entities.length}{entities.length >= 50 ? ', the best 50' : ''})</span>
            </h2>
            {entities.length === 0 ? (
              <p className="muted">No entity matched. Try an identifier, an @handle or ~a name.</p>
            ) : (
              <ul className="cards">
                {entities.map((entity) => (
                  <li key={entity.id} className="card">
                    <span className={`kind-badge kind-${entity.kind}`}>{kindLabel(entity.kind)}</span>{' '}
                    <Link to={entityUrl(entity.id)} className="card-title">
                      {entity.label}
                    </Link>
                    <div className="muted small">
                      <Link to={caseUrl(entity.case)}>{entity.case}</Link> · {entity.agency} · matched by {entity.matched}
                      {entity.matched === 'fuzzy' ? ` (${Math.round(entity.score * 100)}%)` : ''}
                    </div>
                    <Link to={chartUrl(`e${entity.id}`)} className="small">
                      Add to chart
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="record-results" className="panel">
            <h2 id="record-results">Records</h2>
            {records && records.total === 0 && <p className="muted">No record matched{q ? ` “${q}”` : ''}.</p>}
            {records && records.total > 0 && (
              <>
                <Pager label="records" offset={offset} limit={LIMIT} shown={records.hits.length} total={records.total} more={records.more} capped={CAPPED} onChange={(next) => go({ offset: next })} />
                <ol className="record-hits" start={offset + 1}>
                  {records.hits.map((hit) => (
                    <li key={hit.id} className="record-hit">
                      <div className="hit-head">
                        <span className={`kind-badge kind-${hit.kind}`}>{kindLabel(hit.kind)}</span> <When at={hit.occurredAt} />
                        {hit.actor && <strong> {hit.actor}</strong>}
                        <span className="muted">
                          {' '}
                          · <Link to={caseUrl(hit.case)}>{hit.case}</Link> · {hit.agency}
                        </span>
                      </div>
                      <p>
                        <Snippet text={hit.snippet} />
                      </p>
                      <div className="muted small provenance">
                        <Link to={evidenceUrl(hit.case, hit.source.id, { record: hit.id, q })} title="Open it where it lies in its source, the words marked">
                          {hit.source.file}
                          {hit.source.line !== null ? `:${hit.source.line}` : ''}
                        </Link>
                      </div>
                    </li>
                  ))}
                </ol>
                {records.hits.length > 5 && <Pager label="records" offset={offset} limit={LIMIT} shown={records.hits.length} total={records.total} more={records.more} capped={CAPPED} onChange={(next) => go({ offset: next })} />}
              </>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
