/**
 * Why resolution put two person records together — the fields that agreed or differed and what
 * each weighed — and the analyst's confirm / reject, which every later resolution run respects.
 */
import { useState } from 'react';
import { ApiError, post } from '../api.ts';
import { entityUrl, Link } from '../router.tsx';
import type { MatchReason } from '../types.ts';

const FIELD_WORDS: Record<string, string> = {
  identifiers: 'shared identifiers',
  name: 'name',
  full_name: 'full name',
  first_name: 'first name',
  last_name: 'last name',
  birth_date: 'date of birth',
  dob: 'date of birth',
  address: 'address',
  phone: 'phone',
  email: 'email',
};

export function ReasonFields({ reason }: { reason: MatchReason }) {
  if (reason.decision) return <span className="decision">{reason.decision}</span>;
  return (
    <ul className="reason-fields">
      {(reason.fields ?? []).map((field) => (
        <li key={field.field} className={field.weight >= 0 ? 'for' : 'against'}>
          {FIELD_WORDS[field.field] ?? field.field.replace(/_/g, ' ')}: {field.level.replace(/_/g, ' ')}{' '}
          <span className="weight" aria-label={`weight ${field.weight}`}>
            ({field.weight >= 0 ? '+' : ''}
            {field.weight})
          </span>
        </li>
      ))}
    </ul>
  );
}

export function DecisionButtons({ a, b, label }: { a: string; b: string; label: string }) {
  const [state, setState] = useState<{ verdict?: 'confirm' | 'reject'; busy?: boolean; error?: string }>({});
  const decide = async (verdict: 'confirm' | 'reject') => {
    setState({ busy: true });
    try {
      await post('/api/match-decisions', { a: a.replace(/^e/, ''), b: b.replace(/^e/, ''), verdict });
      setState({ verdict });
    } catch (error) {
      setState({ error: error instanceof ApiError ? error.message : String(error) });
    }
  };
  return (
    <span className="decision-buttons" role="group" aria-label={`Decision: ${label}`}>
      <button type="button" disabled={state.busy} aria-pressed={state.verdict === 'confirm'} onClick={() => void decide('confirm')}>
        ✓ Same person
      </button>
      <button type="button" disabled={state.busy} aria-pressed={state.verdict === 'reject'} onClick={() => void decide('reject')}>
        ✗ Not the same
      </button>
      <span role="status" className="small">
        {state.verdict === 'confirm' && 'Confirmed: the next resolution run keeps them together.'}
        {state.verdict === 'reject' && 'Rejected: the next resolution run keeps them apart.'}
        {state.error && <span className="problem-inline">{state.error}</span>}
      </span>
    </span>
  );
}

/** One member's reasons, each against the record it was matched with, with the decision buttons. */
export function MatchReasons({ entity, reasons, labelOf }: { entity: string; reasons: MatchReason[]; labelOf: (id: string) => string }) {
  if (reasons.length === 0) return <span className="muted small">No reasons recorded (a single record, or resolved before reasons were kept).</span>;
  return (
    <ul className="reasons">
      {reasons.map((reason, index) => (
        <li key={index}>
          {reason.with && (
            <div>
              Matched with <Link to={entityUrl(String(reason.with))}>{labelOf(String(reason.with))}</Link>
              {typeof reason.probability === 'number' && <span className="muted"> · probability {(reason.probability * 100).toFixed(1)}%</span>}
            </div>
          )}
          <ReasonFields reason={reason} />
          {reason.with && <DecisionButtons a={entity} b={String(reason.with)} label={`${labelOf(entity)} and ${labelOf(String(reason.with))}`} />}
        </li>
      ))}
    </ul>
  );
}
