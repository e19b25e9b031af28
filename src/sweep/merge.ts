/**
 * Merging sweep outputs: shards of one plan (same parameters, loads and seeds) from several
 * machines, or repeated runs, become one result with the saturation recomputed over all points.
 * Incompatible inputs (another plan) are refused, naming the difference.
 */
import { parseJsonFile, readTextFile } from "../io/input-file.js";
import { UserError } from "../io/user-error.js";
import { findSaturation } from "./saturation.js";
import { SWEEP_VERSION, SweepPoint, SweepResult, SweepShard } from "./types.js";

function load(x: string | SweepResult): SweepResult {
  if (typeof x !== "string") return x;
  const r = parseJsonFile(readTextFile(x, "--merge"), x, "--merge") as SweepResult;
  if (typeof r !== "object" || r === null || r.version !== SWEEP_VERSION || r.testbench !== "noc") {
    throw new UserError(`not a noc sweep of version ${SWEEP_VERSION} (the --out of 'tessera sweep noc'; older versions: run the sweep again)`, { argument: "--merge", file: x });
  }
  for (const k of ["params", "seeds", "points", "shards", "rates"] as const) {
    if (typeof r[k] !== "object" || r[k] === null) throw new UserError("missing or not an object/array", { argument: "--merge", file: x, field: k });
  }
  return r;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Merge sweep results (objects or JSON file paths). Points are deduplicated by (rate, seed). */
export function mergeSweeps(inputs: readonly (string | SweepResult)[]): SweepResult {
  if (inputs.length === 0) throw new UserError("nothing to merge; give the shard files", { argument: "--merge" });
  const rs = inputs.map(load);
  const first = rs[0];
  rs.forEach((r, i) => {
    const name = typeof inputs[i] === "string" ? `'${inputs[i]}'` : `input ${i}`;
    if (!same(r.params, first.params)) throw new UserError(`${name} has other parameters than the first input (${JSON.stringify(r.params)} vs ${JSON.stringify(first.params)})`);
    if (!same(r.seeds, first.seeds)) throw new UserError(`${name} has seeds ${r.seeds.join(",")}, the first input ${first.seeds.join(",")}`);
  });
  const points = new Map<string, SweepPoint>();
  for (const r of rs) for (const p of r.points) if (!points.has(`${p.rate}|${p.seed}`)) points.set(`${p.rate}|${p.seed}`, p);
  const shardMap = new Map<string, SweepShard>();
  for (const r of rs) for (const s of r.shards) shardMap.set(`${s.index}/${s.count}`, s);
  const shards = [...shardMap.values()].sort((a, b) => a.count - b.count || a.index - b.index);
  const rates = [...new Set(rs.flatMap((r) => r.rates))].sort((a, b) => a - b);
  const sorted = [...points.values()].sort((a, b) => a.rate - b.rate || a.seed - b.seed);
  const planned = rates.length * first.seeds.length;
  const complete = rs.some((r) => r.complete) || (shards.length > 0 && shards.every((s) => s.count === shards[0].count) && shards.length === shards[0].count) || sorted.length >= planned;
  return {
    version: SWEEP_VERSION,
    testbench: "noc",
    params: first.params,
    rates,
    seeds: first.seeds,
    shards,
    complete,
    points: sorted,
    saturation: findSaturation(sorted),
    timing: { createdAt: new Date().toISOString() },
  };
}
