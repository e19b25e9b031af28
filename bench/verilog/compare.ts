/**
 * Side by side: Tessera's compiled engine, Verilator (-O3, single-threaded, no trace) and Icarus
 * on the emitted Verilog, the same design with the same random inputs every cycle (xorshift32,
 * see src/verilog/cosim.ts benchStimulus and bench/measure.ts).
 *
 * For each design it reports cycles/s of each, ours/Verilator and ours/Icarus, and time to first
 * cycle (our elaborate + compile, Verilator's verilate + C++ build, iverilog's compile), and checks
 * that all three end in the same state (checksum of every output after the same number of cycles).
 *
 *   npx tsx bench/verilog/compare.ts [design ...]      (default: mac-grid-8x8 mac-grid-16x16)
 *   BENCH_SECONDS=3 (time per measurement)
 *
 * Writes bench/results/verilog.json (with the machine it ran on).
 */
import * as fs from "node:fs";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Module } from "../../src/hdl/index.js";
import { macGrid } from "../../src/hw/examples/mac-grid.js";
import { benchMesh } from "../noc/design.js";
import { simulate } from "../../src/sim/index.js";
import { benchStimulus, buildCosim, checksumStep, runBench, specFromEmitted } from "../../src/verilog/cosim.js";
import type { BenchResult, CosimSimulator, CosimSpec } from "../../src/verilog/cosim.js";
import { emitDesign } from "../../src/verilog/emit.js";
import { recordTrace } from "../../src/verilog/replay.js";
import { toolVersion } from "../../src/verilog/tools.js";
import { measureSim, type SimMeasurement } from "../measure.js";
import { BENCH_NODE_ARGS, machine, markdownTable, writeResults } from "../report.js";

export const VERILOG_BENCH_DESIGNS: Record<string, () => Module> = {
  "mac-grid-8x8": () => macGrid({ rows: 8, cols: 8 }),
  "mac-grid-16x16": () => macGrid({ rows: 16, cols: 16 }),
  "mac-grid-32x32": () => macGrid({ rows: 32, cols: 32 }),
  "noc-mesh-8x8": benchMesh,
};

export interface SideBySide {
  design: string;
  ours: { cyclesPerSecond: number; cycles: number; timeToFirstCycleSeconds: number };
  verilator: BenchResult;
  icarus: BenchResult;
  /** ours cycles/s over Verilator's (>= 1: we are faster). */
  ratioVsVerilator: number;
  ratioVsIcarus: number;
  /** Verilator's time to first cycle over ours (>= 10 is the target). */
  timeToFirstCycleVerilatorOverOurs: number;
  timeToFirstCycleIcarusOverOurs: number;
  /** Tessera, Verilator and Icarus end in the same state after `checkCycles` cycles. */
  checksumsAgree: boolean;
  checkCycles: number;
}

const log = (s: string) => process.stderr.write(s + "\n");

/** Run a built harness for about `seconds`: a short calibration run first. */
async function timed(built: Awaited<ReturnType<typeof buildCosim>>, seconds: number, minCycles: number): Promise<BenchResult> {
  const probe = await runBench(built, { cycles: minCycles, checksum: "final" });
  const cycles = Math.max(minCycles, Math.round((probe.cyclesPerSecond * seconds) / 1000) * 1000);
  return runBench(built, { cycles, checksum: "final" });
}

function oursChecksum(make: () => Module, spec: CosimSpec, cycles: number): string {
  const sim = simulate(make());
  const t = recordTrace({ poke: (n, v) => sim.poke(n, v), peek: (n) => sim.peek(n), step: () => sim.step() }, spec, benchStimulus(spec, { cycles }));
  return checksumStep(0n, spec.outputs, t.post[cycles - 1] as bigint[]).toString(16).padStart(16, "0");
}

/**
 * Our engine measured in a process of its own, as Verilator's and Icarus's harnesses are: in the
 * bench's process the JIT has already run other designs (the 8x8 mesh measured 44k cycles/s there
 * after the mac-grids, 53-64k alone).
 */
function oursInOwnProcess(name: string, seconds: number): SimMeasurement {
  const r = spawnSync(process.execPath, [...BENCH_NODE_ARGS, fileURLToPath(import.meta.url), "--ours", name, String(seconds)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) throw new Error(`bench/verilog/compare.ts --ours ${name} failed with exit ${r.status}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as SimMeasurement;
}

export async function sideBySide(name: string, make: () => Module, seconds: number): Promise<SideBySide> {
  log(`${name}: Tessera compiled engine`);
  const ours = oursInOwnProcess(name, seconds);
  const spec = specFromEmitted(emitDesign(make()));
  const res: Partial<Record<CosimSimulator, BenchResult>> = {};
  const builds: Partial<Record<CosimSimulator, Awaited<ReturnType<typeof buildCosim>>>> = {};
  for (const sim of ["verilator", "icarus"] as const) {
    log(`${name}: building for ${sim}`);
    builds[sim] = await buildCosim(spec, { sim, noCache: true });
    log(`${name}: ${sim} built in ${(builds[sim]!.buildMs / 1000).toFixed(1)} s; running`);
    res[sim] = await timed(builds[sim]!, sim === "icarus" ? Math.min(seconds, 3) : seconds, sim === "icarus" ? 50 : 2000);
  }
  // Same end state: a short run through all three (final-state checksum).
  const checkCycles = 200;
  const v = await runBench(builds.verilator!, { cycles: checkCycles, checksum: "final" });
  const i = await runBench(builds.icarus!, { cycles: checkCycles, checksum: "final" });
  const o = oursChecksum(make, spec, checkCycles);
  for (const b of Object.values(builds)) fs.rmSync(b!.dir, { recursive: true, force: true });
  const ttfcOurs = ours.elabCompileMs / 1000;
  return {
    design: name,
    ours: { cyclesPerSecond: ours.cyclesPerSec, cycles: ours.cycles, timeToFirstCycleSeconds: ttfcOurs },
    verilator: res.verilator!,
    icarus: res.icarus!,
    ratioVsVerilator: ours.cyclesPerSec / res.verilator!.cyclesPerSecond,
    ratioVsIcarus: ours.cyclesPerSec / res.icarus!.cyclesPerSecond,
    timeToFirstCycleVerilatorOverOurs: res.verilator!.timeToFirstCycleSeconds / ttfcOurs,
    timeToFirstCycleIcarusOverOurs: res.icarus!.timeToFirstCycleSeconds / ttfcOurs,
    checksumsAgree: v.checksum === i.checksum && i.checksum === o,
    checkCycles,
  };
}

export function sideBySideTable(rows: SideBySide[]): string {
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  const t = (x: number) => (x < 1 ? `${(x * 1000).toFixed(0)} ms` : `${x.toFixed(1)} s`);
  return markdownTable([
    ["design", "Tessera cycles/s", "Verilator cycles/s", "Icarus cycles/s", "ours/Verilator", "ours/Icarus", "first cycle: Tessera", "Verilator", "Icarus", "same end state"],
    ...rows.map((r) => [
      r.design, n(r.ours.cyclesPerSecond), n(r.verilator.cyclesPerSecond), n(r.icarus.cyclesPerSecond),
      `${r.ratioVsVerilator.toFixed(2)}x`, `${r.ratioVsIcarus.toFixed(0)}x`,
      t(r.ours.timeToFirstCycleSeconds), t(r.verilator.timeToFirstCycleSeconds), t(r.icarus.timeToFirstCycleSeconds),
      r.checksumsAgree ? "yes" : "NO",
    ]),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === "--ours") {
  const [name, seconds] = process.argv.slice(3);
  process.stdout.write(JSON.stringify(measureSim(name, VERILOG_BENCH_DESIGNS[name], "compiled", { seconds: Number(seconds), vcd: false })) + "\n");
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  const names = process.argv.slice(2).length ? process.argv.slice(2) : ["mac-grid-8x8", "mac-grid-16x16"];
  const rows: SideBySide[] = [];
  for (const name of names) {
    const make = VERILOG_BENCH_DESIGNS[name];
    if (!make) throw new Error(`unknown design '${name}'; known: ${Object.keys(VERILOG_BENCH_DESIGNS).join(", ")}`);
    rows.push(await sideBySide(name, make, seconds));
  }
  const tools = { verilator: toolVersion("verilator"), iverilog: toolVersion("iverilog"), verilatorFlags: "--cc --exe --build -O3 (single-threaded, no trace; C++ -Os as Verilator's default)" };
  writeResults("verilog", { machine: machine(), tools, results: rows });
  const table = sideBySideTable(rows);
  process.stdout.write(table + "\n");
}
