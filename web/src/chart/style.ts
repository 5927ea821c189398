/**
 * How the link chart looks: one shape, glyph and colour per kind (never colour alone), a
 * colour-blind-safe palette for communities and cases, and the size tiers of UI brief §4 — each
 * tier drops something costly (edge labels, curved edges, labels when zoomed out) as the chart grows.
 */
import type { StylesheetJson } from 'cytoscape';

/** Okabe–Ito, then Paul Tol's muted scheme: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#332288', '#117733', '#882255', '#44AA99', '#999933', '#AA4499', '#6699CC'];

export interface KindLook {
  label: string;
  shape: string;
  colour: string;
  glyph: string;
}

// Glyphs from the common fonts' basic ranges (no emoji): they must draw on a canvas on any system.
export const KINDS: Record<string, KindLook> = {
  person: { label: 'Person', shape: 'ellipse', colour: '#0072B2', glyph: '●' },
  subject: { label: 'Subject (resolved person)', shape: 'star', colour: '#332288', glyph: '★' },
  account: { label: 'Account', shape: 'round-rectangle', colour: '#009E73', glyph: '@' },
  identifier: { label: 'Identifier', shape: 'diamond', colour: '#E69F00', glyph: '◆' },
  chat_room: { label: 'Chat room', shape: 'hexagon', colour: '#CC79A7', glyph: '≡' },
  merchant: { label: 'Merchant', shape: 'rectangle', colour: '#D55E00', glyph: '$' },
  device: { label: 'Device', shape: 'triangle', colour: '#56B4E9', glyph: '▣' },
  media: { label: 'Media file (hash)', shape: 'tag', colour: '#882255', glyph: '#' },
  location: { label: 'Location', shape: 'vee', colour: '#117733', glyph: '◎' },
  organisation: { label: 'Organisation', shape: 'octagon', colour: '#999933', glyph: '⌂' },
  more: { label: 'More not shown', shape: 'round-rectangle', colour: '#777777', glyph: '+' },
};

export const lookOf = (kind: string): KindLook => KINDS[kind] ?? { label: kind.replace(/_/g, ' '), shape: 'ellipse', colour: '#666666', glyph: '•' };

export type Tier = 0 | 1 | 2 | 3;

/** Visible elements → tier: <500 full, 500–2,000 lean, 2,000–5,000 leaner, above that table first. */
export function tierOf(visibleElements: number): Tier {
  if (visibleElements < 500) return 0;
  if (visibleElements < 2000) return 1;
  if (visibleElements < 5000) return 2;
  return 3;
}

export const TIER_WORDS: Record<Tier, string> = {
  0: 'full detail',
  1: 'large chart: edge labels off, straight edges, no layout animation',
  2: 'very large chart: edges hidden while you pan or zoom, labels only when zoomed in',
  3: 'huge chart: the table view is the default; drawing everything is slow',
};

export function stylesheet(tier: Tier): StylesheetJson {
  const lean = tier >= 1;
  return [
    {
      selector: 'node',
      style: {
        shape: 'data(shape)' as never,
        'background-color': 'data(colour)',
        width: 'data(size)',
        height: 'data(size)',
        // Large charts draw the short label: one measurement each, no wrapping or ellipsis search.
        label: lean ? 'data(short)' : 'data(display)',
        'font-size': 11,
        'font-family': 'system-ui, sans-serif',
        color: '#1a1a1a',
        'text-valign': 'bottom',
        'text-margin-y': 3,
        // Wrapping measures each label word by word: affordable on small charts only.
        'text-wrap': lean ? 'none' : 'wrap',
        'text-max-width': '150px',
        'text-overflow-wrap': 'anywhere',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.8,
        'text-background-padding': '1px',
        // Labels vanish when they would be drawn smaller than this: cheap level of detail on zoom-out.
        'min-zoomed-font-size': tier >= 2 ? 10 : 6,
        'border-width': 1,
        'border-color': '#ffffff',
      },
    },
    {
      selector: 'edge',
      style: {
        width: 'mapData(weight, 1, 50, 1, 5)' as never,
        'line-color': '#8a8a8a',
        'curve-style': lean ? 'haystack' : 'bezier',
        'target-arrow-shape': lean ? 'none' : 'data(arrow)' as never,
        'target-arrow-color': '#8a8a8a',
        'arrow-scale': 0.8,
        opacity: 0.8,
      },
    },
    { selector: 'edge.assertion', style: { 'line-style': lean ? 'solid' : 'dashed', 'line-color': '#332288' } },
    ...(!lean ? [{ selector: 'edge:selected, edge.on-path', style: { label: 'data(kind)', 'font-size': 9, 'text-rotation': 'autorotate' as never, 'text-background-color': '#fff', 'text-background-opacity': 0.8 } }] : []),
    { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#000000' } },
    { selector: 'edge:selected', style: { 'line-color': '#000000', 'target-arrow-color': '#000000', width: 3 } },
    { selector: 'node.focused', style: { 'outline-width': 4, 'outline-color': '#FFB000', 'outline-offset': 3 } as never },
    { selector: 'node.pinned', style: { 'border-style': 'double', 'border-width': 4, 'border-color': '#444444' } },
    { selector: 'node.fresh', style: { 'border-width': 4, 'border-color': '#FFB000' } },
    { selector: 'node.match', style: { 'border-width': 4, 'border-color': '#D55E00' } },
    { selector: '.dimmed', style: { opacity: 0.15 } },
    { selector: 'node.on-path', style: { 'border-width': 4, 'border-color': '#D55E00', opacity: 1 } },
    { selector: 'edge.on-path', style: { 'line-color': '#D55E00', 'target-arrow-color': '#D55E00', width: 4, opacity: 1 } },
    { selector: 'node.more', style: { 'border-style': 'dashed', 'border-color': '#555', 'border-width': 2 } },
    // Hide ≠ remove: hidden and filtered elements stay in the chart, undrawn.
    { selector: '.hidden, .filtered', style: { display: 'none' } },
  ];
}
