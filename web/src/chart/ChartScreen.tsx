/**
 * The link chart (UI brief §2, §4, §5). Start from an entity, subject or identifier; expand
 * neighbours (double-click or E), find paths between two selected nodes (Shift+P), colour by kind,
 * community or case, size by centrality, filter by type and time (hide ≠ remove), undo any step,
 * and export PNG, SVG or GraphML. Media nodes are hashes, never pictures.
 *
 * Performance: every change is one cy.batch(); new nodes are placed on rings around the node they
 * came from (no global layout after an expand); layouts animate only on small charts; the style
 * tier drops edge labels, curved edges and labels on zoom-out as the chart grows; above 5,000
 * elements the table view is the default. A canvas has no accessibility tree, so the chart has a
 * keyboard focus model with announcements, a details panel of real buttons, and a table view.
 */
import cytoscape, { type Core, type ElementDefinition, type LayoutOptions, type NodeCollection, type NodeSingular } from 'cytoscape';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type FormEvent, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { get, listOf, query, type ApiError } from '../api.ts';
import { ariaSort, Problem, When } from '../components/common.tsx';
import { useTitle } from '../hooks.ts';
import { caseUrl, Link, navigate, nodeUrl, useLocation } from '../router.tsx';
import { useUser } from '../session.tsx';
import type { GraphEdge, GraphNode, GraphPath, Neighbourhood } from '../types.ts';
import { labelPropagation } from './communities.ts';
import { BASE_SIZE, describeNode, download, edgeElement, isShown, KIND_ORDER, nodeElement, ringLayout, ringPositions, shownElements, shownNodes, toGraphML, toPNG, toSVG } from './elements.ts';
import { lookOf, PALETTE, stylesheet, TIER_WORDS, tierOf, type Tier } from './style.ts';

/** Above this many new nodes, an expansion asks which to add (Linkurious' supernode safeguard). */
const SELECTIVE_THRESHOLD = 50;
/** Layouts animate only below this many visible nodes (and never with reduced motion). */
const ANIMATE_BELOW = 200;
const HISTORY_LIMIT = 40;
const TABLE_ROWS = 500;
const MAX_FIT_ZOOM = 1.4;
/** The force layout runs on the main thread: above this many nodes a chart opens with the one-pass ring layout. */
const FORCE_LAYOUT_BELOW = 400;
/** …and the analyst may ask for it up to this many; beyond, it would freeze the tab for many seconds. */
const FORCE_LAYOUT_MAX = 1500;
/**
 * The force layout compares every pair of nodes on every step, so its work grows with the square
 * of the nodes: 300 steps of a 511-node chart took 2.4 s (bench/chart.ts). Past this many pair
 * comparisons it takes fewer steps and cools faster, so it still settles, in about a second.
 */
const FORCE_PAIR_BUDGET = 20_000_000;
const CYTOSCAPE_STYLESHEET_ID = '__________cytoscape_stylesheet';

type ColourBy = 'kind' | 'community' | 'case';
type SizeBy = 'none' | 'degree' | 'pagerank';
type LayoutName = 'cose' | 'rings' | 'concentric' | 'circle' | 'grid' | 'breadthfirst';

/** Steps of the force layout within FORCE_PAIR_BUDGET (100 to 1,000), cooling from cose's 1,000 to 1 within them. */
function forceSteps(nodes: number): { numIter: number; coolingFactor: number } {
  const pairs = Math.max(1, (nodes * (nodes - 1)) / 2);
  const numIter = Math.max(100, Math.min(1000, Math.floor(FORCE_PAIR_BUDGET / pairs)));
  return { numIter, coolingFactor: Math.min(0.99, Math.pow(1 / 1000, 1 / numIter)) };
}

interface Step {
  name: string;
  elements: ElementDefinition[];
}

interface PendingExpand {
  source: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  counts: [string, number][];
  hubs: number;
  truncated: boolean;
}

interface Toast {
  text: string;
  undo: boolean;
}

const reducedMotion = () => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
const isField = (target: EventTarget | null) => target instanceof HTMLElement && !!target.closest('input, textarea, select, [contenteditable], dialog');

export default function ChartScreen() {
  const user = useUser();
  const { params } = useLocation();
  const start = params.get('start') ?? '';
  const hops = Math.min(4, Math.max(1, Number(params.get('hops') ?? 1) || 1));
  useTitle(start ? `Link chart: ${start}` : 'Link chart');

  const container = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const [version, refresh] = useReducer((n: number) => n + 1, 0);
  const [error, setError] = useState<ApiError | Error | undefined>();
  const [busy, setBusy] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [toast, setToast] = useState<Toast | null>(null);
  const [tier, setTier] = useState<Tier>(0);
  const tierRef = useRef<Tier>(0);
  const [view, setView] = useState<'graph' | 'table'>('graph');
  const [colourBy, setColourBy] = useState<ColourBy>('kind');
  const [sizeBy, setSizeBy] = useState<SizeBy>('none');
  const [layoutName, setLayoutName] = useState<LayoutName>('cose');
  const [hiddenKinds, setHiddenKinds] = useState<Set<string>>(new Set());
  const [timeWindow, setTimeWindow] = useState({ from: '', to: '' });
  const [focusId, setFocusId] = useState<string | null>(null);
  const focusRef = useRef<string | null>(null);
  focusRef.current = focusId;
  const [paths, setPaths] = useState<{ from: string; to: string; list: GraphPath[]; current: number; local: boolean } | null>(null);
  const [pending, setPending] = useState<PendingExpand | null>(null);
  const [pendingKinds, setPendingKinds] = useState<Set<string>>(new Set());
  const [pendingLimit, setPendingLimit] = useState(SELECTIVE_THRESHOLD);
  const [chartSearch, setChartSearch] = useState('');
  const [showHelp, setShowHelp] = useState(false);
  const [tableFilter, setTableFilter] = useState('');
  const [tableSort, setTableSort] = useState<{ key: 'label' | 'kind' | 'case' | 'links'; up: boolean }>({ key: 'links', up: false });
  const history = useRef<Step[]>([]);
  const redoStack = useRef<Step[]>([]);
  const leftovers = useRef(new Map<string, { nodes: GraphNode[]; edges: GraphEdge[] }>());
  const communities = useRef<Map<string, number> | null>(null);
  const anchorStack = useRef<string[]>([]);
  const searchInput = useRef<HTMLInputElement>(null);
  const matchIndex = useRef(0);
  const settings = useRef({ hiddenKinds, timeWindow, colourBy, sizeBy });
  settings.current = { hiddenKinds, timeWindow, colourBy, sizeBy };

  const announce = useCallback((text: string) => {
    // Clearing first makes a repeated message be read again.
    setAnnouncement('');
    window.setTimeout(() => setAnnouncement(text), 30);
  }, []);

  // ---- history -------------------------------------------------------------------------------
  const remember = useCallback((name: string) => {
    const cy = cyRef.current;
    if (!cy) return;
    history.current.push({ name, elements: cy.elements().jsons() as unknown as ElementDefinition[] });
    if (history.current.length > HISTORY_LIMIT) history.current.shift();
    redoStack.current = [];
  }, []);

  const restore = useCallback((elements: ElementDefinition[]) => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.elements().remove();
      cy.add(elements);
    });
  }, []);

  // ---- derived looks: filters, colour, size, tier --------------------------------------------
  const applyFilters = useCallback((cy: Core) => {
    const { hiddenKinds: kinds, timeWindow: window_ } = settings.current;
    const from = window_.from ? `${window_.from}` : '';
    const to = window_.to ? `${window_.to}\uffff` : '';
    cy.batch(() => {
      // Only touch what changes: every class or data change restyles the element.
      cy.nodes().forEach((node) => {
        const hide = kinds.has(String(node.data('kind')));
        if (node.hasClass('filtered') !== hide) node.toggleClass('filtered', hide);
      });
      cy.edges().forEach((edge) => {
        const first = String(edge.data('firstSeen') || '');
        const last = String(edge.data('lastSeen') || first);
        // An undated edge stays: a time filter hides what is known to fall outside, not what is unknown.
        const outside = (from !== '' && last !== '' && last < from) || (to !== '' && first !== '' && first > to);
        if (edge.hasClass('filtered') !== outside) edge.toggleClass('filtered', outside);
      });
    });
  }, []);

  const applyColour = useCallback((cy: Core) => {
    const { colourBy: mode } = settings.current;
    const caseIndex = new Map<string, number>();
    cy.batch(() => {
      cy.nodes().forEach((node) => {
        const kind = String(node.data('kind'));
        let colour = lookOf(kind).colour;
        if (mode === 'case') {
          const ref = String(node.data('caseRef') || '');
          if (!ref) colour = '#BBBBBB';
          else {
            if (!caseIndex.has(ref)) caseIndex.set(ref, caseIndex.size);
            colour = PALETTE[caseIndex.get(ref)! % PALETTE.length]!;
          }
        } else if (mode === 'community') {
          const community = communities.current?.get(node.id());
          colour = community === undefined ? '#BBBBBB' : PALETTE[community % PALETTE.length]!;
        }
        if (node.data('colour') !== colour) node.data('colour', colour);
      });
    });
  }, []);

  const applySize = useCallback((cy: Core) => {
    const { sizeBy: mode } = settings.current;
    const visible = shownElements(cy);
    cy.batch(() => {
      if (mode === 'none') {
        cy.nodes().forEach((node) => {
          const size = node.data('kind') === 'more' ? BASE_SIZE * 0.8 : BASE_SIZE;
          if (node.data('size') !== size) node.data('size', size);
        });
        return;
      }
      const scores = new Map<string, number>();
      if (mode === 'degree') visible.nodes().forEach((node) => void scores.set(node.id(), node.connectedEdges().filter(isShown).length));
      else {
        const rank = visible.pageRank({ dampingFactor: 0.85, precision: 0.00001, iterations: 100 });
        visible.nodes().forEach((node) => void scores.set(node.id(), rank.rank(node)));
      }
      const max = Math.max(1e-9, ...scores.values());
      cy.nodes().forEach((node) => {
        const score = scores.get(node.id()) ?? 0;
        const size = Math.round(BASE_SIZE * 0.7 + Math.sqrt(score / max) * BASE_SIZE * 1.8);
        if (node.data('size') !== size) node.data('size', size);
      });
    });
  }, []);

  const updateTier = useCallback(
    (cy: Core) => {
      const count = shownElements(cy).length;
      const next = tierOf(count);
      // Synchronously, before any layout measures labels with the old (costlier) style.
      if (tierRef.current === next) return;
      tierRef.current = next;
      cy.style(stylesheet(next));
      // Renderer switches read at draw time; Cytoscape only sets them at start-up, so set them here.
      const renderer = (cy as unknown as { renderer(): Record<string, unknown> }).renderer();
      renderer.hideEdgesOnViewport = next >= 2;
      renderer.textureOnViewport = next >= 2;
      setTier(next);
      announce(`Chart size: ${count} elements — ${TIER_WORDS[next]}.`);
    },
    [announce],
  );

  const restyle = useCallback(() => {
    const cy = cyRef.current;
    if (!cy) return;
    applyFilters(cy);
    applyColour(cy);
    applySize(cy);
    updateTier(cy);
    refresh();
  }, [applyFilters, applyColour, applySize, updateTier]);

  // ---- set-up ---------------------------------------------------------------------------------
  useEffect(() => {
    if (!container.current) return;
    // Cytoscape injects a <style> element unless one with this id exists; the server's CSP forbids
    // inline styles, and our stylesheet already positions the container, so a placeholder stands in.
    if (!document.getElementById(CYTOSCAPE_STYLESHEET_ID)) {
      const placeholder = document.createElement('meta');
      placeholder.id = CYTOSCAPE_STYLESHEET_ID;
      document.head.append(placeholder);
    }
    const cy = cytoscape({
      container: container.current,
      style: stylesheet(0),
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: true,
      selectionType: 'additive',
      motionBlur: false,
      pixelRatio: window.devicePixelRatio > 1.5 ? 1.5 : 'auto',
    });
    cyRef.current = cy;
    let frame = 0;
    const later = () => {
      if (frame) return;
      frame = window.requestAnimationFrame(() => {
        frame = 0;
        refresh();
      });
    };
    cy.on('select unselect add remove', later);
    cy.on('tap', 'node', (event) => setFocusId((event.target as NodeSingular).id()));
    // Dragging a node pins it where the analyst put it (layouts then leave it alone).
    cy.on('dragfree', 'node', (event) => {
      (event.target as NodeSingular).addClass('pinned');
      later();
    });
    return () => {
      if (frame) window.cancelAnimationFrame(frame);
      cy.destroy();
      cyRef.current = null;
    };
  }, []);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.nodes('.focused').removeClass('focused');
      if (focusId) cy.getElementById(focusId).addClass('focused');
    });
    if (focusId) {
      const node = cy.getElementById(focusId);
      if (node.nonempty()) announce(describeNode(node as NodeSingular));
    }
  }, [focusId, announce]);

  const runLayout = useCallback(
    (name: LayoutName, eles?: ReturnType<Core['elements']>, onPainted?: () => void) => {
      const cy = cyRef.current;
      if (!cy) return;
      const began = performance.now();
      const visible = eles ?? shownElements(cy);
      const movable = visible.difference(cy.nodes('.pinned'));
      const animate = !reducedMotion() && visible.nodes().length < ANIMATE_BELOW;
      const options: LayoutOptions =
        name === 'rings'
          ? ({ name: 'preset', positions: ringLayout(cy, focusRef.current ?? undefined), animate, fit: true, padding: 30 } as LayoutOptions)
          : name === 'cose'
          ? ({ name: 'cose', animate, animationDuration: 400, randomize: false, nodeRepulsion: () => 8000, idealEdgeLength: () => 60, ...forceSteps(visible.nodes().length), fit: true, padding: 30 } as LayoutOptions)
          : name === 'concentric'
            ? ({ name: 'concentric', animate, fit: true, padding: 30, minNodeSpacing: 12, concentric: (node: NodeSingular) => node.degree(false), levelWidth: () => 2 } as LayoutOptions)
            : ({ name, animate, fit: true, padding: 30 } as LayoutOptions);
      const layout = movable.layout(options);
      layout.one('layoutstop', () => {
        // A few nodes fitted to the canvas would be drawn huge: cap the zoom.
        if (cy.zoom() > MAX_FIT_ZOOM) {
          cy.zoom(MAX_FIT_ZOOM);
          cy.center();
        }
        announce('Layout finished.');
        // Timings for bench/chart.ts and the browser's performance panel: the layout alone, and
        // (after two frames, when the canvas has drawn it) whatever the caller measures from.
        const nodes = visible.nodes().length;
        performance.measure('chart-layout', { start: began, detail: { layout: name, nodes } });
        if (onPainted) window.requestAnimationFrame(() => window.requestAnimationFrame(onPainted));
      });
      layout.run();
    },
    [announce],
  );

  // ---- loading and expanding ------------------------------------------------------------------
  const fetchNeighbourhood = useCallback((ref: string, hops = 1) => get<Neighbourhood>(`/api/graph/neighbourhood${query({ ref, hops })}`), []);

  /** Adds nodes and edges around `source` as one named, undoable step; reports what was added. */
  const addAround = useCallback(
    (source: string | null, nodes: GraphNode[], edges: GraphEdge[], name: string, notes: string[] = []) => {
      const cy = cyRef.current;
      if (!cy) return;
      const fresh = nodes.filter((node) => cy.getElementById(node.id).empty());
      const ids = new Set([...cy.nodes().map((node) => node.id()), ...fresh.map((node) => node.id)]);
      const freshEdges = edges.filter((edge) => cy.getElementById(edge.id).empty() && ids.has(edge.source) && ids.has(edge.target));
      if (fresh.length === 0 && freshEdges.length === 0) {
        setToast({ text: `Nothing new to add${notes.length ? ` (${notes.join('; ')})` : ''}.`, undo: false });
        announce('Nothing new to add.');
        return;
      }
      const freshIds = new Set(fresh.map((node) => node.id));
      remember(name);
      const centreNode = source ? cy.getElementById(source) : null;
      const centre = centreNode && centreNode.nonempty() ? centreNode.position() : { x: cy.width() / 2, y: cy.height() / 2 };
      const existing = shownNodes(cy);
      const box = existing.nonempty() ? existing.boundingBox() : undefined;
      const middle = box ? { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2 } : undefined;
      const positions = ringPositions(centre, fresh.length, middle);
      cy.batch(() => {
        cy.add([
          ...fresh.map((node, index) => ({ ...nodeElement(node, { expandedFrom: source ?? '' }), position: positions[index]! })),
          ...freshEdges.map((edge) => edgeElement(edge, { expandedFrom: source ?? '' })),
        ]);
      });
      const added = cy.nodes().filter((node) => freshIds.has(node.id()));
      applyFilters(cy);
      applyColour(cy);
      applySize(cy);
      updateTier(cy);
      const hidden = added.filter((node) => node.hasClass('filtered')).length;
      // Flash the new nodes (an outline, not motion, so reduced-motion users get it too).
      added.addClass('fresh');
      window.setTimeout(() => cyRef.current?.batch(() => added.removeClass('fresh')), 1500);
      // New nodes off-screen: jump (never animate a big viewport change) to show the whole chart.
      const view = cy.extent();
      const outside = added.some((node) => {
        const p = (node as NodeSingular).position();
        return p.x < view.x1 || p.x > view.x2 || p.y < view.y1 || p.y > view.y2;
      });
      if (!source || outside) {
        cy.fit(undefined, 30);
        if (cy.zoom() > MAX_FIT_ZOOM) {
          cy.zoom(MAX_FIT_ZOOM);
          cy.center();
        }
      }
      const text = `Added ${fresh.length} ${fresh.length === 1 ? 'node' : 'nodes'} and ${freshEdges.length} links${hidden ? ` (${hidden} hidden by filters)` : ''}${notes.length ? ` · ${notes.join(' · ')}` : ''}`;
      setToast({ text, undo: true });
      announce(text);
      refresh();
    },
    [announce, applyColour, applyFilters, applySize, remember, updateTier],
  );

  const notesOf = (answer: Neighbourhood): string[] => {
    const notes: string[] = [];
    if (answer.hubs && answer.hubs.length > 0)
      notes.push(`${answer.hubs.length} hub${answer.hubs.length === 1 ? '' : 's'} shown but not expanded through (most: ${Math.max(...answer.hubs.map((hub) => hub.degree))} links)`);
    if (answer.truncated) notes.push('the server capped this neighbourhood: more exists — expand from fewer nodes or filter');
    return notes;
  };

  // Open the chart on `start`.
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || !start) return;
    let cancelled = false;
    setBusy(`Loading the neighbourhood of ${start}`);
    setError(undefined);
    setPaths(null);
    // From request to the laid-out chart on screen: the budget of UI brief §4 (≤ 2 s at 500 nodes).
    const requested = performance.now();
    Promise.all(start.split(',').map((ref) => fetchNeighbourhood(ref.trim(), hops)))
      .then((answers) => {
        if (cancelled) return;
        performance.measure('chart-fetch', { start: requested });
        const nodes = answers.flatMap((answer) => answer.nodes);
        const edges = answers.flatMap((answer) => answer.edges);
        if (nodes.length === 0) {
          setError(new Error(`Nothing found for “${start}” among the cases you may see.`));
          return;
        }
        history.current = [];
        redoStack.current = [];
        cy.batch(() => {
          cy.elements().remove();
          const unique = new Map(nodes.map((node) => [node.id, node]));
          const uniqueEdges = new Map(edges.map((edge) => [edge.id, edge]));
          cy.add([...[...unique.values()].map((node) => nodeElement(node)), ...[...uniqueEdges.values()].filter((edge) => unique.has(edge.source) && unique.has(edge.target)).map((edge) => edgeElement(edge))]);
        });
        applyFilters(cy);
        applyColour(cy);
        applySize(cy);
        updateTier(cy);
        performance.measure('chart-styled', { start: requested });
        const count = cy.elements().length;
        if (count > 5000) {
          setView('table');
          announce(`This neighbourhood has ${cy.nodes().length} nodes: showing the table view. Draw it from the toolbar if you need the picture.`);
        }
        const layoutName = cy.nodes().length < FORCE_LAYOUT_BELOW ? 'cose' : 'rings';
        const counts = { nodes: cy.nodes().length, edges: cy.edges().length };
        runLayout(layoutName, undefined, () => performance.measure('chart-open', { start: requested, detail: { layout: layoutName, ...counts } }));
        const first = start.split(',')[0]!.trim();
        const startNode = cy.getElementById(first).nonempty() ? first : (cy.nodes().max((node) => node.degree(false)).ele as NodeSingular | undefined)?.id();
        if (startNode) {
          cy.getElementById(startNode).select();
          setFocusId(startNode);
        }
        const notes = answers.flatMap(notesOf);
        const text = `Loaded ${cy.nodes().length} nodes and ${cy.edges().length} links${notes.length ? ` · ${notes.join(' · ')}` : ''}.`;
        setToast({ text, undo: false });
        announce(text);
        refresh();
      })
      .catch((caught: unknown) => {
        if (!cancelled) setError(caught instanceof Error ? caught : new Error(String(caught)));
      })
      .finally(() => {
        if (!cancelled) setBusy(null);
      });
    return () => {
      cancelled = true;
    };
  }, [start, hops, fetchNeighbourhood, applyFilters, applyColour, applySize, updateTier, runLayout, announce]);

  const expand = useCallback(
    async (nodes: NodeCollection) => {
      const cy = cyRef.current;
      if (!cy || nodes.empty()) return;
      const targets = nodes.filter((node) => !node.hasClass('more')).slice(0, 10);
      // A "+N more" stub expands into what an earlier selective expand left out.
      for (const stub of nodes.filter((node) => node.hasClass('more'))) {
        const rest = leftovers.current.get(stub.id());
        if (!rest) continue;
        leftovers.current.delete(stub.id());
        const from = String(stub.data('expandedFrom'));
        cy.remove(stub);
        addAround(from, rest.nodes, rest.edges, `Expand the rest of '${cy.getElementById(from).data('label') ?? from}' +${rest.nodes.length}`);
      }
      if (targets.empty()) return;
      setBusy(`Expanding ${targets.length === 1 ? targets.first().data('label') : `${targets.length} nodes`}`);
      try {
        for (const node of targets) {
          const answer = await fetchNeighbourhood(node.id(), 1);
          const fresh = answer.nodes.filter((item) => cy.getElementById(item.id).empty());
          const label = String(node.data('label'));
          if (fresh.length > SELECTIVE_THRESHOLD) {
            const counts = new Map<string, number>();
            for (const item of fresh) counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1);
            setPending({ source: node.id(), nodes: answer.nodes, edges: answer.edges, counts: [...counts.entries()].sort((a, b) => b[1] - a[1]), hubs: answer.hubs?.length ?? 0, truncated: !!answer.truncated });
            setPendingKinds(new Set(counts.keys()));
            setPendingLimit(SELECTIVE_THRESHOLD);
            announce(`${label} has ${fresh.length} new neighbours: choose which to add.`);
            return;
          }
          addAround(node.id(), answer.nodes, answer.edges, `Expand '${label}' +${fresh.length}`, notesOf(answer));
        }
      } catch (caught) {
        setError(caught instanceof Error ? caught : new Error(String(caught)));
      } finally {
        setBusy(null);
      }
    },
    [addAround, announce, fetchNeighbourhood],
  );

  const confirmSelective = (all: boolean) => {
    const cy = cyRef.current;
    if (!cy || !pending) return;
    const fresh = pending.nodes.filter((node) => cy.getElementById(node.id).empty());
    const degree = new Map<string, number>();
    for (const edge of pending.edges) {
      degree.set(edge.source, (degree.get(edge.source) ?? 0) + 1);
      degree.set(edge.target, (degree.get(edge.target) ?? 0) + 1);
    }
    const wanted = all ? fresh : fresh.filter((node) => pendingKinds.has(node.kind)).sort((a, b) => (degree.get(b.id) ?? 0) - (degree.get(a.id) ?? 0));
    const chosen = all ? wanted : wanted.slice(0, pendingLimit);
    const left = fresh.filter((node) => !chosen.includes(node));
    const label = String(cy.getElementById(pending.source).data('label'));
    const keep = new Set([...cy.nodes().map((node) => node.id()), ...chosen.map((node) => node.id)]);
    const nodes = [...chosen];
    const edges = pending.edges.filter((edge) => keep.has(edge.source) && keep.has(edge.target));
    if (left.length > 0) {
      // What was left out stays one double-click away, as a "+N more" stub (never silently dropped).
      const stub = `more-${pending.source}-${Date.now()}`;
      leftovers.current.set(stub, { nodes: left, edges: pending.edges });
      nodes.push({ id: stub, kind: 'more', label: `+${left.length} more`, props: {} });
      edges.push({ id: `${stub}-edge`, source: pending.source, target: stub, kind: 'more', directed: false, weight: 1, firstSeen: null, lastSeen: null, props: {} });
    }
    setPending(null);
    addAround(pending.source, nodes, edges, `Expand '${label}' +${chosen.length}${left.length ? ` (${left.length} more held back)` : ''}`);
  };

  const collapse = useCallback(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const sources = cy.nodes(':selected');
    if (sources.empty()) return;
    const ids = new Set(sources.map((node) => node.id()));
    // Only what this expansion added, and only when it is not pinned or tied to anything else.
    const removable = cy.nodes().filter((node) => {
      if (!ids.has(String(node.data('expandedFrom') || '')) || node.hasClass('pinned') || node.selected()) return false;
      return node.neighborhood().nodes().every((other) => ids.has((other as NodeSingular).id()));
    });
    if (removable.empty()) {
      announce('Nothing to collapse: the nodes it added are pinned or linked elsewhere.');
      return;
    }
    remember(`Collapse ${removable.length}`);
    cy.batch(() => cy.remove(removable));
    announce(`Collapsed ${removable.length} nodes.`);
    restyle();
  }, [announce, remember, restyle]);

  // ---- paths ----------------------------------------------------------------------------------
  const highlightPath = useCallback((path: GraphPath | undefined) => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.elements().removeClass('dimmed on-path');
      if (!path) return;
      cy.elements().addClass('dimmed');
      for (const node of path.nodes) cy.getElementById(node.id).removeClass('dimmed').addClass('on-path');
      for (const step of path.steps) {
        for (const edge of step.evidence) cy.getElementById(edge.id).removeClass('dimmed').addClass('on-path');
        cy.edges()
          .filter((edge) => (edge.data('source') === step.from && edge.data('target') === step.to) || (edge.data('source') === step.to && edge.data('target') === step.from))
          .removeClass('dimmed')
          .addClass('on-path');
      }
    });
  }, []);

  const findPaths = useCallback(async () => {
    const cy = cyRef.current;
    if (!cy) return;
    const selected = cy.nodes(':selected');
    if (selected.length !== 2) {
      announce('Select exactly two nodes to find paths between them (Shift+click, or Space on each).');
      setToast({ text: 'Select exactly two nodes to find paths between them.', undo: false });
      return;
    }
    const [a, b] = [selected[0]!.id(), selected[1]!.id()];
    setBusy('Finding paths');
    try {
      const answer = await get<unknown>(`/api/graph/path${query({ from: a, to: b, k: 3 })}`);
      const list = listOf<GraphPath>(answer, 'paths');
      if (list.length === 0) {
        setToast({ text: 'No path connects them in the cases you may see.', undo: false });
        announce('No path found.');
        return;
      }
      const nodes = list.flatMap((path) => path.nodes);
      const edges = list.flatMap((path) => path.steps.flatMap((step) => step.evidence));
      const missing = nodes.filter((node) => cy.getElementById(node.id).empty());
      if (missing.length > 0 || edges.some((edge) => cy.getElementById(edge.id).empty())) addAround(a, nodes, edges, `Paths ${cy.getElementById(a).data('label')} → ${cy.getElementById(b).data('label')}`);
      setPaths({ from: a, to: b, list, current: 0, local: false });
      highlightPath(list[0]);
      announce(`${list.length} ${list.length === 1 ? 'path' : 'paths'} found; the shortest has ${list[0]!.steps.length} ${list[0]!.steps.length === 1 ? 'step' : 'steps'}.`);
    } catch (caught) {
      // The server could not answer: fall back to the chart itself (A* over what is drawn).
      const result = shownElements(cy).aStar({ root: `#${CSS.escape(a)}`, goal: `#${CSS.escape(b)}`, weight: (edge) => 1 / Math.max(1, Number(edge.data('weight'))) });
      if (!result.found) {
        setError(caught instanceof Error ? caught : new Error(String(caught)));
        return;
      }
      const nodeIds = result.path.nodes().map((node) => node.id());
      const path: GraphPath = {
        nodes: nodeIds.map((id) => ({ id, kind: String(cy.getElementById(id).data('kind')), label: String(cy.getElementById(id).data('label')), props: {} })),
        steps: nodeIds.slice(1).map((id, index) => ({ from: nodeIds[index]!, to: id, evidence: [] })),
        length: result.distance,
      };
      setPaths({ from: a, to: b, list: [path], current: 0, local: true });
      highlightPath(path);
      announce(`Path found inside the chart: ${path.steps.length} steps.`);
    } finally {
      setBusy(null);
    }
  }, [addAround, announce, highlightPath]);

  // ---- commands -------------------------------------------------------------------------------
  const selection = () => cyRef.current?.nodes(':selected') ?? null;

  const hide = useCallback(
    (others: boolean) => {
      const cy = cyRef.current;
      if (!cy) return;
      const selected = cy.nodes(':selected');
      const target = others ? shownNodes(cy).difference(selected) : selected;
      if (target.empty()) return;
      remember(`Hide ${target.length}`);
      cy.batch(() => target.addClass('hidden'));
      announce(`${target.length} hidden. They are in the hidden-items tray.`);
      restyle();
    },
    [announce, remember, restyle],
  );

  const removeSelected = useCallback(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const selected = cy.elements(':selected');
    if (selected.empty()) return;
    remember(`Remove ${selected.length} from chart`);
    cy.batch(() => cy.remove(selected));
    announce(`${selected.length} removed from the chart (the evidence is untouched). Ctrl+Z brings them back.`);
    restyle();
  }, [announce, remember, restyle]);

  const togglePin = useCallback(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const selected = cy.nodes(':selected');
    const target = selected.nonempty() ? selected : focusId ? cy.nodes().filter((node) => node.id() === focusId) : cy.collection().nodes();
    if (target.empty()) return;
    const pin = target.some((node) => !(node as NodeSingular).hasClass('pinned'));
    remember(`${pin ? 'Pin' : 'Unpin'} ${target.length}`);
    target.toggleClass('pinned', pin);
    announce(`${target.length} ${pin ? 'pinned' : 'unpinned'}.`);
    refresh();
  }, [announce, focusId, remember]);

  const undo = useCallback(() => {
    const cy = cyRef.current;
    const step = history.current.pop();
    if (!cy || !step) {
      announce('Nothing to undo.');
      return;
    }
    redoStack.current.push({ name: step.name, elements: cy.elements().jsons() as unknown as ElementDefinition[] });
    restore(step.elements);
    setPaths(null);
    announce(`Undone: ${step.name}.`);
    setToast({ text: `Undone: ${step.name}`, undo: false });
    restyle();
  }, [announce, restore, restyle]);

  const redo = useCallback(() => {
    const cy = cyRef.current;
    const step = redoStack.current.pop();
    if (!cy || !step) {
      announce('Nothing to redo.');
      return;
    }
    history.current.push({ name: step.name, elements: cy.elements().jsons() as unknown as ElementDefinition[] });
    restore(step.elements);
    announce(`Redone: ${step.name}.`);
    restyle();
  }, [announce, restore, restyle]);

  const jumpTo = (index: number) => {
    while (history.current.length > index) undo();
  };

  const layoutStep = (name: LayoutName) => {
    const cy = cyRef.current;
    if (cy && name === 'cose' && shownNodes(cy).length > FORCE_LAYOUT_MAX) {
      const text = `The force layout would hold up the page with ${shownNodes(cy).length} nodes (it runs here, not in the background): use Rings or Concentric, or hide some first.`;
      setToast({ text, undo: false });
      announce(text);
      return;
    }
    remember(`Layout (${name})`);
    runLayout(name);
  };

  const exportAs = async (format: 'png' | 'svg' | 'graphml') => {
    const cy = cyRef.current;
    if (!cy) return;
    const meta = { user: user.name, at: new Date().toISOString() };
    const stamp = meta.at.slice(0, 19).replace(/[:T]/g, '-');
    try {
      if (format === 'graphml') download(`crosslink-chart-${stamp}.graphml`, toGraphML(cy, meta), 'application/graphml+xml');
      else if (format === 'svg') download(`crosslink-chart-${stamp}.svg`, toSVG(cy, meta), 'image/svg+xml');
      else download(`crosslink-chart-${stamp}.png`, await toPNG(cy, meta, cy.nodes().length > 2000 ? 1 : 2), 'image/png');
      announce(`Exported the chart as ${format.toUpperCase()}.`);
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    }
  };

  const loadCommunities = useCallback(async () => {
    const cy = cyRef.current;
    if (!cy) return;
    let assignment = new Map<string, number>();
    try {
      // The server's Louvain communities over all the evidence, when it says which node is in which.
      const answer = await get<Record<string, unknown>>('/api/graph/communities');
      const raw = answer.assignment;
      if (raw && typeof raw === 'object' && !Array.isArray(raw)) for (const [id, n] of Object.entries(raw)) assignment.set(id, Number(n));
      for (const community of listOf<{ id: number; members?: (string | { id: string })[] }>(answer, 'communities'))
        for (const member of community.members ?? []) assignment.set(typeof member === 'string' ? member : member.id, community.id);
    } catch {
      // none from the server: computed on the chart below
    }
    const known = cy.nodes().filter((node) => assignment.has(node.id())).length;
    if (known < cy.nodes().length / 2) {
      assignment = labelPropagation(shownElements(cy));
      announce(`Communities found on the chart itself: ${new Set(assignment.values()).size} groups.`);
    }
    communities.current = assignment;
  }, [announce]);

  const chooseColour = async (mode: ColourBy) => {
    if (mode === 'community' && !communities.current) {
      setBusy('Finding communities');
      await loadCommunities();
      setBusy(null);
    }
    settings.current.colourBy = mode;
    setColourBy(mode);
    restyle();
  };

  useEffect(() => {
    restyle();
  }, [hiddenKinds, timeWindow, sizeBy, restyle]);

  // Search in chart: highlight, and Enter steps through the matches.
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const text = chartSearch.trim().toLowerCase();
    cy.batch(() => {
      cy.nodes('.match').removeClass('match');
      if (text) cy.nodes().filter((node) => String(node.data('label')).toLowerCase().includes(text)).addClass('match');
    });
    matchIndex.current = 0;
  }, [chartSearch, version]);

  const stepMatch = () => {
    const cy = cyRef.current;
    if (!cy) return;
    const matches = cy.nodes('.match').filter(isShown);
    if (matches.empty()) {
      announce('No node on the chart matches.');
      return;
    }
    const node = matches[matchIndex.current % matches.length]!;
    matchIndex.current++;
    cy.center(node);
    setFocusId(node.id());
    announce(`Match ${((matchIndex.current - 1) % matches.length) + 1} of ${matches.length}: ${describeNode(node)}`);
  };

  // ---- keyboard -------------------------------------------------------------------------------
  /** Neighbours in a stable order: by relation type, then label (UI brief §5). */
  const neighboursOf = useCallback((id: string): NodeSingular[] => {
    const cy = cyRef.current;
    if (!cy) return [];
    const node = cy.getElementById(id);
    const list: { node: NodeSingular; kind: string }[] = [];
    node.connectedEdges().filter(isShown).forEach((edge) => {
      const other = edge.source().id() === id ? edge.target() : edge.source();
      if (isShown(other)) list.push({ node: other, kind: String(edge.data('kind')) });
    });
    const seen = new Set<string>();
    return list
      .sort((a, b) => a.kind.localeCompare(b.kind) || String(a.node.data('label')).localeCompare(String(b.node.data('label'))))
      .filter((item) => (seen.has(item.node.id()) ? false : (seen.add(item.node.id()), true)))
      .map((item) => item.node);
  }, []);

  const onCanvasFocus = () => {
    const cy = cyRef.current;
    if (!cy) return;
    const current = focusId ? cy.getElementById(focusId) : null;
    if (current && current.nonempty() && isShown(current)) {
      announce(describeNode(current as NodeSingular));
      return;
    }
    if (shownNodes(cy).empty()) return;
    const hub = shownNodes(cy).max((node) => node.degree(false)).ele as NodeSingular;
    setFocusId(hub.id());
  };

  const onCanvasKey = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const cy = cyRef.current;
    if (!cy || !focusId || event.ctrlKey || event.metaKey || event.altKey) return;
    const current = cy.getElementById(focusId) as NodeSingular;
    if (current.empty()) return;
    const anchor = anchorStack.current[anchorStack.current.length - 1];
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      // Up/Down walk the neighbours of the anchor (the node you stepped in from).
      event.preventDefault();
      const around = anchor && cy.getElementById(anchor).nonempty() ? anchor : focusId;
      const list = neighboursOf(around);
      if (list.length === 0) return announce('No visible neighbours.');
      const index = list.findIndex((node) => node.id() === focusId);
      const next = list[(index + (event.key === 'ArrowDown' ? 1 : -1) + list.length + (index < 0 && event.key === 'ArrowUp' ? 1 : 0)) % list.length]!;
      if (around === focusId) anchorStack.current.push(focusId);
      setFocusId(next.id());
    } else if (event.key === 'ArrowRight') {
      // Step into the focused node: its neighbours become the list.
      event.preventDefault();
      const list = neighboursOf(focusId);
      if (list.length === 0) return announce('No visible neighbours.');
      anchorStack.current.push(focusId);
      setFocusId(list[0]!.id());
    } else if (event.key === 'ArrowLeft') {
      event.preventDefault();
      const back = anchorStack.current.pop();
      if (back && cy.getElementById(back).nonempty()) setFocusId(back);
    } else if (event.key === ' ') {
      event.preventDefault();
      if (current.selected()) current.unselect();
      else current.select();
      announce(`${current.selected() ? 'Selected' : 'Unselected'}: ${current.data('label')}. ${cy.nodes(':selected').length} selected.`);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      cy.elements(':selected').unselect();
      current.select();
      cy.center(current);
      document.getElementById('chart-details')?.focus();
    }
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isField(event.target) || pending) return;
      const cy = cyRef.current;
      if (!cy) return;
      const key = event.key;
      const ctrl = event.ctrlKey || event.metaKey;
      if (ctrl && (key === 'z' || key === 'Z')) {
        event.preventDefault();
        if (event.shiftKey) redo();
        else undo();
        return;
      }
      if (ctrl && (key === 'y' || key === 'Y')) {
        event.preventDefault();
        redo();
        return;
      }
      if (ctrl || event.altKey) return;
      const selected = cy.nodes(':selected');
      const focused = focusId ? cy.getElementById(focusId) : cy.collection();
      const act = (run: () => void) => {
        event.preventDefault();
        run();
      };
      if (key === 'e' || key === 'E') act(() => void expand(selected.nonempty() ? selected : (focused as NodeCollection)));
      else if (key === 'P' && event.shiftKey) act(() => void findPaths());
      else if (key === 'p') act(togglePin);
      else if (key === 'h') act(() => hide(false));
      else if (key === 'H') act(() => hide(true));
      else if (key === 'c') act(collapse);
      else if (key === 'Delete' || key === 'Backspace') act(removeSelected);
      else if (key === 'f' || key === 'F') act(() => cy.fit(undefined, 30));
      else if (key === '+' || key === '=') act(() => cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }));
      else if (key === '-') act(() => cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }));
      else if (key === '0') act(() => cy.zoom(1));
      else if (key === '/') act(() => searchInput.current?.focus());
      else if (key === '?') act(() => setShowHelp((shown) => !shown));
      else if (key === 'Escape') {
        cy.elements(':selected').unselect();
        highlightPath(undefined);
        setPaths(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [collapse, expand, findPaths, focusId, hide, highlightPath, pending, redo, removeSelected, togglePin, undo]);

  // Double-click (or double-tap) expands.
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const handler = (event: cytoscape.EventObject) => void expand(event.target as NodeCollection);
    cy.on('dbltap', 'node', handler);
    return () => {
      cy.off('dbltap', 'node', handler);
    };
  }, [expand]);

  // ---- what the panels show -------------------------------------------------------------------
  const cy = cyRef.current;
  const stats = useMemo(() => {
    if (!cy) return null;
    const kinds = new Map<string, number>();
    cy.nodes().forEach((node) => void kinds.set(String(node.data('kind')), (kinds.get(String(node.data('kind'))) ?? 0) + 1));
    const filtered = cy.elements('.filtered').length;
    const hidden = cy.nodes('.hidden');
    const selected = cy.elements(':selected');
    return {
      nodes: cy.nodes().length,
      edges: cy.edges().length,
      visibleNodes: shownNodes(cy).length,
      kinds: [...kinds.entries()].sort((a, b) => KIND_ORDER.indexOf(a[0]) - KIND_ORDER.indexOf(b[0])),
      filtered,
      hidden: hidden.map((node) => ({ id: node.id(), label: String(node.data('label')), kind: String(node.data('kind')) })),
      selected: selected.length,
      selectedNode: selected.length === 1 && selected[0]!.isNode() ? (selected[0] as NodeSingular) : null,
      selectedEdge: selected.length === 1 && selected[0]!.isEdge() ? selected[0]! : null,
    };
    // `version` changes whenever the chart does.
  }, [cy, version, focusId]);

  const detailNode = stats?.selectedNode ?? (focusId && cy ? (cy.getElementById(focusId) as NodeSingular) : null);
  const detail = detailNode && detailNode.nonempty() ? detailNode : null;

  const tableRows = useMemo(() => {
    if (!cy || view !== 'table') return [];
    const text = tableFilter.trim().toLowerCase();
    const rows = cy
      .nodes()
      .filter((node) => !text || String(node.data('label')).toLowerCase().includes(text) || String(node.data('kind')).includes(text) || String(node.data('caseRef')).toLowerCase().includes(text))
      .map((node) => ({ id: node.id(), label: String(node.data('label')), kind: String(node.data('kind')), case: String(node.data('caseRef') || ''), links: (node as NodeSingular).degree(false), shown: isShown(node) }));
    const { key, up } = tableSort;
    rows.sort((a, b) => (key === 'links' ? a.links - b.links : a[key].localeCompare(b[key])) * (up ? 1 : -1));
    return rows;
  }, [cy, version, view, tableFilter, tableSort]);

  const startForm = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = form.get('start');
    if (typeof value === 'string' && value.trim()) navigate(`/chart?start=${encodeURIComponent(value.trim())}${form.get('hops') !== '1' ? `&hops=${String(form.get('hops'))}` : ''}`);
  };

  const showInChart = (id: string) => {
    const c = cyRef.current;
    if (!c) return;
    setView('graph');
    c.elements(':selected').unselect();
    const node = c.getElementById(id);
    node.removeClass('hidden').select();
    window.setTimeout(() => {
      c.resize();
      c.center(node);
    }, 0);
    setFocusId(id);
  };

  const sortBy = (key: typeof tableSort.key) => setTableSort((previous) => ({ key, up: previous.key === key ? !previous.up : key !== 'links' }));

  return (
    <div className="chart-screen">
      <div className="chart-toolbar" role="toolbar" aria-label="Link chart">
        <form onSubmit={startForm} className="chart-start">
          <label htmlFor="chart-start" className="visually-hidden">
            Start from
          </label>
          <input id="chart-start" name="start" defaultValue={start} key={start} placeholder="e12, s3, an email, @handle, a name" />
          <label htmlFor="chart-hops" className="visually-hidden">
            Hops out
          </label>
          <select id="chart-hops" name="hops" defaultValue={String(hops)} key={`hops-${hops}`} title="How far out to start">
            {[1, 2, 3, 4].map((n) => (
              <option key={n} value={n}>
                {n} {n === 1 ? 'hop' : 'hops'}
              </option>
            ))}
          </select>
          <button type="submit">Start</button>
        </form>
        <span className="sep" />
        <button type="button" onClick={() => void expand(selection() ?? cyRef.current!.collection())} title="Expand the selected nodes (E, or double-click)" disabled={!stats?.selected}>
          Expand <kbd>E</kbd>
        </button>
        <button type="button" onClick={() => void findPaths()} title="Find paths between two selected nodes (Shift+P)" disabled={stats?.selected !== 2}>
          Find paths <kbd>⇧P</kbd>
        </button>
        <button type="button" onClick={() => hide(false)} title="Hide the selection (H); the tray restores it" disabled={!stats?.selected}>
          Hide <kbd>H</kbd>
        </button>
        <button type="button" onClick={togglePin} title="Pin or unpin the selection (P)" disabled={!stats?.selected && !focusId}>
          Pin <kbd>P</kbd>
        </button>
        <button type="button" onClick={collapse} title="Remove what expanding the selected node added (C)" disabled={!stats?.selected}>
          Collapse <kbd>C</kbd>
        </button>
        <button type="button" onClick={removeSelected} title="Remove the selection from the chart, not from the evidence (Del)" disabled={!stats?.selected}>
          Remove <kbd>Del</kbd>
        </button>
        <span className="sep" />
        <button type="button" onClick={undo} title="Undo (Ctrl+Z)" disabled={history.current.length === 0}>
          Undo
        </button>
        <button type="button" onClick={redo} title="Redo (Ctrl+Shift+Z)" disabled={redoStack.current.length === 0}>
          Redo
        </button>
        <span className="sep" />
        <label>
          Layout{' '}
          <select value={layoutName} onChange={(event) => setLayoutName(event.target.value as LayoutName)}>
            <option value="cose">Force</option>
            <option value="rings">Rings (by hops from the focus)</option>
            <option value="concentric">Concentric (by links)</option>
            <option value="breadthfirst">Hierarchy</option>
            <option value="circle">Circle</option>
            <option value="grid">Grid</option>
          </select>
        </label>
        <button type="button" onClick={() => layoutStep(layoutName)} title="Lay out the unpinned nodes; one undo step">
          Run layout
        </button>
        <button type="button" onClick={() => cyRef.current?.fit(undefined, 30)} title="Fit the chart (F)">
          Fit
        </button>
        <span className="sep" />
        <button type="button" aria-pressed={view === 'table'} onClick={() => setView(view === 'graph' ? 'table' : 'graph')} title="The same elements as a table">
          {view === 'graph' ? 'Table view' : 'Graph view'}
        </button>
        <span className="sep" />
        <span className="export" role="group" aria-label="Export">
          Export{' '}
          <button type="button" onClick={() => void exportAs('png')}>
            PNG
          </button>
          <button type="button" onClick={() => void exportAs('svg')}>
            SVG
          </button>
          <button type="button" onClick={() => void exportAs('graphml')}>
            GraphML
          </button>
        </span>
        <span className="sep" />
        <label htmlFor="chart-search" className="visually-hidden">
          Find on the chart
        </label>
        <input
          id="chart-search"
          ref={searchInput}
          type="search"
          placeholder="Find on chart ( / )"
          value={chartSearch}
          onChange={(event) => setChartSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              stepMatch();
            }
          }}
        />
        <button type="button" onClick={() => setShowHelp(!showHelp)} aria-expanded={showHelp} title="Keyboard shortcuts (?)">
          ?
        </button>
      </div>

      <div className="chart-status" aria-live="off">
        <span data-testid="chart-counts">
          {stats ? `${stats.visibleNodes} of ${stats.nodes} nodes shown · ${stats.edges} links · ${stats.selected} selected` : ''}
        </span>
        {stats && stats.filtered > 0 && (
          <button type="button" className="chip" onClick={() => (setHiddenKinds(new Set()), setTimeWindow({ from: '', to: '' }))} title="Clear the filters">
            {stats.filtered} hidden by filters ✕
          </button>
        )}
        <span className="muted">Detail: {TIER_WORDS[tier]}</span>
        {busy && (
          <span role="status" className="busy">
            {busy}…
          </span>
        )}
      </div>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="chart-announcer">
        {announcement}
      </p>
      <Problem error={error} />
      {toast && (
        <div className="toast" role="status">
          {toast.text}
          {toast.undo && history.current.length > 0 && (
            <button type="button" className="link" onClick={undo}>
              Undo
            </button>
          )}
          <button type="button" className="link" aria-label="Dismiss" onClick={() => setToast(null)}>
            ✕
          </button>
        </div>
      )}
      {pending && (
        <SelectiveExpand
          pending={pending}
          label={String(cyRef.current?.getElementById(pending.source).data('label') ?? pending.source)}
          kinds={pendingKinds}
          setKinds={setPendingKinds}
          limit={pendingLimit}
          setLimit={setPendingLimit}
          onAdd={confirmSelective}
          onCancel={() => setPending(null)}
        />
      )}
      {showHelp && (
        <section className="panel help" aria-labelledby="chart-help">
          <h2 id="chart-help">Keys on the chart</h2>
          <ul className="columns">
            <li>
              <kbd>Tab</kbd> into the chart, then <kbd>↓</kbd>/<kbd>↑</kbd> walk the neighbours, <kbd>→</kbd> steps into one, <kbd>←</kbd> steps back
            </li>
            <li>
              <kbd>Space</kbd> select · <kbd>Enter</kbd> details · <kbd>Esc</kbd> clear
            </li>
            <li>
              <kbd>E</kbd> expand · <kbd>Shift+P</kbd> paths between two selected · <kbd>C</kbd> collapse an expansion
            </li>
            <li>
              <kbd>H</kbd> hide · <kbd>Shift+H</kbd> hide the rest · <kbd>P</kbd> pin · <kbd>Del</kbd> remove from chart
            </li>
            <li>
              <kbd>Ctrl+Z</kbd> undo · <kbd>Ctrl+Shift+Z</kbd> redo · <kbd>F</kbd> fit · <kbd>+</kbd>/<kbd>-</kbd>/<kbd>0</kbd> zoom · <kbd>/</kbd> find
            </li>
            <li>Double-click a node to expand it; drag to pin it; Shift+drag to select a box.</li>
          </ul>
        </section>
      )}

      <div className="chart-body">
        <aside className="chart-rail" aria-label="Filters and legend">
          <section>
            <h2>Types</h2>
            {stats && stats.kinds.length === 0 && <p className="muted small">Nothing on the chart yet.</p>}
            <ul className="legend">
              {stats?.kinds.map(([kind, count]) => {
                const look = lookOf(kind);
                return (
                  <li key={kind}>
                    <label>
                      <input
                        type="checkbox"
                        checked={!hiddenKinds.has(kind)}
                        onChange={(event) => {
                          const next = new Set(hiddenKinds);
                          if (event.target.checked) next.delete(kind);
                          else next.add(kind);
                          settings.current.hiddenKinds = next;
                          setHiddenKinds(next);
                        }}
                      />{' '}
                      <span className="swatch" style={{ background: look.colour }} aria-hidden="true">
                        {look.glyph}
                      </span>{' '}
                      {look.label} <span className="muted">({count})</span>
                    </label>
                    <button
                      type="button"
                      className="link small"
                      title={`Select every ${look.label.toLowerCase()}`}
                      onClick={() => {
                        const c = cyRef.current;
                        if (!c) return;
                        shownNodes(c).filter((node) => node.data('kind') === kind).select();
                      }}
                    >
                      select
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
          <section>
            <h2>Time</h2>
            <label>
              Links seen from
              <input type="date" value={timeWindow.from} onChange={(event) => setTimeWindow({ ...timeWindow, from: event.target.value })} />
            </label>
            <label>
              to
              <input type="date" value={timeWindow.to} onChange={(event) => setTimeWindow({ ...timeWindow, to: event.target.value })} />
            </label>
            <p className="muted small">Filters hide; nothing is removed. Undated links stay.</p>
          </section>
          <section>
            <h2>Look</h2>
            <label>
              Colour by{' '}
              <select value={colourBy} onChange={(event) => void chooseColour(event.target.value as ColourBy)}>
                <option value="kind">type</option>
                <option value="community">community</option>
                <option value="case">case</option>
              </select>
            </label>
            <label>
              Size by{' '}
              <select
                value={sizeBy}
                onChange={(event) => {
                  settings.current.sizeBy = event.target.value as SizeBy;
                  setSizeBy(event.target.value as SizeBy);
                }}
              >
                <option value="none">nothing</option>
                <option value="degree">links (degree)</option>
                <option value="pagerank">centrality (PageRank)</option>
              </select>
            </label>
          </section>
          <section>
            <h2>Hidden items ({stats?.hidden.length ?? 0})</h2>
            {stats && stats.hidden.length > 0 ? (
              <>
                <button
                  type="button"
                  onClick={() => {
                    const c = cyRef.current;
                    if (!c) return;
                    remember('Show all hidden');
                    c.nodes('.hidden').removeClass('hidden');
                    restyle();
                  }}
                >
                  Show all
                </button>
                <ul className="tray">
                  {stats.hidden.slice(0, 100).map((item) => (
                    <li key={item.id}>
                      <button
                        type="button"
                        className="link"
                        onClick={() => {
                          remember(`Show '${item.label}'`);
                          cyRef.current?.getElementById(item.id).removeClass('hidden');
                          restyle();
                        }}
                      >
                        show
                      </button>{' '}
                      {item.label}
                    </li>
                  ))}
                  {stats.hidden.length > 100 && <li className="muted">and {stats.hidden.length - 100} more (Show all)</li>}
                </ul>
              </>
            ) : (
              <p className="muted small">Nothing hidden. H hides the selection.</p>
            )}
          </section>
          <section>
            <h2>History</h2>
            {history.current.length === 0 ? (
              <p className="muted small">No steps yet.</p>
            ) : (
              <ol className="history">
                {history.current.map((step, index) => (
                  <li key={index}>
                    <button type="button" className="link" onClick={() => jumpTo(index)} title="Go back to before this step">
                      {step.name}
                    </button>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </aside>

        <div className="chart-main">
          {!start && (
            <div className="chart-empty">
              <p>
                Start from an entity, a subject or an identifier: type it above, or use <em>Add to chart</em> on a search result or <em>Open in link chart</em> on a
                profile.
              </p>
            </div>
          )}
          <div
            ref={container}
            className="chart-canvas"
            hidden={view !== 'graph'}
            tabIndex={0}
            role="application"
            aria-roledescription="link chart"
            aria-label="Link chart. Arrow keys move between linked nodes, Space selects, Enter opens details, E expands, question mark lists the keys."
            onFocus={onCanvasFocus}
            onKeyDown={onCanvasKey}
            data-testid="chart-canvas"
          />
          {view === 'table' && cy && (
            <div className="chart-table">
              <label>
                Filter rows <input type="search" value={tableFilter} onChange={(event) => setTableFilter(event.target.value)} />
              </label>
              <p className="showing muted">
                Showing {Math.min(TABLE_ROWS, tableRows.length)} of {tableRows.length} nodes
                {tableRows.length > TABLE_ROWS ? ' — narrow the filter to see the rest, or export GraphML for all' : ''}.
              </p>
              <table className="data">
                <thead>
                  <tr>
                    {(['label', 'kind', 'case', 'links'] as const).map((key) => (
                      <th key={key} scope="col" aria-sort={ariaSort(tableSort.key === key, !tableSort.up)} className={key === 'links' ? 'num' : ''}>
                        <button type="button" className="link" onClick={() => sortBy(key)}>
                          {key}
                        </button>
                      </th>
                    ))}
                    <th scope="col">On chart</th>
                  </tr>
                </thead>
                <tbody>
                  {tableRows.slice(0, TABLE_ROWS).map((row) => (
                    <tr key={row.id}>
                      <th scope="row" className="wrap">
                        {row.label}
                      </th>
                      <td>{lookOf(row.kind).label}</td>
                      <td>{row.case}</td>
                      <td className="num">{row.links}</td>
                      <td>
                        <button type="button" className="link" onClick={() => showInChart(row.id)}>
                          {row.shown ? 'show' : 'hidden — show'}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>

        <aside className="chart-details" id="chart-details" tabIndex={-1} aria-label="Details of the selection">
          {paths && (
            <section className="panel">
              <h2>Paths {paths.local ? '(inside the chart)' : ''}</h2>
              <ol className="paths">
                {paths.list.map((path, index) => (
                  <li key={index}>
                    <button
                      type="button"
                      className="link"
                      aria-pressed={paths.current === index}
                      onClick={() => {
                        setPaths({ ...paths, current: index });
                        highlightPath(path);
                      }}
                    >
                      {path.steps.length} {path.steps.length === 1 ? 'step' : 'steps'}
                    </button>
                    : {path.nodes.map((node) => node.label).join(' → ')}
                  </li>
                ))}
              </ol>
              <button
                type="button"
                onClick={() => {
                  highlightPath(undefined);
                  setPaths(null);
                }}
              >
                Clear path highlight
              </button>
            </section>
          )}
          {!detail && !stats?.selectedEdge && <p className="muted small">Select a node to see its details and neighbours.</p>}
          {stats?.selectedEdge && <EdgeDetails edge={stats.selectedEdge} />}
          {detail && (
            <NodeDetails
              node={detail}
              neighbours={neighboursOf(detail.id())}
              onFocus={(id) => {
                const c = cyRef.current;
                if (!c) return;
                c.elements(':selected').unselect();
                c.getElementById(id).select();
                setFocusId(id);
              }}
              onExpand={() => void expand(detail as unknown as NodeCollection)}
              leftover={leftovers.current.get(detail.id())?.nodes.length}
            />
          )}
        </aside>
      </div>
    </div>
  );
}

function EdgeDetails({ edge }: { edge: cytoscape.EdgeSingular | cytoscape.SingularElementReturnValue }) {
  const data = edge.data() as Record<string, unknown>;
  return (
    <section className="panel">
      <h2>Link: {String(data.kind).replace(/_/g, ' ')}</h2>
      <dl>
        <dt>Between</dt>
        <dd>
          {String(edge.source().data('label'))} and {String(edge.target().data('label'))}
        </dd>
        <dt>Strength</dt>
        <dd>{String(data.rawWeight ?? data.weight)}</dd>
        <dt>First seen</dt>
        <dd>
          <When at={(data.firstSeen as string) || null} />
        </dd>
        <dt>Last seen</dt>
        <dd>
          <When at={(data.lastSeen as string) || null} />
        </dd>
        {data.caseRef ? (
          <>
            <dt>Case</dt>
            <dd>
              <Link to={caseUrl(String(data.caseRef))}>{String(data.caseRef)}</Link>
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

function NodeDetails({ node, neighbours, onFocus, onExpand, leftover }: { node: NodeSingular; neighbours: NodeSingular[]; onFocus: (id: string) => void; onExpand: () => void; leftover?: number }) {
  const data = node.data() as Record<string, unknown>;
  const props = (data.props ?? {}) as Record<string, unknown>;
  const look = lookOf(String(data.kind));
  const url = nodeUrl(node.id());
  return (
    <section className="panel" aria-labelledby="detail-title">
      <h2 id="detail-title">
        <span className="swatch" style={{ background: look.colour }} aria-hidden="true">
          {look.glyph}
        </span>{' '}
        <span className="wrap">{String(data.label)}</span>
      </h2>
      <p className="muted small">
        {look.label}
        {data.identifierType ? ` (${String(data.identifierType)})` : ''}
        {data.caseRef ? (
          <>
            {' '}
            · <Link to={caseUrl(String(data.caseRef))}>{String(data.caseRef)}</Link>
          </>
        ) : null}
        {data.agency ? ` · ${String(data.agency)}` : ''}
        {node.hasClass('pinned') ? ' · pinned' : ''}
      </p>
      <p>
        {url && <Link to={url}>Open profile</Link>}
        {!url && node.data('kind') === 'identifier' && <Link to={`/search?q=${encodeURIComponent(String(data.label))}`}>Search for it</Link>}{' '}
        <button type="button" onClick={onExpand}>
          {leftover ? `Add the ${leftover} held back` : 'Expand'}
        </button>
      </p>
      {Object.keys(props).length > 0 && (
        <table className="data props small">
          <tbody>
            {Object.entries(props)
              .slice(0, 20)
              .map(([key, value]) => (
                <tr key={key}>
                  <th scope="row">{key.replace(/_/g, ' ')}</th>
                  <td className="wrap">{typeof value === 'object' ? JSON.stringify(value) : String(value)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      <h3>Neighbours on the chart ({neighbours.length})</h3>
      <ul className="neighbours">
        {neighbours.slice(0, 200).map((other) => (
          <li key={other.id()}>
            <button type="button" className="link" onClick={() => onFocus(other.id())}>
              {lookOf(String(other.data('kind'))).glyph} {String(other.data('label'))}
            </button>
          </li>
        ))}
        {neighbours.length > 200 && <li className="muted">and {neighbours.length - 200} more (see the table view)</li>}
      </ul>
    </section>
  );
}

/** The supernode safeguard: which of many new neighbours to add; the rest become a "+N more" stub. */
function SelectiveExpand({
  pending,
  label,
  kinds,
  setKinds,
  limit,
  setLimit,
  onAdd,
  onCancel,
}: {
  pending: PendingExpand;
  label: string;
  kinds: Set<string>;
  setKinds: (kinds: Set<string>) => void;
  limit: number;
  setLimit: (limit: number) => void;
  onAdd: (all: boolean) => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const total = pending.counts.reduce((sum, [, count]) => sum + count, 0);
  return (
    <dialog ref={dialog} aria-labelledby="selective-title" onCancel={onCancel}>
      <h2 id="selective-title">
        {label} has {total} new neighbours
      </h2>
      <p>Choose what to add; the most connected come first. What you leave out stays one double-click away as a “+N more” node.</p>
      {pending.hubs > 0 && <p className="muted small">{pending.hubs} hubs among them were not expanded through.</p>}
      {pending.truncated && <p className="muted small">The server capped this neighbourhood: there is more beyond these.</p>}
      <fieldset>
        <legend>Types</legend>
        {pending.counts.map(([kind, count]) => (
          <label key={kind} style={{ display: 'block' }}>
            <input
              type="checkbox"
              checked={kinds.has(kind)}
              onChange={(event) => {
                const next = new Set(kinds);
                if (event.target.checked) next.add(kind);
                else next.delete(kind);
                setKinds(next);
              }}
            />{' '}
            {lookOf(kind).label} ({count})
          </label>
        ))}
      </fieldset>
      <label>
        At most <input type="number" min={1} max={5000} value={limit} onChange={(event) => setLimit(Math.max(1, Number(event.target.value) || 1))} /> nodes
      </label>
      <p>
        <button type="button" className="primary" onClick={() => onAdd(false)}>
          Add selected
        </button>{' '}
        <button type="button" onClick={() => onAdd(true)}>
          Add all {total}
        </button>{' '}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </p>
    </dialog>
  );
}
