/**
 * Driving the SPEQ decoder (src/hw/speq/decoder.ts) from the testbench, tests and bench: the
 * model's tensors as the array's weight image, the embedding table, the prompt, and one run
 * (start, wait for done, read the counters and the emitted tokens).
 */
import { DEFAULT_SPEQ, encode, type SpeqModel, type SpeqTensor } from "../../golden/speq.js";
import { type SpeqDecoderParams, DEFAULT_SPEQ_DECODER } from "../../hw/speq/decoder.js";
import type { Simulator } from "../../sim/index.js";
import { writeWords } from "../harness.js";
import { speqArrayImage } from "./array-drive.js";

/** The model's GEMV tensors in the array's order (layers, then the head), SPEQ-encoded. */
export function speqModelTensors(model: SpeqModel): SpeqTensor[] {
  return [...model.layers, model.head].map((M) => encode(M.flat(), DEFAULT_SPEQ));
}

/** Decoder parameters for a model (its tensors' scales) and an array shape. */
export function speqDecoderParamsFor(model: SpeqModel, shape: Partial<Omit<SpeqDecoderParams, "tops" | "hidden" | "layers" | "vocab">> = {}): SpeqDecoderParams {
  const { hidden, layers, vocab } = model.config;
  return { ...DEFAULT_SPEQ_DECODER, ...shape, hidden, layers, vocab, tops: speqModelTensors(model).map((t) => t.top), config: DEFAULT_SPEQ };
}

/** Weights by backdoor (before reset, so co-simulation starts the Verilog from them). */
export function loadSpeqModel(sim: Simulator, model: SpeqModel, p: SpeqDecoderParams): void {
  const tensors = speqModelTensors(model);
  const images = tensors.map((t, i) => speqArrayImage(t, { rows: i < p.layers ? p.hidden : p.vocab, cols: p.hidden, pes: p.pes, lanes: p.lanes, top: t.top, config: p.config }));
  for (let q = 0; q < p.pes; q++) {
    let da = 0, ra = 0;
    for (const img of images) {
      for (const v of img[q].draft) sim.writeMemory(`pe${q}.draft`, da++, v);
      for (const v of img[q].rest) sim.writeMemory(`pe${q}.rest`, ra++, v);
    }
  }
  model.embed.forEach((row, t) => row.forEach((v, d) => sim.writeMemory("embed", t * p.hidden + d, v)));
}

/** Write the prompt through the tok port, one token per cycle. */
export function writePrompt(sim: Simulator, prompt: readonly number[]): void {
  writeWords(sim, "tok_", prompt.map((data, addr) => ({ addr, data })));
}

export interface DecodeRun {
  readonly tokens: number[];
  /** Cycles from the start edge to done (inclusive). */
  readonly cycles: number;
  readonly passes: number;
  readonly drafted: number;
  readonly accepted: number;
  readonly rolledBack: number;
  readonly weightBytes: number;
}

/**
 * One decode: start with gamma (0 = the baseline), wait for done (at most `limit` cycles), read
 * the counters and the emitted tokens (one per cycle).
 */
export function runDecode(sim: Simulator, promptLen: number, tokens: number, gamma: number, limit: number): DecodeRun {
  sim.poke("gamma", gamma);
  sim.poke("tokens", tokens);
  sim.poke("prompt_len", promptLen);
  sim.poke("start", 1);
  sim.step();
  sim.poke("start", 0);
  let cycles = 1;
  while (sim.peekNumber("done") !== 1) {
    if (cycles > limit) throw new Error(`speq decoder: no done within ${limit} cycles (gamma ${gamma}, ${tokens} tokens)`);
    sim.step();
    cycles++;
  }
  const counters = {
    passes: sim.peekNumber("passes"), drafted: sim.peekNumber("drafted"), accepted: sim.peekNumber("accepted"),
    rolledBack: sim.peekNumber("rolled_back"), weightBytes: Number(sim.peek("weight_bytes")),
  };
  sim.step();
  const out: number[] = [];
  for (let i = 0; i < tokens; i++) {
    sim.poke("rd_addr", promptLen + i);
    out.push(sim.peekNumber("rd_tok"));
    sim.step();
  }
  return { tokens: out, cycles, ...counters };
}
