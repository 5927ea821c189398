/**
 * Clustering into subjects: union-find over record indices that refuses any merge which would put
 * two records an analyst rejected into one subject — directly or through others (A–B rejected,
 * A–C and C–B likely: C joins only one of them). Pairs are merged most likely first, so a reject
 * keeps the stronger link.
 */

export class Clusters {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;
  /** Per cluster root: the records rejected with some member (both ways round). */
  private readonly rejected = new Map<number, number[]>();

  constructor(count: number) {
    this.parent = new Int32Array(count);
    this.size = new Int32Array(count).fill(1);
    for (let index = 0; index < count; index++) this.parent[index] = index;
  }

  find(index: number): number {
    let root = index;
    while (this.parent[root] !== root) root = this.parent[root]!;
    // Path compression: later finds on this path take one step.
    while (this.parent[index] !== root) {
      const next = this.parent[index]!;
      this.parent[index] = root;
      index = next;
    }
    return root;
  }

  /** Records a and b must never share a cluster. Call before any merge. */
  reject(a: number, b: number): void {
    if (a === b) return;
    const list = (index: number) => {
      const root = this.find(index);
      let entries = this.rejected.get(root);
      if (!entries) this.rejected.set(root, (entries = []));
      return entries;
    };
    list(a).push(b);
    list(b).push(a);
  }

  /** Joins the clusters of a and b unless a rejected pair would end up inside; true when they are (now) together. */
  merge(a: number, b: number): boolean {
    let rootA = this.find(a);
    let rootB = this.find(b);
    if (rootA === rootB) return true;
    const rejectedA = this.rejected.get(rootA);
    const rejectedB = this.rejected.get(rootB);
    // Both lists name records of the other cluster symmetrically: checking the shorter suffices.
    const check = !rejectedA ? rejectedB : !rejectedB ? rejectedA : rejectedA.length <= rejectedB.length ? rejectedA : rejectedB;
    if (check) {
      const other = check === rejectedA ? rootB : rootA;
      for (const index of check) if (this.find(index) === other) return false;
    }
    if (this.size[rootA]! < this.size[rootB]!) [rootA, rootB] = [rootB, rootA];
    this.parent[rootB] = rootA;
    this.size[rootA]! += this.size[rootB]!;
    const moved = this.rejected.get(rootB);
    if (moved) {
      const kept = this.rejected.get(rootA);
      if (kept) for (const index of moved) kept.push(index);
      else this.rejected.set(rootA, moved);
      this.rejected.delete(rootB);
    }
    return true;
  }

  /** The root of every record's cluster. */
  roots(): Int32Array {
    const roots = new Int32Array(this.parent.length);
    for (let index = 0; index < roots.length; index++) roots[index] = this.find(index);
    return roots;
  }
}
