/**
 * Testbench `speq-decode`: speculative decoding on SPEQ's reconfigurable array, lossless, against
 * running every token through the full-precision model on the same array.
 *
 * The small language model (golden makeSpeqModel: seeded random binary16 weights, `layers` layers
 * of hidden x hidden GEMV + relu + residual, an LM head over `vocab` tokens, greedy argmax) is
 * stored once as SPEQ words in the PE array (src/hw/speq/decoder.ts). The same design runs twice
 * on the same prompt: gamma = 0, the baseline (every token one full-precision forward), and the
 * speculation controller with draft length `gamma` (gamma draft-mode forwards on the 4-bit
 * nibbles, one verify-mode forward over the gamma + 1 positions per `lanes`, accept the longest
 * matching prefix plus the target's token, roll back the rest).
 *
 * Checked: both runs' tokens equal golden greedyDecode token for token (lossless); the run's
 * passes, drafted, accepted and rolled-back counts equal golden speculativeDecode's; cycles and
 * weight bytes of both runs equal src/golden/speq-decode-timing.ts exactly; tokens per pass lie in
 * [1, gamma + 1].
 * Metrics: acceptanceRate (accepted / drafted), tokensPerPass, cycles and baselineCycles, speedup
 * (baseline / speculative cycles), weightBytes and baselineBytes, byteRatio, passes, drafted,
 * accepted, rolledBack.
 */
import { greedyDecode, makeSpeqModel, speculativeDecode } from "../../golden/speq.js";
import { speqDecodeBytes, speqDecodeCycles } from "../../golden/speq-decode-timing.js";
import { DEFAULT_SPEQ_DECODER, type SpeqDecoderParams, checkSpeqDecoderParams, makeSpeqDecoder } from "../../hw/speq/decoder.js";
import { Checker, openSim, randInt, rng } from "../harness.js";
import type { Params, TbResult, Testbench } from "../types.js";
import { loadSpeqModel, runDecode, speqDecoderParamsFor, writePrompt } from "./decode-drive.js";
import { speqDecodeView } from "./waves.js";

/** The prompt: the `prompt` list, or `promptLen` tokens drawn from the run's seed. */
export function speqPrompt(params: Params, r?: () => number): number[] {
  const text = String(params.prompt).trim();
  if (text === "") {
    if (!r) return Array.from({ length: Number(params.promptLen) }, () => 0);
    return Array.from({ length: Number(params.promptLen) }, () => randInt(r, 0, Number(params.vocab) - 1));
  }
  return text.split(/[\s,]+/).map((t) => Number(t));
}

function promptProblem(params: Params): string | undefined {
  const text = String(params.prompt).trim();
  if (text === "") return undefined;
  const toks = text.split(/[\s,]+/);
  const bad = toks.find((t) => !/^\d+$/.test(t) || Number(t) >= Number(params.vocab));
  if (bad !== undefined) return `prompt: '${bad}' is not a token id 0..${Number(params.vocab) - 1}; give comma-separated ids below vocab (or leave it empty for promptLen random tokens)`;
  if (toks.length > 1024) return `prompt: ${toks.length} tokens; give at most 1024`;
  return undefined;
}

function decoderParams(params: Params) {
  const model = makeSpeqModel({ vocab: Number(params.vocab), hidden: Number(params.hidden), layers: Number(params.layers), seed: Number(params.modelSeed) });
  const gamma = Number(params.gamma), promptLen = speqPrompt(params).length;
  const p: SpeqDecoderParams = speqDecoderParamsFor(model, {
    pes: Number(params.pes), lanes: Number(params.lanes), maxGamma: gamma, maxLen: promptLen + Number(params.tokens) + gamma,
  });
  return { model, p };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export const speqDecodeTb: Testbench = {
  name: "speq-decode",
  description: "SPEQ speculative decoding on the reconfigurable array: a small LM drafts with the 4-bit nibbles of its own FP16 weights and verifies gamma+1 tokens per pass; lossless vs golden greedy decode, cycles and weight bytes vs the full-precision baseline on the same array",
  params: [
    { name: "hidden", description: "hidden size H (multiple of lanes and of pes)", type: "int", default: DEFAULT_SPEQ_DECODER.hidden, min: 2, max: 1024, verify: { min: 4, max: 32 } },
    { name: "layers", description: "layers of hidden x hidden GEMV + relu + residual", type: "int", default: 2, min: 1, max: 16, verify: { min: 1, max: 3 } },
    { name: "vocab", description: "vocabulary (LM head rows; multiple of pes)", type: "int", default: DEFAULT_SPEQ_DECODER.vocab, min: 2, max: 4096, verify: { min: 4, max: 48 } },
    { name: "gamma", description: "draft length: tokens drafted per verify pass", type: "int", default: 3, min: 1, max: 32, verify: { min: 1, max: 8 } },
    { name: "tokens", description: "tokens to generate", type: "int", default: 16, min: 1, max: 1024, verify: { min: 1, max: 12 } },
    { name: "prompt", description: "prompt token ids, comma-separated (empty: promptLen tokens drawn from --seed)", type: "string", default: "" },
    { name: "promptLen", description: "length of the random prompt when prompt is empty", type: "int", default: 4, min: 1, max: 1024, verify: { min: 1, max: 6 } },
    { name: "modelSeed", description: "seed of the model's random weights", type: "int", default: 1, min: 0, max: 2 ** 31 - 1 },
    { name: "pes", description: "PEs of the array (each owns rows / pes rows of every tensor)", type: "int", default: DEFAULT_SPEQ_DECODER.pes, min: 1, max: 64, verify: { min: 1, max: 4 } },
    { name: "lanes", description: "lanes per PE (power of two): draft columns per cycle, verify positions per weight fetch", type: "int", default: DEFAULT_SPEQ_DECODER.lanes, min: 2, max: 16, verify: { min: 2, max: 8 } },
  ],

  // Icarus runs this design at ~500 cycles/s: a quarter-size model keeps its co-simulation under a minute.
  eventSimParams: { hidden: 32, vocab: 32, tokens: 8 },

  waves() {
    return speqDecodeView();
  },

  design(params) {
    return makeSpeqDecoder(decoderParams(params).p);
  },

  validate(params) {
    const bad = promptProblem(params);
    if (bad) return bad;
    const H = Number(params.hidden), V = Number(params.vocab), pes = Number(params.pes), lanes = Number(params.lanes);
    if (H % lanes !== 0 || H % pes !== 0) return `hidden = ${H} must be a multiple of lanes = ${lanes} and of pes = ${pes} (each PE owns hidden / pes rows; a row is read lanes columns at a time)`;
    if (V % pes !== 0) return `vocab = ${V} must be a multiple of pes = ${pes} (each PE owns vocab / pes rows of the head)`;
    if ((lanes & (lanes - 1)) !== 0) return `lanes = ${lanes} must be a power of two (2, 4, 8, 16)`;
    const len = speqPrompt(params).length + Number(params.tokens) + Number(params.gamma);
    if (len > 4096) return `prompt + tokens + gamma = ${len} exceeds the sequence capacity 4096; shorten the prompt or generate fewer tokens`;
    try {
      checkSpeqDecoderParams(decoderParams(params).p);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const bad = this.validate!(params);
    if (bad) throw new Error(`speq-decode: ${bad}`);
    const { model, p } = decoderParams(params);
    const prompt = speqPrompt(params, rng(seed));
    const gamma = Number(params.gamma), T = Number(params.tokens);
    const check = new Checker();
    const greedy = greedyDecode(model, prompt, T);
    const spec = speculativeDecode(model, prompt, T, gamma);
    check.ok(`golden speculative tokens ${spec.tokens.join(",")} == greedy ${greedy.join(",")}`, spec.tokens.join(",") === greedy.join(","));
    spec.perPass.forEach((n, i) => check.ok(`golden pass ${i}: ${n} tokens within [1, gamma + 1 = ${gamma + 1}]`, n >= 1 && n <= gamma + 1));
    const base = { gamma: 0, tokens: T, passes: 0, rolledBack: 0 };
    const specCounts = { gamma, tokens: T, passes: spec.passes, rolledBack: spec.rolledBack };
    const baseCycles = speqDecodeCycles(p, prompt.length, base), specCycles = speqDecodeCycles(p, prompt.length, specCounts);
    const sim = openSim(() => makeSpeqDecoder(p), opts); // the model is built once per run, not again by design()
    let b, s;
    try {
      loadSpeqModel(sim, model, p); // backdoor before reset: co-simulation starts the Verilog from it
      sim.reset();
      writePrompt(sim, prompt);
      b = runDecode(sim, prompt.length, T, 0, 2 * baseCycles + 100);
      s = runDecode(sim, prompt.length, T, gamma, 2 * specCycles + 100);
    } finally {
      sim.close();
    }
    b.tokens.forEach((t, i) => check.equal(`baseline token ${i}`, t, greedy[i]));
    s.tokens.forEach((t, i) => check.equal(`speculative token ${i} (lossless)`, t, greedy[i]));
    check.equal("baseline cycles", b.cycles, baseCycles);
    check.equal("baseline weight bytes", b.weightBytes, speqDecodeBytes(p, base));
    check.equal("speculative cycles", s.cycles, specCycles);
    check.equal("speculative weight bytes", s.weightBytes, speqDecodeBytes(p, specCounts));
    check.equal("verify passes", s.passes, spec.passes);
    check.equal("drafted", s.drafted, spec.drafted);
    check.equal("accepted", s.accepted, spec.accepted);
    check.equal("rolled back", s.rolledBack, spec.rolledBack);
    check.ok(`tokens per pass ${T}/${s.passes} within [1, gamma + 1]`, s.passes >= 1 && T <= s.passes * (gamma + 1) && T >= s.passes);
    return check.result(this.name, sim.cycle, seed, params, {
      acceptanceRate: round(s.accepted / Math.max(s.drafted, 1)),
      tokensPerPass: round(T / s.passes),
      cycles: s.cycles,
      baselineCycles: b.cycles,
      speedup: round(b.cycles / s.cycles),
      weightBytes: s.weightBytes,
      baselineBytes: b.weightBytes,
      byteRatio: round(b.weightBytes / s.weightBytes),
      passes: s.passes,
      drafted: s.drafted,
      accepted: s.accepted,
      rolledBack: s.rolledBack,
      tokens: s.tokens.join(","),
    });
  },
};
