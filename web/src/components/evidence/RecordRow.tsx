/**
 * What every evidence view gives each record alike, so they read and behave the same: the button
 * that opens the record in the details panel (named by its line), and, for the tables, the row that
 * takes part in J/K paging and opens on double-click, with the time first and that button last.
 */
import type { ReactNode } from 'react';
import { When } from '../common.tsx';
import type { RecordSummary } from '../../types.ts';
import { lineLabel, provenance, recordItemProps, type RecordNav } from './nav.ts';

/** Opens the record in the details panel; shows its line, and the file and line on hover. */
export function OpenRecordButton({ record, nav, className }: { record: RecordSummary; nav: RecordNav; className?: string }) {
  return (
    <button type="button" className={className ? `link small ${className}` : 'link small'} onClick={() => nav.onOpen(record)} title={provenance(record)} aria-label={`Details of ${lineLabel(record)}`}>
      {lineLabel(record)}
    </button>
  );
}

/** One record as a table row: its time, the view's own cells (`children`), then its line. */
export function RecordRow({ record, nav, children }: { record: RecordSummary; nav: RecordNav; children: ReactNode }) {
  return (
    <tr {...recordItemProps(nav, record)} className={nav.hits.has(record.id) ? 'hit' : undefined} onDoubleClick={() => nav.onOpen(record)}>
      <td className="nowrap">
        <When at={record.occurredAt} />
      </td>
      {children}
      <td className="nowrap">
        <OpenRecordButton record={record} nav={nav} />
      </td>
    </tr>
  );
}
