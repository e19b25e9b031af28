/**
 * What the meta-attention unit's waveforms open on: the job port (tile start, rows, KV length,
 * drafts), each pipeline stage's state with the row, bank and running max / sum it works on
 * (QK, softmax, SV, and the 4-stage pipeline's split merge), and the output rows.
 */
import type { WaveView } from "../../sim/waves/gtkw.js";

export function metaAttentionView(pipeline: number): WaveView {
  return {
    groups: [
      { name: "jobs", signals: ["start", "t_start", "t_rows", "t_kv", "t_spec", "busy", "done"] },
      { name: "QK stage", signals: ["qk_state", "a_row", "a_bank", "a_lo", "a_j", "a_hi", "a_max"] },
      { name: "softmax stage", signals: ["softmax_state", "b_row", "b_bank", "b_off", "b_len", "b_max", "b_sum"] },
      { name: "SV stage", signals: ["sv_state", "c_row", "c_bank", "c_off", "c_recip", "sv_acc_0"] },
      ...(pipeline === 4 ? [{ name: "split merge stage", signals: ["update_state", "d_row", "d_bank"] }] : []),
      { name: "output", signals: ["o_valid", "o_row", "o_data_*"] },
      { name: "work", signals: ["keys", "masked"], closed: true },
    ],
  };
}
