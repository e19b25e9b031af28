/**
 * Golden model of the mesh NoC: dimension-order paths, hop counts, the exact number of flits that
 * cross every directed link for a traffic matrix, and the zero-load latency the router pipeline
 * predicts. Pure functions; nothing here imports the hardware or the simulator.
 *
 * Geometry: node id = y * w + x; x grows to the East, y to the South. A router's outputs are
 * "L" (local: ejection into its network interface), "E", "W", "N", "S". A packet from src to dst
 * leaves through one output of every router on its path: hops(src, dst) router-to-router links,
 * then the destination's L output. Those are the links counted here.
 */

export type Routing = "xy" | "yx";
export type OutDir = "L" | "E" | "W" | "N" | "S";
export const OUT_DIRS: readonly OutDir[] = ["L", "E", "W", "N", "S"];

export interface Hop {
  /** The router the flit leaves. */
  readonly node: number;
  /** Through which output. */
  readonly dir: OutDir;
}

export function coords(w: number, id: number): { x: number; y: number } {
  return { x: id % w, y: Math.floor(id / w) };
}

export function hops(w: number, src: number, dst: number): number {
  const a = coords(w, src), b = coords(w, dst);
  return Math.abs(a.x - b.x) + Math.abs(a.y - b.y);
}

/**
 * The outputs a packet takes from src to dst under dimension-order routing, in order, ending with
 * the destination's L output (so a packet to itself has the single hop {src, "L"}).
 */
export function path(routing: Routing, w: number, src: number, dst: number): Hop[] {
  let { x, y } = coords(w, src);
  const t = coords(w, dst);
  const out: Hop[] = [];
  const moveX = () => {
    while (x !== t.x) {
      const dir: OutDir = t.x > x ? "E" : "W";
      out.push({ node: y * w + x, dir });
      x += dir === "E" ? 1 : -1;
    }
  };
  const moveY = () => {
    while (y !== t.y) {
      const dir: OutDir = t.y > y ? "S" : "N";
      out.push({ node: y * w + x, dir });
      y += dir === "S" ? 1 : -1;
    }
  };
  if (routing === "xy") {
    moveX();
    moveY();
  } else {
    moveY();
    moveX();
  }
  out.push({ node: dst, dir: "L" });
  return out;
}

/** Index of (node, dir) in a link-load array (5 entries per node, in OUT_DIRS order). */
export function linkIndex(node: number, dir: OutDir): number {
  return node * 5 + OUT_DIRS.indexOf(dir);
}

/** One flow of traffic: `flits` flits from src to dst (a packet, or a sum of packets). */
export interface Flow {
  readonly src: number;
  readonly dst: number;
  readonly flits: number;
}

/**
 * Exact flits per directed link (router output), for any list of flows: entry linkIndex(node, dir).
 * Links that do not exist (off the mesh edge) stay 0.
 */
export function linkLoads(routing: Routing, w: number, h: number, flows: Iterable<Flow>): Float64Array {
  const loads = new Float64Array(w * h * 5);
  for (const f of flows) {
    if (f.flits === 0) continue;
    for (const hp of path(routing, w, f.src, f.dst)) loads[linkIndex(hp.node, hp.dir)] += f.flits;
  }
  return loads;
}

/** The same for a traffic matrix: matrix[src][dst] = flits. */
export function matrixLinkLoads(routing: Routing, w: number, h: number, matrix: readonly (readonly number[])[]): Float64Array {
  const flows: Flow[] = [];
  matrix.forEach((row, src) => row.forEach((flits, dst) => flows.push({ src, dst, flits })));
  return linkLoads(routing, w, h, flows);
}

/** The pipeline settings the latency formula depends on. */
export interface PipelineConfig {
  readonly rc: number;
  readonly va: number;
  readonly sa: number;
  readonly st: number;
  readonly linkLatency: number;
}

/**
 * Zero-load latency of a packet, in cycles from its creation at the source (the cycle the
 * testbench offers it to the network interface, whose queue is empty) to the cycle the testbench
 * sees its tail flit at the destination's network interface:
 *
 *   T0 = (H + 1) * (rc + va + sa + st) + H * linkLatency + size + 2
 *
 * H = hops. Every one of the H + 1 routers on the path spends rc + va + sa + st cycles on the head
 * flit (from the front of its input buffer to its output); each of the H links between routers
 * adds linkLatency (its registers plus the write into the next buffer). The fixed terms: one cycle
 * for the network interface to queue the packet descriptor, one for its head flit to be written
 * into the first router's buffer, one for the ejection register at the destination; the
 * remaining size - 1 flits follow the head one per cycle.
 *
 * Valid when nothing else is in the network and buffers are deep enough that credits never stall
 * the packet: bufDepth >= sa + st + 2 * linkLatency (a link's credit round trip: the flit's switch
 * and link stages, then its credit's way back) and bufDepth >= 2 (the network interface's loop).
 */
export function zeroLoadLatency(c: PipelineConfig, hopCount: number, size: number): number {
  return (hopCount + 1) * (c.rc + c.va + c.sa + c.st) + hopCount * c.linkLatency + size + 2;
}

/** The smallest bufDepth for which zeroLoadLatency holds for every packet. */
export function minDepthForFullRate(c: PipelineConfig): number {
  return Math.max(2, c.sa + c.st + 2 * c.linkLatency);
}

/** Mean hop count of uniform random traffic (destination != source) on a w x h mesh. */
export function uniformMeanHops(w: number, h: number): number {
  const n = w * h;
  if (n === 1) return 0;
  let sum = 0;
  for (let s = 0; s < n; s++) for (let d = 0; d < n; d++) if (s !== d) sum += hops(w, s, d);
  return sum / (n * (n - 1));
}

/**
 * Channel-load bound on throughput: the injection rate (flits/node/cycle) at which the busiest
 * link carries one flit per cycle, for a traffic matrix given as fractions (rows sum to 1: where
 * each node's flits go). Counts router-to-router links and ejection links alike.
 */
export function saturationBound(routing: Routing, w: number, h: number, fractions: readonly (readonly number[])[]): number {
  const loads = matrixLinkLoads(routing, w, h, fractions);
  let max = 0;
  for (const v of loads) max = Math.max(max, v);
  return max === 0 ? Infinity : 1 / max;
}
