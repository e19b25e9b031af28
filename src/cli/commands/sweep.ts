/**
 * `tessera sweep <tb> [--param k=v1,v2,...]... [--seeds N] [--seed S] [--workers N] [--shard i/n] [--out FILE] [--json]`:
 * a testbench over the cross product of parameter values and seeds, on a worker pool, split
 * across machines with --shard (each shard writes JSON that merges).
 *
 * Not wired yet: the grid is parsed and every value checked here (`sweepPlan`), so wiring the
 * worker pool means replacing the body of `sweepCommand` only.
 */
import { findTestbench } from "../../tb/registry.js";
import type { Params, Testbench } from "../../tb/types.js";
import { Io, testbenchesOf } from "../io.js";
import { checkCombination, parseParamValue, specOf, splitParamArgs } from "../params.js";
import { EXIT_USAGE, UsageError } from "../usage.js";

export interface SweepArgs {
  param: string[];
  seeds: number;
  seed: number;
  workers?: number;
  shard?: { index: number; count: number };
  out?: string;
  json?: boolean;
}

/** Parse "--shard i/n" (0 <= i < n). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new UsageError(`--shard '${text}': expected i/n with 0 <= i < n, e.g. --shard 0/4`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

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

export async function sweepCommand(name: string, args: SweepArgs, io: Io): Promise<number> {
  const tb = findTestbench(name, testbenchesOf(io));
  const plan = sweepPlan(tb, args.param);
  io.err(`tessera sweep: parameter sweeps are not available yet (this sweep would be ${plan.length} parameter sets x ${args.seeds} seeds)\n`);
  return EXIT_USAGE;
}
