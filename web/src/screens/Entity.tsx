/**
 * An entity's profile: what it is and where it came from, its identifiers, relations grouped by
 * type, the records it appears in (each with its source file and line), the subject it belongs to
 * with the resolution's reasons and confirm/reject, and a way into the link chart.
 */
import { useEffect, useState } from 'react';
import { listOf, query } from '../api.ts';
import { Empty, Hash, kindLabel, Loading, Pager, Problem, When } from '../components/common.tsx';
import { MatchReasons } from '../components/MatchReasons.tsx';
import { useFetch, useTitle } from '../hooks.ts';
import { caseUrl, chartUrl, entityUrl, Link, subjectUrl } from '../router.tsx';
import type { MatchReason, Subject } from '../types.ts';
import { evidenceUrl } from './Evidence.tsx';
import { TimelineTab } from './Timeline.tsx';

type Row = Record<string, unknown>;

const text = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
const str = (row: Row, ...keys: string[]): string | undefined => {
  for (const key of keys) {
    const value = row[key];
    if (value !== undefined && value !== null && value !== '') return typeof value === 'object' ? undefined : String(value);
  }
  return undefined;
};

/** Where a value came from: `file:line`, when the API says. */
function Provenance({ row }: { row: Row }) {
  const source = (row.source && typeof row.source === 'object' ? row.source : {}) as Row;
  const file = str(source, 'file', 'originalName', 'name') ?? str(row, 'file', 'sourceFile');
  const line = str(source, 'line') ?? str(row, 'line');
  if (!file) return null;
  return (
    <span className="provenance muted small">
      {file}
      {line ? `:${line}` : ''}
    </span>
  );
}

/** A record's `file:line`, opening the record where it lies in its source when the API says which source. */
function RecordProvenance({ record, caseRef }: { record: Row; caseRef: string | undefined }) {
  const source = (record.source && typeof record.source === 'object' ? record.source : {}) as Row;
  const sourceId = str(source, 'id');
  const recordId = str(record, 'id');
  if (!caseRef || !sourceId || !recordId) return <Provenance row={record} />;
  return (
    <Link to={evidenceUrl(caseRef, sourceId, { record: recordId })} title="Open it where it lies in its source">
      <Provenance row={record} />
    </Link>
  );
}

const IS_HASH = /^(sha256|sha1|md5|pdq)$/;

const RECORDS_PAGE = 50;

interface LinkGroup {
  kind: string;
  label?: string;
  total?: number;
  links: Row[];
}

/** Links grouped by kind, as the API sends them; a flat list of links is grouped here. */
function linkGroups(raw: unknown): LinkGroup[] {
  const list = listOf<Row>(raw, 'links', 'relations');
  if (list.every((item) => Array.isArray(item.links))) return list as unknown as LinkGroup[];
  const groups = new Map<string, Row[]>();
  for (const link of list) {
    const kind = str(link, 'kind', 'type') ?? 'related';
    groups.set(kind, [...(groups.get(kind) ?? []), link]);
  }
  return [...groups.entries()].map(([kind, links]) => ({ kind, links }));
}

export function EntityScreen({ id }: { id: string }) {
  const [offset, setOffset] = useState(0);
  useEffect(() => setOffset(0), [id]);
  const answer = useFetch<Row>(`/api/entities/${encodeURIComponent(id)}${query({ limit: RECORDS_PAGE, offset: offset || undefined })}`);
  const data = answer.data ?? {};
  const entity = (data.entity && typeof data.entity === 'object' ? data.entity : data) as Row;
  const label = str(entity, 'label', 'name') ?? `entity ${id}`;
  const kind = str(entity, 'kind') ?? '';
  useTitle(label);
  const caseRef = str(entity, 'case', 'caseRef');
  const props = (entity.props && typeof entity.props === 'object' ? entity.props : {}) as Row;
  const identifiers = listOf<Row>(data.identifiers ?? entity.identifiers, 'identifiers');
  const records = listOf<Row>(data.records ?? entity.records, 'records');
  const groups = linkGroups(data.links ?? data.relations ?? entity.links);
  const subjectRaw = data.subject ?? entity.subject;
  const subjectId = subjectRaw && typeof subjectRaw === 'object' ? str(subjectRaw as Row, 'id') : subjectRaw !== undefined && subjectRaw !== null ? String(subjectRaw) : undefined;
  const subject = useFetch<Subject>(subjectId ? `/api/subjects/${encodeURIComponent(subjectId.replace(/^s/, ''))}` : null);
  const members = subject.data?.members ?? [];
  const labelOf = (entityId: string) => members.find((member) => member.entity === entityId.replace(/^e/, ''))?.label ?? `record ${entityId}`;
  const me = members.find((member) => member.entity === id);
  const others = members.filter((member) => member.entity !== id);
  const recordsTotal = typeof data.recordsTotal === 'number' ? data.recordsTotal : typeof (data.records as Row | undefined)?.total === 'number' ? ((data.records as Row).total as number) : records.length;

  if (answer.loading && !answer.data) return <Loading what="Loading the entity" />;
  if (answer.error) return <Problem error={answer.error} what={`open entity ${id}`} />;
  return (
    <div className="entity">
      <div className="title-row">
        <h1>
          <span className={`kind-badge kind-${kind}`}>{kindLabel(kind)}</span> <span className="wrap">{label}</span>
        </h1>
        <Link className="button primary" to={chartUrl(`e${id}`)}>
          Open in link chart
        </Link>
      </div>
      <p className="muted">
        {caseRef && (
          <>
            Case <Link to={caseUrl(caseRef)}>{caseRef}</Link>
          </>
        )}
        {str(entity, 'agency') && ` · ${str(entity, 'agency')}`}
        {str(entity, 'key') && ` · key ${str(entity, 'key')}`} <Provenance row={entity} />
      </p>

      <div className="two-col">
        <section className="panel" aria-labelledby="props-title">
          <h2 id="props-title">Properties</h2>
          {Object.keys(props).length === 0 ? (
            <p className="muted">No properties beyond the label.</p>
          ) : (
            <table className="data props">
              <tbody>
                {Object.entries(props).map(([key, value]) => (
                  <tr key={key}>
                    <th scope="row">{key.replace(/_/g, ' ')}</th>
                    <td className="wrap">{IS_HASH.test(key) ? <Hash value={text(value)} length={16} /> : text(value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {str(entity, 'addedBy', 'createdBy') && (
            <p className="muted small">
              Added by {str(entity, 'addedBy', 'createdBy')} <When at={str(entity, 'createdAt', 'addedAt')} />
            </p>
          )}
        </section>

        <section className="panel" aria-labelledby="identifiers-title">
          <h2 id="identifiers-title">Identifiers</h2>
          {identifiers.length === 0 ? (
            <p className="muted">No identifiers found in this entity's records.</p>
          ) : (
            <ul className="identifiers">
              {identifiers.map((identifier, index) => {
                const value = str(identifier, 'display', 'value') ?? '';
                const type = str(identifier, 'type') ?? '';
                return (
                  <li key={index}>
                    <span className="id-type">{type}</span>{' '}
                    <Link to={`/search?q=${encodeURIComponent(value)}`} title={`Search every case for ${value}`}>
                      {IS_HASH.test(type) ? <Hash value={value} length={16} /> : value}
                    </Link>
                    {str(identifier, 'mentions', 'count') && <span className="muted small"> · {str(identifier, 'mentions', 'count')} mentions</span>}
                    {str(identifier, 'id')?.startsWith('i') && (
                      <>
                        {' '}
                        <Link to={chartUrl(str(identifier, 'id')!)} className="small" aria-label={`Open ${value} in the link chart`}>
                          chart
                        </Link>
                      </>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      </div>

      <section className="panel" aria-labelledby="subject-title">
        <h2 id="subject-title">Same person elsewhere</h2>
        {!subjectId && <p className="muted">Resolution has not tied this record to any other (or it is not a person).</p>}
        {subject.loading && <Loading what="Loading the subject" />}
        <Problem error={subject.error} what="load the subject" />
        {subject.data && (
          <>
            <p>
              Part of subject <Link to={subjectUrl(subject.data.id)}>{subject.data.label ?? `subject ${subject.data.id}`}</Link>: {members.length} records in{' '}
              {new Set(members.map((member) => member.case)).size} cases.
            </p>
            {me && me.reasons && me.reasons.length > 0 && (
              <>
                <h3>Why this record is in it</h3>
                <MatchReasons entity={id} reasons={me.reasons as MatchReason[]} labelOf={labelOf} />
              </>
            )}
            {others.length > 0 && (
              <ul className="members">
                {others.map((member) => (
                  <li key={member.entity}>
                    <Link to={entityUrl(member.entity)}>{member.label}</Link>{' '}
                    <span className="muted small">
                      {member.case} · {member.source ?? '?'} key {member.key}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>

      {groups.length > 0 && (
        <section className="panel" aria-labelledby="relations-title">
          <h2 id="relations-title">Relations</h2>
          {groups.map((group) => (
            <div key={group.kind}>
              <h3>
                {(group.label ?? group.kind).replace(/_/g, ' ')}{' '}
                <span className="muted">
                  ({group.total !== undefined && group.total > group.links.length ? `showing ${group.links.length} of ${group.total} — the link chart has them all` : group.links.length})
                </span>
              </h3>
              <ul className="relations">
                {group.links.map((link, index) => {
                  const other = (link.other && typeof link.other === 'object' ? link.other : link) as Row;
                  const otherId = str(other, 'id', 'entity', 'target');
                  const direction = str(link, 'direction');
                  return (
                    <li key={str(link, 'id') ?? index}>
                      {direction === 'in' ? '← ' : direction === 'out' ? '→ ' : ''}
                      {otherId ? <Link to={entityUrl(otherId)}>{str(other, 'label', 'name') ?? otherId}</Link> : str(other, 'label')}{' '}
                      <span className="muted small">
                        {str(other, 'kind') && `${kindLabel(str(other, 'kind')!)} · `}
                        {str(other, 'case') && str(other, 'case') !== caseRef && `${str(other, 'case')} · `}
                        {str(link, 'weight', 'count') && `strength ${str(link, 'weight', 'count')}`}
                        {str(link, 'firstSeen') && (
                          <>
                            {' '}
                            · <When at={str(link, 'firstSeen')} />
                            {str(link, 'lastSeen') && str(link, 'lastSeen') !== str(link, 'firstSeen') && (
                              <>
                                {' '}
                                – <When at={str(link, 'lastSeen')} />
                              </>
                            )}
                          </>
                        )}
                      </span>
                    </li>
                  );
                })}
              </ul>
            </div>
          ))}
        </section>
      )}

      <section className="panel" aria-labelledby="records-title">
        <h2 id="records-title">Records</h2>
        {records.length === 0 ? (
          <Empty>No records name this entity directly.</Empty>
        ) : (
          <>
            <Pager label="records" offset={offset} limit={RECORDS_PAGE} shown={records.length} total={recordsTotal} onChange={setOffset} />
            <ol className="record-list">
              {records.map((record, index) => (
                <li key={str(record, 'id') ?? index}>
                  <span className={`kind-badge kind-${str(record, 'kind') ?? ''}`}>{kindLabel(str(record, 'kind') ?? 'record')}</span>{' '}
                  <When at={str(record, 'occurredAt', 'at')} /> {str(record, 'role') && <span className="muted small">as {str(record, 'role')} </span>}
                  <span className="wrap">{str(record, 'text', 'snippet') ?? ''}</span> <RecordProvenance record={record} caseRef={caseRef} />
                </li>
              ))}
            </ol>
          </>
        )}
      </section>

      <section className="panel" aria-labelledby="mini-timeline">
        <h2 id="mini-timeline">Timeline</h2>
        <TimelineTab reference={`e${id}`} compact />
      </section>
    </div>
  );
}
