/**
 * PE-array bench (issue 4): a 32x32 systolic array running a 256x256x256 int8 GEMM through the
 * whole engine (load, compute, store) for each dataflow. Reports build+compile time, the first
 * run's cycles/s (JIT warm-up included) and the steady state (the same engine re-started twice
 * more), and checks the result is bit-exact with cycles == analytic. Writes bench/results/pe.json.
 *
 *   npx tsx bench/pe/run.ts                     # all three dataflows
 *   BENCH_PE_DATAFLOWS=os npx tsx bench/pe/run.ts
 * Best run with the V8 flags bin/tessera uses:
 *   node --interrupt-budget=16000 --import tsx bench/pe/run.ts
 */

const { machine, printTable, writeResults } = await import("../report.js");
const { buildGemmBench } = await import("../../src/tb/pe/gemm-bench.js");
const { simulate } = await import("../../src/sim/index.js");
const { gemmWrapped } = await import("../../src/golden/gemm.js");
const { analyticCycles } = await import("../../src/golden/systolic.js");
const { goldenConfig } = await import("../../src/tb/pe/gemm-run.js");
const { randomOperands } = await import("../../src/tb/pe/operands.js");
const { rng } = await import("../../src/tb/harness.js");

type Df = "os" | "ws" | "is";

export interface PeBenchResult {
  dataflow: Df;
  rows: number;
  cols: number;
  m: number;
  n: number;
  k: number;
  cycles: number;
  analyticCycles: number;
  bitExact: boolean;
  buildCompileSeconds: number;
  firstRunSeconds: number;
  firstRunCyclesPerSec: number;
  steadyCyclesPerSec: number;
  /** PE-cycles simulated per second in the steady state (cycles/s x rows x cols). */
  steadyPeCyclesPerSec: number;
}

function benchOne(dataflow: Df, R = 32, C = 32, M = 256, N = 256, K = 256): PeBenchResult {
  const r = rng(4);
  const A = randomOperands(r, "int8", M * K, "mixed"), B = randomOperands(r, "int8", K * N, "mixed");
  const p = { rows: R, cols: C, dataflow, m: M, n: N, k: K, aType: "int8" as const, bType: "int8" as const, accWidth: 32, cores: 1 };
  const t0 = performance.now();
  const bench = buildGemmBench(p, A, B, 2, 1);
  const sim = simulate(bench.top, { engine: "compiled" });
  const buildCompileSeconds = (performance.now() - t0) / 1000;
  const start = sim.accessor(bench.start), done = sim.accessor(bench.done);
  const runOnce = () => {
    const s0 = performance.now();
    start.set(1);
    sim.step();
    start.set(0);
    let c = 1;
    while (done.get() === 0) {
      sim.step();
      c++;
    }
    return { cycles: c, seconds: (performance.now() - s0) / 1000 };
  };
  sim.reset();
  const first = runOnce();
  const want = gemmWrapped(A, B, M, N, K, bench.engine.g.accShape);
  const bitExact = want.every((v, i) => bench.memory.C[i] === v);
  let best = 0;
  for (let i = 0; i < 2; i++) {
    const run = runOnce();
    best = Math.max(best, run.cycles / run.seconds);
  }
  sim.close();
  const an = analyticCycles(goldenConfig(bench.engine.g, 2));
  return {
    dataflow, rows: R, cols: C, m: M, n: N, k: K, cycles: first.cycles, analyticCycles: an.total, bitExact,
    buildCompileSeconds, firstRunSeconds: first.seconds, firstRunCyclesPerSec: first.cycles / first.seconds,
    steadyCyclesPerSec: best, steadyPeCyclesPerSec: best * R * C,
  };
}

export function runPeBench(dataflows: Df[]): PeBenchResult[] {
  const out: PeBenchResult[] = [];
  for (const df of dataflows) {
    out.push(benchOne(df));
    const x = out.at(-1)!;
    process.stderr.write(`  32x32 ${df} 256^3: ${x.cycles} cycles, first run ${Math.round(x.firstRunCyclesPerSec)} cycles/s, steady ${Math.round(x.steadyCyclesPerSec)} cycles/s\n`);
  }
  return out;
}

export function peTable(rs: PeBenchResult[]): string[][] {
  const f = (x: number) => Math.round(x).toLocaleString("en-US");
  const rows = [["array", "GEMM", "dataflow", "cycles", "== analytic", "bit-exact", "build+compile s", "first run cycles/s", "steady cycles/s", "steady PE-cycles/s"]];
  for (const r of rs) {
    rows.push([
      `${r.rows}x${r.cols}`, `${r.m}x${r.n}x${r.k}`, r.dataflow, f(r.cycles), r.cycles === r.analyticCycles ? "yes" : `NO (${r.analyticCycles})`,
      r.bitExact ? "yes" : "NO", r.buildCompileSeconds.toFixed(2), f(r.firstRunCyclesPerSec), f(r.steadyCyclesPerSec), f(r.steadyPeCyclesPerSec),
    ]);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dfs = (process.env.BENCH_PE_DATAFLOWS ?? "os,ws,is").split(",") as Df[];
  const rs = runPeBench(dfs);
  const file = writeResults("pe", { machine: machine(), execArgv: process.execArgv, chunk: process.env.TESSERA_CHUNK, results: rs });
  printTable(peTable(rs));
  process.stderr.write(`wrote ${file}\n`);
  if (rs.some((r) => !r.bitExact || r.cycles !== r.analyticCycles)) process.exitCode = 1;
}
