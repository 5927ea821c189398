/**
 * A case: what other agencies' nodes hold of it (whom to call), its sources with chain of custody
 * and rejects, ingest with live progress, and tabs for similar cases, the timeline, places and
 * media triage.
 */
import { lazy, Suspense } from 'react';
import { Loading, Problem } from '../components/common.tsx';
import { FederatedHitCard } from '../components/HitNotices.tsx';
import { useFetch, useServerEvents, useTitle } from '../hooks.ts';
import { caseUrl, Link } from '../router.tsx';
import type { CaseDetail, FederatedHit } from '../types.ts';
import { SimilarTab } from './Similar.tsx';
import { PlacesTab, TimelineTab } from './Timeline.tsx';
import { SourcesTab } from './Sources.tsx';

const MediaTab = lazy(() => import('./Media.tsx'));

const TABS = [
  { id: 'sources', label: 'Sources' },
  { id: 'similar', label: 'Similar cases' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'places', label: 'Places' },
  { id: 'media', label: 'Media triage' },
] as const;

/** The most hits from other nodes listed on a case's page (the rest: `crosslink federation hits --case`). */
const FEDERATED_SHOWN = 50;

/** Hits other agencies' nodes reported on this case; nothing when there are none. */
function FederatedHits({ caseRef }: { caseRef: string }) {
  const hits = useFetch<FederatedHit[]>(`/api/federation/hits?case=${encodeURIComponent(caseRef)}&limit=${FEDERATED_SHOWN}`);
  useServerEvents((event) => {
    if (event.type === 'hit' && (event.data as { direction?: string; case?: string }).case === caseRef) hits.reload();
  });
  if (hits.error) return <Problem error={hits.error} what="load the hits other agencies' nodes reported" />;
  const list = hits.data ?? [];
  if (list.length === 0) return null;
  return (
    <section className="panel hit-notices" aria-labelledby="federated-hits-title">
      <h2 id="federated-hits-title">Held on other agencies' nodes</h2>
      <p className="muted small">
        Another agency holds these selectors of this case. Call them, quoting the reference; nothing of their case is here.
        {list.length === FEDERATED_SHOWN ? ` The newest ${FEDERATED_SHOWN} are shown.` : ''}
      </p>
      <ul className="hit-notice-list">
        {list.map((hit) => (
          <FederatedHitCard key={hit.id} hit={hit} showCase={false} />
        ))}
      </ul>
    </section>
  );
}

export function CaseScreen({ caseRef, tab }: { caseRef: string; tab: string }) {
  useTitle(`${caseRef}${tab !== 'sources' ? ` · ${tab}` : ''}`);
  const detail = useFetch<CaseDetail>(`/api/cases/${encodeURIComponent(caseRef)}`);
  const known = TABS.find((item) => item.id === tab);
  const data = detail.data;
  return (
    <div className="case">
      <div className="title-row">
        <h1>
          Case {caseRef}
          {data?.title ? <span className="subtitle"> — {data.title}</span> : null}
        </h1>
      </div>
      {data && (
        <p className="muted">
          {data.agency}
          {data.officer ? ` · case officer ${data.officer}` : ''}
          {data.status ? ` · ${data.status}` : ''}
        </p>
      )}
      <Problem error={detail.error} what={`open case ${caseRef}`} />
      {data && <FederatedHits caseRef={caseRef} />}
      <nav className="tabs" aria-label="Case sections">
        {TABS.map((item) => (
          <Link key={item.id} to={caseUrl(caseRef, item.id === 'sources' ? '' : item.id)} aria-current={item.id === tab ? 'page' : undefined}>
            {item.label}
          </Link>
        ))}
      </nav>
      <div className="tab-body">
        {!known && <p>Unknown section “{tab}”.</p>}
        {tab === 'sources' && <SourcesTab caseRef={caseRef} detail={detail} />}
        {tab === 'similar' && <SimilarTab caseRef={caseRef} />}
        {tab === 'timeline' && <TimelineTab reference={caseRef} />}
        {tab === 'places' && <PlacesTab reference={caseRef} />}
        {tab === 'media' && (
          <Suspense fallback={<Loading what="Loading media triage" />}>
            <MediaTab caseRef={caseRef} />
          </Suspense>
        )}
      </div>
    </div>
  );
}
