/**
 * Cross-case match review (UI screen 7): pairs of person records from two cases that resolution
 * tied together, least certain first, with the score, the fields that matched and both records side
 * by side. Y / N / U decide same / different / unsure (as Aleph's xref hotkeys) and focus moves on to
 * the next pair; J / K or the arrows step. Pivot by case and switch to your unsure list on the left.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, post, query } from '../api.ts';
import { Empty, Loading, Problem } from '../components/common.tsx';
import { ReasonFields } from '../components/MatchReasons.tsx';
import { useFetch, useTitle } from '../hooks.ts';
import { caseUrl, entityUrl, Link, navigate, useLocation } from '../router.tsx';
import type { ReviewPage, ReviewPair, ReviewSide } from '../types.ts';

type Verdict = 'confirm' | 'reject' | 'unsure';

const PAGE = 25;
const VERDICT_OF_KEY: Record<string, Verdict> = { y: 'confirm', n: 'reject', u: 'unsure' };
const VERDICT_WORDS: Record<Verdict, string> = { confirm: 'Same person', reject: 'Different people', unsure: 'Unsure' };

const pairId = (pair: ReviewPair) => `${pair.a.entity}-${pair.b.entity}`;
const percent = (probability: number) => `${(probability * 100).toFixed(1)}%`;

/** Identifiers both records hold: the strongest reason two cases share a person. */
function sharedIdentifiers(pair: ReviewPair): Set<string> {
  const key = (identifier: { type: string; value: string }) => `${identifier.type}:${identifier.value.toLowerCase()}`;
  const left = new Set(pair.a.identifiers.map(key));
  return new Set(pair.b.identifiers.map(key).filter((item) => left.has(item)));
}

function Comparison({ pair }: { pair: ReviewPair }) {
  const shared = sharedIdentifiers(pair);
  const names = [...new Map([...pair.a.attributes, ...pair.b.attributes].map((attribute) => [attribute.name, attribute.label])).entries()];
  const value = (side: ReviewSide, name: string) => side.attributes.find((attribute) => attribute.name === name)?.value;
  const identifierList = (side: ReviewSide) => (
    <>
      {side.identifiers.length === 0 && <span className="muted">none</span>}
      <ul className="review-identifiers">
        {side.identifiers.map((identifier) => {
          const both = shared.has(`${identifier.type}:${identifier.value.toLowerCase()}`);
          return (
            <li key={`${identifier.type}:${identifier.value}`} className={both ? 'shared' : undefined}>
              <span className="id-type">{identifier.type}</span> {identifier.value}
              {both && <span className="visually-hidden"> (held by both)</span>}
            </li>
          );
        })}
      </ul>
      {side.identifierTotal > side.identifiers.length && (
        <span className="small muted">
          showing {side.identifiers.length} of {side.identifierTotal}: <Link to={entityUrl(side.entity)}>all on the record's page</Link>
        </span>
      )}
    </>
  );
  return (
    <table className="data review-compare" aria-label="The two records side by side">
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">Property</span>
          </th>
          {[pair.a, pair.b].map((side, index) => (
            <th scope="col" key={index} className="wrap">
              <Link to={entityUrl(side.entity)}>{side.label}</Link>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">Case</th>
          {[pair.a, pair.b].map((side, index) => (
            <td key={index}>
              <Link to={caseUrl(side.case)}>{side.case}</Link>
            </td>
          ))}
        </tr>
        <tr>
          <th scope="row">Agency</th>
          {[pair.a, pair.b].map((side, index) => (
            <td key={index} className="wrap">
              {side.agency}
            </td>
          ))}
        </tr>
        <tr>
          <th scope="row">Source and key</th>
          {[pair.a, pair.b].map((side, index) => (
            <td key={index} className="wrap small">
              {side.source ?? '?'} · <code className="wrap">{side.key}</code>
            </td>
          ))}
        </tr>
        {names.map(([name, label]) => {
          const left = value(pair.a, name);
          const right = value(pair.b, name);
          const same = left !== undefined && right !== undefined && left.toLowerCase() === right.toLowerCase();
          return (
            <tr key={name} className={same ? 'same' : undefined}>
              <th scope="row">{label}</th>
              <td className="wrap">{left ?? <span className="muted">—</span>}</td>
              <td className="wrap">{right ?? <span className="muted">—</span>}</td>
            </tr>
          );
        })}
        <tr>
          <th scope="row">Identifiers</th>
          <td>{identifierList(pair.a)}</td>
          <td>{identifierList(pair.b)}</td>
        </tr>
      </tbody>
    </table>
  );
}

function KeyLegend() {
  return (
    <p className="legend small" aria-label="Keys">
      <kbd>Y</kbd> same person · <kbd>N</kbd> different people · <kbd>U</kbd> unsure · <kbd>J</kbd>/<kbd>↓</kbd> next · <kbd>K</kbd>/<kbd>↑</kbd> previous
    </p>
  );
}

export function ReviewScreen() {
  useTitle('Match review');
  const { params } = useLocation();
  const caseRef = params.get('case') ?? undefined;
  const status = params.get('status') === 'unsure' ? 'unsure' : 'open';
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  const answer = useFetch<ReviewPage>(`/api/match-review${query({ case: caseRef, status: status === 'open' ? undefined : status, limit: PAGE, offset })}`);
  // Decided pairs leave the list at once; the page is read again when it runs out.
  const [decided, setDecided] = useState<ReadonlySet<string>>(new Set());
  const [focused, setFocused] = useState(0);
  const [busy, setBusy] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [failure, setFailure] = useState<ApiError>();
  const rows = useRef(new Map<string, HTMLLIElement>());
  const focusWanted = useRef(false);

  useEffect(() => {
    setDecided(new Set());
    setFocused(0);
  }, [answer.data]);

  const pairs = useMemo(() => (answer.data?.items ?? []).filter((pair) => !decided.has(pairId(pair))), [answer.data, decided]);
  const current = pairs[Math.min(focused, pairs.length - 1)];
  const left = answer.data ? answer.data.total - decided.size : 0;

  // Keyboard focus follows the current pair, but only after a key or a click asked for it (not on load).
  useEffect(() => {
    if (!current || !focusWanted.current) return;
    rows.current.get(pairId(current))?.focus();
  }, [current]);

  const step = useCallback(
    (by: number) => {
      focusWanted.current = true;
      setFocused((index) => Math.max(0, Math.min(pairs.length - 1, index + by)));
    },
    [pairs.length],
  );

  const decide = useCallback(
    async (verdict: Verdict) => {
      if (!current || busy) return;
      setBusy(true);
      setFailure(undefined);
      try {
        if (verdict === 'unsure') await post('/api/match-review/unsure', { a: current.a.entity, b: current.b.entity });
        else await post('/api/match-decisions', { a: current.a.entity, b: current.b.entity, verdict });
        focusWanted.current = true;
        setDecided((previous) => new Set(previous).add(pairId(current)));
        // The list closes up, so the same index now holds the next pair.
        setFocused((index) => Math.min(index, Math.max(0, pairs.length - 2)));
        setAnnouncement(`${VERDICT_WORDS[verdict]}: ${current.a.label} and ${current.b.label}. ${Math.max(0, left - 1)} left.`);
        if (pairs.length === 1) answer.reload();
      } catch (error) {
        setFailure(error instanceof ApiError ? error : new ApiError(0, String(error)));
      } finally {
        setBusy(false);
      }
    },
    [current, busy, pairs.length, left, answer],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable], dialog')) return;
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      const verdict = VERDICT_OF_KEY[key];
      if (verdict && !event.shiftKey) {
        event.preventDefault();
        void decide(verdict);
      } else if (key === 'j' || key === 'ArrowDown') {
        event.preventDefault();
        step(1);
      } else if (key === 'k' || key === 'ArrowUp') {
        event.preventDefault();
        step(-1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [decide, step]);

  const pivot = (changes: Record<string, string | undefined>) => {
    const next = { case: caseRef, status: status === 'open' ? undefined : status, ...changes };
    navigate(`/review${query(next)}`);
  };
  const page = answer.data;

  return (
    <div className="review">
      <div className="title-row">
        <h1>Cross-case match review</h1>
      </div>
      <p className="muted">
        Person records in two different cases that resolution tied together, least certain first
        {page?.threshold !== null && page?.threshold !== undefined ? ` (threshold ${percent(page.threshold)})` : ''}. Same and different are kept for
        every later resolution run; unsure puts the pair on your own list.
      </p>
      <KeyLegend />
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="review-announcement">
        {announcement}
      </p>
      <Problem error={answer.error} what="load the pairs to review" />
      <Problem error={failure} what="store the decision" />
      <div className="review-layout">
        <nav className="panel review-pivot" aria-label="Pivot">
          <h2>Show</h2>
          <ul className="plain">
            <li>
              <a href="/review" aria-current={status === 'open' ? 'page' : undefined} onClick={(event) => (event.preventDefault(), pivot({ status: undefined }))}>
                Open pairs
              </a>
            </li>
            <li>
              <a href="/review?status=unsure" aria-current={status === 'unsure' ? 'page' : undefined} onClick={(event) => (event.preventDefault(), pivot({ status: 'unsure' }))}>
                My unsure pairs
              </a>
            </li>
          </ul>
          <h2>By case</h2>
          <ul className="plain">
            <li>
              <a href="/review" aria-current={caseRef === undefined ? 'page' : undefined} onClick={(event) => (event.preventDefault(), pivot({ case: undefined }))}>
                All cases
              </a>
            </li>
            {(page?.cases ?? []).map((facet) => (
              <li key={facet.ref}>
                <a
                  href={`/review?case=${encodeURIComponent(facet.ref)}`}
                  aria-current={caseRef?.toLowerCase() === facet.ref.toLowerCase() ? 'page' : undefined}
                  onClick={(event) => (event.preventDefault(), pivot({ case: facet.ref }))}
                  title={facet.agency}
                >
                  {facet.ref}
                </a>{' '}
                <span className="muted small">{facet.pairs}</span>
              </li>
            ))}
          </ul>
        </nav>
        <section className="panel review-list" aria-labelledby="review-pairs-title">
          <h2 id="review-pairs-title">Pairs</h2>
          {answer.loading && !page && <Loading what="Loading pairs to review" />}
          {page && (
            <p className="showing small" data-testid="review-showing">
              Showing {pairs.length} of {left} {status === 'unsure' ? 'unsure' : 'open'} pairs{page.case ? ` with a record in ${page.case}` : ''}
              {offset > 0 ? ` (from ${offset + 1})` : ''}
            </p>
          )}
          {page && pairs.length === 0 && !answer.loading && <Empty>Nothing to review here.</Empty>}
          <ol className="review-pairs" role="listbox" aria-label="Pairs to review" aria-activedescendant={current ? `pair-${pairId(current)}` : undefined}>
            {pairs.map((pair, index) => {
              const selected = pair === current;
              return (
                <li
                  key={pairId(pair)}
                  id={`pair-${pairId(pair)}`}
                  role="option"
                  aria-selected={selected}
                  tabIndex={selected ? 0 : -1}
                  data-pair={pairId(pair)}
                  ref={(element) => {
                    if (element) rows.current.set(pairId(pair), element);
                    else rows.current.delete(pairId(pair));
                  }}
                  onClick={() => {
                    focusWanted.current = true;
                    setFocused(index);
                  }}
                >
                  <span className="score">{percent(pair.probability)}</span> {pair.a.label} <span className="muted">({pair.a.case})</span> ↔ {pair.b.label}{' '}
                  <span className="muted">({pair.b.case})</span>
                </li>
              );
            })}
          </ol>
          {page && page.total > offset + page.items.length && pairs.length > 0 && (
            <button type="button" onClick={() => navigate(`/review${query({ case: caseRef, status: status === 'open' ? undefined : status, offset: offset + page.items.length - decided.size })}`)}>
              Next pairs →
            </button>
          )}
        </section>
        {current && (
          <section className="panel review-detail" aria-labelledby="review-detail-title">
            <h2 id="review-detail-title">
              Probability {percent(current.probability)}: {current.a.case} ↔ {current.b.case}
            </h2>
            <h3>Why resolution tied them</h3>
            <ReasonFields reason={{ fields: current.fields }} />
            <Comparison pair={current} />
            <div className="decision-buttons" role="group" aria-label="Decision">
              <button type="button" disabled={busy} onClick={() => void decide('confirm')}>
                <kbd>Y</kbd> Same person
              </button>
              <button type="button" disabled={busy} onClick={() => void decide('reject')}>
                <kbd>N</kbd> Different people
              </button>
              <button type="button" disabled={busy} onClick={() => void decide('unsure')}>
                <kbd>U</kbd> Unsure
              </button>
            </div>
          </section>
        )}
      </div>
    </div>
  );
}
