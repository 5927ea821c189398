/**
 * A media source, one item at a time: its hashes and metadata, never its pixels. Looking at a
 * picture is for media triage, where it opens blurred and greyscale and every reveal is audited
 * (UI brief §3); this view links there and to the file's entity.
 */
import { bytes, When } from '../common.tsx';
import { caseUrl, entityUrl, Link } from '../../router.tsx';
import type { RecordSummary } from '../../types.ts';
import { IdentifierChip } from './EvidenceText.tsx';
import { lineLabel, recordItemProps, type RecordNav } from './nav.ts';
import { propertyLabel, PropertyValue } from './RecordTable.tsx';

const HASHES = ['sha256', 'sha1', 'md5', 'pdq'] as const;
/** Shown in their own places (hashes, name, size), not again among the metadata. */
const SHOWN_ELSEWHERE = new Set<string>([...HASHES, 'file_name', 'bytes']);

function hashOf(record: RecordSummary, type: string): string | null {
  const fromProps = record.props[type];
  if (typeof fromProps === 'string' && fromProps) return fromProps;
  return record.identifiers.find((identifier) => identifier.type === type)?.value ?? null;
}

function fileName(record: RecordSummary): string {
  const name = record.props['file_name'];
  return typeof name === 'string' && name ? name : `record ${record.id}`;
}

function MediaItem({ record, caseRef, onOpen }: { record: RecordSummary; caseRef: string; onOpen: () => void }) {
  const media = record.parties.actor;
  const metadata = Object.entries(record.props).filter(([name]) => !SHOWN_ELSEWHERE.has(name));
  const matchable = record.identifiers.filter((identifier, index, all) => all.findIndex((other) => other.id === identifier.id) === index);
  return (
    <article className="panel media-item" aria-labelledby="media-item-title">
      <h3 id="media-item-title" className="wrap">
        {fileName(record)}
      </h3>
      <p className="no-pixels small">No picture is shown here: hashes and metadata only. To look at it — blurred and greyscale first, every reveal audited — open it in media triage.</p>
      <p className="media-actions">
        <Link className="button primary" to={caseUrl(caseRef, 'media')}>
          Open media triage
        </Link>
        {media && (
          <Link className="button" to={entityUrl(media.id)}>
            The file's entity
          </Link>
        )}
        <button type="button" onClick={onOpen}>
          Details and provenance
        </button>
      </p>
      <dl className="media-facts">
        <div>
          <dt>Size</dt>
          <dd>{typeof record.props['bytes'] === 'number' ? `${bytes(record.props['bytes'])} (${record.props['bytes'].toLocaleString()} bytes)` : '—'}</dd>
        </div>
        <div>
          <dt>Time</dt>
          <dd>
            <When at={record.occurredAt} />
          </dd>
        </div>
        {metadata.map(([name, value]) => (
          <div key={name}>
            <dt>{propertyLabel(name)}</dt>
            <dd>
              <PropertyValue name={name} value={value} />
            </dd>
          </div>
        ))}
      </dl>
      <h4>Hashes</h4>
      <dl className="media-hashes">
        {HASHES.map((type) => {
          const value = hashOf(record, type);
          return (
            <div key={type}>
              <dt>{type === 'pdq' ? 'PDQ (perceptual)' : type.toUpperCase()}</dt>
              <dd>{value ? <code className="wrap">{value}</code> : <span className="muted">—</span>}</dd>
            </div>
          );
        })}
      </dl>
      {matchable.length > 0 && (
        <p className="chip-row" aria-label="Identifiers of this file">
          {matchable.map((identifier) => (
            <IdentifierChip key={identifier.id} identifier={identifier} />
          ))}
        </p>
      )}
    </article>
  );
}

export function MediaViewer({ records, nav, caseRef }: { records: readonly RecordSummary[]; nav: RecordNav; caseRef: string }) {
  const current = records[nav.focus] ?? records[0];
  return (
    <div className="media-viewer">
      <ol className="media-list" role="listbox" aria-label="Files of this source">
        {records.map((record) => (
          <li key={record.id} role="option" {...recordItemProps(nav, record)} aria-selected={record === current} onClick={() => nav.onFocusIndex(nav.indexOf.get(record.id) ?? 0)}>
            <span className="wrap">{fileName(record)}</span>
            <span className="muted small">
              {' '}
              {typeof record.props['bytes'] === 'number' ? bytes(record.props['bytes']) : lineLabel(record)}
            </span>
          </li>
        ))}
      </ol>
      {current && <MediaItem record={current} caseRef={caseRef} onOpen={() => nav.onOpen(current)} />}
    </div>
  );
}
