/**
 * Co-simulate a registered testbench: run it on Tessera's simulator while recording, at every
 * cycle of the default domain, the value of every top-level input (the domain resets included)
 * and every output, then replay those inputs into Verilator or Icarus on the emitted Verilog and
 * compare every output every cycle. This is what `tessera cosim <tb>` runs.
 *
 * The design under test may be the simulated top, or an instance inside a harness top (next to
 * behavioural models, which are simulated but not emitted): its inputs are recorded where the
 * harness drives them.
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
import type { Memory } from "../hdl/memory.js";
import { elaborate, pathOf } from "../hdl/elaborate.js";
import { compareTraces, runCosim } from "./cosim.js";
import type { CosimSimulator, Trace, TraceMismatch } from "./cosim.js";
import { CosimSpec, specFromEmitted } from "./cosim-spec.js";
import { emitDesign } from "./emit.js";

interface ClockEvent {
  readonly domain: number;
  readonly level: 0 | 1;
}

interface ModuleLike {
  readonly name: string;
  readonly parent: ModuleLike | undefined;
  readonly instanceName: string | undefined;
}

/** What recording needs of a simulator (Tessera's Simulator has these). */
export interface TracingSimulator {
  peek(name: string): bigint;
  addTracer(t: { dump(time: number, sim: unknown, clocks: readonly ClockEvent[]): void; close(): void }): void;
  readonly design: { readonly top: ModuleLike; readonly modules: readonly ModuleLike[] };
  /** Backdoor memory writes go through the engine; recording wraps this method. */
  readonly engine: { writeMemory(memId: number, addr: number, v: bigint): void };
  readonly net: { readonly memories: readonly { readonly id: number; readonly name: string }[] };
}

/**
 * Where the design under test sits in the simulated design: "" when it is the top, else the
 * instance path plus a dot ("engine.") — a testbench may wrap its DUT in a harness top with
 * behavioural models (those are simulated, not emitted; the DUT's inputs are recorded where the
 * harness drives them).
 */
function dutPrefix(sim: TracingSimulator, dutName: string, tbName: string): string {
  if (sim.design.top.name === dutName) return "";
  const m = sim.design.modules.find((x) => x.name === dutName);
  if (!m) throw new Error(`testbench '${tbName}': the simulated design '${sim.design.top.name}' has no instance of its design '${dutName}'`);
  const parts: string[] = [];
  for (let c: ModuleLike | undefined = m; c && c.parent; c = c.parent) parts.unshift(c.instanceName!);
  return parts.join(".") + ".";
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
  const dut = tb.design(o.params);
  let spec = specFromEmitted(emitDesign(dut), { periods: o.periods });
  /** Backdoor memory writes: DUT-relative memory path -> (address -> value), in write order. */
  const backdoor = new Map<string, Map<number, bigint>>();
  let backdoorError: string | undefined;
  const resets = new Set(spec.clocks.map((c) => c.reset));
  const rows: bigint[][] = [], pre: bigint[][] = [], post: bigint[][] = [];
  let attached = false;
  const attach = (sim: TracingSimulator) => {
    attached = true;
    const prefix = dutPrefix(sim, dut.name, tb.name);
    // Domain resets are top-level inputs of the simulation; DUT ports are under its instance.
    const ins = spec.inputs.map((p) => (resets.has(p.name) ? p.name : prefix + (p.hdlName ?? p.name)));
    const outs = spec.outputs.map((p) => prefix + (p.hdlName ?? p.name));
    // Backdoor memory writes (testbenches that preload buffers) become the Verilog memories'
    // initial contents. That is exact while nothing but reset has happened yet: memories keep
    // their contents through reset, and a design in reset writes nothing. Later writes cannot be
    // replayed into Verilog and make the recording fail.
    const resetCols = spec.inputs.map((p, k) => (resets.has(p.name) ? k : -1)).filter((k) => k >= 0);
    const engine = sim.engine;
    const write = engine.writeMemory.bind(engine);
    const topName = sim.design.top.name;
    engine.writeMemory = (id, addr, v) => {
      const full = sim.net.memories[id]?.name ?? `#${id}`;
      const inReset = post.every((_, c) => resetCols.length > 0 && resetCols.every((k) => rows[c][k] !== 0n));
      const within = `${topName}.${prefix}`;
      if (full.startsWith(within)) {
        const path = full.slice(within.length);
        if (!inReset) backdoorError ??= `testbench '${tb.name}' writes memory '${path}' through the simulator's backdoor at cycle ${post.length}, after the design left reset; such writes cannot be replayed into Verilog`;
        let m = backdoor.get(path);
        if (!m) backdoor.set(path, (m = new Map()));
        m.set(addr, v);
      }
      write(id, addr, v);
    };
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
  if (backdoorError) throw new Error(backdoorError);
  // A sample taken at a falling edge with no rising edge after it (the run ended) is dropped.
  rows.length = pre.length = post.length;
  if (backdoor.size) {
    // Start the Verilog where the testbench put the memories (see recordBackdoor).
    const fresh = tb.design(o.params);
    const byPath = new Map<string, Memory>();
    for (const m of elaborate(fresh).modules) for (const mem of m.memories) byPath.set([...pathOf(m).split(".").slice(1), mem.name].join("."), mem);
    for (const p of backdoor.keys()) if (!byPath.has(p)) throw new Error(`testbench '${tb.name}' wrote memory '${p}' through the backdoor, but the design has no such memory`);
    const text = emitDesign(fresh, {
      memoryInit: (mem, path) => {
        const w = backdoor.get(path);
        if (!w) return undefined;
        const words = Array.from({ length: mem.depth }, (_, i) => mem.init[i] ?? 0n);
        for (const [a, v] of w) words[a] = v;
        return words;
      },
    }).text;
    spec = { ...spec, verilog: text };
  }
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
