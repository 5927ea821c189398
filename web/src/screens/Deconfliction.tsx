/**
 * Deconfliction: register a target (an identifier as typed, or a subject) or a planned operation
 * (kind, window, place) for one of my cases; check first whom it would alert; list my
 * registrations and the alerts on them. An alert names whom to call on the other side, nothing
 * more. New alerts arrive as server events and the lists are read again.
 */
import { useState, type FormEvent } from 'react';
import { ApiError, listOf, post, query } from '../api.ts';
import { Empty, Loading, Problem, When } from '../components/common.tsx';
import { AlertOrigin, ContactLine } from '../components/HitNotices.tsx';
import { useFetch, useServerEvents, useTitle } from '../hooks.ts';
import { caseUrl, Link, navigate, useLocation } from '../router.tsx';
import type { CaseSummary, Contact, Deconfliction, Registration } from '../types.ts';

const OPERATION_KINDS = ['search-warrant', 'arrest', 'undercover-meet', 'surveillance', 'controlled-delivery', 'interview', 'other'];
type What = 'target' | 'subject' | 'operation';

interface Draft {
  case: string;
  what: What;
  target: string;
  platform: string;
  subject: string;
  operation: string;
  from: string;
  to: string;
  place: string;
  lat: string;
  lon: string;
  radiusM: string;
}

const EMPTY: Draft = { case: '', what: 'target', target: '', platform: '', subject: '', operation: OPERATION_KINDS[0]!, from: '', to: '', place: '', lat: '', lon: '', radiusM: '' };

/** The request body: only the fields of the chosen kind, numbers as numbers. */
function bodyOf(draft: Draft): Record<string, unknown> {
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const number = (value: string) => (value.trim() === '' ? undefined : Number(value));
  if (draft.what === 'target') return { case: draft.case, target: text(draft.target), platform: text(draft.platform) };
  if (draft.what === 'subject') return { case: draft.case, subject: text(draft.subject) };
  return {
    case: draft.case,
    operation: draft.operation,
    from: text(draft.from),
    to: text(draft.to),
    place: text(draft.place),
    lat: number(draft.lat),
    lon: number(draft.lon),
    radiusM: number(draft.radiusM),
  };
}

function describeRegistration(registration: Registration): string {
  if (registration.selector) return `${registration.selector.type} ${registration.selector.shown}`;
  if (registration.subject) return `subject s${registration.subject}`;
  const operation = registration.operation!;
  const where = [operation.place, operation.latitude !== null ? `${operation.latitude}, ${operation.longitude} ±${operation.radiusM} m` : null].filter(Boolean).join(' / ');
  return `${operation.kind} ${operation.from.slice(0, 16).replace('T', ' ')} – ${operation.to.slice(0, 16).replace('T', ' ')} UTC at ${where}`;
}

function Conflicts({ conflicts }: { conflicts: { reason: string; contact: Contact }[] }) {
  if (conflicts.length === 0) return <p role="status">No other unit works this: nobody would be alerted.</p>;
  return (
    <ul className="hit-notice-list" role="status">
      {conflicts.map((conflict, index) => (
        <li key={index} className="hit-notice alert-item">
          Another unit works the same {conflict.reason === 'target' ? 'target' : 'place and time'} — contact <ContactLine contact={conflict.contact} />
        </li>
      ))}
    </ul>
  );
}

export function DeconflictionScreen() {
  useTitle('Deconfliction');
  const { params } = useLocation();
  const only = params.get('case') ?? '';
  const cases = useFetch<unknown>('/api/cases');
  const caseList = listOf<CaseSummary>(cases.data, 'cases');
  const list = useFetch<Deconfliction>(`/api/deconfliction${query({ case: only })}`);
  useServerEvents((event) => {
    if (event.type === 'alert') list.reload();
  });
  const [draft, setDraft] = useState<Draft>({ ...EMPTY, case: only });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [outcome, setOutcome] = useState<{ text: string; conflicts: { reason: string; contact: Contact }[]; warnings?: string[] } | null>(null);
  const chosenCase = draft.case || caseList[0]?.ref || '';
  const set = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }));

  const send = async (check: boolean) => {
    setBusy(true);
    setError(undefined);
    setOutcome(null);
    try {
      const body = bodyOf({ ...draft, case: chosenCase });
      if (check) {
        const answer = await post<{ case: string; conflicts: { reason: string; contact: Contact }[] }>('/api/deconfliction/check', body);
        setOutcome({ text: `Checked for ${answer.case}: nothing was registered.`, conflicts: answer.conflicts });
      } else {
        const answer = await post<{ registration: Registration; created: boolean; alerts: { reason: string; contact: Contact }[]; warnings: string[] }>('/api/deconfliction', body);
        setOutcome({
          text: `${answer.created ? 'Registered' : 'Already registered'} for ${answer.registration.case}: ${describeRegistration(answer.registration)}.`,
          conflicts: answer.alerts,
          warnings: answer.warnings,
        });
        list.reload();
      }
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, String(caught)));
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send(false);
  };

  const registrations = list.data?.registrations ?? [];
  const alerts = [...(list.data?.alerts ?? [])].reverse();
  return (
    <div className="deconfliction">
      <h1>Deconfliction</h1>
      <p className="muted">
        Register the targets and planned operations of your cases. If another unit works the same target, or plans an operation at the same place and time,
        both sides are alerted with each other’s contact — nothing else of either case.
      </p>

      <section className="panel" aria-labelledby="register-title">
        <h2 id="register-title">Register a target or operation</h2>
        {cases.data !== undefined && caseList.length === 0 ? (
          <Empty>You are a member of no case: registrations belong to a case.</Empty>
        ) : (
          <form onSubmit={submit} aria-describedby="register-help">
            <p id="register-help" className="small muted">
              A target is an identifier as you would type it (an email, a phone number, @handle with its platform, an IP, a card number) or a subject.
            </p>
            <div className="form-grid">
              <label>
                Case
                <select value={chosenCase} onChange={(event) => set({ case: event.target.value })}>
                  {caseList.map((item) => (
                    <option key={item.ref} value={item.ref}>
                      {item.ref}
                      {item.title ? ` — ${item.title}` : ''}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                What
                <select value={draft.what} onChange={(event) => set({ what: event.target.value as What })}>
                  <option value="target">Target identifier</option>
                  <option value="subject">Target subject</option>
                  <option value="operation">Planned operation</option>
                </select>
              </label>
              {draft.what === 'target' && (
                <>
                  <label>
                    Identifier
                    <input value={draft.target} onChange={(event) => set({ target: event.target.value })} required placeholder="name@example.net, +44 20 …, @handle" />
                  </label>
                  <label>
                    Platform (for a handle)
                    <input value={draft.platform} onChange={(event) => set({ platform: event.target.value })} placeholder="telegram" />
                  </label>
                </>
              )}
              {draft.what === 'subject' && (
                <label>
                  Subject
                  <input value={draft.subject} onChange={(event) => set({ subject: event.target.value })} required placeholder="s12" />
                </label>
              )}
              {draft.what === 'operation' && (
                <>
                  <label>
                    Kind
                    <select value={draft.operation} onChange={(event) => set({ operation: event.target.value })}>
                      {OPERATION_KINDS.map((kind) => (
                        <option key={kind} value={kind}>
                          {kind.replace(/-/g, ' ')}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    From (UTC)
                    <input type="datetime-local" value={draft.from} onChange={(event) => set({ from: event.target.value })} required />
                  </label>
                  <label>
                    To (UTC)
                    <input type="datetime-local" value={draft.to} onChange={(event) => set({ to: event.target.value })} required />
                  </label>
                  <label>
                    Place
                    <input value={draft.place} onChange={(event) => set({ place: event.target.value })} placeholder="address or place name" />
                  </label>
                  <label>
                    Latitude
                    <input inputMode="decimal" value={draft.lat} onChange={(event) => set({ lat: event.target.value })} />
                  </label>
                  <label>
                    Longitude
                    <input inputMode="decimal" value={draft.lon} onChange={(event) => set({ lon: event.target.value })} />
                  </label>
                  <label>
                    Radius (m)
                    <input inputMode="numeric" value={draft.radiusM} onChange={(event) => set({ radiusM: event.target.value })} placeholder="100" />
                  </label>
                </>
              )}
            </div>
            <div className="form-actions">
              <button type="button" disabled={busy} onClick={() => void send(true)}>
                Check first
              </button>
              <button type="submit" className="primary" disabled={busy}>
                Register
              </button>
            </div>
          </form>
        )}
        <Problem error={error} what="register" />
        {outcome && (
          <div className="outcome">
            <p>{outcome.text}</p>
            <Conflicts conflicts={outcome.conflicts} />
            {outcome.warnings?.map((warning) => (
              <p key={warning} className="warning" role="note">
                {warning}
              </p>
            ))}
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="alerts-title">
        <h2 id="alerts-title">Alerts{only ? ` on ${only}` : ''}</h2>
        <Problem error={list.error} what="load your registrations and alerts" />
        {list.loading && !list.data && <Loading what="Loading alerts" />}
        {list.data && alerts.length === 0 && <Empty>No alerts. An alert tells you another unit works the same target or operation, with whom to call.</Empty>}
        {alerts.length > 0 && (
          <ul className="hit-notice-list">
            {alerts.map((alert) => (
              <li key={alert.id} className="hit-notice alert-item">
                <p>
                  {alert.case ? <Link to={caseUrl(alert.case)}>{alert.case}</Link> : `Your identity ${alert.identity ?? ''}`}: another unit works the same{' '}
                  {alert.reason === 'target' ? 'target' : 'place and time'} — contact <ContactLine contact={{ ...alert.contact, country: alert.from?.country }} />
                </p>
                <p className="small muted">
                  <When at={alert.raisedAt} />
                  {alert.registration ? ` · your registration ${alert.registration}` : ''}
                  <AlertOrigin alert={alert} />
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="registrations-title">
        <h2 id="registrations-title">My registrations{only ? ` for ${only}` : ''}</h2>
        {only && (
          <button type="button" className="link" onClick={() => navigate('/deconfliction')}>
            Show every case
          </button>
        )}
        {list.data && registrations.length === 0 && <Empty>Nothing registered yet.</Empty>}
        {registrations.length > 0 && (
          <table className="data">
            <caption className="visually-hidden">Registrations of your cases</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Case</th>
                <th scope="col">Kind</th>
                <th scope="col">What</th>
                <th scope="col">Registered</th>
              </tr>
            </thead>
            <tbody>
              {registrations.map((registration) => (
                <tr key={registration.id}>
                  <td>{registration.id}</td>
                  <td>
                    <Link to={caseUrl(registration.case)}>{registration.case}</Link>
                  </td>
                  <td>{registration.kind}</td>
                  <td className="wrap">{describeRegistration(registration)}</td>
                  <td>
                    <When at={registration.registeredAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
