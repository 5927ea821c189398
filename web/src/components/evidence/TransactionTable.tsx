/**
 * Card purchases as a table: merchant, amount, currency, time and card (masked as the API gives
 * it: BIN…last 4), sortable by column. Sorting is done by the server over the whole source, so
 * page 2 of "largest first" really continues page 1.
 */
import { ariaSort } from '../common.tsx';
import { entityUrl, Link } from '../../router.tsx';
import type { RecordSummary } from '../../types.ts';
import { IdentifierChip } from './EvidenceText.tsx';
import type { RecordNav } from './nav.ts';
import { RecordRow } from './RecordRow.tsx';

export interface SortState {
  sort: string;
  desc: boolean;
}

const COLUMNS: { field: string; label: string; numeric?: boolean }[] = [
  { field: 'time', label: 'Time' },
  { field: 'merchant', label: 'Merchant' },
  { field: 'amount', label: 'Amount', numeric: true },
  { field: 'currency', label: 'Currency' },
  { field: 'card_last4', label: 'Card' },
];

const text = (value: unknown) => (value === null || value === undefined || value === '' ? '' : String(value));

/** The card as the API masks it: the card identifier's rendering, else BIN…last 4 from the record. */
export function maskedCard(record: RecordSummary): string {
  const card = record.identifiers.find((identifier) => identifier.type === 'card');
  if (card?.display) return card.display;
  const bin = text(record.props['card_bin']);
  const last4 = text(record.props['card_last4']);
  return bin || last4 ? `${bin}…${last4}` : '—';
}

function amount(value: unknown): string {
  if (typeof value !== 'number') return text(value) || '—';
  return value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A column header that sorts the whole source by its field; again on the sorted one, the other way. */
function SortableHeader({ field, label, numeric, state, onSort }: { field: string; label: string; numeric?: boolean; state: SortState; onSort: (next: SortState) => void }) {
  const active = state.sort === field;
  const next = { sort: field, desc: active ? !state.desc : field === 'amount' || field === 'time' };
  return (
    <th scope="col" className={numeric ? 'num' : undefined} aria-sort={ariaSort(active, state.desc)}>
      <button type="button" className="sort-button" onClick={() => onSort(next)} title={`Sort every transaction of the source by ${label.toLowerCase()}`}>
        {label}
        <span aria-hidden="true">{active ? (state.desc ? ' ▼' : ' ▲') : ' ↕'}</span>
      </button>
    </th>
  );
}

export function TransactionTable({ records, nav, state, onSort, total }: { records: readonly RecordSummary[]; nav: RecordNav; state: SortState; onSort: (next: SortState) => void; total: number }) {
  const sortedBy = COLUMNS.find((column) => column.field === state.sort)?.label.toLowerCase() ?? 'line in the file';
  return (
    <div className="table-scroll">
      <table className="data evidence-table transactions">
        <caption className="small muted">
          {total.toLocaleString()} transactions, sorted by {sortedBy}
          {state.desc ? ', highest or latest first' : ''}, across the whole source.
        </caption>
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <SortableHeader key={column.field} field={column.field} label={column.label} numeric={column.numeric} state={state} onSort={onSort} />
            ))}
            <th scope="col">Card holder</th>
            <th scope="col">Other identifiers</th>
            <SortableHeader field="line" label="Line" state={state} onSort={onSort} />
          </tr>
        </thead>
        <tbody>
          {records.map((record) => {
            const { actor, target } = record.parties;
            const others = record.identifiers.filter((identifier, index, all) => identifier.type !== 'card' && all.findIndex((other) => other.id === identifier.id) === index);
            return (
              <RecordRow key={record.id} record={record} nav={nav}>
                <td className="wrap">
                  {target && target.kind === 'merchant' ? <Link to={entityUrl(target.id)}>{text(record.props['merchant']) || target.label}</Link> : text(record.props['merchant']) || '—'}
                  {text(record.props['mcc']) && <div className="muted small">MCC {text(record.props['mcc'])}</div>}
                </td>
                <td className="num">{amount(record.props['amount'])}</td>
                <td>{text(record.props['currency']) || '—'}</td>
                <td className="nowrap">
                  <code>{maskedCard(record)}</code>
                </td>
                <td className="wrap">{actor ? <Link to={entityUrl(actor.id)}>{actor.label}</Link> : '—'}</td>
                <td className="wrap chip-cell">
                  {others.length === 0 ? <span className="muted">—</span> : others.map((identifier) => <IdentifierChip key={identifier.id} identifier={identifier} />)}
                </td>
              </RecordRow>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
