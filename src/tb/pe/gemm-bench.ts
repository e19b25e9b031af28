/**
 * The GEMM engine in its test harness: the RTL engine (design under test) next to the behavioural
 * global memory, wired port to port. The harness top has one input, `start`, and one output, `done`.
 */
import { Module, Signal, u } from "../../hdl/index.js";
import { EngineIo, makeEngine } from "../../hw/systolic/engine.js";
import type { EngineParams } from "../../hw/systolic/params.js";
import { GlobalMemoryModel } from "./gmem-model.js";

export interface GemmBench {
  readonly top: Module;
  readonly engine: EngineIo;
  readonly memory: GlobalMemoryModel;
  readonly start: Signal;
  readonly done: Signal;
}

function port(m: Module, name: string): Signal {
  const s = m.signals.find((x) => x.name === name && x.dir !== "internal");
  if (!s) throw new Error(`internal: engine has no port '${name}'`);
  return s;
}

export function buildGemmBench(p: EngineParams, A: ArrayLike<number>, B: ArrayLike<number>, memLatency: number, seed: number, dramBytesPerCycle = 0): GemmBench {
  const engine = makeEngine(p);
  const memory = new GlobalMemoryModel(engine.g, A, B, memLatency, seed, dramBytesPerCycle);
  const top = new Module("gemm_tb");
  top.submodule("engine", engine.module);
  const gm = top.behaviouralBlock("gmem", memory);
  for (const [name, sig] of Object.entries(gm)) {
    const ep = port(engine.module, `gm_${name}`);
    if (sig.dir === "input") top.comb.set(sig, ep);
    else top.comb.set(ep, sig);
  }
  const start = top.input("start", u(1));
  const done = top.output("done", u(1));
  top.comb.set(engine.start, start);
  top.comb.set(done, engine.done);
  return { top, engine, memory, start, done };
}
