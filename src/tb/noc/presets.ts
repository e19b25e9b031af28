/**
 * Named parameter sets of the noc testbench (`--param preset=booksim`, also in `tessera sweep
 * noc`). A preset sets the parameters it names; the rest (mesh size, VCs, buffers, traffic, load)
 * stay the user's. A value given alongside that contradicts the preset is refused, unless it is
 * the parameter's default (the command line cannot tell a default from a value typed).
 */
import type { Params } from "../types.js";

export const NOC_PRESET_NAMES = ["none", "booksim"] as const;
export type NocPresetName = (typeof NOC_PRESET_NAMES)[number];

/**
 * What BookSim2's defaults mean for our router (iq_router; booksim_config.cpp): routing, VC
 * allocation, switch allocation and switch traversal one cycle each (routing_delay,
 * vc_alloc_delay, sw_alloc_delay, st_final_delay = 1), one-cycle channels and credits, any free
 * output VC, VCs reallocated once the tail has left (wait_for_tail_credit = 0), and uniform
 * traffic that includes the source itself, measured as its TrafficManager measures (sampling.ts:
 * warm-up periods, sample periods until latency and throughput settle). Its injection (Bernoulli, an unbounded source queue
 * whose time counts in latency) is what the noc testbench always does. What our router does not
 * express is listed in src/hw/noc/README.md.
 */
export const NOC_PRESETS: Record<Exclude<NocPresetName, "none">, Params> = {
  booksim: { rc: 1, va: 1, sa: 1, st: 1, linkLatency: 1, vcPolicy: "any", vcRealloc: "tail-sent", selfTraffic: true, measurement: "converge" },
};

/** `params` with its preset's values in place (unchanged for preset "none" or none given). */
export function applyNocPreset(params: Params): Params {
  const name = params.preset;
  if (name === undefined || name === "none") return params;
  const set = NOC_PRESETS[name as keyof typeof NOC_PRESETS];
  return set ? { ...params, ...set } : params;
}

/** Why `params` contradicts its preset (a non-default value the preset sets otherwise), or undefined. */
export function presetConflict(params: Params, defaults: Params): string | undefined {
  const name = params.preset;
  if (name === undefined || name === "none") return undefined;
  const set = NOC_PRESETS[name as keyof typeof NOC_PRESETS];
  if (!set) return `preset '${String(name)}' is not one of ${NOC_PRESET_NAMES.join(", ")}`;
  for (const [k, v] of Object.entries(set)) {
    if (params[k] !== undefined && params[k] !== v && params[k] !== defaults[k]) {
      return `preset=${String(name)} sets ${k}=${v}; drop --param ${k}=${params[k]} or the preset`;
    }
  }
  return undefined;
}
