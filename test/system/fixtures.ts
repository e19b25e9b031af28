/** Small models and platforms for the system-run tests (run.test.ts, train.test.ts). */
import { platformPreset, type Platform } from "../../src/system/platform/index.js";
import type { LinkSpec } from "../../src/system/platform/types.js";
import type { TransformerSpec } from "../../src/system/workload/model.js";

export const tiny = platformPreset("tiny-2x2");

/** A small transformer for runs on small platforms; with `moe`, layers from 1 on have 8 experts, top-2, and a shared one. */
export function smallModel(layers: number, moe = false): TransformerSpec {
  return {
    name: "small", hidden: 64, heads: 4, kvHeads: 2, headDim: 16, ffn: 128, layers, precision: "fp16",
    ...(moe ? { moe: { experts: 8, topK: 2, expertFfn: 32, sharedExperts: 1, denseLayers: 1 } } : {}),
  };
}

/**
 * dies x dies dies of tiny-2x2's tiles, with `sramBytes` of SRAM (small enough, and big models
 * stream their weights), and, if given, one link spec for every link (tiny-2x2's otherwise).
 */
export function grid(dies: number, sramBytes: number, link?: LinkSpec): Platform {
  const links = link ? { intraDie: link, interDie: link } : tiny.links;
  return { ...tiny, name: "grid", dies: { x: dies, y: dies }, tile: { ...tiny.tile, sramBytes }, links };
}
