/**
 * The two schedulers compared, as four switches (Octopus's mechanisms, papers.md section 8):
 *
 *   mechanism    off (the baseline: an existing spatial architecture)      on (Octopus)
 *   dual         control blocks run on TBUs like any block: they get a     discriminate dual scheduling:
 *                region of TBUs, wait in its queue and hold TBUs while     TBs go to TBUs, CBs to the
 *                they decide                                               CBUs of a control plane
 *   adaptive     indiscriminate allocation: every block execution gets     adaptive TBU scheduling, per TB:
 *                the same fixed share of its region's TBUs (first free,    up to ceil(work / grain) TBUs
 *                in tile order), held until the whole block is done,       (at most its pieces), set up for
 *                used or not                                               it if possible, else nearest its
 *                                                                          data; each freed when its piece ends
 *   proactive    every block (control blocks too, without dual) gets an    proactive cluster scheduling:
 *                equal region of TBUs, however often it runs               clusters dealt to task blocks by
 *                                                                          expected demand (expected
 *                                                                          frequencies x expected work)
 *   diffusion    reactive rebalancing: only when a group's TBUs idle       diffusion-based load balancing:
 *                with nothing queued does it steal a queued job from       every period each group sends its
 *                the most loaded group, after a detection delay            mesh neighbours alpha x the
 *                                                                          difference in load
 * (mapping.ts makes the regions and clusters; executor.ts runs them.) `baseline` is all four off,
 * `octopus` all on; any mix can be run (`mechanisms`) to see what each brings. Parameters the
 * paper does not give are here with their defaults and reasons.
 */
import { PRECISIONS, type Precision } from "../platform/types.js";
import { FORWARDINGS, type Forwarding } from "./transfer.js";

export const SCHEDULER_NAMES = ["baseline", "octopus"] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

export const MECHANISMS = ["dual", "adaptive", "proactive", "diffusion"] as const;
export type Mechanism = (typeof MECHANISMS)[number];
export type Mechanisms = Readonly<Record<Mechanism, boolean>>;

export function mechanismsOf(s: SchedulerName): Mechanisms {
  const on = s === "octopus";
  return { dual: on, adaptive: on, proactive: on, diffusion: on };
}

export interface SchedulerParams {
  /**
   * A control decision's time, ns, on a CBU or on a TBU alike (default 100: a predicate over a
   * small result and a dispatch, ~100 cycles at 1 GHz). Equal on both, so the baseline loses only
   * what the paper blames: control waiting in the TBU queue and holding TBUs.
   */
  readonly controlNs: number;
  /**
   * Baseline: TBUs every block execution gets in its region (default 4: a region of palm-wafer's
   * 320 TBUs over a dozen blocks runs six executions at once). A region with fewer TBUs gives all
   * it has; TBUs beyond a multiple of the share stay unused by the baseline (a region is cut into
   * fixed slots).
   */
  readonly share: number;
  /**
   * Octopus: work (ns of one TBU) each TBU of a TB should get (default 2000): a TB gets
   * ceil(work / grain) TBUs, at most its pieces and its group's TBUs, so a 2 us tool call takes
   * one TBU and a 300 us GEMM a cluster. Smaller grains spread more and pay more data movement.
   */
  readonly grainNs: number;
  /** Baseline: how long an idle group takes to notice and steal queued work (default 1000 ns: a runtime's polling interval). */
  readonly stealDelayNs: number;
  /** Octopus: the diffusion coefficient (default 0.2; see diffusion.ts). */
  readonly alpha: number;
  /** Octopus: time between diffusion rounds (default 1000 ns, about one short task). */
  readonly diffusionPeriodNs: number;
  /** Control-block units per cluster on the control plane (default 1). */
  readonly cbusPerCluster: number;
  /** Cluster side in tiles (default fabric.ts defaultClusterSide). */
  readonly clusterSide?: { readonly x: number; readonly y: number };
  readonly forwarding: Forwarding;
  /** Precision GEMMs run in (the tile's peak in it scales the PE-array cycles); default fp16. */
  readonly precision: Precision;
}

export const SCHEDULER_DEFAULTS: SchedulerParams = {
  controlNs: 100, share: 4, grainNs: 2000, stealDelayNs: 1000, alpha: 0.2, diffusionPeriodNs: 1000,
  cbusPerCluster: 1, forwarding: "store-and-forward", precision: "fp16",
};

/** Every field of SchedulerParams (the options a run may override). */
export const SCHEDULER_PARAM_KEYS: readonly (keyof SchedulerParams)[] = [
  "controlNs", "share", "grainNs", "stealDelayNs", "alpha", "diffusionPeriodNs", "cbusPerCluster", "clusterSide", "forwarding", "precision",
];

/** Throws a RangeError naming the first bad parameter and what it must be. */
export function checkSchedulerParams(p: SchedulerParams): void {
  const pos = (k: keyof SchedulerParams, v: number, min = 0, open = true) => {
    if (!Number.isFinite(v) || (open ? v <= min : v < min)) throw new RangeError(`${k} = ${v}: must be a number ${open ? ">" : ">="} ${min}`);
  };
  pos("controlNs", p.controlNs, 0, false);
  if (!Number.isInteger(p.share) || p.share < 1) throw new RangeError(`share = ${p.share}: must be a whole number of TBUs >= 1`);
  pos("grainNs", p.grainNs);
  pos("stealDelayNs", p.stealDelayNs, 0, false);
  pos("diffusionPeriodNs", p.diffusionPeriodNs);
  if (!(p.alpha > 0 && p.alpha <= 0.25)) throw new RangeError(`alpha = ${p.alpha}: the diffusion coefficient must be > 0 and <= 0.25`);
  if (!Number.isInteger(p.cbusPerCluster) || p.cbusPerCluster < 1) throw new RangeError(`cbusPerCluster = ${p.cbusPerCluster}: must be a whole number >= 1`);
  if (!(FORWARDINGS as readonly string[]).includes(p.forwarding)) throw new RangeError(`forwarding = ${p.forwarding}: use ${FORWARDINGS.join(" or ")}`);
  if (!(PRECISIONS as readonly string[]).includes(p.precision)) throw new RangeError(`precision = ${p.precision}: use ${PRECISIONS.join(", ")}`);
}
