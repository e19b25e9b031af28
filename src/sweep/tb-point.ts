/** One point of a generic testbench sweep: run the named testbench with these params and seed. */
import { findTestbench } from "../tb/registry.js";
import { loadTestbenchFile } from "../tb/project/project.js";
import type { Params, TbResult } from "../tb/types.js";

export interface TbSweepTask {
  readonly testbench: string;
  readonly params: Params;
  readonly seed: number;
  /** A user's testbench: the file that exports it (absolute), loaded again in the worker thread. */
  readonly file?: string;
}

export interface TbSweepPoint extends TbResult {
  readonly wallMs: number;
}

export async function runTestbenchPoint(t: TbSweepTask): Promise<TbSweepPoint> {
  const tb = findTestbench(t.testbench, t.file ? await loadTestbenchFile(t.file) : undefined);
  const t0 = performance.now();
  let r: TbResult;
  try {
    r = await tb.run({ params: t.params, seed: t.seed });
  } catch (e) {
    r = { name: tb.name, passed: false, cycles: 0, checks: 0, metrics: {}, seed: t.seed, params: t.params, failures: [`testbench threw ${(e as Error).stack ?? e}`] };
  }
  return { ...r, wallMs: performance.now() - t0 };
}
