/**
 * Testbench `systolic`: one rows x cols array (output-, weight- or input-stationary) computing a
 * random m x n x k GEMM folded onto it, inside the GEMM engine (buffers, load/store units) with the
 * behavioural global memory. Checks C bit-exact, cycles == the analytic count, and global-memory
 * traffic == exactly the real elements (M*K + K*N read, M*N written).
 */
import { makeEngine } from "../../hw/systolic/engine.js";
import { geometry } from "../../hw/systolic/geometry.js";
import type { Testbench } from "../types.js";
import { runGemm } from "./gemm-run.js";
import { gemmEngineView } from "./waves.js";
import { COMMON_PARAMS, engineFromParams } from "./params.js";

export const systolicTb: Testbench = {
  name: "systolic",
  description: "rows x cols systolic array (os/ws/is) running an m x n x k GEMM folded onto it; C bit-exact, cycles == analytic, traffic == M*K+K*N read / M*N written",
  params: COMMON_PARAMS,
  design(params) {
    return makeEngine(engineFromParams(params, false).engine).module;
  },
  waves(params) {
    return gemmEngineView(engineFromParams(params, false).engine);
  },
  validate(params) {
    try {
      geometry(engineFromParams(params, false).engine);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },
  async run(opts) {
    return (await runGemm(this.name, engineFromParams(opts.params, false), opts.params, opts)).result;
  },
};
