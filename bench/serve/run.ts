/**
 * XY-Serve serving runs (issue 18): both generated traces through both schedulers on the default
 * serving platform (the `tessera serve-sim` defaults: Llama-2-7B on palm-wafer, budget 4096), the
 * latency and throughput they reach, and what the simulator costs (wall time per run).
 *
 * Rates: the serve-sim defaults, about 60-80% of what palm-wafer serves, so queues form in bursts
 * but drain and throughput is the offered load; then five times that, an overload where requests
 * queue and throughput is what each scheduler can serve (coding, compute-bound on prefill;
 * conversation, bound by reading KV during decode).
 *
 *   node --import tsx bench/serve/run.ts      (prints a markdown table; writes bench/results/serve.json)
 */
import { platformPreset } from "../../src/system/platform/index.js";
import { modelPreset } from "../../src/system/workload/model.js";
import { generateTrace, serveSim, type TraceKind } from "../../src/system/serve/index.js";
import { SERVE_SIM_DEFAULTS } from "../../src/cli/commands/serve-sim.js";
import { machine, markdownTable, writeResults } from "../report.js";

const REQUESTS = 1000;
const platform = platformPreset(SERVE_SIM_DEFAULTS.platform), spec = modelPreset(SERVE_SIM_DEFAULTS.model);
const budget = SERVE_SIM_DEFAULTS.budget, seed = SERVE_SIM_DEFAULTS.seed;

// One small untimed run first, so the first case's wall time is not the JIT's warm-up.
serveSim(generateTrace("coding", { requests: 50, ratePerSec: 30, seed }), platform, spec, { scheduler: "xy", budget });
const OVERLOAD = 5;
const cases = (["coding", "conversation"] as TraceKind[]).flatMap((kind) => [1, OVERLOAD].map((load) => ({ kind, ratePerSec: SERVE_SIM_DEFAULTS.rate[kind] * load, overload: load > 1 })));
const results = cases.flatMap(({ kind, ratePerSec, overload }) => {
  const trace = generateTrace(kind, { requests: REQUESTS, ratePerSec, seed });
  return (["xy", "baseline"] as const).map((scheduler) => {
    const t0 = performance.now();
    const { perRequest, stepLog, ...r } = serveSim(trace, platform, spec, { scheduler, budget, seed });
    return { trace: kind, ratePerSec, overload, scheduler, budget, platform: platform.name, model: spec.name, ...r, wallSeconds: (performance.now() - t0) / 1000 };
  });
});
writeResults("serve", { machine: machine(), results });
const f = (x: number, d = 0) => x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
process.stdout.write(markdownTable([
  ["trace", "scheduler", "TTFT p50 ms", "TTFT p99 ms", "TBT p99 ms", "output tokens/s", "requests/s", "core util.", "steps (DRAM-bound)", "wall s"],
  ...results.map((r) => [
    `${r.trace}, ${f(r.requests)} @ ${r.ratePerSec}/s${r.overload ? " (overload)" : ""}`, r.scheduler, f(r.ttft.p50, 1), f(r.ttft.p99, 1), f(r.tbt.p99, 1), f(r.throughput.tokensPerSec), f(r.throughput.requestsPerSec, 2),
    `${(100 * r.coreUtilization).toFixed(1)}%`, `${f(r.steps)} (${f(r.dramBoundSteps)})`, f(r.wallSeconds, 2),
  ]),
]) + `\n\n${spec.name} on ${platform.name} (${results[0].cores} cores, ${results[0].attentionUnitsPerCore} meta-attention units each), budget ${budget}, seed ${seed}, prefix caching on. ` +
  "Core utilization counts a core busy while it runs tiles; DRAM-bound steps (weights and KV streamed) leave cores idle.\n");
