/**
 * Law-enforcement identities of my own agency: the accounts police operate, with the operating
 * officer, the authority and the validity window. Only my agency sees them; their activity is
 * marked as police activity, and another unit targeting one gets a deconfliction alert.
 */
import { useState, type FormEvent } from 'react';
import { ApiError, post } from '../api.ts';
import { Empty, Loading, Problem, When } from '../components/common.tsx';
import { useFetch, useTitle } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useUser } from '../session.tsx';
import type { Identity } from '../types.ts';

const EMPTY = { selector: '', platform: '', officer: '', authority: '', from: new Date().toISOString().slice(0, 10), to: '', note: '' };

export function IdentitiesScreen() {
  useTitle('Identities');
  const user = useUser();
  const list = useFetch<Identity[]>('/api/identities');
  const [draft, setDraft] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [message, setMessage] = useState('');
  const mayChange = user.role !== 'auditor' && user.agency !== null;
  const set = (change: Partial<typeof EMPTY>) => setDraft((current) => ({ ...current, ...change }));

  const act = async (work: () => Promise<string>) => {
    setBusy(true);
    setError(undefined);
    setMessage('');
    try {
      setMessage(await work());
      list.reload();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, String(caught)));
    } finally {
      setBusy(false);
    }
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());
    void act(async () => {
      const answer = await post<{ identity: Identity; alerts: number }>('/api/identities', {
        selector: draft.selector.trim(),
        platform: optional(draft.platform),
        officer: draft.officer.trim(),
        authority: draft.authority.trim(),
        from: draft.from,
        to: optional(draft.to),
        note: optional(draft.note),
      });
      setDraft(EMPTY);
      return `Registered identity ${answer.identity.id}: ${answer.identity.type} ${answer.identity.selector}.${answer.alerts > 0 ? ` ${answer.alerts} deconfliction alert${answer.alerts === 1 ? '' : 's'}: another unit targets it.` : ''}`;
    });
  };
  const retire = (identity: Identity) =>
    void act(async () => {
      await post<Identity>(`/api/identities/${encodeURIComponent(identity.id)}/retire`);
      return `Retired identity ${identity.id} (${identity.selector}).`;
    });

  const identities = list.data ?? [];
  return (
    <div className="identities">
      <h1>Law-enforcement identities{user.agency ? ` of ${user.agency}` : ''}</h1>
      <p className="muted">
        Accounts your agency operates — undercover, or a person’s account used with lawful authority. Only your agency sees this list. Their activity is
        shown as police activity, never a suspect’s; another unit targeting one gets a <Link to="/deconfliction">deconfliction</Link> alert with your
        contact.
      </p>
      <p role="status" aria-live="polite">
        {message}
      </p>
      <Problem error={error} what="change the identities" />

      <section className="panel" aria-labelledby="identities-title">
        <h2 id="identities-title">Identities</h2>
        <Problem error={list.error} what="load the identities" />
        {list.loading && !list.data && <Loading what="Loading identities" />}
        {list.data && identities.length === 0 && <Empty>Your agency has registered no identities.</Empty>}
        {identities.length > 0 && (
          <table className="data">
            <caption className="visually-hidden">Identities your agency operates</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Account</th>
                <th scope="col">Officer</th>
                <th scope="col">Authority</th>
                <th scope="col">Valid</th>
                <th scope="col">Status</th>
                {mayChange && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {identities.map((identity) => (
                <tr key={identity.id}>
                  <td>{identity.id}</td>
                  <th scope="row" className="wrap">
                    {identity.type} {identity.selector}
                    {identity.platform && identity.type !== 'handle' ? ` (${identity.platform})` : ''}
                  </th>
                  <td className="wrap">{identity.officer}</td>
                  <td className="wrap">{identity.authority}</td>
                  <td className="nowrap">
                    {identity.from} – {identity.to ?? 'open'}
                  </td>
                  <td>
                    {identity.retiredAt ? (
                      <>
                        retired <When at={identity.retiredAt} />
                      </>
                    ) : identity.active ? (
                      'active'
                    ) : (
                      'outside its window'
                    )}
                  </td>
                  {mayChange && (
                    <td>
                      {!identity.retiredAt && (
                        <button type="button" disabled={busy} onClick={() => retire(identity)} aria-label={`Retire identity ${identity.id}`}>
                          Retire
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {mayChange && (
        <section className="panel" aria-labelledby="add-identity-title">
          <h2 id="add-identity-title">Register an identity</h2>
          <form onSubmit={add}>
            <div className="form-grid">
              <label>
                Account
                <input value={draft.selector} onChange={(event) => set({ selector: event.target.value })} required placeholder="@handle, email, phone" />
              </label>
              <label>
                Platform (for a handle)
                <input value={draft.platform} onChange={(event) => set({ platform: event.target.value })} placeholder="telegram" />
              </label>
              <label>
                Operating officer
                <input value={draft.officer} onChange={(event) => set({ officer: event.target.value })} required />
              </label>
              <label>
                Authority reference
                <input value={draft.authority} onChange={(event) => set({ authority: event.target.value })} required />
              </label>
              <label>
                Valid from
                <input type="date" value={draft.from} onChange={(event) => set({ from: event.target.value })} required />
              </label>
              <label>
                Valid to (optional)
                <input type="date" value={draft.to} onChange={(event) => set({ to: event.target.value })} />
              </label>
              <label>
                Note
                <input value={draft.note} onChange={(event) => set({ note: event.target.value })} />
              </label>
            </div>
            <div className="form-actions">
              <button type="submit" className="primary" disabled={busy}>
                Register identity
              </button>
            </div>
          </form>
        </section>
      )}
    </div>
  );
}
