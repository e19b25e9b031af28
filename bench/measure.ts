/**
 * Measure one design in our simulator: elaborate+compile time, then steady-state cycles per
 * second with new random inputs every cycle, with and without VCD.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Module } from "../src/hdl/index.js";
import { simulate, type EngineName } from "../src/sim/index.js";

export interface SimMeasurement {
  design: string;
  engine: EngineName;
  vcd: boolean;
  cycles: number;
  seconds: number;
  cyclesPerSec: number;
  elabCompileMs: number;
  vcdBytes?: number;
  vcdBytesPerCycle?: number;
  vcdMBps?: number;
}

/**
 * `vcd: true` traces a waveform: a VCD, or an FST with `format: "fst"`; the vcd* fields then give
 * that file's size. `maxCycles` stops after the batch that reaches it (batches of 1000, 2000,
 * 4000, ... cycles: 31000 gives exactly 31000 measured cycles), after 2000 warm-up cycles.
 */
export function measureSim(name: string, build: () => Module, engine: EngineName, opts: { seconds: number; vcd: boolean; maxCycles?: number; format?: "vcd" | "fst" }): SimMeasurement {
  const t0 = performance.now();
  const top = build();
  const sim = simulate(top, { engine });
  const elabCompileMs = performance.now() - t0;
  let vcdFile: string | undefined;
  if (opts.vcd) {
    const fst = opts.format === "fst";
    vcdFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tessera-bench-")), `${name}.${fst ? "fst" : "vcd"}`);
    if (fst) sim.traceFst(vcdFile);
    else sim.traceVcd(vcdFile);
  }
  // Inputs that are not clocks/resets get random values each cycle (narrow ones via accessors).
  const ins = sim.net.inputs.filter((n) => !sim.net.resets.includes(n));
  // One xorshift32 state shared by the inlined loop below and rnd() for wide inputs.
  const state = { x: 12345 };
  const rnd = () => {
    let x = state.x;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return (state.x = x);
  };
  // Narrow inputs: value = (random & mask) - offset, which covers the shape's range exactly.
  const narrowNodes = ins.filter((n) => n.shape.width <= 32);
  const bank = sim.inputBank(narrowNodes.map((n) => n.name));
  const V = bank.values;
  const masks = Int32Array.from(narrowNodes, (n) => (n.shape.width === 32 ? -1 : (1 << n.shape.width) - 1));
  const offsets = Float64Array.from(narrowNodes, (n) => (n.shape.signed ? 2 ** (n.shape.width - 1) : 0));
  const wideIns = ins.filter((n) => n.shape.width > 32);
  // xorshift32 inlined in the loop (same sequence as rnd()): the stimulus should cost what the
  // C++ harness's does, not a function call per input.
  const n = V.length;
  const drive = () => {
    let x = state.x;
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      const m = masks[i];
      V[i] = m === -1 ? (offsets[i] ? x | 0 : x) : (x & m) - offsets[i];
    }
    state.x = x;
    bank.commit();
    for (const n of wideIns) {
      let v = 0n;
      for (let k = 0; k < n.shape.width; k += 32) v = (v << 32n) | BigInt(rnd());
      v = BigInt.asUintN(n.shape.width, v);
      sim.poke(n.name, n.shape.signed ? BigInt.asIntN(n.shape.width, v) : v);
    }
  };
  // Warm up (JIT), then run batches until the time budget is spent.
  const warm = Math.min(opts.maxCycles ?? Infinity, engine === "interp" ? 20 : 2000);
  for (let i = 0; i < warm; i++) {
    drive();
    sim.step();
  }
  let cycles = 0;
  const start = performance.now();
  let batch = engine === "interp" ? 10 : 1000;
  while (performance.now() - start < opts.seconds * 1000 && cycles < (opts.maxCycles ?? Infinity)) {
    for (let i = 0; i < batch; i++) {
      drive();
      sim.step();
    }
    cycles += batch;
    batch = Math.min(batch * 2, 100_000);
  }
  const seconds = (performance.now() - start) / 1000;
  sim.close();
  const m: SimMeasurement = { design: name, engine, vcd: opts.vcd, cycles, seconds, cyclesPerSec: cycles / seconds, elabCompileMs };
  if (vcdFile) {
    const bytes = fs.statSync(vcdFile).size;
    m.vcdBytes = bytes;
    m.vcdBytesPerCycle = bytes / (cycles + warm);
    m.vcdMBps = (m.vcdBytesPerCycle * m.cyclesPerSec) / 1e6;
    fs.rmSync(path.dirname(vcdFile), { recursive: true, force: true });
  }
  return m;
}
