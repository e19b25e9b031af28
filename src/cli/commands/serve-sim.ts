/**
 * `tessera serve-sim --trace <file|coding|conversation> --platform <preset|file> --model <preset|file>
 *                    --budget <tokens> --scheduler xy|baseline [--requests n] [--rate r] [--seed s]
 *                    [--spec-len n] [--acceptance p] [--reserve n] [--tile-size n]
 *                    [--no-prefix-cache] [--json]`:
 * a serving run (src/system/serve/serve-sim.ts): requests of a generated or CSV trace arrive in
 * time, the token-budget scheduler forms steps, the platform's cores run them (PE-array and
 * meta-attention cycle models). Reports TTFT and TBT (p50, p99, mean, max), throughput, core
 * utilization, load imbalance and the meta-attention pipelines. Exit 0, or 2 on usage errors.
 */
import { existsSync } from "node:fs";
import { readTextFile } from "../../io/input-file.js";
import { UserError } from "../../io/user-error.js";
import { loadPlatform } from "../../system/platform/index.js";
import { loadTransformer } from "../../system/workload/read.js";
import { SCHEDULERS, type SchedulerName } from "../../system/serve/scheduler.js";
import { serveSimAsync, type ServeSimResult } from "../../system/serve/serve-sim.js";
import { TRACE_KINDS, generateTrace, readTraceCsv, type ServeRequest, type TraceKind } from "../../system/serve/trace.js";
import type { Distribution } from "../../system/serve/distribution.js";
import { table } from "../format.js";
import type { Io } from "../io.js";
import { progress } from "../progress.js";
import { EXIT_PASS, EXIT_USAGE, UsageError } from "../usage.js";
import { SERVE_SIM_DEFAULTS } from "../defaults.js";

export interface ServeSimArgs {
  trace?: string;
  platform?: string;
  model?: string;
  budget?: number;
  scheduler?: SchedulerName;
  requests?: number;
  rate?: number;
  seed?: number;
  specLen?: number;
  acceptance?: number;
  reserve?: number;
  tileSize?: number;
  prefixCache?: boolean;
  json?: boolean;
}

export { SERVE_SIM_DEFAULTS };

/** The trace the arguments name: generated (coding, conversation) or read from a CSV file. */
function loadTrace(args: ServeSimArgs): { trace: ServeRequest[]; generated: boolean } {
  const name = args.trace ?? SERVE_SIM_DEFAULTS.trace;
  if ((TRACE_KINDS as readonly string[]).includes(name)) {
    const kind = name as TraceKind;
    const trace = generateTrace(kind, {
      requests: args.requests ?? SERVE_SIM_DEFAULTS.requests, ratePerSec: args.rate ?? SERVE_SIM_DEFAULTS.rate[kind],
      seed: args.seed ?? SERVE_SIM_DEFAULTS.seed, specLen: args.specLen ?? 0,
    });
    return { trace, generated: true };
  }
  for (const [given, flag] of [[args.requests, "--requests"], [args.rate, "--rate"], [args.specLen, "--spec-len"]] as const) {
    if (given !== undefined) throw new UsageError(`${flag} shapes a generated trace (--trace ${TRACE_KINDS.join("|")}); a trace file gives each request's own (its columns arrival_ms, prompt, output, spec)`);
  }
  if (!existsSync(name)) throw new UserError(`no such file, and not a generated trace; give a CSV trace file or one of ${TRACE_KINDS.join(", ")}`, { argument: "--trace", file: name });
  const text = readTextFile(name, "--trace");
  try {
    return { trace: readTraceCsv(text, name), generated: false };
  } catch (e) {
    // readTraceCsv names the file, line and column; the user error adds the option.
    throw new UserError((e as Error).message, { argument: "--trace" });
  }
}

const ms = (x: number) => (Number.isNaN(x) ? "-" : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2)} ms`);
const dist = (d: Distribution) => `${ms(d.p50)} / ${ms(d.p99)} / ${ms(d.mean)} / ${ms(d.max)}`;
const count = (x: number) => x.toLocaleString("en-US");
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function summary(r: ServeSimResult): string {
  return table([
    ["measure", "value"],
    ["TTFT p50 / p99 / mean / max", dist(r.ttft)],
    ["TBT p50 / p99 / mean / max", dist(r.tbt)],
    ["throughput", `${count(Math.round(r.throughput.tokensPerSec))} output tokens/s, ${r.throughput.requestsPerSec.toFixed(2)} requests/s`],
    ["core utilization", pct(r.coreUtilization)],
    ["load imbalance, attention / linear (max/mean - 1)", `${r.loadImbalance.attention.toFixed(2)} / ${r.loadImbalance.linear.toFixed(2)}`],
    ["meta-attention pipelines, 2 / 3 / 4-stage (steps)", `${count(r.pipelines[2])} / ${count(r.pipelines[3])} / ${count(r.pipelines[4])}`],
    ["steps (DRAM-bound)", `${count(r.steps)} (${count(r.dramBoundSteps)})`],
    ["prompt tokens from the prefix cache", count(r.cachedTokens)],
    ["simulated time", ms(r.elapsedMs)],
  ]);
}

export async function serveSimCommand(args: ServeSimArgs, io: Io): Promise<number> {
  try {
    const t0 = performance.now();
    const scheduler = args.scheduler ?? SERVE_SIM_DEFAULTS.scheduler;
    if (!(SCHEDULERS as readonly string[]).includes(scheduler)) throw new UsageError(`--scheduler '${scheduler}': use ${SCHEDULERS.join(" or ")}`);
    const budget = args.budget ?? SERVE_SIM_DEFAULTS.budget;
    if (args.reserve !== undefined && scheduler !== "xy") throw new UsageError("--reserve sets the D/V slots of --scheduler xy; the baseline reserves none");
    if (args.reserve !== undefined && args.reserve > budget) throw new UsageError(`--reserve ${args.reserve} is more than --budget ${budget}; reserve at most the budget`);
    const spec = loadTransformer(args.model ?? SERVE_SIM_DEFAULTS.model);
    const platform = loadPlatform(args.platform ?? SERVE_SIM_DEFAULTS.platform);
    const { trace, generated } = loadTrace(args);
    const verify = Math.max(...trace.map((q) => q.specLen)) + 1;
    if (verify > budget) throw new UsageError(`--budget ${budget} is smaller than a verify step's ${verify} tokens (${verify - 1} drafts + 1); raise --budget or lower --spec-len`);
    const traceName = args.trace ?? SERVE_SIM_DEFAULTS.trace;
    const bar = progress(io, { json: args.json, label: `serve-sim ${traceName} on ${platform.name} (requests)` });
    let r: ServeSimResult;
    try {
      r = await serveSimAsync(trace, platform, spec, {
        scheduler, budget, reserve: args.reserve, tileSize: args.tileSize, prefixCache: args.prefixCache ?? true,
        acceptance: args.acceptance, seed: args.seed ?? SERVE_SIM_DEFAULTS.seed,
      }, (d, t) => bar.update(d, t));
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    } finally {
      bar.stop();
    }
    const gen = generated ? { ratePerSec: args.rate ?? SERVE_SIM_DEFAULTS.rate[traceName as TraceKind], specLen: args.specLen ?? 0 } : undefined;
    if (args.json) {
      const d = (x: Distribution) => ({ p50: x.p50, p99: x.p99, mean: x.mean, max: x.max });
      io.out(JSON.stringify({
        scheduler, budget, platform: platform.name, model: spec.name, trace: traceName, ...(gen ?? {}), seed: args.seed ?? SERVE_SIM_DEFAULTS.seed,
        prefixCache: args.prefixCache ?? true, requests: r.requests, outputTokens: r.outputTokens,
        ttft: d(r.ttft), tbt: d(r.tbt), throughput: r.throughput, coreUtilization: r.coreUtilization, loadImbalance: r.loadImbalance,
        pipelines: r.pipelines, steps: r.steps, dramBoundSteps: r.dramBoundSteps, cachedTokens: r.cachedTokens, elapsedMs: r.elapsedMs,
        cores: r.cores, attentionUnitsPerCore: r.attentionUnitsPerCore, weightsOnChip: r.weightsOnChip,
        timing: { wallMs: Math.round(performance.now() - t0) },
      }, null, 2) + "\n");
    } else {
      const what = gen ? `${count(r.requests)} ${traceName} requests at ${gen.ratePerSec}/s${gen.specLen ? `, ${gen.specLen} drafts per verify` : ""}` : `${count(r.requests)} requests from ${traceName}`;
      io.out(`${spec.name} on ${platform.name} (${r.cores} cores, ${r.attentionUnitsPerCore} meta-attention unit${r.attentionUnitsPerCore === 1 ? "" : "s"} each), ${scheduler} scheduler, budget ${budget}: ${what}${args.prefixCache === false ? ", no prefix cache" : ""}\n`);
      io.out(summary(r));
    }
    return EXIT_PASS;
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`tessera serve-sim: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
