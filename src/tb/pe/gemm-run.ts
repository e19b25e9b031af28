/**
 * One GEMM through the engine, checked against the golden models: C bit-exact (src/golden/gemm.ts),
 * cycles equal to the analytic count and per-core busy cycles and tile counts equal to the symmetric
 * round-robin schedule (src/golden/systolic.ts), and global-memory traffic of exactly the real
 * elements, each once. Shared by the `systolic` and `gemm-tiled` testbenches and by bench/pe.
 */
import { analyticCycles, peUtilization, SystolicConfig, tailCycles } from "../../golden/systolic.js";
import { elementBytes, gemmTraffic, gemmWrapped } from "../../golden/gemm.js";
import type { Geometry } from "../../hw/systolic/geometry.js";
import type { EngineParams } from "../../hw/systolic/params.js";
import type { Simulator } from "../../sim/index.js";
import { Checker, openSim, rng } from "../harness.js";
import type { Params, TbResult, TbRunOptions } from "../types.js";
import { buildGemmBench } from "./gemm-bench.js";
import { DataMode, randomOperands } from "./operands.js";

export interface GemmRunConfig {
  readonly engine: EngineParams;
  readonly memLatency: number;
  /** Global-memory bandwidth, bytes per cycle (0: unlimited). */
  readonly dramBytesPerCycle?: number;
  readonly data: DataMode;
}

export interface GemmRunOutcome {
  readonly result: TbResult;
  /** Wall-clock seconds spent stepping the simulation (not building or compiling it). */
  readonly simSeconds: number;
  readonly buildSeconds: number;
}

export function goldenConfig(g: Geometry, memLatency: number, dramBytesPerCycle = 0): SystolicConfig {
  return {
    rows: g.R, cols: g.C, dataflow: g.df, m: g.M, n: g.N, k: g.K, cores: g.p.cores, tileM: g.tm, tileN: g.tn, memLatency,
    dramBytesPerCycle, overlap: g.p.overlap, elementBytes: { a: elementBytes(g.aShape.width), b: elementBytes(g.bShape.width), c: elementBytes(g.accShape.width) },
  };
}

export async function runGemm(name: string, cfg: GemmRunConfig, params: Params, opts: TbRunOptions): Promise<GemmRunOutcome> {
  const t0 = performance.now();
  const r = rng(opts.seed);
  const p = cfg.engine;
  const A = randomOperands(r, p.aType, p.m * p.k, cfg.data);
  const B = randomOperands(r, p.bType, p.k * p.n, cfg.data);
  const bw = cfg.dramBytesPerCycle ?? 0;
  const bench = buildGemmBench(p, A, B, cfg.memLatency, opts.seed, bw);
  const { engine, memory } = bench;
  const g = engine.g;
  const want = gemmWrapped(A, B, g.M, g.N, g.K, g.accShape);
  const gc = goldenConfig(g, cfg.memLatency, bw);
  const an = analyticCycles(gc);
  // What the bandwidth costs: the same run with a port that takes a request every cycle.
  const unlimited = bw > 0 ? analyticCycles({ ...gc, dramBytesPerCycle: 0 }).total : an.total;
  const traffic = gemmTraffic(g.M, g.N, g.K, g.aShape.width, g.bShape.width, g.accShape.width);
  const check = new Checker();

  const sim = openSim(bench.top, opts);
  const t1 = performance.now();
  let cycles = 0;
  const coreBusy: number[] = [], coreWait: number[] = [], coreTiles: number[] = [];
  try {
    const start = sim.accessor(bench.start), done = sim.accessor(bench.done);
    sim.reset();
    fillBuffersWithGarbage(sim, r);
    start.set(1);
    sim.step();
    start.set(0);
    cycles = 1;
    const limit = 2 * an.total + 1000;
    while (done.get() === 0) {
      if (cycles >= limit) {
        check.fail(`done never rose: gave up after ${cycles} cycles (analytic count ${an.total})`);
        break;
      }
      sim.step();
      cycles++;
      if ((cycles & 4095) === 0) opts.onProgress?.(cycles, an.total);
    }
    for (let c = 0; c < g.p.cores; c++) {
      coreBusy.push(sim.peekNumber(engine.coreBusy[c]));
      coreWait.push(sim.peekNumber(engine.coreWait[c]));
      coreTiles.push(sim.peekNumber(engine.coreTiles[c]));
    }
  } finally {
    sim.close();
  }
  const t2 = performance.now();

  // Results, bit-exact.
  let wrong = 0;
  for (let i = 0; i < g.M; i++) {
    for (let j = 0; j < g.N; j++) {
      const idx = i * g.N + j;
      if (memory.C[idx] !== want[idx]) {
        if (wrong++ < 5) check.equal(`C[${i}][${j}]`, memory.C[idx], want[idx], g.accShape);
        else {
          check.checks++;
          check.fail(`C[${i}][${j}] wrong`);
        }
      } else check.checks++;
    }
  }
  // Timing.
  check.equal("cycles from start to done (measured vs analytic)", cycles, an.total);
  for (let c = 0; c < g.p.cores; c++) {
    check.equal(`core ${c} busy cycles (measured vs symmetric round-robin schedule)`, coreBusy[c], an.coreBusy[c]);
    check.equal(`core ${c} cycles waiting for operands`, coreWait[c], an.coreWait[c]);
    check.equal(`core ${c} tiles`, coreTiles[c], an.coreTiles[c]);
  }
  // Traffic: exactly the real elements, each once; padding never reaches memory.
  check.equal("elements read from global memory (M*K + K*N)", memory.elementsRead, traffic.elementsRead);
  check.equal("elements written to global memory (M*N)", memory.elementsWritten, traffic.elementsWritten);
  check.equal("bytes read from global memory", memory.bytesRead, traffic.bytesRead);
  check.equal("bytes written to global memory", memory.bytesWritten, traffic.bytesWritten);
  const notOnce = (counts: Uint16Array, what: string) => {
    const bad = counts.findIndex((x) => x !== 1);
    check.ok(`every element of ${what} crosses the port exactly once` + (bad >= 0 ? ` (element ${bad}: ${counts[bad]} times)` : ""), bad < 0);
  };
  notOnce(memory.readsA, "A (read)");
  notOnce(memory.readsB, "B (read)");
  notOnce(memory.writesC, "C (written)");
  check.ok(`no padded lane reaches global memory${memory.violationCount ? `: ${memory.violations.join("; ")}` : ""}`, memory.violationCount === 0);

  const tail = tailCycles(g.df, g.R);
  const stallFree = Math.max(...coreBusy.map((b, c) => (coreTiles[c] > 0 ? b - coreWait[c] - tail : 0)));
  const busyMean = coreBusy.reduce((s, x) => s + x, 0) / Math.max(1, coreBusy.length);
  const metrics: TbResult["metrics"] = {
    cycles,
    analyticCycles: an.total,
    overlap: an.overlap,
    loadCycles: an.load,
    computeCycles: an.compute,
    // Cycles the cores held folds waiting for their operands (all cores).
    waitCycles: coreWait.reduce((a, b) => a + b, 0),
    // A core's busy cycles = its folds at SCALE-Sim's closed forms + waits + this tail, which the closed
    // forms do not count (the array one cycle behind its reads; os drains R rows, ws/is write the
    // last partial sums through the output register).
    tailCycles: tail,
    storeCycles: an.store,
    dramBytesPerCycle: bw,
    // Cycles the global-memory bandwidth adds (load and store wait for their channels).
    dramStallCycles: an.total - unlimited,
    // The busiest core's folds at SCALE-Sim's closed forms, and everything else (SCALE-Sim's
    // total = compute + stalls): the start, waits for operands, the tail, the store after the last fold.
    stallFreeCycles: stallFree,
    stallCycles: cycles - stallFree,
    folds: an.folds,
    tiles: g.tiles.length,
    tileM: g.tm,
    tileN: g.tn,
    utilization: round(peUtilization(gc, cycles)),
    computeUtilization: round(peUtilization(gc, an.compute)),
    bytesRead: memory.bytesRead,
    bytesWritten: memory.bytesWritten,
    elementsRead: memory.elementsRead,
    elementsWritten: memory.elementsWritten,
    readRequests: memory.readRequests,
    writeRequests: memory.writeRequests,
    coreLoad: coreBusy.join(","),
    coreTiles: coreTiles.join(","),
    loadImbalance: round(busyMean > 0 ? Math.max(...coreBusy) / busyMean : 1),
    cyclesPerSecond: Math.round(cycles / Math.max(1e-9, (t2 - t1) / 1000)),
  };
  coreBusy.forEach((b, c) => (metrics[`core${c}Busy`] = b));
  coreWait.forEach((b, c) => (metrics[`core${c}Wait`] = b));
  return { result: check.result(name, cycles, opts.seed, params, metrics), simSeconds: (t2 - t1) / 1000, buildSeconds: (t1 - t0) / 1000 };
}

/**
 * On-chip SRAM holds garbage at power-up. Filling every buffer word with random bits makes the
 * virtual-padding rules observable: a result that depended on a padded lane the engine never wrote
 * (or wrote without zeroing) would come out wrong.
 */
function fillBuffersWithGarbage(sim: Simulator, r: () => number): void {
  for (const mem of sim.net.memories) {
    if (!/\.(west|north|c)_buf_l\d+$/.test(mem.name)) continue;
    const { width, signed } = mem.shape;
    for (let a = 0; a < mem.depth; a++) {
      const raw = BigInt(Math.floor(r() * 2 ** Math.min(width, 30))) | (width > 30 ? BigInt(Math.floor(r() * 2 ** (width - 30))) << 30n : 0n);
      sim.engine.writeMemory(mem.id, a, signed ? BigInt.asIntN(width, raw) : BigInt.asUintN(width, raw));
    }
  }
  sim.engine.settleAll();
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
