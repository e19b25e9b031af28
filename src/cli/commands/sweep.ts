/**
 * `tessera sweep <tb> [--param k=v1,v2,...]... [--seeds N] [--seed S] [--workers N] [--shard i/n] [--out FILE] [--json]`:
 * a testbench over the cross product of parameter values and seeds, on a worker pool, split
 * across machines with --shard (each shard writes JSON that merges).
 *
 * Points are (parameter set, seed) pairs, dealt to shards round-robin in a fixed order, so n
 * machines running --shard 0/n .. n-1/n cover the sweep exactly once and their JSON concatenates.
 * `tessera sweep noc` is the NoC load sweep instead (offered loads, saturation, plots): see
 * sweep-noc.ts.
 */
import type { Params, Testbench } from "../../tb/types.js";
import { Io, selectOne } from "../io.js";
import { originOf } from "../../tb/project/project.js";
import { checkCombination, parseParamValue, specOf, splitParamArgs } from "../params.js";
import { EXIT_FAIL, EXIT_PASS, UsageError } from "../usage.js";
import { availableParallelism } from "node:os";
import { prepareOutputFile, writeFileAtomic } from "../../io/output-file.js";
import { mergeTbSweeps, type TbSweepResult } from "../../sweep/tb-merge.js";
import { Piscina } from "piscina";
import { progress } from "../progress.js";
import { sweepNocCommand } from "./sweep-noc.js";
import type { TbSweepPoint, TbSweepTask } from "../../sweep/tb-point.js";
import { parseShard } from "../defaults.js";

export interface SweepArgs {
  param: string[];
  seeds: number;
  seed: number;
  workers?: number;
  shard?: { index: number; count: number };
  out?: string;
  json?: boolean;
}

export { parseShard };

/** Values of one swept parameter: "a,b,c" or an int range "lo..hi". */
function sweptValues(tb: Testbench, name: string, text: string) {
  const spec = specOf(tb, name);
  const range = /^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$/.exec(text);
  if (range && spec.type === "int") {
    const lo = Number(range[1]), hi = Number(range[2]);
    if (hi < lo) throw new UsageError(`--param ${name}=${text}: empty range`);
    return Array.from({ length: hi - lo + 1 }, (_, i) => parseParamValue(tb, spec, String(lo + i)));
  }
  return text.split(",").map((v) => parseParamValue(tb, spec, v));
}

/** Every parameter combination of the sweep (defaults for unswept parameters), each validated. */
export function sweepPlan(tb: Testbench, paramArgs: readonly string[]): Params[] {
  let combos: Params[] = [Object.fromEntries(tb.params.map((p) => [p.name, p.default]))];
  for (const [k, v] of splitParamArgs(paramArgs)) {
    const values = sweptValues(tb, k, v);
    combos = combos.flatMap((c) => values.map((x) => ({ ...c, [k]: x })));
  }
  for (const c of combos) checkCombination(tb, c);
  return combos;
}

export interface SweepExtraArgs {
  /** noc only: offered loads "a,b,c" or "lo..hi:step". */
  rates?: string;
  refine?: number;
  merge?: string[];
}

export async function sweepCommand(name: string, args: SweepArgs & SweepExtraArgs, io: Io): Promise<number> {
  if (name === "noc") {
    return sweepNocCommand({ param: args.param, rates: args.rates, seeds: args.seeds, seed: args.seed, workers: args.workers, shard: args.shard, refine: args.refine, out: args.out, json: args.json, merge: args.merge }, io);
  }
  if (args.rates !== undefined || args.refine !== undefined) {
    throw new UsageError("--rates and --refine belong to 'tessera sweep noc'");
  }
  const tb = await selectOne(name, io, "sweep");
  if (args.out) prepareOutputFile(args.out, "--out");
  if (args.merge) return finish(mergeTbSweeps(args.merge, tb.name), args, io, 0);
  const plan = sweepPlan(tb, args.param);
  const shard = args.shard ?? { index: 0, count: 1 };
  const all: TbSweepTask[] = plan.flatMap((params) => Array.from({ length: args.seeds }, (_, k) => ({ testbench: tb.name, params, seed: args.seed + k, ...(originOf(tb) ? { file: originOf(tb)!.file } : {}) })));
  const tasks = all.filter((_, i) => i % shard.count === shard.index);
  const workers = Math.max(1, Math.min(args.workers ?? availableParallelism(), tasks.length || 1));
  const bar = progress(io, { json: args.json, label: `sweep ${tb.name}` });
  // Results in plan order, whatever order the workers finish in.
  const points: TbSweepPoint[] = new Array(tasks.length);
  let done = 0;
  const t0 = performance.now();
  const pool = new Piscina({ filename: new URL("../../sweep/tb-worker.mjs", import.meta.url).href, maxThreads: workers, minThreads: 0 });
  try {
    await Promise.all(tasks.map(async (t, i) => {
      try {
        points[i] = (await pool.run(t)) as TbSweepPoint;
      } catch (e) {
        // A user's testbench file that loads here but not in a worker thread is still theirs to mend.
        if ((e as Error).name === "ProjectError") throw new UsageError(`in a sweep worker: ${(e as Error).message}`);
        throw e;
      }
      bar.update(++done, tasks.length);
    }));
  } finally {
    bar.stop();
    await pool.destroy();
  }
  const userError = points.find((p) => p.userError !== undefined);
  if (userError) throw new UsageError(`sweep point seed ${userError.seed} ${Object.entries(userError.params).map(([k, v]) => `${k}=${v}`).join(" ")}: ${userError.userError}`);
  const result: TbSweepResult = {
    testbench: tb.name,
    shard,
    points: points.map(({ name: _n, userError: _u, ...p }) => p),
    passed: points.every((p) => p.passed),
    timing: { createdAt: new Date().toISOString() },
  };
  return finish(result, args, io, workers, performance.now() - t0);
}

/** Write and print a sweep's result (run or merged); the exit code. */
function finish(result: TbSweepResult, args: SweepArgs & SweepExtraArgs, io: Io, workers: number, wallMs?: number): number {
  if (args.out) writeFileAtomic(args.out, JSON.stringify(result, null, 2) + "\n", "--out");
  if (args.json) io.out(JSON.stringify(result) + "\n");
  else {
    const { points, shard } = result;
    const failed = points.filter((p) => !p.passed);
    const how = workers ? `shard ${shard.index}/${shard.count}, ${workers} workers${wallMs !== undefined ? `, ${(wallMs / 1000).toFixed(1)} s` : ""}` : `merged from ${args.merge!.length} shards`;
    io.out(`${result.testbench}: ${points.length - failed.length}/${points.length} points passed (${how})${args.out ? `; results in ${args.out}` : ""}\n`);
    for (const p of failed.slice(0, 5)) io.out(`  FAIL seed ${p.seed} ${Object.entries(p.params).map(([k, v]) => `${k}=${v}`).join(" ")}: ${p.failures[0] ?? "?"}\n`);
  }
  return result.passed ? EXIT_PASS : EXIT_FAIL;
}
