/**
 * Octopus (src/system/octopus): workflow graphs and their reader, the golden realization and
 * expected frequencies, the architecture's mapping and diffusion, the timed run under every mix of
 * mechanisms against the golden checks (every reached block exactly once, work conserved, makespan
 * above both bounds, the same schedule for the same seed), small graphs timed by hand, and
 * `tessera octopus`.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { mulberry32 } from "../../src/golden/prng.js";
import { platformPreset } from "../../src/system/platform/index.js";
import type { Platform } from "../../src/system/platform/types.js";
import {
  MECHANISMS, applyFlows, arrivalTimes, buildFabric, checkExactlyOnce, checkMakespanBounds, checkRun, checkSameSchedule, checkWorkConserved,
  criticalPathNs, diffusionFlows, expectedFrequencies, expectedTrips, generateAgentGraph, generateGraph, generateRagGraph, indiscriminateMapping,
  parseWorkflowGraph, proactiveMapping, readWorkflowGraphFile, realizeInstance, realizeRun, runWorkflows, speedupSweep, taskWork,
  type Block, type Flow, type Mechanisms, type Region, type WorkflowGraph,
} from "../../src/system/octopus/index.js";
import { runCli } from "../util/run-cli.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`octopus properties: FC_SEED=${SEED}`);

const tiny = platformPreset("tiny-2x2"), palm = platformPreset("palm-wafer");

/** A general task of exactly `ns` (sigma 0) in `pieces` pieces. */
const fixed = (id: string, ns: number, pieces = 1, outBytes = 0): Block => ({ id, kind: "task", task: { op: "sampled", medianNs: ns, sigma: 0, pieces }, outBytes });
const flows = (...pairs: [string, string][]): Flow[] => pairs.map(([from, to]) => ({ from, to }));
const graph = (g: Omit<WorkflowGraph, "name">): WorkflowGraph => parseWorkflowGraph({ name: "hand", ...g }, "hand graph");

describe("workflow graphs", () => {
  it("the reader names the file, the block and how to mend each fault", () => {
    const bad = (v: unknown, re: RegExp) => expect(() => parseWorkflowGraph(v, "g.json")).toThrow(re);
    const ok = { name: "g", blocks: [fixed("a", 10), fixed("b", 10)], flows: flows(["a", "b"]) };
    expect(parseWorkflowGraph(ok, "g.json").blocks).toHaveLength(2);
    bad({ ...ok, blockz: [] }, /^g\.json: blockz: unknown field/);
    bad({ ...ok, blocks: [fixed("a", 10), { id: "b", kind: "task", task: { op: "gemm", m: 4, n: 8 } }] }, /g\.json: block "b": task: k: missing/);
    bad({ ...ok, blocks: [fixed("a", 10), { id: "b", kind: "task", task: { op: "gemm", m: [9, 2], n: 8, k: 8 } }] }, /block "b": task: m: range \[9, 2\] runs backwards; write \[2, 9\]/);
    bad({ ...ok, blocks: [fixed("a", 10), fixed("a", 10)] }, /block "a": id: the id is used twice/);
    bad({ ...ok, flows: flows(["a", "b"], ["b", "a"]) }, /flows: the flows go round in a cycle \(a -> b -> a\).*loop block/);
    bad({ ...ok, flows: flows(["a", "zz"]) }, /flows\[0\]\.to: "zz" is not a block of the graph/);
    bad({ name: "g", blocks: [fixed("a", 1), { id: "x", kind: "branch", probs: { a: 0.5, b: 0.4 } }, fixed("b", 1)], flows: flows(["x", "a"], ["x", "b"]) },
      /block "x": probs: the probabilities sum to 0\.9; they must sum to 1/);
    bad({ name: "g", blocks: [{ id: "x", kind: "branch", probs: { a: 0.5, b: 0.5 } }, fixed("a", 1), fixed("b", 1)], flows: flows(["x", "a"]) },
      /block "x": probs: the branch's targets \(a, b\) must be exactly the blocks its flows lead to \(a\)/);
    bad({ name: "g", blocks: [{ id: "l", kind: "loop", continueProb: 0.5, maxTrips: 3, body: { blocks: [fixed("t", 1), { id: "u", kind: "task", task: { op: "sampled", medianNs: -1 } }], flows: [] } }], flows: [] },
      /block "l" body: block "u": task: medianNs: must be a number > 0/);
    bad({ name: "g", blocks: [{ id: "l", kind: "loop", continueProb: 1.5, maxTrips: 3, body: { blocks: [fixed("t", 1)], flows: [] } }], flows: [] }, /block "l": continueProb: must be a number >= 0 and <= 1/);
  });

  it("reads a file, naming the file in faults and the line of a JSON syntax error", () => {
    const dir = mkdtempSync(join(tmpdir(), "octopus-"));
    const good = join(dir, "good.json"), bad = join(dir, "bad.json"), broken = join(dir, "broken.json");
    writeFileSync(good, JSON.stringify(generateRagGraph(3), null, 2));
    expect(readWorkflowGraphFile(good)).toEqual(generateRagGraph(3));
    writeFileSync(bad, JSON.stringify({ name: "b", blocks: [{ id: "t", kind: "tusk" }], flows: [] }));
    expect(() => readWorkflowGraphFile(bad)).toThrow(/bad\.json: block "t": kind: must be one of task, branch, loop, got "tusk"/);
    writeFileSync(broken, '{\n  "name": "x",\n  "blocks": [,]\n}');
    expect(() => readWorkflowGraphFile(broken)).toThrow(/broken\.json:3: not valid JSON/);
  });

  it("generated graphs are valid, vary with the seed and repeat for a seed", () => {
    for (const seed of [1, 2, 3, 17]) {
      for (const g of [generateAgentGraph(seed), generateRagGraph(seed)]) expect(parseWorkflowGraph(JSON.parse(JSON.stringify(g)))).toEqual(g);
      expect(generateAgentGraph(seed)).toEqual(generateAgentGraph(seed));
    }
    expect(generateAgentGraph(1)).not.toEqual(generateAgentGraph(2));
  });

  it("a GEMM's pieces are the PE-array model's slices, attention's the meta-attention unit's tiles; work is their sum", () => {
    const w = taskWork({ id: "g", kind: "task", task: { op: "gemm", m: 64, n: 300, k: 128 } }, tiny, 1, "k");
    // tiny-2x2: 8-column arrays, 300 columns = 38 arrays, cut into at most 64 pieces: 38 slices.
    expect(w.pieces).toHaveLength(38);
    expect(w.work).toBeCloseTo(w.pieces.reduce((a, b) => a + b, 0), 9);
    expect(w.pieceWeightBytes.reduce((a, b) => a + b, 0)).toBe(128 * 300 * 2);
    const a = taskWork({ id: "a", kind: "task", task: { op: "attention", rows: 40, context: 100 } }, tiny, 1, "k");
    expect(a.pieces).toHaveLength(3);
    expect(a.model).toBe("meta-attention");
    // Later rows see more keys.
    expect(a.pieces[1]).toBeGreaterThan(a.pieces[0]);
  });
});

describe("expected frequencies", () => {
  it("branch arms by probability, merges summed, loops by their expected trips", () => {
    const g = graph({
      blocks: [
        fixed("a", 1), { id: "x", kind: "branch", probs: { b: 0.3, c: 0.7 } }, fixed("b", 1), fixed("c", 1), fixed("d", 1),
        { id: "l", kind: "loop", continueProb: 0.5, maxTrips: 3, body: { blocks: [fixed("t", 1)], flows: [] } },
      ],
      flows: flows(["a", "x"], ["x", "b"], ["x", "c"], ["b", "d"], ["c", "d"], ["d", "l"]),
    });
    const f = expectedFrequencies(g);
    expect(f.get("b")).toBeCloseTo(0.3, 12);
    expect(f.get("c")).toBeCloseTo(0.7, 12);
    expect(f.get("d")).toBeCloseTo(1, 12);
    expect(expectedTrips(0.5, 3)).toBeCloseTo(1.75, 12);
    expect(f.get("t")).toBeCloseTo(1.75, 12);
    // Against the realized frequencies of many instances.
    let t = 0, b = 0;
    for (let i = 0; i < 4000; i++) {
      const ex = realizeInstance(g, tiny, 5, i);
      t += ex.filter((e) => e.block === "t").length;
      b += ex.filter((e) => e.block === "b").length;
    }
    expect(t / 4000).toBeCloseTo(1.75, 1);
    expect(b / 4000).toBeCloseTo(0.3, 1);
  });
});

describe("architecture", () => {
  it("clusters tile the mesh; mappings give every block TBUs, the baseline equal shares, Octopus shares by demand", () => {
    const f = buildFabric(palm);
    expect(f.clusters).toHaveLength(20);
    expect(f.clusters.every((c) => c.units.length === 16)).toBe(true);
    expect(new Set(f.clusters.flatMap((c) => c.units)).size).toBe(320);
    expect(buildFabric(platformPreset("wse2")).clusterSide).toEqual({ x: 3, y: 3 });
    const blocks = ["a", "b", "c", "d"];
    const eq = indiscriminateMapping(f, blocks);
    expect(eq.groups.map((g) => g.units.length)).toEqual([80, 80, 80, 80]);
    const pro = proactiveMapping(f, blocks, new Map([["a", 10], ["b", 5], ["c", 4.5], ["d", 0.5]]));
    const tbus = (b: string) => pro.groupsOf.get(b)!.reduce((s, k) => s + pro.groups[k].units.length / pro.groups[k].blocks.length, 0);
    // 20 clusters by demand 10 : 5 : 4.5 : 0.5 -> 10, 5, 5 (4.5 rounds up), and d shares the least loaded cluster.
    expect(pro.groupsOf.get("a")).toHaveLength(10);
    expect(pro.groupsOf.get("b")).toHaveLength(5);
    expect(pro.groupsOf.get("c")).toHaveLength(5);
    expect(pro.groupsOf.get("d")).toHaveLength(1);
    expect(tbus("a")).toBeGreaterThan(tbus("b"));
    expect(blocks.reduce((s, b) => s + tbus(b), 0)).toBeCloseTo(320, 9);
  });

  test.prop([fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 30 }), fc.double({ min: 0.01, max: 0.25, noNaN: true }), fc.integer({ min: 1, max: 6 })], { numRuns: 200, seed: SEED })(
    "diffusion conserves load, sends only downhill, never more than a cluster holds, and does not widen the spread",
    (loads, alpha, width) => {
      const n = loads.length, w = Math.min(width, n);
      const neighbours = loads.map((_, i) => [i - w, i - 1, i + 1, i + w].filter((j) => j >= 0 && j < n && (Math.abs(j - i) === w || Math.floor(j / w) === Math.floor(i / w))));
      const fl = diffusionFlows(loads, neighbours, alpha);
      const next = applyFlows(loads, fl);
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      expect(sum(next)).toBeCloseTo(sum(loads), 6);
      for (const f of fl) expect(loads[f.from]).toBeGreaterThan(loads[f.to]);
      next.forEach((x) => expect(x).toBeGreaterThanOrEqual(-1e-9));
      expect(Math.max(...next) - Math.min(...next)).toBeLessThanOrEqual(Math.max(...loads) - Math.min(...loads) + 1e-9);
    },
  );
});

describe("small runs timed by hand", () => {
  // a (1 us) -> b (2 us in two pieces), 4 KiB between them, on tiny-2x2 (one 2x2 cluster; links 64 GB/s, 1 ns).
  const ab = graph({ blocks: [fixed("a", 1000, 1, 4096), fixed("b", 2000, 2, 4096)], flows: flows(["a", "b"]) });
  const one = { instances: 1, ratePerMs: 1, seed: 1, record: true } as const;

  it("octopus: b sized to its work; with a finer grain its second piece goes one hop away", () => {
    // grain 2 us: b gets one TBU, the one a ran on (its data is there): 1 + 2 us.
    expect(runWorkflows(ab, tiny, { ...one, scheduler: "octopus" }).makespanNs).toBe(3000);
    // grain 1 us: two TBUs; the second piece waits for 2 KiB over one link: 2048 / 64 + 1 = 33 ns.
    const r = runWorkflows(ab, tiny, { ...one, scheduler: "octopus", grainNs: 1000 });
    expect(r.makespanNs).toBe(2033);
    expect(r.schedule!.filter((p) => p.key.includes(":b@")).map((p) => [p.unit, p.computeStart, p.end])).toEqual([[0, 1000, 2000], [1, 1033, 2033]]);
  });

  it("baseline: a region per block, two TBUs each, held whole; b's pieces fetch from one and two hops", () => {
    const r = runWorkflows(ab, tiny, { ...one, scheduler: "baseline" });
    // Regions in snake order: {0, 1} for a, {3, 2} for b. b's pieces on tiles (0,1) and (1,1):
    // 33 ns and 2 x 33 ns (store-and-forward over two links) before they compute.
    expect(r.makespanNs).toBe(2066);
    expect(r.busyNs).toBe(3000);
    // Held: a 2 TBUs x 1 us, b 2 TBUs x 1.066 us; computing 3 us.
    expect(r.heldIdleNs).toBe(2 * 1000 + 2 * 1066 - 3000);
    expect(r.utilization).toBeCloseTo(3000 / (4 * 2066), 12);
    expect(runWorkflows(ab, tiny, { ...one, scheduler: "baseline", forwarding: "cut-through" }).makespanNs).toBe(2034);
  });

  it("a branch runs only its taken arm, the merge once; decisions cost their time on a CBU or on TBUs", () => {
    const g = graph({
      blocks: [fixed("a", 1000), { id: "x", kind: "branch", probs: { b: 1, c: 0 } }, fixed("b", 1000), fixed("c", 1000), fixed("d", 1000)],
      flows: flows(["a", "x"], ["x", "b"], ["x", "c"], ["b", "d"], ["c", "d"]),
    });
    for (const scheduler of ["octopus", "baseline"] as const) {
      const r = runWorkflows(g, tiny, { ...one, scheduler });
      expect(r.makespanNs).toBe(1000 + 100 + 1000 + 1000);
      expect(r.completions.map((c) => `${c.block}:${c.on}`)).toEqual(["a:tbu", `x:${scheduler === "octopus" ? "cbu" : "tbu"}`, "b:tbu", "d:tbu"]);
      expect(checkRun(g, tiny, r)).toEqual([]);
    }
  });

  it("a loop runs its body trip after trip, deciding after each; a fork's arms run side by side", () => {
    const g = graph({
      blocks: [
        { id: "l", kind: "loop", continueProb: 1, maxTrips: 3, body: { blocks: [fixed("t", 500)], flows: [] } },
        fixed("e", 1000), fixed("f", 1000), fixed("j", 200),
      ],
      flows: flows(["l", "e"], ["l", "f"], ["e", "j"], ["f", "j"]),
    });
    const r = runWorkflows(g, tiny, { ...one, scheduler: "octopus" });
    expect(r.completions.map((c) => c.key)).toEqual(["0:t@0", "0:l@0", "0:t@1", "0:l@1", "0:t@2", "0:l@2", "0:e@", "0:f@", "0:j@"]);
    // Three trips of 500 + 100, then e and f together, then j.
    expect(r.makespanNs).toBe(3 * 600 + 1000 + 200);
    expect(criticalPathNs(realizeInstance(g, tiny, 1, 0), 100)).toBe(3000);
  });
});

/** A random structured graph: up to 5 blocks a region, tasks of all three ops, branches, loops two deep, random flows. */
function randomRegion(r: () => number, depth: number, ids: { n: number }): Region {
  const n = 1 + Math.floor(r() * 5);
  const kinds = Array.from({ length: n }, (_, i) => (depth < 2 && r() < 0.2 ? "loop" : i < n - 2 && r() < 0.35 ? "branch" : "task"));
  const names = kinds.map(() => `b${ids.n++}`);
  const fl: Flow[] = [];
  const blocks: Block[] = kinds.map((k, i) => {
    const id = names[i];
    if (k === "branch") {
      const later = names.slice(i + 1).filter(() => r() < 0.7);
      const targets = later.length >= 2 ? later : names.slice(i + 1, i + 3);
      const w = targets.map(() => 1 + Math.floor(r() * 9));
      const W = w.reduce((a, b) => a + b, 0);
      targets.forEach((t) => fl.push({ from: id, to: t }));
      return { id, kind: "branch", probs: Object.fromEntries(targets.map((t, j) => [t, w[j] / W])) };
    }
    for (let j = i + 1; j < n; j++) if (r() < 0.35) fl.push({ from: id, to: names[j] });
    if (k === "loop") return { id, kind: "loop", continueProb: Math.floor(r() * 10) / 10, maxTrips: 1 + Math.floor(r() * 4), body: randomRegion(r, depth + 1, ids) };
    const op = r();
    const outBytes = Math.floor(r() * 8192);
    if (op < 0.5) return { id, kind: "task", outBytes, task: { op: "sampled", medianNs: 100 + Math.floor(r() * 5000), sigma: r() * 0.8, pieces: 1 + Math.floor(r() * 4) } };
    if (op < 0.8) return { id, kind: "task", outBytes, task: { op: "gemm", m: [1, 1 + Math.floor(r() * 16)], n: 8 + Math.floor(r() * 40), k: 8 + Math.floor(r() * 40) } };
    return { id, kind: "task", task: { op: "attention", rows: [1, 1 + Math.floor(r() * 20)], context: Math.floor(r() * 50) } };
  });
  return { blocks, flows: fl };
}

const randomGraph = (seed: number): WorkflowGraph => parseWorkflowGraph({ name: `random-${seed}`, ...randomRegion(mulberry32(seed), 0, { n: 0 }) }, `random graph ${seed}`);

const runArb = fc.record({
  graphSeed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  mech: fc.record(Object.fromEntries(MECHANISMS.map((m) => [m, fc.boolean()])) as Record<keyof Mechanisms, fc.Arbitrary<boolean>>),
  instances: fc.integer({ min: 1, max: 8 }),
  rate: fc.constantFrom(1, 50, 2000, Infinity),
  share: fc.integer({ min: 1, max: 4 }),
  grainNs: fc.constantFrom(300, 2000, 1e6),
  cluster: fc.constantFrom(undefined, { x: 1, y: 1 }, { x: 2, y: 1 }),
  forwarding: fc.constantFrom("store-and-forward" as const, "cut-through" as const),
  platform: fc.constantFrom<Platform>(tiny, tiny, platformPreset("dojo-tile")),
});

describe("golden checks of the timed run", () => {
  test.prop([runArb], { numRuns: 200, seed: SEED })(
    "every reached block completes exactly once, work is conserved, makespan >= critical path and >= work / TBUs, under any mix of mechanisms",
    (a) => {
      const g = randomGraph(a.graphSeed);
      const r = runWorkflows(g, a.platform, {
        scheduler: "baseline", mechanisms: a.mech, instances: a.instances, ratePerMs: a.rate, seed: a.seed,
        share: a.share, grainNs: a.grainNs, clusterSide: a.cluster, forwarding: a.forwarding,
      });
      const realized = realizeRun(g, a.platform, r);
      expect(checkExactlyOnce(r, realized)).toEqual([]);
      expect(checkWorkConserved(r, realized)).toEqual([]);
      expect(checkMakespanBounds(r, realized)).toEqual([]);
      for (const c of r.completions) expect(c.end).toBeGreaterThanOrEqual(c.start);
      r.finishes.forEach((f, i) => expect(f).toBeGreaterThanOrEqual(r.arrivals[i]));
      expect(r.utilization).toBeLessThanOrEqual(1 + 1e-9);
      expect(r.heldIdleNs).toBeGreaterThanOrEqual(-1e-6);
    },
  );

  test.prop([runArb], { numRuns: 40, seed: SEED })("the same seed gives the same schedule; both schedulers run the same executions", (a) => {
    const g = randomGraph(a.graphSeed);
    const o = { mechanisms: a.mech, instances: a.instances, ratePerMs: a.rate, seed: a.seed, share: a.share, grainNs: a.grainNs, clusterSide: a.cluster, record: true };
    const x = runWorkflows(g, a.platform, { ...o, scheduler: "baseline" });
    expect(checkSameSchedule(x, runWorkflows(g, a.platform, { ...o, scheduler: "baseline" }))).toEqual([]);
    const y = runWorkflows(g, a.platform, { ...o, scheduler: "octopus", mechanisms: undefined });
    const keys = (rr: typeof x) => rr.completions.map((c) => c.key).sort();
    expect(keys(y)).toEqual(keys(x));
    expect(y.taskWorkNs).toBeCloseTo(x.taskWorkNs, 6);
  });

  it("generated graphs on palm-wafer pass the checks under both schedulers", () => {
    for (const kind of ["agent", "rag"] as const) {
      const g = generateGraph(kind, 4);
      for (const scheduler of ["baseline", "octopus"] as const) {
        expect(checkRun(g, palm, runWorkflows(g, palm, { scheduler, instances: 30, ratePerMs: 100, seed: 4 }))).toEqual([]);
      }
    }
  });

  it("arrivals are Poisson at the rate, the first at 0; rate Infinity is one batch", () => {
    const t = arrivalTimes(5000, 10, 3);
    expect(t[0]).toBe(0);
    expect(Math.abs(t[4999] / 4999 / 1e5 - 1)).toBeLessThan(0.05);
    expect(arrivalTimes(4, Infinity, 1)).toEqual([0, 0, 0, 0]);
  });

  it("the sweep compares both schedulers on the same seeds", () => {
    const s = speedupSweep(tiny, { graph: "rag", firstSeed: 7, count: 2, instances: 3, ratePerMs: 100 });
    expect(s.points.map((p) => p.seed)).toEqual([7, 8]);
    for (const p of s.points) expect(p.speedup).toBeCloseTo(p.baseline.makespanNs / p.octopus.makespanNs, 12);
    expect(s.speedup.min).toBeLessThanOrEqual(s.speedup.mean);
    expect(s.speedup.max).toBeGreaterThanOrEqual(s.speedup.mean);
  });
});

describe("tessera octopus", () => {
  it("--json: one object with makespan, utilization, idle time, the speedup and the checks", async () => {
    const r = await runCli(["octopus", "--graph", "agent", "--platform", "palm-wafer", "--scheduler", "octopus", "--instances", "20", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ graph: "agent", graphName: "agent-1", platform: "palm-wafer", scheduler: "octopus", instances: 20, tbus: 320, clusters: 20, checks: { passed: true, problems: [] } });
    for (const k of ["makespanNs", "utilization", "idleNs", "heldIdleNs", "speedupOverBaseline"]) expect(typeof j[k]).toBe("number");
    expect(j.makespanNs).toBeGreaterThanOrEqual(j.bounds.criticalPathNs);
    const b = JSON.parse((await runCli(["octopus", "--graph", "agent", "--platform", "palm-wafer", "--scheduler", "baseline", "--instances", "20", "--json"])).out);
    expect(j.speedupOverBaseline).toBeCloseTo(b.makespanNs / j.makespanNs, 9);
    expect(b.speedupOverBaseline).toBeUndefined();
  });

  it("--sweep reports each seed and the mean, min and max speedup", async () => {
    const r = await runCli(["octopus", "--graph", "rag", "--platform", "tiny-2x2", "--sweep", "3", "--seed", "5", "--instances", "4", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.seeds).toEqual([5, 6, 7]);
    expect(j.points.map((p: { graph: string }) => p.graph)).toEqual(["rag-5", "rag-6", "rag-7"]);
    expect(j.speedup.min).toBeLessThanOrEqual(j.speedup.max);
    const text = await runCli(["octopus", "--graph", "agent", "--platform", "tiny-2x2", "--sweep", "2", "--instances", "3"]);
    expect(text.out).toMatch(/speedup: mean \d+\.\d\dx, geometric mean .*, min .*, max /);
  });

  it("reads a graph file and names the file and block of a fault", async () => {
    const dir = mkdtempSync(join(tmpdir(), "octopus-cli-"));
    const good = join(dir, "g.json"), bad = join(dir, "bad.json");
    writeFileSync(good, JSON.stringify({ name: "mine", blocks: [fixed("a", 1000), fixed("b", 500)], flows: flows(["a", "b"]) }));
    const ok = await runCli(["octopus", "--graph", good, "--platform", "tiny-2x2", "--instances", "3"]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^mine on tiny-2x2 .*golden checks +pass/s);
    writeFileSync(bad, JSON.stringify({ name: "b", blocks: [{ id: "q", kind: "branch", probs: { a: 1 } }], flows: [] }));
    const r = await runCli(["octopus", "--graph", bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tessera octopus: .*bad\.json: block "q": probs: a branch picks one of two or more targets/);
  });

  it("usage errors name the option and how to mend it (exit 2)", async () => {
    for (const [argv, re] of [
      [["octopus", "--graph", "chain"], /--graph: chain: no such file, and not a generated graph; .* agent, rag/],
      [["octopus", "--scheduler", "fifo"], /--scheduler.*baseline, octopus/],
      [["octopus", "--cluster", "4by4"], /--cluster '4by4': give the cluster's side in tiles as WxH/],
      [["octopus", "--cluster", "9x9", "--platform", "tiny-2x2"], /cluster side 9x9: x must be a whole number 1\.\.2/],
      [["octopus", "--disable", "teleport"], /--disable 'teleport': the mechanisms are dual, adaptive, proactive, diffusion/],
      [["octopus", "--disable", "dual", "--scheduler", "baseline"], /--disable turns off mechanisms of --scheduler octopus/],
      [["octopus", "--sweep", "3", "--scheduler", "octopus"], /--sweep runs both schedulers on every seed; leave out --scheduler/],
      [["octopus", "--rate", "0"], /--rate must be a number > 0/],
      [["octopus", "--alpha", "0.5"], /--alpha must be a number 0\.\.0\.25/],
    ] as [string[], RegExp][]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toMatch(re);
    }
  });
});
