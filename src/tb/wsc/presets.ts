/**
 * Wafer presets for `wsc-moe`: the MoEntwine wafer (8 x 8 B200-class dies, 900 GB/s die-to-die
 * links) and a 4 x 4 wafer for tests. The facts come from ../shared/reference/papers.md section 1
 * (d) (MoEntwine's setup, from a summary of the paper: each die ~ NVIDIA B200, 2250 TFLOPS BF16,
 * 180 GB HBM at 8 TB/s, die-to-die link 900 GB/s; 4 wafers of 8 x 8 dies, EP = 256, DeepSeek-V3
 * with 256 experts, top-8) and DeepSeek-V3's public config (hidden size 7168, BF16 activations:
 * 14336 bytes per token). One wafer holds 64 dies, so the 8 x 8 preset keeps E/D = 1 with 64
 * experts (a quarter of DeepSeek-V3's, as on each of the paper's four wafers).
 *
 * Time: a link moves one flit per cycle, so one cycle is flitBytes / linkGBps nanoseconds
 * (GB/s = bytes/ns); nsPerCycle converts the testbench's cycles.
 * Not in the presets: expertBytes. A whole DeepSeek-V3 expert is ~88 MB (3 x 7168 x 2048 BF16),
 * copied over many layers' phases; the parameter is the share one layer's phases carry.
 */
import type { Params } from "../types.js";
import type { WscMoeConfig } from "./params.js";

/** The testbench parameters a preset sets (see presetParams), and die facts. */
export interface WscPreset extends Pick<WscMoeConfig, "w" | "h" | "bw" | "bh" | "experts" | "topk" | "bytesPerToken" | "flitBytes"> {
  readonly description: string;
  /** Die facts (not simulated; for converting cycles to time and for reports). */
  readonly linkGBps: number;
  readonly dieTflopsBf16: number;
  readonly hbmGB: number;
  readonly hbmTBps: number;
}

const B200_DIE = { linkGBps: 900, dieTflopsBf16: 2250, hbmGB: 180, hbmTBps: 8 } as const;

export const WSC_PRESETS: Readonly<Record<"moentwine-8x8" | "test-4x4", WscPreset>> = {
  "moentwine-8x8": {
    description: "one MoEntwine wafer: 8 x 8 B200-class dies, 2 x 2 FTDs, 64 experts top-8, DeepSeek-V3 tokens (7168 x BF16)",
    w: 8, h: 8, bw: 2, bh: 2, experts: 64, topk: 8, bytesPerToken: 14336, flitBytes: 512,
    ...B200_DIE,
  },
  "test-4x4": {
    description: "4 x 4 dies, 2 x 2 FTDs, 16 experts top-2, 256-byte tokens: the testbench defaults",
    w: 4, h: 4, bw: 2, bh: 2, experts: 16, topk: 2, bytesPerToken: 256, flitBytes: 64,
    ...B200_DIE,
  },
};

/** The testbench parameters a preset sets. */
export function presetParams(p: WscPreset): Params {
  const { w, h, bw, bh, experts, topk, bytesPerToken, flitBytes } = p;
  return { w, h, bw, bh, experts, topk, bytesPerToken, flitBytes };
}

/** Nanoseconds per simulated cycle: one flit of flitBytes per cycle on a linkGBps link. */
export function nsPerCycle(p: Pick<WscPreset, "flitBytes" | "linkGBps">): number {
  return p.flitBytes / p.linkGBps;
}
