/**
 * Testbench `gemm-tiled`: several systolic arrays (cores) sharing on-chip A/B/C buffers; the GEMM
 * is cut into tileM x tileN output tiles, sorted by cost and dealt to the cores in symmetric
 * round-robin (XY-Serve). Checks as `systolic`, plus each core's busy cycles and tile count against
 * the golden schedule; reports the per-core load.
 */
import { makeEngine } from "../../hw/systolic/engine.js";
import { geometry } from "../../hw/systolic/geometry.js";
import type { Testbench } from "../types.js";
import { runGemm } from "./gemm-run.js";
import { gemmEngineView } from "./waves.js";
import { COMMON_PARAMS, TILED_PARAMS, engineFromParams, withDefaults } from "./params.js";

export const gemmTiledTb: Testbench = {
  name: "gemm-tiled",
  description: "tiled GEMM on several systolic arrays with virtual padding and symmetric round-robin tile scheduling; per-core load, cycles == analytic",
  // Defaults: 4 cores of 4x4 on a 40 x 36 x 24 GEMM in 16 x 16 tiles — 9 tiles of 4 different
  // costs, so the symmetric round-robin has something to balance.
  params: withDefaults([...COMMON_PARAMS, ...TILED_PARAMS], { rows: 4, cols: 4, m: 40, n: 36, k: 24 }),
  design(params) {
    return makeEngine(engineFromParams(params, true).engine).module;
  },
  waves(params) {
    return gemmEngineView(engineFromParams(params, true).engine);
  },
  validate(params) {
    try {
      geometry(engineFromParams(params, true).engine);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },
  async run(opts) {
    return (await runGemm(this.name, engineFromParams(opts.params, true), opts.params, opts)).result;
  },
};
