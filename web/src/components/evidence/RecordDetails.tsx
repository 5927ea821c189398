/**
 * One record in full beside the view: all of its text, where it came from (case, agency, file,
 * line, key), who took part, every identifier with how the record holds it, and its properties.
 * Opening it reads the record through the API, so the read is in the audit log.
 */
import { useEffect, useRef } from 'react';
import { Loading, Problem, When } from '../common.tsx';
import { useFetch } from '../../hooks.ts';
import { entityUrl, Link } from '../../router.tsx';
import type { RecordParty, RecordView } from '../../types.ts';
import { EvidenceText, IdentifierChip } from './EvidenceText.tsx';
import { propertyLabel, PropertyValue } from './RecordTable.tsx';

function Party({ label, party }: { label: string; party: RecordParty | null }) {
  if (!party) return null;
  return (
    <div>
      <dt>{label}</dt>
      <dd className="wrap">
        <Link to={entityUrl(party.id)}>{party.label}</Link> <span className="muted small">{party.kind.replace(/_/g, ' ')}</span>
      </dd>
    </div>
  );
}

const ROLE_WORDS: Record<string, string> = { in_text: 'in the text', sender: 'of the sender', target: 'of the recipient', mentioned: 'mentioned', content: 'of the file' };
const roleWords = (role: string | null) => (role === null ? '' : (ROLE_WORDS[role] ?? role.replace(/^column:/, 'column ')));

export function RecordDetails({ recordId, takeFocus, terms, onClose }: { recordId: string; takeFocus: boolean; terms: RegExp | null; onClose: () => void }) {
  const record = useFetch<RecordView>(`/api/records/r${encodeURIComponent(recordId)}`);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (takeFocus) heading.current?.focus();
  }, [recordId, takeFocus]);
  const view = record.data?.id === recordId ? record.data : undefined;
  return (
    <section className="panel record-details" aria-labelledby="record-details-title">
      <div className="title-row">
        <h2 id="record-details-title" tabIndex={-1} ref={heading}>
          Record r{recordId}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close the record details (Escape)">
          Close
        </button>
      </div>
      {record.loading && !view && <Loading what="Reading the record" />}
      <Problem error={record.error} what="read the record" />
      {view && (
        <>
          {view.superseded && <p className="problem-inline">A later correction replaces this record.</p>}
          <dl className="details-list">
            <div>
              <dt>Kind</dt>
              <dd>{view.kind.replace(/_/g, ' ')}</dd>
            </div>
            <div>
              <dt>Time</dt>
              <dd>
                <When at={view.occurredAt} />
              </dd>
            </div>
            <div>
              <dt>From</dt>
              <dd className="wrap">
                {view.source.file}
                {view.source.line !== null ? `, line ${view.source.line}` : ''} <span className="muted small">key {view.key}</span>
              </dd>
            </div>
            <div>
              <dt>Case</dt>
              <dd className="wrap">
                {view.case} · {view.agency}
              </dd>
            </div>
            <Party label="Actor" party={view.actor} />
            <Party label="Target" party={view.target} />
            <Party label="Room" party={view.room} />
          </dl>
          {view.text !== null && (
            <blockquote className="details-text wrap">
              <EvidenceText text={view.text} identifiers={view.identifiers} terms={terms} />
            </blockquote>
          )}
          <h3>Identifiers</h3>
          {view.identifiers.length === 0 ? (
            <p className="muted small">None found in this record.</p>
          ) : (
            <ul className="details-identifiers">
              {view.identifiers.map((identifier) => (
                <li key={`${identifier.id}-${identifier.role ?? ''}`}>
                  <IdentifierChip identifier={identifier} /> <span className="muted small">{roleWords(identifier.role)}</span>
                </li>
              ))}
            </ul>
          )}
          {Object.keys(view.props).length > 0 && (
            <>
              <h3>Properties</h3>
              <table className="data props">
                <tbody>
                  {Object.entries(view.props).map(([name, value]) => (
                    <tr key={name}>
                      <th scope="row">{propertyLabel(name)}</th>
                      <td>
                        <PropertyValue name={name} value={value} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}
