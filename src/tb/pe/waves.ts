/**
 * What the GEMM engine's waveforms open on (systolic, gemm-tiled): the engine's phase and its
 * global-memory channels, each core's controller (state, fold counters, tile count), and a
 * diagonal of core 0's PEs: the accumulators of an output-stationary array, the partial sums and
 * stationary weights of a weight- or input-stationary one, where a wavefront is easy to follow.
 */
import { underInstance, type WaveGroup, type WaveView } from "../../sim/waves/gtkw.js";
import type { EngineParams } from "../../hw/systolic/params.js";

/** Paths below the harness top (gemm_tb), where the engine is the instance `engine`. */
export function gemmEngineView(e: Pick<EngineParams, "rows" | "cols" | "dataflow" | "cores">): WaveView {
  return { groups: underInstance("engine", engineGroups(e)) };
}

function engineGroups(e: Pick<EngineParams, "rows" | "cols" | "dataflow" | "cores">): WaveGroup[] {
  const diag = Array.from({ length: Math.min(e.rows, e.cols) }, (_, i) => `core0.array.pe_r${i}_c${i}`);
  const cores = Array.from({ length: e.cores }, (_, c) => c);
  const pes: WaveGroup =
    e.dataflow === "os"
      ? { name: "core0 PE diagonal: accumulators", signals: diag.map((pe) => `${pe}.acc`) }
      : { name: "core0 PE diagonal: partial sums, weights", signals: diag.flatMap((pe) => [`${pe}.psum_out`, `${pe}.w`]) };
  return [
      { name: "engine", signals: ["start", "done", "phase_state", "load_active", "load_block", "store_active", "store_block"] },
      { name: "global memory", signals: ["gm_req_valid", "gm_req_ready", "gm_req_mat", "gm_req_row", "gm_req_col", "gm_resp_valid", "gm_wr_valid", "gm_wr_ready", "gm_wr_row", "gm_wr_col"] },
      ...cores.map((c) => ({
        name: `core${c} control`,
        signals: ["ctrl_state", "fold_m", "fold_n", "folds_m", "folds_n", "t", "capture", "tiles_done"].map((s) => `core${c}.${s}`),
        closed: c > 0,
      })),
      { name: "core0 array edges", signals: ["core0.array.west_r*", "core0.array.north_c*"], closed: true },
      pes,
  ];
}
