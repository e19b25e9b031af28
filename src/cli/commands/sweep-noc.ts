/**
 * `tessera sweep noc`: a load sweep of the mesh NoC (src/sweep), for the CLI to call when the
 * testbench is `noc`:
 *
 *   tessera sweep noc --param w=8 --param h=8 --rates 0.05..0.5:0.05 [--seeds N] [--seed S]
 *                     [--workers N] [--shard i/n] [--refine R] [--out out/noc.json] [--json]
 *   tessera sweep noc --merge a.json b.json ... --out merged.json [--json]
 *
 * --param sets one value per noc parameter (the load is what varies; `--param rate=...` is taken
 * as --rates). --out writes the JSON and, next to it, <name>-latency.svg, <name>-throughput.svg
 * and <name>-links.svg. Exit code 0 when every point passed its checks, 1 otherwise, 2 on usage
 * errors.
 */
import { applyNocPreset } from "../../tb/noc/presets.js";
import type { Io } from "../io.js";
import { progress } from "../progress.js";
import { UsageError, EXIT_USAGE } from "../usage.js";
import { NOC_PARAMS } from "../../tb/noc/noc.js";
import type { ParamValue, Params } from "../../tb/types.js";
import { UserError } from "../../io/user-error.js";
import { prepareOutputFile } from "../../io/output-file.js";
import { mergeSweeps, parseRates, runSweep, summarizeLoads, sweepParams, writeSweepOutputs } from "../../sweep/index.js";
import type { SweepResult, SweepShard } from "../../sweep/index.js";

export interface SweepNocArgs {
  /** "k=v" pairs. */
  readonly param?: readonly string[];
  /** Offered loads: "a,b,c" or "lo..hi:step". */
  readonly rates?: string;
  readonly seeds?: number;
  readonly seed?: number;
  readonly workers?: number;
  readonly shard?: SweepShard;
  readonly refine?: number;
  readonly out?: string;
  readonly json?: boolean;
  /** Sweep JSON files to merge instead of running. */
  readonly merge?: readonly string[];
}

export const DEFAULT_RATES = "0.05..0.6:0.05";

/** One noc parameter value from text, checked against its spec (int, enum, bool, number, string). */
export function parseNocParam(name: string, text: string): ParamValue {
  const spec = NOC_PARAMS.find((p) => p.name === name);
  if (!spec) throw new UsageError(`noc has no parameter '${name}'; its parameters: ${NOC_PARAMS.map((p) => p.name).join(", ")}`);
  const bad = (why: string) => new UsageError(`parameter '${name}' of noc: ${why} (default ${spec.default})`);
  switch (spec.type) {
    case "int":
    case "number": {
      const v = Number(text.trim());
      if (text.trim() === "" || !Number.isFinite(v) || (spec.type === "int" && !Number.isInteger(v))) throw bad(`'${text}' is not ${spec.type === "int" ? "a whole number" : "a number"}`);
      if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) throw bad(`${v} is outside ${spec.min}..${spec.max}`);
      return v;
    }
    case "enum":
      if (!(spec.values ?? []).includes(text)) throw bad(`'${text}' is not one of ${(spec.values ?? []).join("|")}`);
      return text;
    case "bool":
      if (/^(true|1|yes|on)$/i.test(text)) return true;
      if (/^(false|0|no|off)$/i.test(text)) return false;
      throw bad(`'${text}' is not a boolean`);
    default:
      return text;
  }
}

function parseParams(args: readonly string[]): { params: Params; rates?: string } {
  const params: Params = {};
  let rates: string | undefined;
  for (const a of args) {
    const eq = a.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param '${a}': expected name=value, e.g. --param w=8`);
    const k = a.slice(0, eq).trim(), v = a.slice(eq + 1);
    if (k in params || (k === "rate" && rates !== undefined)) throw new UsageError(`--param ${k} is given twice`);
    if (k === "rate") rates = v;
    else params[k] = parseNocParam(k, v);
  }
  return { params, rates };
}

const pad = (s: string, n: number) => s.padStart(n);

/** The human-readable table: one line per load (means over seeds), then the saturation. */
export function formatSweep(r: SweepResult): string {
  const lines = [`noc sweep: ${r.params.w}x${r.params.h}, ${r.params.vcs} VCs x ${r.params.bufDepth}, ${r.params.traffic}, ${r.params.packetSize}-flit packets, vcPolicy ${applyNocPreset(r.params).vcPolicy}${r.params.preset && r.params.preset !== "none" ? `, preset ${r.params.preset}` : ""}; ${r.points.length} points${r.complete ? "" : ` (shards ${r.shards.map((s) => `${s.index}/${s.count}`).join(", ")})`}`];
  lines.push(`${pad("offered", 8)} ${pad("avg lat", 9)} ${pad("p99 lat", 9)} ${pad("accepted", 9)}  state`);
  for (const l of summarizeLoads(r.points)) {
    const lat = Number.isFinite(l.latency) ? l.latency.toFixed(1) : "-";
    const p99 = Number.isFinite(l.p99) ? l.p99.toFixed(0) : "-";
    const state = !l.stable ? `saturated (${l.instability || "measured packets still in flight at the end of the cooldown"})` : l.latency >= r.saturation.threshold ? "saturated" : "below saturation";
    lines.push(`${pad(l.rate.toFixed(4), 8)} ${pad(lat, 9)} ${pad(p99, 9)} ${pad(l.throughput.toFixed(4), 9)}  ${state}${l.passed ? "" : ", CHECKS FAILED"}`);
  }
  const s = r.saturation;
  lines.push(
    s.rate === null
      ? `saturation: not reached (average latency stays below 2 x zero-load = ${s.threshold.toFixed(1)} cycles)`
      : `saturation: ~${s.rate} flits/node/cycle (average latency reaches 2 x zero-load = ${s.threshold.toFixed(1)} cycles${s.how === "below-lowest-rate" ? "; already at the lowest load" : ` between ${s.bracket![0]} and ${s.bracket![1]}`})`,
  );
  if (s.peakThroughput) lines.push(`peak accepted throughput: ${s.peakThroughput.throughput} flits/node/cycle (at offered ${s.peakThroughput.rate})`);
  const failed = r.points.filter((p) => !p.passed);
  for (const p of failed.slice(0, 5)) lines.push(`FAILED at rate ${p.rate}, seed ${p.seed}: ${p.failures[0] ?? "?"}`);
  return lines.join("\n") + "\n";
}

export async function sweepNocCommand(args: SweepNocArgs, io: Io): Promise<number> {
  try {
    let result: SweepResult;
    if (args.out) prepareOutputFile(args.out, "--out");
    if (args.merge && args.merge.length) {
      result = mergeSweeps(args.merge);
    } else {
      const { params, rates: rateParam } = parseParams(args.param ?? []);
      if (rateParam !== undefined && args.rates !== undefined) throw new UsageError("give the loads once: --rates or --param rate=...");
      let rates: number[];
      try {
        rates = parseRates(args.rates ?? rateParam ?? DEFAULT_RATES);
        sweepParams(params);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const bar = progress(io, { json: args.json, label: "noc sweep" });
      try {
        result = await runSweep({
          params, rates, seeds: args.seeds, seed: args.seed, workers: args.workers, shard: args.shard, refine: args.refine,
          onPoint: (_p, done, total) => bar.update(done, total),
        });
      } finally {
        bar.stop();
      }
    }
    if (args.out) {
      const f = writeSweepOutputs(result, args.out);
      if (!args.json) io.err(`wrote ${f.json}${result.points.length ? `, ${f.latency}, ${f.throughput}, ${f.links}` : ""}\n`);
    }
    if (args.json) io.out(JSON.stringify(result) + "\n");
    else io.out(formatSweep(result));
    return result.points.every((p) => p.passed) ? 0 : 1;
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`tessera sweep noc: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
