/** A binary min-heap of (priority, value) for Dijkstra; typed arrays would not pay off at chart sizes. */
export class MinHeap<T> {
  private readonly priorities: number[] = [];
  private readonly values: T[] = [];

  get size(): number {
    return this.values.length;
  }

  push(priority: number, value: T): void {
    this.priorities.push(priority);
    this.values.push(value);
    let index = this.values.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.priorities[parent]! <= priority) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  pop(): { priority: number; value: T } | undefined {
    if (this.values.length === 0) return undefined;
    const top = { priority: this.priorities[0]!, value: this.values[0]! };
    const lastPriority = this.priorities.pop()!;
    const lastValue = this.values.pop()!;
    if (this.values.length > 0) {
      this.priorities[0] = lastPriority;
      this.values[0] = lastValue;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < this.values.length && this.priorities[left]! < this.priorities[smallest]!) smallest = left;
        if (right < this.values.length && this.priorities[right]! < this.priorities[smallest]!) smallest = right;
        if (smallest === index) break;
        this.swap(index, smallest);
        index = smallest;
      }
    }
    return top;
  }

  private swap(a: number, b: number): void {
    [this.priorities[a], this.priorities[b]] = [this.priorities[b]!, this.priorities[a]!];
    [this.values[a], this.values[b]] = [this.values[b]!, this.values[a]!];
  }
}
