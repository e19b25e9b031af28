/**
 * Record a trace from a cycle simulator (Tessera's, through a three-method interface, so this
 * file does not depend on src/sim) under the same sampling contract as the co-simulation
 * harnesses (cosim.ts): per cycle, poke the input row, peek every output (pre), step one cycle
 * of the default domain, peek every output (post).
 *
 *   const sim = simulate(top);
 *   const ours = recordTrace({ poke: (n, v) => sim.poke(n, v), peek: (n) => sim.peek(n), step: () => sim.step() }, spec, rows);
 *   const bad = compareTraces(ours, await runCosim(spec, rows, { sim: "verilator" }));
 */
import type { CosimSpec } from "./cosim-spec.js";
import type { Stimulus, Trace } from "./cosim.js";

export interface CycleSimulator {
  /** Set a top-level input (or a domain reset) by its Tessera name. */
  poke(name: string, v: bigint): void;
  /** Read a top-level output by its Tessera name (signed values negative). */
  peek(name: string): bigint;
  /** Advance one cycle of the default domain (not called for designs without a clock). */
  step(): void;
}

/** Trace of `stimulus` (array or generator form) run through `sim`. */
export function recordTrace(sim: CycleSimulator, spec: CosimSpec, stimulus: Exclude<Stimulus, { file: string }>): Trace {
  const cycles = "row" in stimulus ? stimulus.cycles : stimulus.length;
  const row = "row" in stimulus ? (c: number) => stimulus.row(c) : (c: number) => (stimulus as readonly (readonly bigint[])[])[c];
  const ins = spec.inputs.map((p) => p.hdlName ?? p.name);
  const outs = spec.outputs.map((p) => p.hdlName ?? p.name);
  const pre: bigint[][] = [];
  const post: bigint[][] = [];
  for (let c = 0; c < cycles; c++) {
    const r = row(c);
    r.forEach((v, k) => sim.poke(ins[k], v));
    pre.push(outs.map((o) => sim.peek(o)));
    if (spec.clocks.length) sim.step();
    post.push(outs.map((o) => sim.peek(o)));
  }
  return { outputs: spec.outputs.map((p) => p.name), pre, post };
}
