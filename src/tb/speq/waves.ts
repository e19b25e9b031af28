/**
 * What the SPEQ units' waveforms open on: the FP16/FP32 operator bank's operands and results and
 * its MAC's accumulator; the reconfigurable array's pass (mode: draft reads the quantized top
 * bits, verify the full weights), PE 0's weight fetch and accumulators; the decoder's controller,
 * pass kind and the draft / accept / roll-back counts that make speculative decoding lossless.
 */
import type { WaveGroup, WaveView } from "../../sim/waves/gtkw.js";

/** PE 0 of a reconfigurable array: its weight reads (draft bits, the rest) and its first lane. */
const pe0: WaveGroup = {
  name: "PE 0: weight fetch, lane 0",
  signals: ["pe0.draft_en", "pe0.draft_addr", "pe0.rest_en", "pe0.rest_addr", "pe0.draft_w0", "pe0.full_w", "pe0.x0", "pe0.prod0", "pe0.acc0", "pe0.sum0"],
};

export function fp16View(): WaveView {
  return {
    groups: [
      { name: "operands", signals: ["a", "b", "c", "d", "x", "y"] },
      { name: "results", signals: ["mul_y", "xmul_y", "add16_y", "add32_y", "gt_y", "h2f_y", "f2h_y"] },
      { name: "MAC", signals: ["in_valid", "in_first", "in_last", "w", "mac.prod", "mac.acc", "out_valid", "out_sum"] },
    ],
  };
}

export function speqArrayView(): WaveView {
  return {
    groups: [
      { name: "pass", signals: ["start", "mode", "busy", "done", "issuing", "row", "col", "bytes"] },
      { name: "activations in, results out", signals: ["x_in0", "y_row", "y_addr", "y_data"] },
      pe0,
    ],
  };
}

export function speqDecodeView(): WaveView {
  return {
    groups: [
      { name: "decoder", signals: ["start", "busy", "done", "ctrl_state", "kind", "layer", "draft_i", "committed", "out", "prefilling"] },
      { name: "speculation", signals: ["gamma_r", "passes", "drafted", "accepted", "rolled_back", "emitted", "accept_a", "argmax0"] },
      { name: "array pass", signals: ["issuing", "mode_r", "row", "col", "x_in0", "y_row"] },
      { ...pe0, closed: true },
      { name: "lane 0: hidden state update", signals: ["lane0.e", "lane0.s", "lane0.h_old", "lane0.z", "lane0.h", "lane0.best", "lane0.gt"], closed: true },
      { name: "weight traffic", signals: ["weight_bytes"], closed: true },
    ],
  };
}
