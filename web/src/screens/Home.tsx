/**
 * The work queue: my cases first, then what waits for review — cross-case hits and deconfliction
 * alerts as they arrive over server events — and today's exposure minutes (mine only).
 */
import { useState } from 'react';
import { listOf } from '../api.ts';
import { Count, Empty, Loading, Problem, When } from '../components/common.tsx';
import { formatMinutes, useExposureSeconds } from '../exposure.ts';
import { useFetch, useServerEvents, useTitle } from '../hooks.ts';
import { caseUrl, Link } from '../router.tsx';
import { useUser } from '../session.tsx';
import type { CaseSummary } from '../types.ts';

interface Notice {
  type: string;
  at: string;
  text: string;
  caseRef?: string;
}

function describe(type: string, data: unknown): Notice | null {
  if (!data || typeof data !== 'object') return null;
  const value = data as Record<string, unknown>;
  if (!/hit|alert|deconfliction/i.test(type)) return null;
  const caseRef = typeof value.case === 'string' ? value.case : typeof value.caseRef === 'string' ? value.caseRef : undefined;
  const agency = typeof value.agency === 'string' ? value.agency : undefined;
  const what = typeof value.detail === 'string' ? value.detail : typeof value.message === 'string' ? value.message : typeof value.identifier === 'string' ? value.identifier : '';
  const contact = typeof value.contact === 'string' ? ` · contact: ${value.contact}` : '';
  return { type, at: new Date().toISOString(), caseRef, text: `${what}${agency ? ` (${agency})` : ''}${contact}` || type };
}

export function HomeScreen() {
  useTitle('Work queue');
  const user = useUser();
  const cases = useFetch<unknown>('/api/cases');
  const [notices, setNotices] = useState<Notice[]>([]);
  const { seconds } = useExposureSeconds();
  useServerEvents((event) => {
    const notice = describe(event.type, event.data);
    if (notice) setNotices((list) => [notice, ...list].slice(0, 50));
  });
  const list = listOf<CaseSummary>(cases.data, 'cases');
  const hits = notices.filter((notice) => /hit/i.test(notice.type));
  const alerts = notices.filter((notice) => !/hit/i.test(notice.type));

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

        <section aria-labelledby="new-hits" className="panel">
          <h2 id="new-hits">New cross-case hits</h2>
          {hits.length === 0 ? (
            <Empty>
              No new hits since you signed in. When an identifier or image of your cases turns up in another case, the notice and the other agency's contact
              appear here.
            </Empty>
          ) : (
            <ul className="notices" aria-live="polite">
              {hits.map((notice, index) => (
                <li key={index}>
                  <When at={notice.at} /> {notice.caseRef && <Link to={caseUrl(notice.caseRef)}>{notice.caseRef}</Link>} {notice.text}
                </li>
              ))}
            </ul>
          )}
        </section>

        <section aria-labelledby="alerts" className="panel">
          <h2 id="alerts">Deconfliction alerts</h2>
          {alerts.length === 0 ? (
            <Empty>No alerts waiting. An alert tells you another unit is working the same target, with whom to call.</Empty>
          ) : (
            <ul className="notices" aria-live="polite">
              {alerts.map((notice, index) => (
                <li key={index}>
                  <When at={notice.at} /> {notice.text}
                </li>
              ))}
            </ul>
          )}
        </section>

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
