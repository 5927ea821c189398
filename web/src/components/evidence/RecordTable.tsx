/**
 * Records that are neither chat nor purchases (arrests and bookings, P2P sightings, and whatever a
 * mapped file carried): one row per record, one column per property the page's records hold, with
 * who the record is about and the identifiers it names as chips.
 */
import { Hash } from '../common.tsx';
import { entityUrl, Link } from '../../router.tsx';
import type { RecordSummary } from '../../types.ts';
import { EvidenceText, IdentifierChip, identifiersBeside } from './EvidenceText.tsx';
import type { RecordNav } from './nav.ts';
import { RecordRow } from './RecordRow.tsx';

const HASH_PROPERTY = /^(md5|sha1|sha256|pdq|file_hash)$/;

export function propertyLabel(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A property value as text: lists joined, yes/no for flags, objects as JSON (nothing hidden). */
export function propertyText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(propertyText).join('; ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function PropertyValue({ name, value }: { name: string; value: unknown }) {
  const shown = propertyText(value);
  if (shown === '') return <span className="muted">—</span>;
  if (HASH_PROPERTY.test(name)) return <Hash value={shown} length={16} />;
  return <span className="wrap">{shown}</span>;
}

/** Every property any record of the page has, in the order they first appear. */
function propertyColumns(records: readonly RecordSummary[]): string[] {
  const names = new Set<string>();
  for (const record of records) for (const name of Object.keys(record.props)) names.add(name);
  return [...names];
}

export function RecordTable({ records, nav, terms }: { records: readonly RecordSummary[]; nav: RecordNav; terms: RegExp | null }) {
  const columns = propertyColumns(records);
  const withText = records.some((record) => record.text);
  return (
    <div className="table-scroll">
      <table className="data evidence-table">
        <caption className="visually-hidden">Records of this source, one per row, with their properties</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">About</th>
            {columns.map((name) => (
              <th key={name} scope="col">
                {propertyLabel(name)}
              </th>
            ))}
            {withText && <th scope="col">Text</th>}
            <th scope="col">Identifiers</th>
            <th scope="col">Line</th>
          </tr>
        </thead>
        <tbody>
          {records.map((record) => {
            const { actor } = record.parties;
            const beside = identifiersBeside(record.text, record.identifiers);
            return (
              <RecordRow key={record.id} record={record} nav={nav}>
                <td className="wrap">
                  {actor ? <Link to={entityUrl(actor.id)}>{actor.label}</Link> : <span className="muted">—</span>}
                  {actor && <div className="muted small">{actor.kind.replace(/_/g, ' ')}</div>}
                </td>
                {columns.map((name) => (
                  <td key={name}>
                    <PropertyValue name={name} value={record.props[name]} />
                  </td>
                ))}
                {withText && <td className="wrap">{record.text ? <EvidenceText text={record.text} identifiers={record.identifiers} terms={terms} /> : null}</td>}
                <td className="wrap chip-cell">{beside.length === 0 ? <span className="muted">—</span> : beside.map((identifier) => <IdentifierChip key={identifier.id} identifier={identifier} />)}</td>
              </RecordRow>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
