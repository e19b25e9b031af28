/**
 * Waveform formats side by side on one design and one run length: Tessera with no trace, with
 * its VCD writer and with its FST writer, and Verilator on the emitted Verilog with `--trace`
 * (VCD) and `--trace-fst`; all dump at both clock edges with random inputs every cycle (the same
 * xorshift stimulus as bench/verilog/trace.ts). Reports cycles/s and bytes per cycle.
 *
 *   npx tsx bench/waves.ts [rows]        (default 16: mac-grid 16x16; BENCH_WAVES_CYCLES=31000)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { macGrid } from "../src/hw/examples/mac-grid.js";
import { emitDesign } from "../src/verilog/emit.js";
import { findTool, runToolOk, scratchDir } from "../src/verilog/tools.js";
import { measureSim } from "./measure.js";
import { harness } from "./verilog/trace.js";

export interface WavesRow {
  design: string;
  writer: string;
  /** Cycles written (warm-up included for ours). */
  cycles: number;
  cyclesPerSec: number;
  bytes: number | null;
  bytesPerCycle: number | null;
}

/** Warm-up cycles measureSim runs before measuring: its files hold them too. */
const WARM = 2000;

export async function wavesSideBySide(rows: number, measured: number): Promise<WavesRow[]> {
  const make = () => macGrid({ rows, cols: rows });
  const design = `mac-grid-${rows}x${rows}`;
  const out: WavesRow[] = [];
  for (const [writer, vcd, format] of [["Tessera, no trace", false, undefined], ["Tessera VCD", true, "vcd"], ["Tessera FST", true, "fst"]] as const) {
    const m = measureSim(design, make, "compiled", { seconds: Infinity, maxCycles: measured, vcd, format });
    const cycles = m.cycles + WARM;
    out.push({ design, writer, cycles, cyclesPerSec: m.cyclesPerSec, bytes: m.vcdBytes ?? null, bytesPerCycle: m.vcdBytes ? m.vcdBytes / cycles : null });
    process.stderr.write(`  ${writer}: ${Math.round(m.cyclesPerSec)} cycles/s${m.vcdBytes ? `, ${Math.round(m.vcdBytes / cycles)} bytes/cycle` : ""}\n`);
  }
  if (!findTool("verilator")) return out;
  const e = emitDesign(make());
  const ins = e.ports.filter((p) => p.dir === "input");
  for (const fst of [false, true]) {
    const dir = scratchDir("tessera-waves-");
    try {
      fs.writeFileSync(path.join(dir, `${e.top}.v`), e.text);
      fs.writeFileSync(path.join(dir, "main.cpp"), harness(e.top, ins, e.domains[0].clock, e.domains[0].reset, fst));
      await runToolOk("verilator", ["--cc", "--exe", "--build", "-O3", fst ? "--trace-fst" : "--trace", "-Wno-fatal", "--top-module", e.top, "-o", "Vwaves", `${e.top}.v`, "main.cpp", "-CFLAGS", "-O2"], { cwd: dir, timeoutMs: 900_000 });
      const file = path.join(dir, fst ? "v.fst" : "v.vcd");
      const cycles = measured + WARM;
      const run = await runToolOk(path.join(dir, "obj_dir", "Vwaves"), [String(cycles), file], { cwd: dir, timeoutMs: 900_000 });
      const secs = JSON.parse(run.stdout).seconds;
      const bytes = fs.statSync(file).size;
      const writer = fst ? "Verilator --trace-fst" : "Verilator --trace (VCD)";
      out.push({ design, writer, cycles, cyclesPerSec: cycles / secs, bytes, bytesPerCycle: bytes / cycles });
      process.stderr.write(`  ${writer}: ${Math.round(cycles / secs)} cycles/s, ${Math.round(bytes / cycles)} bytes/cycle\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

export function wavesTable(rows: readonly WavesRow[]): string[][] {
  const f = (x: number) => Math.round(x).toLocaleString("en-US");
  const vcd = rows.find((r) => r.writer === "Tessera VCD")?.bytes;
  return [
    ["design", "writer", "cycles", "cycles/s", "bytes/cycle", "file", "size vs our VCD"],
    ...rows.map((r) => [
      r.design, r.writer, f(r.cycles), f(r.cyclesPerSec),
      r.bytesPerCycle === null ? "-" : f(r.bytesPerCycle),
      r.bytes === null ? "-" : `${(r.bytes / 1e6).toFixed(1)} MB`,
      r.bytes === null || !vcd ? "-" : `${((100 * r.bytes) / vcd).toFixed(1)}%`,
    ]),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await wavesSideBySide(Number(process.argv[2] ?? 16), Number(process.env.BENCH_WAVES_CYCLES ?? 31000));
  for (const r of wavesTable(rows)) console.log(r.join(" | "));
}
