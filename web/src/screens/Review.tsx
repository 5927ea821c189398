/**
 * Cross-case match review (UI screen 7): pairs of person records from two cases that resolution
 * tied together, least certain first, with the score, the fields that matched and both records side
 * by side. Y / N / U decide same / different / unsure (as Aleph's xref hotkeys) and focus moves on to
 * the next pair; J / K or the arrows step. X, Shift+click or a checkbox selects pairs, and
 * Shift+Y / N / U (or the selection bar) gives every selected pair that call in one request. Z takes
 * back the last call or batch, and the pairs return. Pivot by case and switch to your unsure list on the left.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, query } from '../api.ts';
import { Empty, Loading, Problem } from '../components/common.tsx';
import { ReasonFields } from '../components/MatchReasons.tsx';
import { useFetch, useTitle } from '../hooks.ts';
import { caseUrl, entityUrl, Link, navigate, useLocation } from '../router.tsx';
import type { ReviewDecision, ReviewPage, ReviewPair, ReviewSide } from '../types.ts';
import { CONFIRM_ABOVE, ConfirmBatch, DECISION_WORDS, SelectionBar, stepLabel, storeCalls, UndoButton, withdrawCalls, type CallStep } from './ReviewBatch.tsx';

const PAGE = 25;
const DECISION_OF_KEY: Record<string, ReviewDecision> = { y: 'same', n: 'different', u: 'unsure' };
const KEY_OF_DECISION: Record<ReviewDecision, string> = { same: 'Y', different: 'N', unsure: 'U' };

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
      <kbd>Y</kbd> same person · <kbd>N</kbd> different people · <kbd>U</kbd> unsure · <kbd>J</kbd>/<kbd>↓</kbd> next · <kbd>K</kbd>/<kbd>↑</kbd> previous · <kbd>X</kbd> or
      Shift+click select · <kbd>Shift</kbd>+<kbd>Y</kbd>/<kbd>N</kbd>/<kbd>U</kbd> for every selected pair · <kbd>Esc</kbd> clear selection · <kbd>Z</kbd> undo
    </p>
  );
}

/** Where focus goes when `removed` leave the list: the pair it was on, or the one that takes its place. */
function focusAfter(pairs: readonly ReviewPair[], focused: number, removed: ReadonlySet<string>): number {
  const before = pairs.slice(0, focused).filter((pair) => removed.has(pairId(pair))).length;
  return Math.max(0, Math.min(focused - before, pairs.length - removed.size - 1));
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
  // Pairs ticked for a batch call: on this page only, so a batch never reaches pairs out of sight.
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // What Z takes back, latest last: every call made on this screen, one step per request.
  const [undoable, setUndoable] = useState<readonly CallStep[]>([]);
  const [confirming, setConfirming] = useState<CallStep>();
  const [focused, setFocused] = useState(0);
  const [busy, setBusy] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [failure, setFailure] = useState<{ error: ApiError; what: string }>();
  const rows = useRef(new Map<string, HTMLLIElement>());
  const focusWanted = useRef(false);
  // Undo puts pairs back where they were: focus goes to the first of them once the list shows it.
  const focusPair = useRef<string | undefined>(undefined);

  useEffect(() => {
    setDecided(new Set());
    setSelected(new Set());
    setFocused(0);
  }, [answer.data]);

  const pairs = useMemo(() => (answer.data?.items ?? []).filter((pair) => !decided.has(pairId(pair))), [answer.data, decided]);
  const current = pairs[Math.min(focused, pairs.length - 1)];
  const left = answer.data ? answer.data.total - decided.size : 0;
  const chosen = useMemo(() => pairs.filter((pair) => selected.has(pairId(pair))), [pairs, selected]);
  // On the unsure list every pair is unsure already.
  const decisions: readonly ReviewDecision[] = status === 'unsure' ? ['same', 'different'] : ['same', 'different', 'unsure'];

  useEffect(() => {
    if (focusPair.current === undefined) return;
    const index = pairs.findIndex((pair) => pairId(pair) === focusPair.current);
    if (index < 0) return;
    focusPair.current = undefined;
    focusWanted.current = true;
    setFocused(index);
  }, [pairs]);

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

  const toggle = useCallback((pair: ReviewPair) => {
    setSelected((previous) => {
      const next = new Set(previous);
      if (!next.delete(pairId(pair))) next.add(pairId(pair));
      return next;
    });
  }, []);

  const fail = (error: unknown, what: string) => setFailure({ error: error instanceof ApiError ? error : new ApiError(0, String(error)), what });

  /** Stores one call on every pair of `call` in one request; they leave the list and become the step Z takes back. */
  const send = useCallback(
    async (call: CallStep) => {
      if (busy || call.pairs.length === 0) return;
      setBusy(true);
      setFailure(undefined);
      try {
        await storeCalls(call);
        const gone = new Set(call.pairs.map(pairId));
        focusWanted.current = true;
        setDecided((previous) => new Set([...previous, ...gone]));
        setSelected((previous) => new Set([...previous].filter((id) => !gone.has(id))));
        setFocused((index) => focusAfter(pairs, Math.min(index, pairs.length - 1), gone));
        setUndoable((previous) => [...previous, call]);
        const remaining = Math.max(0, left - call.pairs.length);
        const [only] = call.pairs;
        setAnnouncement(call.pairs.length === 1 && only ? `${DECISION_WORDS[call.decision]}: ${only.a.label} and ${only.b.label}. ${remaining} left.` : `${DECISION_WORDS[call.decision]}: ${call.pairs.length} pairs. ${remaining} left.`);
        if (gone.size >= pairs.length) answer.reload();
      } catch (error) {
        fail(error, 'store the decision');
      } finally {
        setBusy(false);
      }
    },
    [busy, pairs, left, answer],
  );

  const decideSelected = useCallback(
    (decision: ReviewDecision) => {
      if (!decisions.includes(decision)) {
        setAnnouncement('These pairs are on your unsure list already.');
        return;
      }
      if (chosen.length === 0) {
        setAnnouncement('Nothing selected: select pairs with X, Shift+click or their checkboxes first.');
        return;
      }
      const call = { decision, pairs: chosen };
      if (chosen.length > CONFIRM_ABOVE) setConfirming(call);
      else void send(call);
    },
    [chosen, decisions, send],
  );

  const undo = useCallback(async () => {
    const last = undoable[undoable.length - 1];
    if (!last || busy) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await withdrawCalls(last);
      setUndoable((previous) => previous.slice(0, -1));
      const back = new Set(last.pairs.map(pairId));
      const onThisPage = new Set((answer.data?.items ?? []).map(pairId));
      focusPair.current = pairId(last.pairs[0]!);
      // Pairs decided on this page come back in place; from elsewhere, the page is read again.
      if ([...back].every((id) => onThisPage.has(id) && decided.has(id))) setDecided((previous) => new Set([...previous].filter((id) => !back.has(id))));
      else answer.reload();
      setAnnouncement(`Undone: ${stepLabel(last)}. ${last.pairs.length === 1 ? 'The pair is' : `${last.pairs.length} pairs are`} back in the queue.`);
    } catch (error) {
      // Decided again since (409), or out of sight now (404): this step can never be taken back.
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) setUndoable((previous) => previous.slice(0, -1));
      fail(error, 'undo');
    } finally {
      setBusy(false);
    }
  }, [undoable, busy, answer, decided]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || confirming) return;
      const target = event.target as HTMLElement;
      // Keys typed into a field are the field's; a ticked checkbox leaves the keys to the screen.
      if (target.closest('input:not([type="checkbox"]), textarea, select, [contenteditable], dialog')) return;
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      const decision = DECISION_OF_KEY[key];
      let handled = true;
      if (decision && event.shiftKey) decideSelected(decision);
      else if (decision) {
        if (!current) handled = false;
        else if (decisions.includes(decision)) void send({ decision, pairs: [current] });
        else setAnnouncement('This pair is on your unsure list already.');
      } else if (key === 'x' && current) toggle(current);
      else if (key === 'z' && !event.shiftKey) void undo();
      else if (key === 'Escape' && selected.size > 0) setSelected(new Set());
      else if (key === 'j' || key === 'ArrowDown') step(1);
      else if (key === 'k' || key === 'ArrowUp') step(-1);
      else handled = false;
      if (handled) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [confirming, current, decisions, decideSelected, send, toggle, undo, selected.size, step]);

  const pivot = (changes: Record<string, string | undefined>) => {
    const next = { case: caseRef, status: status === 'open' ? undefined : status, ...changes };
    navigate(`/review${query(next)}`);
  };
  const page = answer.data;

  return (
    <div className="review">
      <div className="title-row">
        <h1>Cross-case match review</h1>
        <UndoButton step={undoable[undoable.length - 1]} busy={busy} onUndo={() => void undo()} />
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
      <Problem error={failure?.error} what={failure?.what} />
      {confirming && (
        <ConfirmBatch
          step={confirming}
          onConfirm={() => {
            setConfirming(undefined);
            void send(confirming);
          }}
          onCancel={() => setConfirming(undefined)}
        />
      )}
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
          {page && (
            <SelectionBar
              selected={chosen.length}
              onPage={pairs.length}
              decisions={decisions}
              busy={busy}
              onSelectAll={(all) => setSelected(all ? new Set(pairs.map(pairId)) : new Set())}
              onDecide={decideSelected}
              onClear={() => setSelected(new Set())}
            />
          )}
          {page && pairs.length === 0 && !answer.loading && <Empty>Nothing to review here.</Empty>}
          <ol className="review-pairs" role="listbox" aria-label="Pairs to review" aria-activedescendant={current ? `pair-${pairId(current)}` : undefined}>
            {pairs.map((pair, index) => {
              const isCurrent = pair === current;
              const ticked = selected.has(pairId(pair));
              return (
                <li
                  key={pairId(pair)}
                  id={`pair-${pairId(pair)}`}
                  role="option"
                  aria-selected={isCurrent}
                  aria-checked={ticked}
                  tabIndex={isCurrent ? 0 : -1}
                  data-pair={pairId(pair)}
                  ref={(element) => {
                    if (element) rows.current.set(pairId(pair), element);
                    else rows.current.delete(pairId(pair));
                  }}
                  // Shift+click selects; keep the browser from selecting text as well.
                  onMouseDown={(event) => event.shiftKey && event.preventDefault()}
                  onClick={(event) => {
                    focusWanted.current = true;
                    setFocused(index);
                    if (event.shiftKey) toggle(pair);
                  }}
                >
                  <input
                    type="checkbox"
                    tabIndex={-1}
                    checked={ticked}
                    aria-label={`Select ${pair.a.label} ↔ ${pair.b.label}`}
                    onClick={(event) => event.stopPropagation()}
                    onChange={() => toggle(pair)}
                  />{' '}
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
              {decisions.map((decision) => (
                <button key={decision} type="button" disabled={busy} onClick={() => void send({ decision, pairs: [current] })}>
                  <kbd>{KEY_OF_DECISION[decision]}</kbd> {DECISION_WORDS[decision]}
                </button>
              ))}
            </div>
          </section>
        )}
      </div>
    </div>
  );
}
