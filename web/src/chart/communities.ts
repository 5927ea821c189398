/**
 * Communities of what the chart shows, by weighted label propagation: linear in the links, so it
 * stays quick on a 5,000-node chart (Markov clustering builds an n×n matrix), and deterministic —
 * nodes visited in id order, ties going to the smallest label. Numbered largest first.
 */
import type { Collection } from 'cytoscape';

export function labelPropagation(elements: Collection, rounds = 20): Map<string, number> {
  const nodes = elements.nodes().map((node) => node.id()).sort();
  const index = new Map(nodes.map((id, i) => [id, i]));
  const neighbours: { to: number; weight: number }[][] = nodes.map(() => []);
  elements.edges().forEach((edge) => {
    const a = index.get(edge.source().id());
    const b = index.get(edge.target().id());
    if (a === undefined || b === undefined || a === b) return;
    const weight = Number(edge.data('weight')) || 1;
    neighbours[a]!.push({ to: b, weight });
    neighbours[b]!.push({ to: a, weight });
  });
  const label = nodes.map((_, i) => i);
  for (let round = 0; round < rounds; round++) {
    let changed = false;
    for (let i = 0; i < nodes.length; i++) {
      const list = neighbours[i]!;
      if (list.length === 0) continue;
      const score = new Map<number, number>();
      for (const { to, weight } of list) score.set(label[to]!, (score.get(label[to]!) ?? 0) + weight);
      let best = label[i]!;
      let bestScore = score.get(best) ?? 0;
      for (const [candidate, value] of score) {
        if (value > bestScore || (value === bestScore && candidate < best)) {
          best = candidate;
          bestScore = value;
        }
      }
      if (best !== label[i]) {
        label[i] = best;
        changed = true;
      }
    }
    if (!changed) break;
  }
  const sizes = new Map<number, number>();
  for (const value of label) sizes.set(value, (sizes.get(value) ?? 0) + 1);
  const order = [...sizes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([value]) => value);
  const rank = new Map(order.map((value, i) => [value, i]));
  return new Map(nodes.map((id, i) => [id, rank.get(label[i]!)!]));
}
