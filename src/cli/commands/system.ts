/**
 * `tessera system [model] --platform <preset|file> [--phase prefill|decode|train] [--batch n] [--seq n]
 *                 [--context n] [--tp n] [--pp n] [--dp n] [--ep n] [--microbatches n]
 *                 [--schedule gpipe|1f1b] [--mapping snake|die] [--per-tile]
 *                 [--json] [--trace out.json] [--svg links.svg] [--list]`:
 * a transformer phase on a platform through the system model (src/system/run): latency end to
 * end and per layer, tokens/s, utilization of compute, links and DRAM, the no-contention critical
 * path, each stage's dataflow, how much compute time rests on each timing model, and for a
 * training step the micro-batches each pipeline stage keeps under the schedule. --trace
 * writes Chrome trace-event JSON (Perfetto, chrome://tracing), --svg a heatmap of link
 * utilization on the mesh. Exit 0, or 2 on usage errors.
 */
import { UserError } from "../../io/user-error.js";
import { writeFileAtomic, prepareOutputFile } from "../../io/output-file.js";
import { PLATFORM_PRESETS, loadPlatform } from "../../system/platform/index.js";
import { MODEL_PRESETS } from "../../system/workload/model.js";
import { describePhase, type Phase } from "../../system/workload/model.js";
import { loadTransformer } from "../../system/workload/read.js";
import { runSystemAsync, type SystemRun } from "../../system/run/executor.js";
import type { Placement } from "../../system/run/placement.js";
import type { Schedule } from "../../system/run/schedule.js";
import { chromeTrace } from "../../system/run/trace.js";
import { linkUtilizationSvg } from "../../system/run/svg.js";
import { table } from "../format.js";
import { progress } from "../progress.js";
import type { Io } from "../io.js";
import { EXIT_PASS, EXIT_USAGE, UsageError } from "../usage.js";
import { SYSTEM_DEFAULTS } from "../defaults.js";

export interface SystemArgs {
  platform?: string;
  phase?: Phase["kind"];
  batch?: number;
  seq?: number;
  context?: number;
  tp?: number;
  pp?: number;
  dp?: number;
  microbatches?: number;
  schedule?: Schedule;
  ep?: number;
  mapping?: Placement;
  perTile?: boolean;
  json?: boolean;
  trace?: string;
  svg?: string;
  list?: boolean;
}

export { SYSTEM_DEFAULTS };

function listPresets(io: Io): number {
  io.out("platforms:\n");
  for (const p of Object.values(PLATFORM_PRESETS)) io.out(`  ${p.name.padEnd(16)} ${p.description ?? ""}\n`);
  io.out("models:\n");
  for (const m of Object.values(MODEL_PRESETS)) {
    io.out(`  ${m.name.padEnd(16)} hidden ${m.hidden}, ${m.heads} heads (${m.kvHeads} KV), FFN ${m.ffn}, ${m.layers} layers${m.moe ? `, ${m.moe.experts} experts top-${m.moe.topK}` : ""}\n`);
  }
  return EXIT_PASS;
}

const us = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(3)} ms` : `${(ns / 1e3).toFixed(2)} us`);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function summary(r: SystemRun): string {
  const computeNs = Object.values(r.computeNsByModel).reduce((a, b) => a + b, 0);
  const rows = [
    ["latency", us(r.latencyNs)],
    ["per layer (stage 0, first micro-batch)", us(r.perLayerNs)],
    ["tokens/s", Math.round(r.tokensPerSecond).toLocaleString("en-US")],
    ["critical path (no contention)", us(r.criticalPathNs)],
    ["compute utilization", pct(r.computeUtilization)],
    ["link utilization mean / max", `${pct(r.linkUtilization.mean)} / ${pct(r.linkUtilization.max)} over ${r.linkUtilization.links} links`],
    ["DRAM utilization", pct(r.dramUtilization)],
    ["dataflow per stage", [...new Set(r.stages.map((s) => s.choice))].join(", ")],
    ["compute time by model", Object.entries(r.computeNsByModel).map(([m, ns]) => `${m} ${pct(ns / computeNs)}`).join(", ")],
    ...(r.stashedMicrobatches ? [[`micro-batches kept per stage (${r.schedule})`, r.stashedMicrobatches.join(" ")]] : []),
    ["events", r.events.toLocaleString("en-US")],
  ];
  return table([["measure", "value"], ...rows]);
}

export async function systemCommand(model: string | undefined, args: SystemArgs, io: Io): Promise<number> {
  try {
    if (args.list) return listPresets(io);
    const spec = loadTransformer(model ?? SYSTEM_DEFAULTS.model);
    const platform = loadPlatform(args.platform ?? SYSTEM_DEFAULTS.platform);
    const kind = args.phase ?? "prefill";
    if (kind !== "decode" && args.context !== undefined) throw new UsageError(`--context is for --phase decode (${kind} takes --seq)`);
    if (kind === "decode" && args.seq !== undefined) throw new UsageError("--seq is for --phase prefill or train (decode takes --context)");
    const batch = args.batch ?? SYSTEM_DEFAULTS.batch;
    const phase: Phase = kind === "decode" ? { kind, batch, context: args.context ?? SYSTEM_DEFAULTS.context } : { kind, batch, seq: args.seq ?? SYSTEM_DEFAULTS.seq };
    const mapping = {
      tp: args.tp ?? 1, pp: args.pp ?? 1, dp: args.dp ?? 1, microbatches: args.microbatches ?? 1, ep: args.ep ?? 1,
      placement: args.mapping ?? "snake", schedule: args.schedule ?? "1f1b",
    };
    const tracePath = args.trace ? prepareOutputFile(args.trace, "--trace") : undefined;
    const svgPath = args.svg ? prepareOutputFile(args.svg, "--svg") : undefined;
    let r: SystemRun;
    const bar = progress(io, { json: args.json, label: `${spec.name} ${kind} on ${platform.name} (layers)` });
    try {
      r = await runSystemAsync(platform, spec, phase, mapping, { aggregate: !args.perTile, spans: true }, (d, t) => bar.update(d, t));
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    } finally {
      bar.stop();
    }
    if (tracePath) writeFileAtomic(tracePath, JSON.stringify(chromeTrace(r)), "--trace");
    if (svgPath) writeFileAtomic(svgPath, linkUtilizationSvg(platform, r), "--svg");
    if (args.json) {
      const { spans, links, groups, ...rest } = r;
      io.out(JSON.stringify({ ...rest, spans: spans.length, links: links.length, trace: tracePath, svg: svgPath }, null, 2) + "\n");
    } else {
      io.out(`${spec.name} ${describePhase(phase)} on ${platform.name}, tp ${mapping.tp} pp ${mapping.pp} dp ${mapping.dp}${mapping.ep > 1 ? ` ep ${mapping.ep}` : ""}, ${mapping.microbatches} micro-batch(es)${kind === "train" ? ` (${mapping.schedule})` : ""}, ${mapping.placement} placement\n`);
      io.out(summary(r) + "\n");
      if (tracePath) io.out(`trace: ${tracePath} (open in https://ui.perfetto.dev or chrome://tracing)\n`);
      if (svgPath) io.out(`link utilization: ${svgPath}\n`);
    }
    return EXIT_PASS;
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`tessera system: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
