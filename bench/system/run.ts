/**
 * The system layer (issue 17): a Llama-2-7B-shaped and a DeepSeek-V3-shaped phase on the
 * platform presets, the simulated latency and throughput, and what the simulator costs: wall time
 * per simulated layer and events per second (aggregated groups, and per tile for one case).
 *
 *   node --import tsx bench/system/run.ts      (prints a markdown table; writes bench/results/system.json)
 */
import { platformPreset } from "../../src/system/platform/index.js";
import { describePhase, modelPreset, type Phase } from "../../src/system/workload/model.js";
import { runSystem } from "../../src/system/run/executor.js";
import type { Mapping } from "../../src/system/run/placement.js";
import { machine, markdownTable, writeResults } from "../report.js";

interface Case { platform: string; model: string; phase: Phase; mapping: Mapping; perTile?: boolean }

const cases: Case[] = [
  { platform: "palm-wafer", model: "llama2-7b", phase: { kind: "prefill", batch: 8, seq: 2048 }, mapping: { tp: 4, pp: 8, dp: 8, microbatches: 1 } },
  { platform: "palm-wafer", model: "llama2-7b", phase: { kind: "prefill", batch: 8, seq: 2048 }, mapping: { tp: 4, pp: 8, dp: 8, microbatches: 1 }, perTile: true },
  { platform: "palm-wafer", model: "llama2-7b", phase: { kind: "decode", batch: 64, context: 2048 }, mapping: { tp: 4, pp: 8, dp: 8, microbatches: 1 } },
  { platform: "dojo-tile", model: "llama2-7b", phase: { kind: "prefill", batch: 8, seq: 2048 }, mapping: { tp: 4, pp: 4, dp: 4, microbatches: 2 } },
  { platform: "dojo-tile", model: "llama2-7b", phase: { kind: "train", batch: 32, seq: 2048 }, mapping: { tp: 4, pp: 8, dp: 2, microbatches: 8, schedule: "gpipe" } },
  { platform: "dojo-tile", model: "llama2-7b", phase: { kind: "train", batch: 32, seq: 2048 }, mapping: { tp: 4, pp: 8, dp: 2, microbatches: 8, schedule: "1f1b" } },
  { platform: "moentwine-wafer", model: "deepseek-v3", phase: { kind: "prefill", batch: 1, seq: 4096 }, mapping: { tp: 1, pp: 61, dp: 1, microbatches: 1 } },
  { platform: "moentwine-wafer", model: "deepseek-v3", phase: { kind: "decode", batch: 256, context: 4096 }, mapping: { tp: 1, pp: 61, dp: 1, microbatches: 4 } },
  { platform: "moentwine-wafer", model: "deepseek-v3", phase: { kind: "decode", batch: 1024, context: 4096 }, mapping: { tp: 1, pp: 1, dp: 64, microbatches: 1, ep: 64 } },
];

// One untimed run first, so the first case's wall time is not the JIT's warm-up.
runSystem(platformPreset(cases[0].platform), modelPreset(cases[0].model), cases[0].phase, cases[0].mapping, { spans: false });
const results = cases.map((c) => {
  const spec = modelPreset(c.model);
  const t0 = performance.now();
  const r = runSystem(platformPreset(c.platform), spec, c.phase, c.mapping, { aggregate: !c.perTile, spans: false });
  const wall = (performance.now() - t0) / 1000;
  const layers = spec.layers * c.mapping.dp * c.mapping.microbatches * (c.phase.kind === "train" ? 2 : 1);
  return {
    ...c, latencyMs: r.latencyNs / 1e6, stashed: r.stashedMicrobatches?.join("/"), tokensPerSecond: r.tokensPerSecond, computeUtilization: r.computeUtilization,
    dataflow: [...new Set(r.stages.map((s) => s.choice))].join("/"), events: r.events, wallSeconds: wall,
    wallMsPerLayer: (wall * 1000) / layers, eventsPerSecond: r.events / wall,
  };
});
writeResults("system", { machine: machine(), results });
const f = (x: number, d = 0) => x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
process.stdout.write(markdownTable([
  ["platform", "model", "phase", "tp x pp x dp, micro-batches", "latency ms", "tokens/s", "compute util.", "dataflow", "events", "wall ms / simulated layer", "events/s"],
  ...results.map((r) => [
    r.platform, r.model, describePhase(r.phase),
    `${r.mapping.tp} x ${r.mapping.pp} x ${r.mapping.dp}${(r.mapping.ep ?? 1) > 1 ? ` (ep ${r.mapping.ep})` : ""}, ${r.mapping.microbatches}${r.phase.kind === "train" ? ` ${r.mapping.schedule}, stashed ${r.stashed}` : ""}${r.perTile ? " (per tile)" : ""}`,
    f(r.latencyMs, 2), f(r.tokensPerSecond), `${(100 * r.computeUtilization).toFixed(1)}%`, r.dataflow, f(r.events), f(r.wallMsPerLayer, 3), f(r.eventsPerSecond),
  ]),
]) + "\n");
