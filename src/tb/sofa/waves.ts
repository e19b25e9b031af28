/**
 * What the SOFA units' waveforms open on: each unit's handshake and controller state, the data it
 * streams out, and one slice of its datapath (a PE row of the DLZS array, one SADS segment, the
 * softmax passes, the SU-FA issuer and finaliser); the attention pipeline adds each stage's phase.
 */
import { underInstance, type WaveGroup, type WaveView } from "../../sim/waves/gtkw.js";

/** Leading-zero prediction array: mode, tile control, the output row, PE row 0's accumulators. */
function dlzsGroups(): WaveGroup[] {
  return [
    { name: "control", signals: ["start", "mode", "tile", "busy", "done", "ctrl_state", "step", "blk", "capture"] },
    { name: "output row", signals: ["out_valid", "out_row", "out_col", "out_data_*", "out_mask_*"] },
    { name: "PE row 0: leading zeros, accumulators", signals: ["array.pe_r0_c*.lz", "array.pe_r0_c*.acc"], closed: true },
    { name: "work", signals: ["shift_adds", "zero_skips"], closed: true },
  ];
}

/** Distributed top-k sorter: the write stream, segment 0's sort core, the read-out. */
function sadsGroups(): WaveGroup[] {
  return [
    { name: "control", signals: ["start", "bank", "nrows", "busy", "done"] },
    { name: "scores in", signals: ["in_we", "in_bank", "in_row", "in_col", "in_data_*"] },
    { name: "segment 0", signals: ["seg0.running", "seg0.row", "seg0.c", "seg0.feed", "seg0.n_sorted", "seg0.n_clipped", "seg0.last_key"] },
    { name: "top-k read-out", signals: ["rd_bank", "rd_row", "rd_seg", "rd_slot", "rd_valid", "rd_index", "rd_value"] },
    { name: "counts", signals: ["sorted", "clipped", "scans"], closed: true },
  ];
}

/** SU-FA: the issuer walking the sorted keys, the running max and sum, the finaliser, outputs. */
function sufaGroups(): WaveGroup[] {
  return [
    { name: "control", signals: ["start", "bank", "tile", "busy", "done", "issuer_state", "qi", "sj", "slot"] },
    { name: "sorted key stream", signals: ["rd_bank", "rd_row", "rd_seg", "rd_slot", "rd_valid", "rd_index", "rd_value"] },
    { name: "running max and sum", signals: ["m_run", "have_m", "rises", "l_acc", "o_acc_0"] },
    { name: "finaliser and output", signals: ["finaliser_state", "fin_row", "o_valid", "o_row", "o_data_*"] },
    { name: "operation counts", signals: ["keys", "exps", "muls", "adds", "rescales", "tile_rescales"], closed: true },
  ];
}

export function dlzsView(): WaveView {
  return { groups: dlzsGroups() };
}

export function sortView(): WaveView {
  return { groups: sadsGroups() };
}

/** SU-FA under its harness (sufa-drive.ts), where the unit is the instance `dut`. */
export function sufaView(): WaveView {
  return { groups: underInstance("dut", sufaGroups()) };
}

export function softmaxView(): WaveView {
  return {
    groups: [
      { name: "control", signals: ["start", "busy", "done", "pass_state", "addr"] },
      { name: "scores in", signals: ["x_we", "x_lane", "x_addr", "x_data"] },
      { name: "max, sum, reciprocal", signals: ["max", "sum", "recip", "recip_unit.running", "recip_unit.bit"] },
      { name: "probabilities out", signals: ["y_valid", "y_index", "y_data_*", "y_mask_*"] },
      { name: "exp units", signals: ["exp_*.d", "exp_*.exp_mant"], closed: true },
    ],
  };
}

/** The whole attention pipeline: its phase, each stage's controller, the outputs. */
export function attentionView(): WaveView {
  return {
    groups: [
      { name: "pipeline", signals: ["go", "phase_state", "khat_tile", "khat_done", "dlzs_bank", "sufa_tile", "finished"] },
      { name: "stage handshakes", signals: ["ctl.start_*", "ctl.done_*", "ctl.in_flight_*"] },
      { name: "stages", signals: ["dlzs.ctrl_state", "dlzs.busy", "sads.busy", "sufa.issuer_state", "sufa.finaliser_state"] },
      { name: "output", signals: ["o_valid", "o_query", "o_data_*"] },
      { name: "stage occupancy", signals: ["busy_cycles_*", "stall_cycles_*"], closed: true },
    ],
  };
}
