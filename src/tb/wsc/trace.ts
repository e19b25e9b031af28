/**
 * Between the wafer-scale MoE model and the mesh testbench engine: a phase's messages become trace
 * packets (all created at cycle 0; a message of B bytes is ceil(B / flitBytes) flits cut into
 * packets of at most packetFlits), and the engine's per-router-output flit counters become flits
 * per directed link "src->dst", the golden's link naming.
 */
import { type OutDir, linkIndex } from "../../golden/noc.js";
import { type WscMessage, meshLinks } from "../../golden/wsc.js";
import type { TraceEntry } from "../noc/traffic.js";

/** A trace packet with its injection class: 0 = the phase's own traffic, 1 = low priority (migration). */
export type PriorityTraceEntry = TraceEntry & { readonly priority?: 0 | 1 };

/** The packets of `messages`, in message order, all at cycle 0. Messages to themselves cross no link and are left out. */
export function messagesToTrace(messages: readonly WscMessage[], flitBytes: number, packetFlits: number, priority: 0 | 1 = 0): PriorityTraceEntry[] {
  const out: PriorityTraceEntry[] = [];
  for (const m of messages) {
    if (m.src === m.dst) continue;
    for (let left = Math.ceil(m.bytes / flitBytes); left > 0; left -= packetFlits) {
      const size = Math.min(left, packetFlits);
      out.push(priority === 0 ? { cycle: 0, src: m.src, dst: m.dst, size } : { cycle: 0, src: m.src, dst: m.dst, size, priority });
    }
  }
  return out;
}

/** Output direction of router `a` towards its neighbour `b` (same row: E/W; else S/N, which a one-column mesh needs). */
function dirTo(W: number, a: number, b: number): OutDir {
  if (Math.floor(a / W) === Math.floor(b / W)) return b > a ? "E" : "W";
  return b > a ? "S" : "N";
}

/** Flits on every directed router-to-router link (zeros included), from counters indexed by linkIndex(node, dir). */
export function linkFlitsRecord(W: number, H: number, counters: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of meshLinks(W, H)) {
    const [a, b] = l.split("->").map(Number);
    out[l] = counters[linkIndex(a, dirTo(W, a, b))];
  }
  return out;
}
