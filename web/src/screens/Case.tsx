/**
 * A case: its sources with chain of custody and rejects, ingest with live progress, and tabs for
 * similar cases, the timeline, places and media triage.
 */
import { lazy, Suspense } from 'react';
import { Loading, Problem } from '../components/common.tsx';
import { useFetch, useTitle } from '../hooks.ts';
import { caseUrl, Link } from '../router.tsx';
import type { CaseDetail } from '../types.ts';
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
