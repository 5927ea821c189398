/**
 * Who speaks in a chat log, told apart by colour AND shape (never colour alone, UI brief §5): each
 * participant of a source keeps one marker for the whole view, given by their rank in the source's
 * overview, so the marker does not change from page to page.
 */
import { useMemo } from 'react';
import { entityUrl, Link } from '../../router.tsx';
import type { RecordParty, SourceOverview } from '../../types.ts';

/** Okabe–Ito: told apart by the common kinds of colour blindness; every shape has a dark outline, so yellow reads on white too. */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'] as const;
const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'plus'] as const;
type Shape = (typeof SHAPES)[number] | 'ring';

export interface Marker {
  colour: string;
  shape: Shape;
  /** Words for the marker, for screen readers and the legend. */
  name: string;
}

const COLOUR_NAMES: Record<string, string> = {
  '#0072B2': 'blue',
  '#D55E00': 'vermilion',
  '#009E73': 'green',
  '#CC79A7': 'purple',
  '#E69F00': 'orange',
  '#56B4E9': 'sky blue',
  '#F0E442': 'yellow',
  '#000000': 'black',
};

/** Colours and shapes cycle at different lengths, so the first 24 participants each get their own pair. */
export function markerFor(rank: number | undefined): Marker {
  if (rank === undefined) return { colour: '#8a8f96', shape: 'ring', name: 'grey ring' };
  const colour = COLOURS[rank % COLOURS.length]!;
  const shape = SHAPES[rank % SHAPES.length]!;
  return { colour, shape, name: `${COLOUR_NAMES[colour]} ${shape.replace('-', ' ')}` };
}

/** Rank of each participant (e<id>) in the source: most records first, as the overview lists them. */
export function useParticipantRanks(overview: SourceOverview | undefined): Map<string, number> {
  return useMemo(() => new Map((overview?.participants.items ?? []).map((item, index) => [item.entity.id, index])), [overview]);
}

export function MarkerIcon({ marker, size = 14 }: { marker: Marker; size?: number }) {
  const stroke = '#1a1a1a';
  const common = { fill: marker.colour, stroke, strokeWidth: 1.2 };
  let shape;
  switch (marker.shape) {
    case 'circle':
      shape = <circle cx="7" cy="7" r="5.5" {...common} />;
      break;
    case 'square':
      shape = <rect x="1.5" y="1.5" width="11" height="11" {...common} />;
      break;
    case 'triangle':
      shape = <polygon points="7,1 13,12.5 1,12.5" {...common} />;
      break;
    case 'triangle-down':
      shape = <polygon points="1,1.5 13,1.5 7,13" {...common} />;
      break;
    case 'diamond':
      shape = <polygon points="7,0.8 13.2,7 7,13.2 0.8,7" {...common} />;
      break;
    case 'plus':
      shape = <polygon points="5,1 9,1 9,5 13,5 13,9 9,9 9,13 5,13 5,9 1,9 1,5 5,5" {...common} />;
      break;
    default:
      shape = <circle cx="7" cy="7" r="5" fill="none" stroke={marker.colour} strokeWidth={2} strokeDasharray="2 2" />;
  }
  return (
    <svg className="marker" width={size} height={size} viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      {shape}
    </svg>
  );
}

/** A participant's marker and name, linking to their entity page. */
export function ParticipantName({ party, rank }: { party: RecordParty; rank: number | undefined }) {
  const marker = markerFor(rank);
  return (
    <span className="participant" style={{ ['--participant' as string]: marker.colour }}>
      <MarkerIcon marker={marker} />
      <Link to={entityUrl(party.id)} className="participant-name wrap" title={`${party.label} (${party.kind.replace(/_/g, ' ')}; marker: ${marker.name})`}>
        {party.label}
      </Link>
    </span>
  );
}

/** The markers of the source's busiest participants, with how many records each has. */
export function ParticipantLegend({ overview, shown = 12 }: { overview: SourceOverview; shown?: number }) {
  const { items, total } = overview.participants;
  if (items.length === 0) return null;
  return (
    <figure className="participant-legend">
      <figcaption className="small muted">
        Participants{total > shown ? ` (the ${Math.min(shown, items.length)} busiest of ${total.toLocaleString()})` : ''}
      </figcaption>
      <ul>
        {items.slice(0, shown).map((item, rank) => (
          <li key={item.entity.id}>
            <ParticipantName party={item.entity} rank={rank} /> <span className="muted small">{item.records.toLocaleString()}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
