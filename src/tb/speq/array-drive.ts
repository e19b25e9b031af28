/**
 * Driving the SPEQ PE array (src/hw/speq/array.ts) from tests and the testbench: random SPEQ
 * tensors within the 16-binade window, activations with the binary16 edge values mixed in, the
 * backdoor weight image (each PE's slice of golden speqLayout), activation writes through the
 * x port, and one pass with a per-cycle check of the control outputs and the golden y.
 */
import { DEFAULT_SPEQ, decodeDraftNibble, decodeFullWord, encode, speqLayout, type SpeqConfig, type SpeqTensor } from "../../golden/speq.js";
import { dotF16 } from "../../golden/fp16.js";
import { type SpeqArrayParams, speqArrayBytes, speqArrayCycles } from "../../hw/speq/array.js";
import type { Simulator } from "../../sim/index.js";
import { Checker, randInt, writeWords } from "../harness.js";

/** Binary16 edge activations: +-0, smallest/largest subnormal, 1, largest finite, +-Inf, NaN. */
export const X_EDGES = [0x0000, 0x8000, 0x0001, 0x83ff, 0x3c00, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00];

/** rows x cols random binary16 weights in the 16 binades [top - 15, top] (some zeros), encoded with `config` (the design's). */
export function randomSpeqTensor(r: () => number, rows: number, cols: number, top: number, config: SpeqConfig = DEFAULT_SPEQ): SpeqTensor {
  const lo = Math.max(top - 15, 0);
  const w = Array.from({ length: rows * cols }, () => {
    const sign = r() < 0.5 ? 0x8000 : 0;
    if (r() < 0.08) return sign;
    return sign | (randInt(r, lo, top) << 10) | randInt(r, 0, 1023);
  });
  w[randInt(r, 0, w.length - 1)] = (top << 10) | randInt(r, 0, 1023); // the tensor's scale is `top`
  const t = encode(w, config);
  if (t.top !== top) throw new Error(`randomSpeqTensor: top ${t.top} != ${top}`);
  return t;
}

/**
 * Finite activations of moderate size (exponent field 12..18), so no product dominates a row and
 * no NaN/Inf masks a change: what the mutant checks need to see every weight.
 */
export function moderateX(r: () => number, cols: number): number[] {
  return Array.from({ length: cols }, () => (r() < 0.5 ? 0x8000 : 0) | (randInt(r, 12, 18) << 10) | randInt(r, 0, 1023));
}

/** Random activations, `edgeRate` of them from X_EDGES. */
export function randomX(r: () => number, cols: number, edgeRate: number): number[] {
  return Array.from({ length: cols }, () => (r() < edgeRate ? X_EDGES[randInt(r, 0, X_EDGES.length - 1)] : randInt(r, 0, 0xffff)));
}

/** The golden outputs of both modes. */
export function speqArrayGolden(t: SpeqTensor, rows: number, cols: number, x: readonly number[], draft: boolean): number[] {
  return Array.from({ length: rows }, (_, i) => {
    const row = t.words.slice(i * cols, (i + 1) * cols);
    return dotF16(row.map((w) => (draft ? decodeDraftNibble(w >> 12, t.top, t.config) : decodeFullWord(w, t.top, t.config))), x);
  });
}

/** Per PE: its draft words (lanes nibbles, first in the MSBs) and remainder pairs, from speqLayout. */
export function speqArrayImage(t: SpeqTensor, p: SpeqArrayParams): { draft: bigint[]; rest: number[] }[] {
  const L = speqLayout(t), n = (p.rows / p.pes) * p.cols, bpw = p.lanes / 2;
  return Array.from({ length: p.pes }, (_, q) => {
    const b0 = (q * n) / 2; // the PE's first draft byte = its first remainder pair
    const draft = Array.from({ length: n / p.lanes }, (_, k) => {
      let v = 0n; // lanes 16 is a 64-bit word: bigint, not a double
      for (let i = 0; i < bpw; i++) v = (v << 8n) | BigInt(L.draft[b0 + k * bpw + i]);
      return v;
    });
    const rest = Array.from({ length: n / 2 }, (_, k) => (L.rest[3 * (b0 + k)] << 16) | (L.rest[3 * (b0 + k) + 1] << 8) | L.rest[3 * (b0 + k) + 2]);
    return { draft, rest };
  });
}

export function loadWeights(sim: Simulator, t: SpeqTensor, p: SpeqArrayParams): void {
  speqArrayImage(t, p).forEach((img, q) => {
    img.draft.forEach((v, a) => sim.writeMemory(`pe${q}.draft`, a, v));
    img.rest.forEach((v, a) => sim.writeMemory(`pe${q}.rest`, a, v));
  });
}

/** x through the write port, one element per cycle; returns the cycles. */
export function writeX(sim: Simulator, x: readonly number[]): number {
  return writeWords(sim, "x_", x.map((data, addr) => ({ addr, data })));
}

export interface PassResult {
  readonly y: number[];
  readonly bytes: number;
  readonly cycles: number;
}

/**
 * One pass: start, then every cycle check busy and done against the stated timing, then the byte
 * counter against the exact count, then read and check every y against `want`, one row per cycle.
 */
export function runPass(sim: Simulator, p: SpeqArrayParams, draft: boolean, want: readonly number[], ck: Checker): PassResult {
  const tag = draft ? "draft" : "verify";
  sim.poke("mode", draft ? 1 : 0);
  sim.poke("start", 1);
  sim.step();
  sim.poke("start", 0);
  const total = speqArrayCycles(p, draft);
  for (let c = 1; c <= total; c++) {
    ck.equal(`${tag} cycle ${c}: done`, sim.peekNumber("done"), c === total ? 1 : 0);
    ck.equal(`${tag} cycle ${c}: busy`, sim.peekNumber("busy"), c < total ? 1 : 0);
    if (c < total) sim.step();
  }
  const bytes = Number(sim.peek("bytes"));
  ck.equal(`${tag} bytes`, bytes, speqArrayBytes(p, draft));
  // One row per cycle, so co-simulation compares every y_data too.
  const y = want.map((w, r) => {
    sim.poke("y_addr", r);
    const got = Number(sim.peek("y_data"));
    ck.equal(`${tag} y[${r}]`, got, w >>> 0);
    sim.step();
    return got;
  });
  return { y, bytes, cycles: total };
}
