/**
 * From the API's graph data to Cytoscape elements and back out to files: new nodes placed around
 * the node they were expanded from, GraphML and SVG of what the chart shows. A media node is a
 * hash with a '#' glyph — never a picture, in the chart or in any export.
 */
import type { CollectionReturnValue, Core, EdgeCollection, ElementDefinition, NodeCollection, NodeSingular, Position, SingularElementArgument } from 'cytoscape';
import type { GraphEdge, GraphNode } from '../types.ts';
import { KINDS, lookOf } from './style.ts';

export const BASE_SIZE = 28;
/** Longer labels are shortened on the canvas (wrapped up to this); the details panel and table show them whole. */
const LABEL_LENGTH = 48;
const SHORT_LABEL = 20;

export function shortLabel(node: GraphNode): string {
  if (node.kind === 'media') {
    const sha = typeof node.props.sha256 === 'string' ? node.props.sha256 : '';
    return sha ? `${sha.slice(0, 10)}…` : node.label;
  }
  return node.label.length > LABEL_LENGTH ? `${node.label.slice(0, LABEL_LENGTH - 1)}…` : node.label;
}

export function nodeElement(node: GraphNode, extra: Record<string, unknown> = {}): ElementDefinition {
  const look = lookOf(node.kind);
  const label = shortLabel(node);
  return {
    group: 'nodes',
    data: {
      id: node.id,
      label: node.label,
      display: `${look.glyph} ${label}`,
      short: `${look.glyph} ${label.length > SHORT_LABEL ? `${label.slice(0, SHORT_LABEL - 1)}…` : label}`,
      kind: node.kind,
      caseRef: node.caseRef ?? '',
      agency: node.agency ?? '',
      identifierType: node.identifierType ?? '',
      props: node.props,
      shape: look.shape,
      colour: look.colour,
      size: BASE_SIZE,
      ...extra,
    },
    classes: node.kind === 'more' ? 'more' : undefined,
  };
}

export function edgeElement(edge: GraphEdge, extra: Record<string, unknown> = {}): ElementDefinition {
  return {
    group: 'edges',
    data: {
      id: edge.id,
      source: edge.source,
      target: edge.target,
      kind: edge.kind,
      weight: Math.max(1, edge.weight || 1),
      rawWeight: edge.weight,
      firstSeen: edge.firstSeen ?? '',
      lastSeen: edge.lastSeen ?? '',
      caseRef: edge.caseRef ?? '',
      props: edge.props,
      arrow: edge.directed ? 'triangle' : 'none',
      ...extra,
    },
    classes: edge.kind === 'same_as' && edge.props.assertedBy ? 'assertion' : undefined,
  };
}

/**
 * Positions for `count` new nodes on rings around `centre`. With `awayFrom` (the middle of the
 * chart) they fan out on the far side of the centre, so an expansion grows outwards and never
 * lands on what the analyst already arranged; a big expansion takes the whole circle.
 */
export function ringPositions(centre: Position, count: number, awayFrom?: Position, spacing = 46): Position[] {
  const positions: Position[] = [];
  const dx = awayFrom ? centre.x - awayFrom.x : 0;
  const dy = awayFrom ? centre.y - awayFrom.y : 0;
  const directed = Math.hypot(dx, dy) > 1;
  const heading = directed ? Math.atan2(dy, dx) : 0;
  let ring = 1;
  let placed = 0;
  while (placed < count) {
    const radius = 110 + (ring - 1) * spacing * 1.5;
    const circumference = 2 * Math.PI * radius;
    const left = count - placed;
    // Half a circle facing away when that holds them; the full circle otherwise.
    const span = directed && left * spacing <= circumference / 2 ? Math.PI : 2 * Math.PI;
    const capacity = Math.max(1, Math.floor((span * radius) / spacing));
    const here = Math.min(capacity, left);
    for (let i = 0; i < here; i++) {
      const angle =
        span === 2 * Math.PI ? heading + ring * 0.37 + (2 * Math.PI * i) / here : heading - span / 2 + (span * (i + 0.5)) / here;
      positions.push({ x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) });
    }
    placed += here;
    ring++;
  }
  return positions;
}

/**
 * Whether an element is drawn: not hidden by the analyst, not hidden by a filter, and (for a link)
 * both ends drawn. Read from the classes, not from Cytoscape's `:visible`, which answers from a
 * style cache that is only brought up to date at the next frame.
 */
export function isShown(element: SingularElementArgument): boolean {
  if (element.hasClass('hidden') || element.hasClass('filtered')) return false;
  if (element.isEdge()) return isShown(element.source()) && isShown(element.target());
  return true;
}

const NOT_DRAWN = '.hidden, .filtered';

export const shownNodes = (cy: Core): NodeCollection => cy.nodes().not(NOT_DRAWN);

/** The drawn links, by their ends' ids (no collection per edge: this runs on every change). */
export function shownEdges(cy: Core): EdgeCollection {
  const gone = new Set(cy.nodes(NOT_DRAWN).map((node) => node.id()));
  return cy
    .edges()
    .not(NOT_DRAWN)
    .filter((edge) => gone.size === 0 || (!gone.has(edge.data('source') as string) && !gone.has(edge.data('target') as string)));
}

export const shownElements = (cy: Core): CollectionReturnValue => shownNodes(cy).union(shownEdges(cy));

const xml = (value: unknown) =>
  String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // Characters XML 1.0 cannot hold at all.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

/** GraphML of the visible chart: what Gephi, yEd and Cytoscape desktop open. */
export function toGraphML(cy: Core, meta: { user: string; at: string }): string {
  const nodes = shownNodes(cy);
  const edges = shownEdges(cy);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    `  <!-- Crosslink link chart exported by ${xml(meta.user)} at ${xml(meta.at)}; media are hashes, never images. -->`,
    '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
    '  <key id="kind" for="node" attr.name="kind" attr.type="string"/>',
    '  <key id="case" for="node" attr.name="case" attr.type="string"/>',
    '  <key id="agency" for="node" attr.name="agency" attr.type="string"/>',
    '  <key id="sha256" for="node" attr.name="sha256" attr.type="string"/>',
    '  <key id="x" for="node" attr.name="x" attr.type="double"/>',
    '  <key id="y" for="node" attr.name="y" attr.type="double"/>',
    '  <key id="ekind" for="edge" attr.name="kind" attr.type="string"/>',
    '  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>',
    '  <key id="firstSeen" for="edge" attr.name="firstSeen" attr.type="string"/>',
    '  <key id="lastSeen" for="edge" attr.name="lastSeen" attr.type="string"/>',
    '  <key id="ecase" for="edge" attr.name="case" attr.type="string"/>',
    '  <graph id="crosslink" edgedefault="undirected">',
  ];
  nodes.forEach((node) => {
    const data = node.data() as Record<string, unknown>;
    const props = (data.props ?? {}) as Record<string, unknown>;
    const position = node.position();
    lines.push(`    <node id="${xml(node.id())}">`);
    lines.push(`      <data key="label">${xml(data.label)}</data>`, `      <data key="kind">${xml(data.kind)}</data>`);
    if (data.caseRef) lines.push(`      <data key="case">${xml(data.caseRef)}</data>`);
    if (data.agency) lines.push(`      <data key="agency">${xml(data.agency)}</data>`);
    if (typeof props.sha256 === 'string') lines.push(`      <data key="sha256">${xml(props.sha256)}</data>`);
    lines.push(`      <data key="x">${position.x.toFixed(1)}</data>`, `      <data key="y">${position.y.toFixed(1)}</data>`, '    </node>');
  });
  edges.forEach((edge) => {
    const data = edge.data() as Record<string, unknown>;
    lines.push(`    <edge id="${xml(edge.id())}" source="${xml(data.source)}" target="${xml(data.target)}" directed="${data.arrow === 'triangle'}">`);
    lines.push(`      <data key="ekind">${xml(data.kind)}</data>`, `      <data key="weight">${Number(data.rawWeight ?? data.weight ?? 1)}</data>`);
    if (data.firstSeen) lines.push(`      <data key="firstSeen">${xml(data.firstSeen)}</data>`);
    if (data.lastSeen) lines.push(`      <data key="lastSeen">${xml(data.lastSeen)}</data>`);
    if (data.caseRef) lines.push(`      <data key="ecase">${xml(data.caseRef)}</data>`);
    lines.push('    </edge>');
  });
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}

/** One SVG element for a node shape, centred on (x, y) with radius r. */
function shapeElement(shape: string, x: number, y: number, r: number, attributes: string, inner = ''): string {
  const polygon = (points: [number, number][]) =>
    `<polygon points="${points.map(([px, py]) => `${(x + px * r).toFixed(1)},${(y + py * r).toFixed(1)}`).join(' ')}" ${attributes}>${inner}</polygon>`;
  switch (shape) {
    case 'diamond':
      return polygon([
        [0, -1],
        [1, 0],
        [0, 1],
        [-1, 0],
      ]);
    case 'triangle':
      return polygon([
        [0, -1],
        [1, 0.8],
        [-1, 0.8],
      ]);
    case 'hexagon':
      return polygon([0, 1, 2, 3, 4, 5].map((i) => [Math.cos((Math.PI / 3) * i), Math.sin((Math.PI / 3) * i)] as [number, number]));
    case 'octagon':
      return polygon([0, 1, 2, 3, 4, 5, 6, 7].map((i) => [Math.cos((Math.PI / 4) * i + Math.PI / 8), Math.sin((Math.PI / 4) * i + Math.PI / 8)] as [number, number]));
    case 'star':
      return polygon(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => {
          const radius = i % 2 === 0 ? 1 : 0.45;
          const angle = -Math.PI / 2 + (Math.PI / 5) * i;
          return [radius * Math.cos(angle), radius * Math.sin(angle)] as [number, number];
        }),
      );
    case 'rectangle':
    case 'round-rectangle':
    case 'tag':
      return `<rect x="${(x - r).toFixed(1)}" y="${(y - r * 0.75).toFixed(1)}" width="${(2 * r).toFixed(1)}" height="${(1.5 * r).toFixed(1)}" rx="${shape === 'rectangle' ? 0 : r * 0.25}" ${attributes}>${inner}</rect>`;
    default:
      return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}" ${attributes}>${inner}</circle>`;
  }
}

/** SVG of the visible chart with a legend and a watermark naming the user, the time and the cases. */
export function toSVG(cy: Core, meta: { user: string; at: string }): string {
  const nodes = shownNodes(cy);
  const edges = shownEdges(cy);
  const box = nodes.boundingBox({ includeLabels: true });
  const pad = 40;
  const legendKinds = [...new Set(nodes.map((node) => String(node.data('kind'))))];
  const legendHeight = 24 + legendKinds.length * 18 + 22;
  const width = Math.max(400, box.w + pad * 2);
  const height = Math.max(200, box.h + pad * 2) + legendHeight;
  const ox = pad - box.x1;
  const oy = pad - box.y1;
  const cases = [...new Set(nodes.map((node) => String(node.data('caseRef') || '')).filter(Boolean))].sort();
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height.toFixed(0)}" viewBox="0 0 ${width.toFixed(0)} ${height.toFixed(0)}" font-family="system-ui, sans-serif">`,
    `<title>Crosslink link chart</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    '<g stroke="#8a8a8a" stroke-opacity="0.8">',
  ];
  edges.forEach((edge) => {
    const a = edge.source().position();
    const b = edge.target().position();
    const w = Math.min(5, 1 + Math.log2(Math.max(1, Number(edge.data('weight')))));
    parts.push(`<line x1="${(a.x + ox).toFixed(1)}" y1="${(a.y + oy).toFixed(1)}" x2="${(b.x + ox).toFixed(1)}" y2="${(b.y + oy).toFixed(1)}" stroke-width="${w.toFixed(1)}"><title>${xml(edge.data('kind'))}</title></line>`);
  });
  parts.push('</g>', '<g>');
  nodes.forEach((node) => {
    const p = node.position();
    const x = p.x + ox;
    const y = p.y + oy;
    const r = Number(node.data('size') ?? 28) / 2;
    parts.push(shapeElement(String(node.data('shape')), x, y, r, `fill="${xml(node.data('colour'))}" stroke="#ffffff"`, `<title>${xml(node.data('label'))}</title>`));
    parts.push(`<text x="${x.toFixed(1)}" y="${(y + r + 12).toFixed(1)}" font-size="11" text-anchor="middle" fill="#1a1a1a">${xml(node.data('display'))}</text>`);
  });
  parts.push('</g>');
  const legendTop = height - legendHeight;
  parts.push(`<g font-size="11" fill="#1a1a1a"><text x="10" y="${legendTop + 14}" font-weight="bold">Legend</text>`);
  legendKinds.forEach((kind, index) => {
    const look = lookOf(kind);
    const y = legendTop + 30 + index * 18;
    parts.push(shapeElement(look.shape, 18, y - 4, 6, `fill="${look.colour}"`));
    parts.push(`<text x="30" y="${y}">${xml(`${look.glyph} ${look.label}`)}</text>`);
  });
  parts.push(
    `<text x="10" y="${height - 8}" fill="#555">${xml(watermark(meta, cases))}</text></g>`,
    '</svg>',
  );
  return parts.join('\n');
}

const watermark = (meta: { user: string; at: string }, cases: string[]) => `Crosslink · exported by ${meta.user} · ${meta.at}${cases.length ? ` · cases ${cases.join(', ')}` : ''}`;

/** A PNG of the whole chart (selection marks left out) with the legend and the same watermark as the SVG. */
export async function toPNG(cy: Core, meta: { user: string; at: string }, scale: number): Promise<Blob> {
  const selected = cy.elements(':selected');
  selected.unselect();
  let image: Blob;
  try {
    image = await cy.png({ output: 'blob-promise', full: true, bg: '#ffffff', scale, maxWidth: 8000, maxHeight: 8000 });
  } finally {
    selected.select();
  }
  const bitmap = await createImageBitmap(image);
  const kinds = [...new Set(shownNodes(cy).map((node) => String(node.data('kind'))))];
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(bitmap.width, 480);
  canvas.height = bitmap.height + 34 + kinds.length * 18;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0);
  context.font = '12px system-ui, sans-serif';
  kinds.forEach((kind, index) => {
    const look = lookOf(kind);
    const y = bitmap.height + 14 + index * 18;
    context.fillStyle = look.colour;
    context.fillRect(8, y - 10, 12, 12);
    context.fillStyle = '#1a1a1a';
    context.fillText(`${look.glyph} ${look.label}`, 26, y);
  });
  context.fillStyle = '#555555';
  const cases = [...new Set(shownNodes(cy).map((node) => String(node.data('caseRef') || '')).filter(Boolean))].sort();
  context.fillText(watermark(meta, cases), 8, canvas.height - 9);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG export failed'))), 'image/png'));
}

export function download(name: string, content: Blob | string, type: string): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 5000);
}

/** How a node is announced to a screen reader: "Person, J. Doe, 14 links, case 2024-117". */
export function describeNode(node: NodeSingular): string {
  const kind = lookOf(String(node.data('kind'))).label;
  const links = node.connectedEdges().filter(isShown).length;
  const caseRef = node.data('caseRef') ? `, case ${node.data('caseRef')}` : '';
  const pinned = node.hasClass('pinned') ? ', pinned' : '';
  return `${kind}, ${node.data('label')}, ${links} ${links === 1 ? 'link' : 'links'}${caseRef}${pinned}`;
}

export const KIND_ORDER = Object.keys(KINDS);

/**
 * A draft layout in one pass, for charts too big for a force layout on the main thread: the start
 * node in the middle and every other node on the ring of its hop distance, neighbours kept close
 * (each ring in the order of its parents). Nodes no path reaches go on an outer ring.
 */
export function ringLayout(cy: Core, rootId: string | undefined, spacing = 34): Record<string, Position> {
  const nodes = shownNodes(cy);
  const positions: Record<string, Position> = {};
  if (nodes.empty()) return positions;
  const root = rootId && cy.getElementById(rootId).nonempty() ? rootId : (nodes.max((node) => node.degree(false)).ele as NodeSingular).id();
  // Adjacency from the links' end ids once: walking Cytoscape collections per edge costs far more.
  const adjacent = new Map<string, string[]>();
  shownEdges(cy).forEach((edge) => {
    const a = edge.data('source') as string;
    const b = edge.data('target') as string;
    (adjacent.get(a) ?? adjacent.set(a, []).get(a)!).push(b);
    (adjacent.get(b) ?? adjacent.set(b, []).get(b)!).push(a);
  });
  const level = new Map<string, number>([[root, 0]]);
  const rings: string[][] = [[root]];
  for (let depth = 0; depth < rings.length; depth++) {
    const next: string[] = [];
    for (const id of rings[depth]!) {
      for (const other of adjacent.get(id) ?? []) {
        if (level.has(other)) continue;
        level.set(other, depth + 1);
        next.push(other);
      }
    }
    if (next.length > 0) rings.push(next);
  }
  const unreached = nodes.filter((node) => !level.has(node.id())).map((node) => node.id());
  if (unreached.length > 0) rings.push(unreached);
  let radius = 0;
  rings.forEach((ring, depth) => {
    if (depth === 0) {
      positions[ring[0]!] = { x: 0, y: 0 };
      return;
    }
    // Each ring at least far enough out to hold its nodes `spacing` apart.
    radius = Math.max(radius + spacing * 3, (ring.length * spacing) / (2 * Math.PI));
    ring.forEach((id, index) => {
      const angle = (2 * Math.PI * index) / ring.length;
      positions[id] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
    });
  });
  return positions;
}
