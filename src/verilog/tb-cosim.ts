/**
 * Co-simulate a registered testbench: run it on Tessera's simulator while recording, at every
 * cycle of the default domain, the value of every top-level input (the domain resets included)
 * and every output, then replay those inputs into Verilator or Icarus on the emitted Verilog and
 * compare every output every cycle. This is what `tessera cosim <tb>` runs.
 *
 * Recording hooks the simulator's tracer interface, so it sees testbenches written with the sync
 * API (poke/step) and with async processes alike: at the default clock's falling edge (inputs of
 * the coming edge applied, comb settled) it samples inputs and outputs ("pre"); after the rising
 * edge, the outputs again ("post"). With several clock domains, other domains' edges can fall
 * between those points, so only "post" values are compared there.
 *
 * Types are structural (no imports from src/sim or src/tb): the Verilog backend depends on the
 * HDL only.
 */
import type { Module } from "../hdl/module.js";
import { compareTraces, runCosim } from "./cosim.js";
import type { CosimSimulator, Trace, TraceMismatch } from "./cosim.js";
import { CosimSpec, specFromEmitted } from "./cosim-spec.js";
import { emitDesign } from "./emit.js";

interface ClockEvent {
  readonly domain: number;
  readonly level: 0 | 1;
}

/** What recording needs of a simulator (Tessera's Simulator has these). */
export interface TracingSimulator {
  peek(name: string): bigint;
  addTracer(t: { dump(time: number, sim: unknown, clocks: readonly ClockEvent[]): void; close(): void }): void;
}

/** What co-simulation needs of a testbench (the registry's Testbench has these). */
export interface CosimTestbench<P = Record<string, number | string | boolean>> {
  readonly name: string;
  design(params: P): Module;
  run(opts: { params: P; seed: number; cycles?: number; attach?: (sim: never) => void }): Promise<{ passed: boolean; failures: string[] }>;
}

export interface RecordedRun {
  readonly spec: CosimSpec;
  /** Input values per cycle, in spec.inputs order. */
  readonly rows: bigint[][];
  readonly ours: Trace;
  readonly passed: boolean;
  readonly failures: readonly string[];
}

/** Run `tb` on Tessera's simulator and record every input and output every cycle. */
export async function recordTestbench<P>(tb: CosimTestbench<P>, o: { params: P; seed: number; cycles?: number; periods?: Record<string, number> }): Promise<RecordedRun> {
  const spec = specFromEmitted(emitDesign(tb.design(o.params)), { periods: o.periods });
  const ins = spec.inputs.map((p) => p.hdlName ?? p.name);
  const outs = spec.outputs.map((p) => p.hdlName ?? p.name);
  const rows: bigint[][] = [], pre: bigint[][] = [], post: bigint[][] = [];
  let attached = false;
  const attach = (sim: TracingSimulator) => {
    attached = true;
    sim.addTracer({
      dump(_time, _s, clocks) {
        for (const c of clocks) {
          if (c.domain !== 0) continue;
          if (c.level === 0) {
            rows.push(ins.map((n) => sim.peek(n)));
            pre.push(outs.map((n) => sim.peek(n)));
          } else if (post.length < rows.length) {
            post.push(outs.map((n) => sim.peek(n)));
          }
        }
      },
      close() {},
    });
  };
  const r = await tb.run({ params: o.params, seed: o.seed, cycles: o.cycles, attach: attach as (sim: never) => void });
  if (!attached) throw new Error(`testbench '${tb.name}' did not call opts.attach(sim); it cannot be co-simulated`);
  // A sample taken at a falling edge with no rising edge after it (the run ended) is dropped.
  rows.length = pre.length = post.length;
  return { spec, rows, ours: { outputs: spec.outputs.map((p) => p.name), pre, post }, passed: r.passed, failures: r.failures };
}

export interface TestbenchCosimResult extends RecordedRun {
  readonly sim: CosimSimulator;
  readonly theirs: Trace;
  /** null when every compared value agrees. */
  readonly mismatch: TraceMismatch | null;
  readonly buildMs: number;
}

/** Record `tb` on Tessera's simulator, replay it into `sim`, compare every output every cycle. */
export async function cosimTestbench<P>(
  tb: CosimTestbench<P>,
  o: { params: P; seed: number; cycles?: number; sim: CosimSimulator; periods?: Record<string, number> },
): Promise<TestbenchCosimResult> {
  const rec = await recordTestbench(tb, o);
  const run = await runCosim(rec.spec, rec.rows, { sim: o.sim });
  // Several domains: "pre" samples are taken at different points (see the file comment).
  const postOnly = rec.spec.clocks.length > 1;
  const strip = (t: Trace): Trace => (postOnly ? { ...t, pre: t.post } : t);
  const mismatch = compareTraces(strip(rec.ours), strip(run), { ours: "tessera", theirs: o.sim });
  return { ...rec, sim: o.sim, theirs: run, mismatch, buildMs: run.buildMs };
}
