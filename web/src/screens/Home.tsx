/**
 * The work queue: my cases first, then what waits for review — cross-case hits, hits other
 * agencies' nodes reported, and deconfliction alerts, as they arrive over server events — and
 * today's exposure minutes (mine only).
 */
import { useState } from 'react';
import { listOf } from '../api.ts';
import { Count, Empty, Loading, Problem, When } from '../components/common.tsx';
import { AlertOrigin, ContactLine, FederatedHitCard, HitNoticeCard } from '../components/HitNotices.tsx';
import { formatMinutes, useExposureSeconds } from '../exposure.ts';
import { useFetch, useServerEvents, useTitle } from '../hooks.ts';
import { caseUrl, Link } from '../router.tsx';
import { useUser } from '../session.tsx';
import type { CaseSummary, Deconfliction, FederatedHit, HitList } from '../types.ts';

/** Newest first, at most this many of each kind on the work queue (the rest: Deconfliction and `crosslink hits`). */
const SHOWN = 8;

function HitsAndAlerts() {
  const hits = useFetch<HitList>('/api/hits');
  const federated = useFetch<FederatedHit[]>(`/api/federation/hits?limit=${SHOWN}`);
  const deconfliction = useFetch<Deconfliction>('/api/deconfliction');
  const [live, setLive] = useState(0);
  // A `hit` or `alert` event says something new arrived: read the lists again, under my own rights.
  useServerEvents((event) => {
    if (event.type !== 'hit' && event.type !== 'alert') return;
    setLive((n) => n + 1);
    if (event.type === 'hit') {
      hits.reload();
      federated.reload();
    } else deconfliction.reload();
  });
  const raised = hits.data?.raised ?? [];
  const received = hits.data?.received ?? [];
  const fromNodes = federated.data ?? [];
  const alerts = [...(deconfliction.data?.alerts ?? [])].reverse();
  const nothing = hits.data && federated.data && deconfliction.data && raised.length + received.length + fromNodes.length + alerts.length === 0;
  return (
    <section aria-labelledby="new-hits" className="panel">
      <h2 id="new-hits">New hits and alerts</h2>
      {(hits.loading || deconfliction.loading) && !hits.data && <Loading what="Loading hits and alerts" />}
      <Problem error={hits.error} what="load your hits" />
      <Problem error={federated.error} what="load the hits other agencies' nodes reported" />
      <Problem error={deconfliction.error} what="load your deconfliction alerts" />
      <p className="visually-hidden" role="status" aria-live="polite">
        {live > 0 ? `${live} new hit or alert notifications since you opened this page` : ''}
      </p>
      {nothing && (
        <Empty>
          No hits or alerts. When something you look up is held by a case you may not see, or someone looks up what your cases hold, or another
          agency's node holds what your shared cases hold, or another unit registers your target, it appears here with whom to call.
        </Empty>
      )}
      {raised.length > 0 && (
        <>
          <h3>Held by another agency</h3>
          <ul className="hit-notice-list">
            {raised.slice(0, SHOWN).map((hit) => (
              <HitNoticeCard key={hit.reference} notice={hit} />
            ))}
          </ul>
        </>
      )}
      {fromNodes.length > 0 && (
        <>
          <h3>Held on other agencies' nodes</h3>
          <ul className="hit-notice-list">
            {fromNodes.map((hit) => (
              <FederatedHitCard key={hit.id} hit={hit} />
            ))}
          </ul>
        </>
      )}
      {received.length > 0 && (
        <>
          <h3>Looked up in your cases</h3>
          <ul className="hit-notice-list">
            {received.slice(0, SHOWN).map((hit) => (
              <li key={hit.reference} className="hit-notice" aria-label={`Hit ${hit.reference} on ${hit.case}`}>
                <p>
                  <Link to={caseUrl(hit.case)}>{hit.case}</Link>: someone who may not see it looked up <strong>{hit.what}</strong>
                </p>
                <p className="small">
                  {hit.seeker.user}, {hit.seeker.agency ? `${hit.seeker.agency}${hit.seeker.country ? ` (${hit.seeker.country})` : ''}` : 'node administrator'}
                  {hit.seeker.phone ? `, ${hit.seeker.phone}` : ''}
                  {hit.seeker.email ? `, ${hit.seeker.email}` : ''} · <strong className="hit-reference">{hit.reference}</strong> · {hit.count}× · last <When at={hit.lastSeen} />
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
      {alerts.length > 0 && (
        <>
          <h3>Deconfliction alerts</h3>
          <ul className="hit-notice-list">
            {alerts.slice(0, SHOWN).map((alert) => (
              <li key={alert.id} className="hit-notice alert-item">
                <p>
                  Another unit works the same {alert.reason === 'target' ? 'target' : 'place and time'} as{' '}
                  {alert.case ? <Link to={caseUrl(alert.case)}>{alert.case}</Link> : `your identity ${alert.identity ?? ''}`} — contact{' '}
                  <ContactLine contact={{ ...alert.contact, country: alert.from?.country }} />
                </p>
                <p className="small">
                  <When at={alert.raisedAt} />
                  <AlertOrigin alert={alert} />
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="small">
        <Link to="/deconfliction">Deconfliction: register a target or operation</Link>
      </p>
    </section>
  );
}

export function HomeScreen() {
  useTitle('Work queue');
  const user = useUser();
  const cases = useFetch<unknown>('/api/cases');
  const { seconds } = useExposureSeconds();
  const list = listOf<CaseSummary>(cases.data, 'cases');

  return (
    <div className="home">
      <h1>Work queue</h1>
      <p className="muted">
        Signed in as {user.name} ({user.role}
        {user.agency ? `, ${user.agency}` : ''}).
      </p>
      <div className="home-grid">
        <section aria-labelledby="my-cases" className="panel">
          <h2 id="my-cases">My cases</h2>
          {cases.loading && !cases.data && <Loading what="Loading your cases" />}
          <Problem error={cases.error} what="load your cases" />
          {cases.data !== undefined && list.length === 0 && (
            <Empty>
              You are not a member of any case yet. A supervisor of the owning agency grants access (<code>crosslink grant</code>); an administrator can load
              the demo world with <code>crosslink demo</code>.
            </Empty>
          )}
          {list.length > 0 && (
            <table className="data">
              <caption className="visually-hidden">Cases you may see</caption>
              <thead>
                <tr>
                  <th scope="col">Case</th>
                  <th scope="col">Title</th>
                  <th scope="col">Agency</th>
                  <th scope="col" className="num">
                    Sources
                  </th>
                  <th scope="col" className="num">
                    Records
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Opened</th>
                </tr>
              </thead>
              <tbody>
                {list.map((item) => (
                  <tr key={item.ref}>
                    <th scope="row" className="nowrap">
                      <Link to={caseUrl(item.ref)}>{item.ref}</Link>
                    </th>
                    <td className="wrap">{item.title ?? <span className="muted">—</span>}</td>
                    <td className="wrap">{item.agency}</td>
                    <td className="num">{item.sources?.toLocaleString() ?? '—'}</td>
                    <td className="num">{item.records?.toLocaleString() ?? '—'}</td>
                    <td>{item.status ?? '—'}</td>
                    <td>{item.openedAt ? item.openedAt.slice(0, 10) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <HitsAndAlerts />

        <section aria-labelledby="wellbeing" className="panel">
          <h2 id="wellbeing">Today</h2>
          <p>
            Media exposure today: <strong>{formatMinutes(seconds)}</strong> minutes <span className="muted">(only you see this)</span>.
          </p>
          {list.length > 0 && (
            <p className="muted">
              <Count n={list.length} one="case" /> in your queue. Media triage puts uncategorised items first; known hashes are pre-categorised.
            </p>
          )}
        </section>
      </div>
    </div>
  );
}
