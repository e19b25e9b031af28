/**
 * Running one testbench for the CLI: a testbench that throws (a simulator error, a VCD it cannot
 * write) counts as a failed run carrying the error, so `run all` and `verify` carry on and report it.
 */
import type { EngineName } from "../sim/engine.js";
import type { Params, TbResult, Testbench } from "../tb/types.js";

export interface RunRequest {
  params: Params;
  seed: number;
  cycles?: number;
  vcd?: string;
  engine?: EngineName;
  onProgress?: (done: number, total: number) => void;
}

export interface TimedResult extends TbResult {
  wallMs: number;
}

export async function runTestbench(tb: Testbench, req: RunRequest): Promise<TimedResult> {
  const t0 = performance.now();
  let res: TbResult;
  try {
    res = await tb.run({ params: req.params, seed: req.seed, cycles: req.cycles, vcd: req.vcd, engine: req.engine, onProgress: req.onProgress });
  } catch (e) {
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    res = { name: tb.name, passed: false, cycles: 0, checks: 0, metrics: {}, seed: req.seed, params: req.params, failures: [`testbench threw ${msg}`] };
  }
  return { ...res, wallMs: Math.round((performance.now() - t0) * 10) / 10 };
}
