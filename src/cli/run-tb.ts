/**
 * Running one testbench for the CLI: a testbench that throws (a simulator error, a VCD it cannot
 * write) counts as a failed run carrying the error, so `run all` and `verify` carry on and report it.
 * A UserError (a trace file that is missing or malformed, parameters the hardware rejects) is the
 * user's to mend: `run` passes it on as a usage error (exit 2); `verify`, whose parameters we
 * drew ourselves, counts it as a failure of the testbench (its validate() let the draw through).
 */
import type { EngineName } from "../sim/engine.js";
import type { Params, TbResult, Testbench } from "../tb/types.js";
import { UserError } from "../io/user-error.js";

export interface RunRequest {
  params: Params;
  seed: number;
  cycles?: number;
  vcd?: string;
  fst?: string;
  engine?: EngineName;
  /** Compiled engine threads (SimOptions.threads). */
  threads?: number;
  /** Notes for the user from the testbench's harness (TbRunOptions.onNote). */
  onNote?: (message: string) => void;
  onProgress?: (done: number, total: number) => void;
  /** "throw" (default): a UserError from the testbench propagates; "fail": it is a failed run. */
  userErrors?: "throw" | "fail";
}

/** A result with how long it took, under `timing` (the one part that differs between two runs). */
export interface TimedResult extends TbResult {
  timing: { wallMs: number };
}

export async function runTestbench(tb: Testbench, req: RunRequest): Promise<TimedResult> {
  const t0 = performance.now();
  let res: TbResult;
  try {
    const waves = req.vcd || req.fst ? tb.waves?.(req.params) : undefined;
    res = await tb.run({ params: req.params, seed: req.seed, cycles: req.cycles, vcd: req.vcd, fst: req.fst, waves, engine: req.engine, threads: req.threads, onNote: req.onNote, onProgress: req.onProgress });
  } catch (e) {
    if (e instanceof UserError && req.userErrors !== "fail") throw e;
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    res = { name: tb.name, passed: false, cycles: 0, checks: 0, metrics: {}, seed: req.seed, params: req.params, failures: [`testbench threw ${msg}`] };
  }
  return { ...res, timing: { wallMs: Math.round((performance.now() - t0) * 10) / 10 } };
}
