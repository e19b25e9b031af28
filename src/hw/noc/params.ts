/**
 * Parameters of the mesh network-on-chip (routers, links and network interfaces), their defaults
 * and their checks. Every error names the parameter and the accepted range.
 */
import { UserError } from "../../io/user-error.js";

export type Routing = "xy" | "yx";

/**
 * How a router picks the output VC of a packet:
 *  - "flow": the output VC has the index of the input VC, and a source NI puts every packet of one
 *    (source, destination) pair on the same VC. Every packet of a pair then follows the same chain
 *    of FIFO VCs, so packets of a pair are delivered in order (the check).
 *  - "any": any free VC of the output port (round-robin among free VCs), as in most NoC research
 *    simulators. Packets of one pair may overtake each other.
 */
export type VcPolicy = "flow" | "any";

/**
 * When an output VC may be given to the next packet:
 *  - "tail-credit": once the credit of the previous packet's tail has come back, so the
 *    downstream buffer of a VC holds flits of one packet at a time (atomic VC allocation; the
 *    default, and what the router did before this parameter existed).
 *  - "tail-sent": as soon as the previous packet's tail has left on it; the downstream buffer may
 *    then hold the end of one packet and the starts of later ones, in order (BookSim2's default,
 *    wait_for_tail_credit = 0). The downstream router routes each head when it reaches the front.
 */
export type VcRealloc = "tail-credit" | "tail-sent";

export interface NocParams {
  /** Mesh columns (x = 0..w-1, x grows to the East). */
  w: number;
  /** Mesh rows (y = 0..h-1, y grows to the South). */
  h: number;
  /** Virtual channels per port, 1..8. */
  vcs: number;
  /** Flit buffer slots per VC, 1..16. */
  bufDepth: number;
  /** Pipeline stages, each 0 (combinational, same cycle as the next stage) or 1 (registered). */
  rc: number;
  va: number;
  sa: number;
  st: number;
  /** Cycles a flit takes on a router-to-router link (and a credit on its way back), >= 1. */
  linkLatency: number;
  routing: Routing;
  vcPolicy: VcPolicy;
  /** Packets the injection queue of each network interface holds, 1..64. */
  injQueue: number;
  /** Flit counters on every router output (per-link flit counts and utilization). */
  linkCounters: boolean;
  /**
   * Injection priority classes per network interface: 1 (one injection queue, the default) or 2
   * (plus a low-priority queue with its own ports, inj_lo_*; see ni.ts). Optional so that
   * parameter objects written before it existed stay valid; nocParams fills it in.
   */
  priorityClasses?: PriorityClasses;
  /** Output-VC reallocation (see VcRealloc); optional like priorityClasses, default "tail-credit". */
  vcRealloc?: VcRealloc;
}

export type PriorityClasses = 1 | 2;

export const NOC_DEFAULTS: NocParams = {
  w: 4,
  h: 4,
  vcs: 4,
  bufDepth: 8,
  rc: 1,
  va: 1,
  sa: 1,
  st: 1,
  linkLatency: 1,
  routing: "xy",
  vcPolicy: "flow",
  injQueue: 4,
  linkCounters: true,
  priorityClasses: 1,
  vcRealloc: "tail-credit",
};

export const NOC_LIMITS = {
  w: [1, 32],
  h: [1, 32],
  vcs: [1, 8],
  bufDepth: [1, 16],
  rc: [0, 1],
  va: [0, 1],
  sa: [0, 1],
  st: [0, 1],
  linkLatency: [1, 16],
  injQueue: [1, 64],
} as const;

/** Largest packet in flits (the size field of a packet descriptor is 8 bits). */
export const MAX_PACKET_FLITS = 255;

export class NocParamError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "NocParamError";
  }
}

/** Complete parameters from a partial set (defaults elsewhere), checked. */
export function nocParams(p: Partial<NocParams> = {}): NocParams {
  const q: NocParams = { ...NOC_DEFAULTS, ...p };
  q.priorityClasses ??= NOC_DEFAULTS.priorityClasses;
  q.vcRealloc ??= NOC_DEFAULTS.vcRealloc;
  for (const [k, [lo, hi]] of Object.entries(NOC_LIMITS)) {
    const v = (q as unknown as Record<string, number>)[k];
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new NocParamError(`noc parameter ${k} = ${v} is out of range: it must be a whole number ${lo}..${hi}`);
    }
  }
  if (q.routing !== "xy" && q.routing !== "yx") throw new NocParamError(`noc parameter routing = '${q.routing}' must be 'xy' or 'yx'`);
  if (q.vcPolicy !== "flow" && q.vcPolicy !== "any") throw new NocParamError(`noc parameter vcPolicy = '${q.vcPolicy}' must be 'flow' or 'any'`);
  if (q.vcRealloc !== "tail-credit" && q.vcRealloc !== "tail-sent") {
    throw new NocParamError(`noc parameter vcRealloc = '${String(q.vcRealloc)}' must be 'tail-credit' (a VC is reused after its last tail credit returns) or 'tail-sent' (as soon as the tail has left)`);
  }
  if (typeof q.linkCounters !== "boolean") throw new NocParamError(`noc parameter linkCounters must be true or false`);
  if (q.priorityClasses !== 1 && q.priorityClasses !== 2) {
    throw new NocParamError(
      `noc parameter priorityClasses = ${String(q.priorityClasses)} must be 1 (one injection queue per network interface) or 2 (plus a low-priority queue, ports inj_lo_*)`,
    );
  }
  return q;
}

/** Cycles a head flit spends in one router (route computation to switch traversal). */
export function routerDelay(p: Pick<NocParams, "rc" | "va" | "sa" | "st">): number {
  return p.rc + p.va + p.sa + p.st;
}
