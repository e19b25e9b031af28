/**
 * Traffic for the mesh testbench: where packets go (patterns) and when they are created
 * (Bernoulli injection, or a trace).
 *
 * Patterns, for source (x, y) on a w x h mesh (node id = y * w + x):
 *   uniform    a destination drawn uniformly from the other nodes
 *   transpose  (y mod w, x mod h): the matrix transpose on a square mesh (diagonal nodes send to
 *              themselves, through their router's local port)
 *   bitcomp    (w-1-x, h-1-y): bit complement of the id when w and h are powers of two
 *   neighbour  ((x+1) mod w, y): the next node to the East, wrapping around the row
 *   hotspot    with probability hotFraction a node from the hotspot set, drawn by weight; else
 *              uniform
 *   alltoall   phases of shifted permutations: the source's j-th packet goes to
 *              (src + 1 + floor(j / phasePackets) mod (N-1)) mod N, so each phase every node
 *              sends phasePackets packets to the node `phase + 1` ids further on
 *   trace      a list of (cycle, src, dst, size[, priority]) packets, created at their cycles;
 *              priority 1 marks a low-priority packet (meshes with priorityClasses 2)
 *
 * Injection: each node creates a packet in a cycle with probability rate / packetSize (Bernoulli),
 * so the offered load is `rate` flits per node per cycle. Gaps between packets are drawn from the
 * geometric distribution, one random number per packet.
 */
import { readFileSync } from "node:fs";

export const TRAFFIC_KINDS = ["uniform", "transpose", "bitcomp", "neighbour", "hotspot", "alltoall", "trace"] as const;
export type TrafficKind = (typeof TRAFFIC_KINDS)[number];

export interface Hotspot {
  readonly node: number;
  readonly weight: number;
}

/** Injection priority class of a packet: 0 high (the default), 1 low. */
export type Priority = 0 | 1;

export interface TraceEntry {
  readonly cycle: number;
  readonly src: number;
  readonly dst: number;
  readonly size: number;
  /** 1: a low-priority packet, offered through the low injection queue (priorityClasses 2). Default 0. */
  readonly priority?: Priority;
}

export interface TrafficSpec {
  readonly kind: TrafficKind;
  /** hotspot: the nodes and their weights (default: the centre node, weight 1). */
  readonly hotspots?: readonly Hotspot[];
  /** hotspot: share of packets that go to the hotspot set (default 1). */
  readonly hotFraction?: number;
  /** alltoall: packets to each destination per phase (default 1). */
  readonly phasePackets?: number;
  /** trace: the packets, in any order. */
  readonly trace?: readonly TraceEntry[];
}

export class TrafficError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrafficError";
  }
}

/** "id:weight,id:weight" (weight defaults to 1), checked against the mesh size. */
export function parseHotspots(text: string, nodes: number): Hotspot[] {
  const out: Hotspot[] = [];
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?::(\d+(?:\.\d+)?))?$/.exec(part);
    if (!m) throw new TrafficError(`hotspots: '${part}' is not 'node' or 'node:weight' (e.g. hotspots=27:3,36:1)`);
    const node = Number(m[1]), weight = m[2] === undefined ? 1 : Number(m[2]);
    if (node >= nodes) throw new TrafficError(`hotspots: node ${node} is not on the mesh (nodes 0..${nodes - 1})`);
    if (!(weight > 0)) throw new TrafficError(`hotspots: weight of node ${node} must be > 0`);
    out.push({ node, weight });
  }
  if (out.length === 0) throw new TrafficError("hotspots: the list is empty; give at least one node, e.g. hotspots=0:1");
  return out;
}

/** The default hotspot: the node nearest the centre. */
export function centreHotspot(w: number, h: number): Hotspot[] {
  return [{ node: Math.floor((h - 1) / 2) * w + Math.floor((w - 1) / 2), weight: 1 }];
}

/**
 * A trace: CSV lines "cycle,src,dst,size[,priority]" (a header line and '#' comments are skipped)
 * or a JSON array of {cycle, src, dst, size[, priority]}. Checked against the mesh size and the
 * largest packet; priority (0 high, 1 low) is kept only where given.
 */
export function parseTrace(text: string, nodes: number, maxSize: number): TraceEntry[] {
  const t = text.trim();
  let rows: TraceEntry[];
  const withPriority = (r: Omit<TraceEntry, "priority">, pr: unknown): TraceEntry => (pr === undefined ? r : { ...r, priority: Number(pr) as Priority });
  if (t.startsWith("[")) {
    rows = (JSON.parse(t) as TraceEntry[]).map((r) => withPriority({ cycle: Number(r.cycle), src: Number(r.src), dst: Number(r.dst), size: Number(r.size) }, r.priority));
  } else {
    rows = [];
    t.split(/\r?\n/).forEach((line, i) => {
      const l = line.trim();
      if (!l || l.startsWith("#") || /^[a-z]/i.test(l)) return;
      const f = l.split(/[,\s]+/).map(Number);
      if ((f.length !== 4 && f.length !== 5) || f.some((v) => !Number.isInteger(v))) {
        throw new TrafficError(`trace line ${i + 1}: '${l}' is not 'cycle,src,dst,size' or 'cycle,src,dst,size,priority' (whole numbers)`);
      }
      rows.push(withPriority({ cycle: f[0], src: f[1], dst: f[2], size: f[3] }, f[4]));
    });
  }
  rows.forEach((r, i) => {
    if (!(Number.isInteger(r.cycle) && r.cycle >= 0)) throw new TrafficError(`trace entry ${i}: cycle ${r.cycle} must be a whole number >= 0`);
    for (const k of ["src", "dst"] as const) {
      if (!(Number.isInteger(r[k]) && r[k] >= 0 && r[k] < nodes)) throw new TrafficError(`trace entry ${i}: ${k} ${r[k]} is not a node (0..${nodes - 1})`);
    }
    if (!(Number.isInteger(r.size) && r.size >= 1 && r.size <= maxSize)) throw new TrafficError(`trace entry ${i}: size ${r.size} must be 1..${maxSize} flits`);
    if (r.priority !== undefined && r.priority !== 0 && r.priority !== 1) throw new TrafficError(`trace entry ${i}: priority ${r.priority} must be 0 (high) or 1 (low)`);
  });
  return rows.sort((a, b) => a.cycle - b.cycle);
}

export function readTrace(path: string, nodes: number, maxSize: number): TraceEntry[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new TrafficError(`trace: cannot read '${path}': ${(e as Error).message}`);
  }
  return parseTrace(text, nodes, maxSize);
}

/** Picks destinations: dst(src, k, r) for the k-th packet (0, 1, ...) of src, r a uniform [0,1) source. */
export type DestinationPicker = (src: number, k: number, r: () => number) => number;

export function destinationPicker(spec: TrafficSpec, w: number, h: number): DestinationPicker {
  const n = w * h;
  const uniform = (src: number, r: () => number) => {
    if (n === 1) return src;
    const d = Math.floor(r() * (n - 1));
    return d >= src ? d + 1 : d;
  };
  switch (spec.kind) {
    case "uniform":
      return (src, _k, r) => uniform(src, r);
    case "transpose":
      return (src) => (src % w % h) * w + (Math.floor(src / w) % w);
    case "bitcomp":
      return (src) => (h - 1 - Math.floor(src / w)) * w + (w - 1 - (src % w));
    case "neighbour":
      return (src) => Math.floor(src / w) * w + ((src % w) + 1) % w;
    case "hotspot": {
      const hs = spec.hotspots ?? centreHotspot(w, h);
      const total = hs.reduce((a, b) => a + b.weight, 0);
      const frac = spec.hotFraction ?? 1;
      return (src, _k, r) => {
        if (frac < 1 && r() >= frac) return uniform(src, r);
        let x = r() * total;
        for (const hp of hs) {
          x -= hp.weight;
          if (x < 0) return hp.node;
        }
        return hs[hs.length - 1].node;
      };
    }
    case "alltoall": {
      const per = spec.phasePackets ?? 1;
      return (src, k) => (n === 1 ? src : (src + 1 + (Math.floor(k / per) % (n - 1))) % n);
    }
    case "trace":
      return () => {
        throw new TrafficError("trace traffic takes its destinations from the trace");
      };
  }
}

/**
 * Where each node's traffic goes, as fractions (row src sums to 1), for the golden channel-load
 * bound. Trace traffic: the trace's own flit counts, normalised per source.
 */
export function trafficFractions(spec: TrafficSpec, w: number, h: number): number[][] {
  const n = w * h;
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const pick = spec.kind === "trace" ? undefined : destinationPicker(spec, w, h);
  for (let s = 0; s < n; s++) {
    switch (spec.kind) {
      case "uniform":
        for (let d = 0; d < n; d++) if (d !== s || n === 1) m[s][d] = 1 / Math.max(1, n - 1);
        break;
      case "hotspot": {
        const hs = spec.hotspots ?? centreHotspot(w, h);
        const total = hs.reduce((a, b) => a + b.weight, 0);
        const frac = spec.hotFraction ?? 1;
        for (const hp of hs) m[s][hp.node] += (frac * hp.weight) / total;
        if (frac < 1) for (let d = 0; d < n; d++) if (d !== s || n === 1) m[s][d] += (1 - frac) / Math.max(1, n - 1);
        break;
      }
      case "alltoall":
        for (let d = 0; d < n; d++) if (d !== s || n === 1) m[s][d] = 1 / Math.max(1, n - 1);
        break;
      case "trace":
        for (const e of spec.trace ?? []) if (e.src === s) m[s][e.dst] += e.size;
        {
          const sum = m[s].reduce((a, b) => a + b, 0);
          if (sum > 0) m[s] = m[s].map((v) => v / sum);
        }
        break;
      default:
        m[s][pick!(s, 0, () => 0)] = 1;
    }
  }
  return m;
}

/**
 * Cycles until the next packet of a Bernoulli process with per-cycle probability p: 1, 2, ...
 * (geometric). p >= 1 gives 1; p <= 0 gives Infinity.
 */
export function geometricGap(p: number, r: () => number): number {
  if (p >= 1) return 1;
  if (p <= 0) return Infinity;
  const u = 1 - r(); // (0, 1]
  return 1 + Math.floor(Math.log(u) / Math.log1p(-p));
}
