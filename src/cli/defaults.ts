/**
 * The defaults and choices the command line shows in its options and help, apart from the
 * commands that use them: the program (program.ts) is built from these at every start, and loads
 * a command's module only when that command runs. Importing every command (and through them the
 * testbench registry, the system layer and the Verilog tools) took 0.3 s of every start.
 * Only small constant modules are imported here.
 */
import type { TraceKind } from "../system/serve/trace.js";
import type { SchedulerName } from "../system/octopus/schedulers.js";
import { DEFAULT_REDUCED_HIDDEN } from "../system/mobile/model.js";
import { DEFAULT_GPU } from "../system/mobile/presets.js";
import { UsageError } from "./usage.js";

export { SCALESIM_ENGINES } from "../scalesim/engines.js";

export const COSIM_SIMULATORS = ["verilator", "icarus"] as const;

export const DEFAULT_SCALESIM_DIR = "scalesim-out";
/** Above this many MACs a layer is refused by --engine rtl (minutes of simulation each). */
export const DEFAULT_RTL_MAX_MACS = 2 ** 27;

export const SYSTEM_DEFAULTS = { model: "llama2-7b", platform: "palm-wafer", batch: 1, seq: 2048, context: 2048 } as const;

/**
 * palm-wafer by default: like the Ascend 910B XY-Serve runs on, it is many cores (320 tiles, each
 * a 128 x 128 array with 3 MiB SRAM) sharing DRAM (14 channels, 3.5 TB/s) that the weights do not
 * fit beside, so decode streams weights and KV while prefill is compute-bound; and it is what
 * `tessera system` defaults to. The request rates load it to about 60-80% of what it serves
 * (measured at overload: coding saturates near 50 requests/s under xy and 38 under the baseline,
 * compute-bound on prefill; conversation near 17 and 15, bound by reading KV during decode).
 */
export const SERVE_SIM_DEFAULTS = {
  trace: "coding", platform: "palm-wafer", model: "llama2-7b", budget: 4096, scheduler: "xy", requests: 500, seed: 1,
  rate: { coding: 30, conversation: 10 } as Record<TraceKind, number>,
} as const;

export const MOBILE_DEFAULTS = { model: "mixtral-8x7b", tokens: 64, seed: 1, gpu: DEFAULT_GPU, hidden: DEFAULT_REDUCED_HIDDEN } as const;

/**
 * palm-wafer by default: 320 TBUs in 20 clusters of 4 x 4, a wafer of the size Octopus's
 * wafer-scale experiments target. 100 instances at 100 per ms arrive over about a millisecond,
 * which keeps the TBUs about half busy under Octopus on the generated graphs: enough
 * concurrent instances for the schedulers to differ, not so many that both only queue.
 */
export const OCTOPUS_DEFAULTS = { graph: "agent", platform: "palm-wafer", scheduler: "octopus" as SchedulerName, instances: 100, rate: 100, seed: 1 } as const;

export const WAVEDIFF_DEFAULT_CLOCK = "clk";
export const WAVEDIFF_DEFAULT_MAX = 10;

/** Parse "--shard i/n" (0 <= i < n). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new UsageError(`--shard '${text}': expected i/n with 0 <= i < n, e.g. --shard 0/4`);
  return { index: Number(m[1]), count: Number(m[2]) };
}
