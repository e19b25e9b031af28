/**
 * Simulator bench (issue 2): compiled engine vs interpreter on mac-grid (16x16, 32x32, 64x64),
 * 1,000 LFSRs and a 64/96-bit datapath, VCD off and on. Writes bench/results/sim.json.
 */
import { macGrid } from "../src/hw/examples/mac-grid.js";
import { lfsrs } from "./designs/lfsr.js";
import { wide } from "./designs/wide.js";
import { SimMeasurement, measureSim } from "./measure.js";
import { machine, printTable, writeResults } from "./report.js";

export const SIM_DESIGNS: { name: string; build: () => import("../src/hdl/index.js").Module; interp: boolean }[] = [
  { name: "mac-grid-16x16", build: () => macGrid({ rows: 16, cols: 16 }), interp: true },
  { name: "mac-grid-32x32", build: () => macGrid({ rows: 32, cols: 32 }), interp: false },
  { name: "mac-grid-64x64", build: () => macGrid({ rows: 64, cols: 64 }), interp: false },
  { name: "lfsr-1000", build: () => lfsrs(1000), interp: true },
  { name: "wide-64-96", build: () => wide(16), interp: true },
];

export function runSimBench(seconds: number): SimMeasurement[] {
  const out: SimMeasurement[] = [];
  for (const d of SIM_DESIGNS) {
    for (const vcd of [false, true]) {
      out.push(measureSim(d.name, d.build, "compiled", { seconds, vcd }));
      process.stderr.write(`  ${d.name} compiled vcd=${vcd}: ${Math.round(out.at(-1)!.cyclesPerSec)} cycles/s\n`);
    }
    if (d.interp) {
      out.push(measureSim(d.name, d.build, "interp", { seconds: Math.min(seconds, 2), vcd: false }));
      process.stderr.write(`  ${d.name} interp: ${Math.round(out.at(-1)!.cyclesPerSec)} cycles/s\n`);
    }
  }
  return out;
}

export function simTable(ms: SimMeasurement[]): string[][] {
  const rows: string[][] = [["design", "engine", "VCD", "cycles/s", "compiled/interp", "elab+compile ms", "VCD bytes/cycle", "VCD MB/s"]];
  for (const m of ms) {
    const interp = ms.find((x) => x.design === m.design && x.engine === "interp");
    rows.push([
      m.design, m.engine, m.vcd ? "on" : "off", Math.round(m.cyclesPerSec).toLocaleString("en-US"),
      m.engine === "compiled" && !m.vcd && interp ? `${(m.cyclesPerSec / interp.cyclesPerSec).toFixed(0)}x` : "",
      m.elabCompileMs.toFixed(0), m.vcdBytesPerCycle ? m.vcdBytesPerCycle.toFixed(0) : "", m.vcdMBps ? m.vcdMBps.toFixed(0) : "",
    ]);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  const ms = runSimBench(seconds);
  writeResults("sim", { machine: machine(), results: ms });
  printTable(simTable(ms));
}
