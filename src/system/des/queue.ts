/**
 * The event queue of the discrete-event engine: a binary min-heap ordered by time, then priority
 * (lower first), then the order entries were pushed. That total order is what makes a run
 * deterministic: two events at the same time and priority always run in the order they were
 * scheduled.
 */
export interface QueueEntry {
  readonly time: number;
  readonly priority: number;
  readonly seq: number;
  readonly run: () => void;
}

function before(a: QueueEntry, b: QueueEntry): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

export class EventQueue {
  private readonly heap: QueueEntry[] = [];
  private pushed = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, priority: number, run: () => void): void {
    const h = this.heap;
    const e: QueueEntry = { time, priority, seq: this.pushed++, run };
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = e;
  }

  peek(): QueueEntry | undefined {
    return this.heap[0];
  }

  pop(): QueueEntry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      let best = last;
      if (l < h.length && before(h[l], best)) { m = l; best = h[l]; }
      if (r < h.length && before(h[r], best)) { m = r; best = h[r]; }
      if (m === i) break;
      h[i] = h[m];
      i = m;
    }
    h[i] = last;
    return top;
  }
}
