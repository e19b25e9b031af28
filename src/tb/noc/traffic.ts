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
import { UserError } from "../../io/user-error.js";
import { parseJsonFile, readTextFile } from "../../io/input-file.js";

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
  /**
   * uniform (and the uniform part of hotspot): a source also picks itself, 1 in N packets, as
   * BookSim's uniform traffic does (such packets go through the local router and back out).
   * Default false: every packet crosses the network.
   */
  readonly includeSelf?: boolean;
}

export class TrafficError extends UserError {
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
 * largest packet; priority (0 high, 1 low) is kept only where given. Errors are TrafficErrors
 * (user errors) naming the file, the line (CSV) or entry (JSON) and the field.
 */
export function parseTrace(text: string, nodes: number, maxSize: number, file = "trace"): TraceEntry[] {
  const t = text.trim();
  if (!t) throw new TrafficError(`${file}: the trace is empty; give lines 'cycle,src,dst,size' (see src/hw/noc/README.md)`);
  // Each row with where it came from, for messages.
  const rows: { entry: Record<string, unknown>; where: string }[] = [];
  if (t.startsWith("[")) {
    const json = parseJsonFile(t, file, "--param trace");
    if (!Array.isArray(json)) throw new TrafficError(`${file}: a JSON trace is an array of {cycle, src, dst, size}`);
    json.forEach((r, i) => {
      if (typeof r !== "object" || r === null || Array.isArray(r)) throw new TrafficError(`${file}: entry ${i}: not an object {cycle, src, dst, size[, priority]}`);
      rows.push({ entry: r as Record<string, unknown>, where: `${file}: entry ${i}` });
    });
  } else {
    t.split(/\r?\n/).forEach((line, i) => {
      const l = line.trim();
      if (!l || l.startsWith("#") || (i === 0 && /^[a-z]/i.test(l))) return;
      const where = `${file}:${i + 1}`;
      const f = l.split(/[,\s]+/);
      if (f.length !== 4 && f.length !== 5) throw new TrafficError(`${where}: '${l}' has ${f.length} fields; a line is 'cycle,src,dst,size' or 'cycle,src,dst,size,priority'`);
      const entry: Record<string, unknown> = {};
      TRACE_FIELDS.slice(0, f.length).forEach((k, j) => (entry[k] = f[j]));
      rows.push({ entry, where });
    });
  }
  if (rows.length === 0) throw new TrafficError(`${file}: the trace holds no packets`);
  const out = rows.map(({ entry, where }) => {
    const whole = (k: string, lo: number, hi: number, what: string): number => {
      const raw = entry[k];
      const v = typeof raw === "string" && /^[-+]?\d+$/.test(raw.trim()) ? Number(raw) : typeof raw === "number" ? raw : NaN;
      if (raw === undefined) throw new TrafficError(`${where}: field '${k}' is missing`);
      if (!Number.isInteger(v)) throw new TrafficError(`${where}: field '${k}' = '${String(raw)}' is not a whole number`);
      if (v < lo || v > hi) throw new TrafficError(`${where}: field '${k}' = ${v} ${what}`);
      return v;
    };
    const r: TraceEntry = {
      cycle: whole("cycle", 0, Number.MAX_SAFE_INTEGER, "must be >= 0"),
      src: whole("src", 0, nodes - 1, `is not a node (0..${nodes - 1})`),
      dst: whole("dst", 0, nodes - 1, `is not a node (0..${nodes - 1})`),
      size: whole("size", 1, maxSize, `must be 1..${maxSize} flits`),
    };
    return entry.priority === undefined ? r : { ...r, priority: whole("priority", 0, 1, "must be 0 (high) or 1 (low)") as Priority };
  });
  return out.sort((a, b) => a.cycle - b.cycle);
}

const TRACE_FIELDS = ["cycle", "src", "dst", "size", "priority"] as const;

export function readTrace(path: string, nodes: number, maxSize: number): TraceEntry[] {
  return parseTrace(readTextFile(path, "--param trace"), nodes, maxSize, path);
}

/** Picks destinations: dst(src, k, r) for the k-th packet (0, 1, ...) of src, r a uniform [0,1) source. */
export type DestinationPicker = (src: number, k: number, r: () => number) => number;

export function destinationPicker(spec: TrafficSpec, w: number, h: number): DestinationPicker {
  const n = w * h;
  const uniform = (src: number, r: () => number) => {
    if (n === 1) return src;
    if (spec.includeSelf) return Math.floor(r() * n);
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
  // The share of a source's uniform traffic that goes to d (to itself only with includeSelf).
  const uniformShare = (s: number, d: number) => (d === s && n > 1 && !spec.includeSelf ? 0 : 1 / (spec.includeSelf || n === 1 ? n : n - 1));
  for (let s = 0; s < n; s++) {
    switch (spec.kind) {
      case "uniform":
        for (let d = 0; d < n; d++) m[s][d] = uniformShare(s, d);
        break;
      case "hotspot": {
        const hs = spec.hotspots ?? centreHotspot(w, h);
        const total = hs.reduce((a, b) => a + b.weight, 0);
        const frac = spec.hotFraction ?? 1;
        for (const hp of hs) m[s][hp.node] += (frac * hp.weight) / total;
        if (frac < 1) for (let d = 0; d < n; d++) m[s][d] += (1 - frac) * uniformShare(s, d);
        break;
      }
      case "alltoall": // every other node in turn: over a phase, the uniform share
        for (let d = 0; d < n; d++) m[s][d] = uniformShare(s, d);
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
