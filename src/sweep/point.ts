/** One sweep point: the noc testbench's driver at one load and seed (runs in a worker thread). */
import { makeMesh } from "../hw/noc/mesh.js";
import { nocParamsOf, runOptionsOf } from "../tb/noc/noc.js";
import { runNoc } from "../tb/noc/driver.js";
import { buildAndSimulate } from "../sim/index.js";
import type { SweepPoint, SweepTask } from "./types.js";

export function runPoint(task: SweepTask): SweepPoint {
  const t0 = performance.now();
  const { params, seed } = task;
  const p = nocParamsOf(params);
  const sim = buildAndSimulate(() => makeMesh(p));
  try {
    const res = runNoc(sim, p, { ...runOptionsOf(params, p, seed), drainLimit: task.drainLimit, keepFailures: 3 });
    return {
      rate: Number(params.rate),
      seed,
      passed: res.passed,
      failures: res.checker.failures.slice(0, 3),
      cycles: res.cycles,
      timing: { wallMs: Math.round(performance.now() - t0) },
      metrics: res.metrics,
      linkUtil: Array.from(res.windowLinkFlits, (v) => Math.round((v / res.windowCycles) * 1e5) / 1e5),
    };
  } finally {
    sim.close();
  }
}

export default runPoint;
