/**
 * Merging the shards of a generic testbench sweep (`tessera sweep <tb> --shard i/n --out f`,
 * then `tessera sweep <tb> --merge f0 f1 ...`). Shard i of n holds plan points i, i+n, i+2n, ...,
 * so dealing them back round-robin restores the plan order: the merged JSON is byte for byte the
 * JSON of the same sweep run unsharded, apart from its `timing`. Every shard must be present once.
 */
import { readTextFile, parseJsonFile } from "../io/input-file.js";
import { UserError } from "../io/user-error.js";
import type { TbSweepPoint } from "./tb-point.js";

export type TbSweepRecord = Omit<TbSweepPoint, "name" | "userError">;

export interface TbSweepResult {
  readonly testbench: string;
  readonly shard: { readonly index: number; readonly count: number };
  readonly points: readonly TbSweepRecord[];
  readonly passed: boolean;
  readonly timing: { readonly createdAt: string };
}

const ARG = "--merge";

/** Read one shard file, checking the fields the merge relies on. */
export function readTbSweep(file: string): TbSweepResult {
  const json = parseJsonFile(readTextFile(file, ARG), file, ARG);
  const bad = (field: string, want: string): never => {
    throw new UserError(`${want}; is this the --out of 'tessera sweep <testbench>'?`, { argument: ARG, file, field });
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) bad("(top level)", "expected an object {testbench, shard, points, passed}");
  const r = json as Record<string, unknown>;
  if (typeof r.testbench !== "string") bad("testbench", "expected the testbench's name");
  const s = r.shard as Record<string, unknown> | undefined;
  if (!s || !Number.isInteger(s.index) || !Number.isInteger(s.count) || (s.count as number) < 1 || (s.index as number) < 0 || (s.index as number) >= (s.count as number)) bad("shard", "expected {index, count} with 0 <= index < count");
  if (!Array.isArray(r.points)) bad("points", "expected an array of points");
  (r.points as unknown[]).forEach((p, i) => {
    if (typeof p !== "object" || p === null || typeof (p as { passed?: unknown }).passed !== "boolean") bad(`points[${i}]`, "expected a point with 'passed'");
  });
  return json as TbSweepResult;
}

/** The merged result of every shard of one sweep, in plan order. */
export function mergeTbSweeps(files: readonly string[], testbench: string): TbSweepResult {
  if (!files.length) throw new UserError("give the shard files to merge", { argument: ARG });
  const shards = files.map(readTbSweep);
  const count = shards[0].shard.count;
  shards.forEach((r, i) => {
    if (r.testbench !== testbench) throw new UserError(`is a sweep of '${r.testbench}', not '${testbench}'`, { argument: ARG, file: files[i], field: "testbench" });
    if (r.shard.count !== count) throw new UserError(`is shard ${r.shard.index}/${r.shard.count}, but ${files[0]} is of ${count} shards`, { argument: ARG, file: files[i], field: "shard" });
  });
  const byIndex = new Map<number, TbSweepResult>();
  shards.forEach((r, i) => {
    if (byIndex.has(r.shard.index)) throw new UserError(`shard ${r.shard.index}/${count} is given twice`, { argument: ARG, file: files[i], field: "shard" });
    byIndex.set(r.shard.index, r);
  });
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length) throw new UserError(`shards ${missing.map((i) => `${i}/${count}`).join(", ")} are missing; give all ${count}`, { argument: ARG });
  const total = shards.reduce((a, r) => a + r.points.length, 0);
  const points: TbSweepRecord[] = [];
  for (let i = 0; i < total; i++) {
    const p = byIndex.get(i % count)!.points[Math.floor(i / count)];
    if (!p) throw new UserError(`shard ${i % count}/${count} has too few points for a sweep of ${total}; were the shards run with the same --param, --seeds and --seed?`, { argument: ARG });
    points.push(p);
  }
  return { testbench, shard: { index: 0, count: 1 }, points, passed: points.every((p) => p.passed), timing: { createdAt: new Date().toISOString() } };
}
