/** One point of a generic testbench sweep: run the named testbench with these params and seed. */
import { findTestbench } from "../tb/registry.js";
import { loadTestbenchFile } from "../tb/project/project.js";
import type { Params, TbResult } from "../tb/types.js";
import { UserError } from "../io/user-error.js";

export interface TbSweepTask {
  readonly testbench: string;
  readonly params: Params;
  readonly seed: number;
  /** A user's testbench: the file that exports it (absolute), loaded again in the worker thread. */
  readonly file?: string;
}

export interface TbSweepPoint extends TbResult {
  readonly timing: { readonly wallMs: number };
  /** Set when the point's parameters were the user's mistake (a UserError): the sweep stops with it. */
  readonly userError?: string;
}

export async function runTestbenchPoint(t: TbSweepTask): Promise<TbSweepPoint> {
  const t0 = performance.now();
  let r: TbResult;
  try {
    const tb = findTestbench(t.testbench, t.file ? await loadTestbenchFile(t.file) : undefined);
    r = await tb.run({ params: t.params, seed: t.seed });
  } catch (e) {
    // Classes do not cross the worker boundary: say it here, the main thread raises it again.
    if (e instanceof UserError) return { name: t.testbench, passed: false, cycles: 0, checks: 0, metrics: {}, seed: t.seed, params: t.params, failures: [], timing: { wallMs: 0 }, userError: e.message };
    r = { name: t.testbench, passed: false, cycles: 0, checks: 0, metrics: {}, seed: t.seed, params: t.params, failures: [`testbench threw ${(e as Error).stack ?? e}`] };
  }
  return { ...r, timing: { wallMs: Math.round(performance.now() - t0) } };
}
