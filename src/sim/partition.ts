/**
 * Which shared instances the worker thread runs (threads.ts), as a graph partition: the instances
 * are the vertices, an edge joins two instances when one reads a value of the other. A value
 * written on one core and read on the other moves a cache line between them each cycle (about
 * 100 ns, the time of several instances' work), so the worker takes a compact region of the
 * graph, grown greedily from the instance farthest from the first one, until it holds its share of
 * the work; on a mesh that is a block of rows of routers with their interfaces, and only the
 * routers along its border talk across (an 8x8 mesh split by instance number instead ran slower
 * on two threads than on one).
 *
 * An instance's work is estimated as its class's node count. Classes holding less than
 * MIN_CLASS_SHARE of all instances' nodes stay on the main thread.
 */
import type { NetNode } from "./netlist.js";
import type { TemplatePlan } from "./template.js";

const MIN_CLASS_SHARE = 0.02;

/** Per class, per instance: 1 when the worker runs it. */
export function partitionInstances(plan: TemplatePlan, workerShare: number): Uint8Array[] {
  const classes = plan.classes;
  const onWorker = classes.map((c) => new Uint8Array(c.units.length));
  const size = classes.map((c) => c.comb[0].length + c.buffered[0].length + c.inPlace[0].length);
  const total = classes.reduce((sum, c, k) => sum + size[k] * c.units.length, 0);
  const eligible = classes.map((c, k) => size[k] * c.units.length >= MIN_CLASS_SHARE * total);
  // Vertices: (class, instance) numbered in class order.
  const first: number[] = [];
  let V = 0;
  for (const c of classes) {
    first.push(V);
    V += c.units.length;
  }
  const vertexOfUnit = new Map<number, number>();
  classes.forEach((c, k) => c.units.forEach((u, i) => vertexOfUnit.set(u, first[k] + i)));
  const adj: Set<number>[] = Array.from({ length: V }, () => new Set());
  const unitOfNode = (n: NetNode) => plan.units.unitOf[(n.aliasOf ?? n).id];
  classes.forEach((c, k) =>
    c.externals.forEach((xs, i) => {
      const v = first[k] + i;
      for (const n of xs) {
        const w = vertexOfUnit.get(unitOfNode(n));
        if (w === undefined || w === v) continue;
        adj[v].add(w);
        adj[w].add(v);
      }
    }),
  );
  const classOfVertex = new Int32Array(V), instOfVertex = new Int32Array(V);
  classes.forEach((c, k) => c.units.forEach((_, i) => ((classOfVertex[first[k] + i] = k), (instOfVertex[first[k] + i] = i))));
  const weight = (v: number) => (eligible[classOfVertex[v]] ? size[classOfVertex[v]] : 0);
  /** Every vertex reachable from `from`, nearest first. */
  const bfs = (from: number): number[] => {
    const seen = new Uint8Array(V), queue = [from];
    seen[from] = 1;
    for (let h = 0; h < queue.length; h++) for (const w of adj[queue[h]]) if (!seen[w]) (seen[w] = 1), queue.push(w);
    return queue;
  };
  let start = -1;
  for (let v = 0; v < V && start < 0; v++) if (weight(v) > 0) start = v;
  if (start < 0) return onWorker;
  const seed = bfs(start).filter((v) => weight(v) > 0).at(-1)!;
  // Grow from the seed, each time by the frontier instance with the most neighbours inside the
  // region less those outside (ties: the nearest to the seed), which keeps the region compact and
  // brings each instance's small satellites (a router's interface) along with it.
  const dist = new Int32Array(V).fill(-1);
  bfs(seed).forEach((v, k) => (dist[v] = k));
  const inside = new Uint8Array(V), frontier = new Set<number>([seed]);
  let left = eligible.reduce((sum, e, k) => sum + (e ? size[k] * classes[k].units.length : 0), 0) * workerShare;
  const gain = (v: number) => {
    let g = 0;
    for (const w of adj[v]) g += inside[w] ? 1 : -1;
    return g;
  };
  while (left > 0) {
    let best = -1, bestGain = -Infinity;
    for (const v of frontier) {
      const g = gain(v);
      if (g > bestGain || (g === bestGain && dist[v] < dist[best])) (best = v), (bestGain = g);
    }
    if (best < 0) {
      // The graph is not connected: go on from any instance not yet taken.
      for (let v = V - 1; v >= 0 && best < 0; v--) if (!inside[v] && weight(v) > 0) best = v;
      if (best < 0) break;
    }
    frontier.delete(best);
    inside[best] = 1;
    if (weight(best) > 0) {
      onWorker[classOfVertex[best]][instOfVertex[best]] = 1;
      left -= weight(best);
    }
    for (const w of adj[best]) if (!inside[w]) frontier.add(w);
  }
  return onWorker;
}
