/**
 * What the MCBP units' waveforms open on: the bit-slice encoder's slices, the BSTC encoder's
 * state and the words it writes, a decoder lane's state and the patterns it delivers; the BRCR
 * engine's load / compute / reduce phases and one converter and merge unit; BGPP's rounds with
 * their running max and the keys each round keeps. The GEMM shows the codec and engine together.
 */
import { underInstance, type WaveGroup, type WaveView } from "../../sim/waves/gtkw.js";

/** The codec (mcbp_bstc): bit-slice encoder, BSTC encoder, decoder lane 0. */
function codecGroups(): WaveGroup[] {
  return [
    { name: "bit-slice encoder", signals: ["w_valid", "w_last", "w_*", "plane", "bs_valid", "bs_sign", "bs_plane_*", "bs_bad"] },
    { name: "BSTC encoder", signals: ["enc_start", "enc_busy", "enc_done", "benc.ctrl_state", "benc.col", "benc.grp", "benc.seg", "benc.bit_addr", "word_valid", "word_addr", "word_data", "seg_valid", "seg_index", "seg_start", "total_bits"] },
    { name: "decoder lane 0", signals: ["dec.lane0.ctrl_state", "dec.lane0.rd_addr", "dec.lane0.k", "dec.lane0.code", "dec.lane0.pat_valid", "dec.lane0.pat_ready", "dec.lane0.pat_data", "dec.lane0.pat_col", "dec.lane0.pat_group", "dec.lane0.pat_last"] },
  ];
}

/** The repetition-aware engine (brcr_engine): phases, the pattern stream, unit 0, results. */
function brcrGroups(): WaveGroup[] {
  return [
    { name: "control", signals: ["start", "busy", "done", "ld_active", "s_active", "ru_active", "ld_plane", "cp_plane", "ld_tile", "cp_group"] },
    { name: "patterns in", signals: ["pat_valid", "pat_ready", "pat_mag", "pat_sign", "pat_last", "pat_err"] },
    { name: "CAM search", signals: ["s_half", "s_key", "key_done", "cam.rd_key", "cam.wr_en", "cam.wr_word", "cam.wr_bit"] },
    { name: "converter 0 and merge unit 0", signals: ["conv_0.valid", "conv_0.index", "conv_0.left", "merge_0.en", "merge_0.key", "merge_0.amu_sum"] },
    { name: "reduction and output", signals: ["ru_row", "ru_half", "ru_final", "acc_valid", "acc_row", "acc_data_*"] },
    { name: "work", signals: ["merge_adds", "recon_adds", "cycles"], closed: true },
  ];
}

export function bstcView(): WaveView {
  return { groups: codecGroups() };
}

export function brcrView(): WaveView {
  return { groups: brcrGroups() };
}

export function bgppView(): WaveView {
  return {
    groups: [
      { name: "control", signals: ["start", "busy", "done", "ctrl_state", "round", "step", "plane_base"] },
      { name: "round", signals: ["round_valid", "round_idx", "round_max", "round_count", "round_gated", "most_alive", "clip_gated"] },
      { name: "keys kept", signals: ["ps_valid", "dec_valid", "dec_keep", "mask_addr", "mask_data"] },
      { name: "partial scores", signals: ["key_*", "score_*"], closed: true },
      { name: "traffic", signals: ["k_bits_fetched"], closed: true },
    ],
  };
}

/** The GEMM: its sequencer, then the codec and the engine under their instances. */
export function mcbpGemmView(): WaveView {
  return {
    groups: [
      { name: "sequencer", signals: ["plane", "plane_start", "raw_capture", "src_raw", "raw_sel", "cur_lane", "wptr", "rptr", "brcr_start", "brcr_busy", "brcr_done"] },
      ...underInstance("codec", codecGroups().slice(1), true),
      ...underInstance("brcr", brcrGroups(), true),
    ],
  };
}
