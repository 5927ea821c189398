/**
 * What every evidence view shares with the viewer screen: the records in the order the view shows
 * them (J/K follow it), which one has the keyboard focus (a roving tabindex: one record is in the
 * Tab order at a time, the links inside each stay focusable), and opening one in the details panel.
 */
import type { FocusEvent } from 'react';
import type { RecordSummary } from '../../types.ts';

export interface RecordNav {
  /** Position of each record (by id) in the view's order. */
  indexOf: ReadonlyMap<string, number>;
  focus: number;
  /** The record shown in the details panel. */
  selected: string | null;
  /** Records whose text holds a searched word. */
  hits: ReadonlySet<string>;
  onOpen(record: RecordSummary): void;
  onFocusIndex(index: number): void;
}

/** Props for the element that stands for one record: its place in the order and the roving tabindex. */
export function recordItemProps(nav: RecordNav, record: RecordSummary) {
  const index = nav.indexOf.get(record.id) ?? -1;
  return {
    'data-record-index': index,
    'data-record': record.id,
    tabIndex: index === nav.focus ? 0 : -1,
    'aria-current': record.id === nav.selected ? ('true' as const) : undefined,
    onFocus: (event: FocusEvent<HTMLElement>) => {
      if (event.target === event.currentTarget) nav.onFocusIndex(index);
    },
  };
}

/** Where a record came from, as `file:line` (the details panel; the views show the line, the file being the source's). */
export function provenance(record: RecordSummary): string {
  return `${record.source.file}${record.source.line !== null ? `:${record.source.line}` : ''}`;
}

/** The line a record was read from, short: every record of the view comes from the same file. */
export function lineLabel(record: RecordSummary): string {
  return record.source.line !== null ? `line ${record.source.line}` : `record ${record.id}`;
}
