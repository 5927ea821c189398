/**
 * The match review screen's batch controls: the selection bar (how many are selected, select all on
 * the page, one call for every selected pair), undo of the last step, and the confirmation a large
 * batch asks for. Review.tsx owns the list, the keys and the state; this is what they send and show.
 */
import { useEffect, useRef } from 'react';
import { post } from '../api.ts';
import type { ReviewBatch, ReviewCall, ReviewDecision, ReviewPair, ReviewWithdrawal } from '../types.ts';

/** A batch of more pairs than this asks first (UI.md §3: a confirmation only for bulk changes to more than N items). */
export const CONFIRM_ABOVE = 10;

export const DECISION_WORDS: Record<ReviewDecision, string> = { same: 'Same person', different: 'Different people', unsure: 'Unsure' };
const DECISION_KEYS: Record<ReviewDecision, string> = { same: 'Y', different: 'N', unsure: 'U' };

/** One request's calls — one pair or a batch, all given the same call — as undo takes them back. */
export interface CallStep {
  decision: ReviewDecision;
  pairs: ReviewPair[];
}

const callsOf = (step: CallStep): ReviewCall[] => step.pairs.map((pair) => ({ a: pair.a.entity, b: pair.b.entity, decision: step.decision }));
export const storeCalls = (step: CallStep) => post<ReviewBatch>('/api/match-review/decisions', { decisions: callsOf(step) });
export const withdrawCalls = (step: CallStep) => post<ReviewWithdrawal>('/api/match-review/decisions/withdraw', { decisions: callsOf(step) });

export function stepLabel(step: CallStep): string {
  const [only] = step.pairs;
  return step.pairs.length === 1 && only ? `${DECISION_WORDS[step.decision]}, ${only.a.label} ↔ ${only.b.label}` : `${DECISION_WORDS[step.decision]}, ${step.pairs.length} pairs`;
}

export function SelectionBar({
  selected,
  onPage,
  decisions,
  busy,
  onSelectAll,
  onDecide,
  onClear,
}: {
  selected: number;
  onPage: number;
  /** The calls offered (unsure is not, on the unsure list). */
  decisions: readonly ReviewDecision[];
  busy: boolean;
  onSelectAll: (all: boolean) => void;
  onDecide: (decision: ReviewDecision) => void;
  onClear: () => void;
}) {
  const all = useRef<HTMLInputElement>(null);
  const some = selected > 0 && selected < onPage;
  useEffect(() => {
    if (all.current) all.current.indeterminate = some;
  }, [some]);
  return (
    <div className="review-selection" role="group" aria-label="Selected pairs">
      <label className="small">
        <input ref={all} type="checkbox" checked={onPage > 0 && selected === onPage} disabled={onPage === 0} onChange={(event) => onSelectAll(event.target.checked)} /> Select all{' '}
        {onPage} on this page
      </label>
      <p className="small" data-testid="review-selected" aria-live="polite">
        {selected} selected
      </p>
      <div className="decision-buttons">
        {decisions.map((decision) => (
          <button key={decision} type="button" disabled={busy || selected === 0} onClick={() => onDecide(decision)} title={`${DECISION_WORDS[decision]} for every selected pair (Shift+${DECISION_KEYS[decision]})`}>
            {DECISION_WORDS[decision]} ({selected})
          </button>
        ))}
        <button type="button" disabled={selected === 0} onClick={onClear} title="Clear the selection (Esc)">
          Clear
        </button>
      </div>
    </div>
  );
}

export function UndoButton({ step, busy, onUndo }: { step: CallStep | undefined; busy: boolean; onUndo: () => void }) {
  return (
    <button type="button" disabled={!step || busy} onClick={onUndo} title="Take back your last call or batch from this screen: the pairs return to the queue (Z)">
      <kbd>Z</kbd> Undo{step ? `: ${stepLabel(step)}` : ''}
    </button>
  );
}

/** Asks before a batch of more than CONFIRM_ABOVE pairs; Enter confirms (the confirm button has focus), Esc cancels. */
export function ConfirmBatch({ step, onConfirm, onCancel }: { step: CallStep; onConfirm: () => void; onCancel: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      aria-labelledby="confirm-batch-title"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-batch-title">
        {DECISION_WORDS[step.decision]} for {step.pairs.length} pairs?
      </h2>
      <p>
        {step.decision === 'unsure'
          ? 'They move to your unsure list.'
          : 'Stored in your name as match decisions, which every later resolution run respects.'}{' '}
        Undo (<kbd>Z</kbd>) takes the whole batch back.
      </p>
      <p>
        <button type="button" className="primary" autoFocus onClick={onConfirm}>
          {DECISION_WORDS[step.decision]}: {step.pairs.length} pairs
        </button>{' '}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </p>
    </dialog>
  );
}
