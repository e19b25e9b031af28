/**
 * VCD tracing, side by side: Tessera's compiled engine with its streamed VCD writer vs Verilator
 * with `--trace` (VerilatedVcdC dumping at both clock edges), on the same design with random
 * inputs every cycle. Reports cycles/s, bytes of VCD per cycle and MB/s of each.
 *
 *   npx tsx bench/verilog/trace.ts [rows]     (default 8: mac-grid 8x8)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { macGrid } from "../../src/hw/examples/mac-grid.js";
import { emitDesign } from "../../src/verilog/emit.js";
import { findTool, runToolOk, scratchDir } from "../../src/verilog/tools.js";
import { measureSim } from "../measure.js";

export interface TraceSideBySide {
  design: string;
  ours: { cyclesPerSec: number; vcdBytesPerCycle: number; vcdMBps: number };
  verilator: { cyclesPerSec: number; vcdBytesPerCycle: number; vcdMBps: number; buildSeconds: number } | null;
  /** ours/Verilator cycles/s with VCD on (target: >= 1/3). */
  ratioVsVerilatorTraced: number | null;
}

/** The C++ main: random inputs every cycle, dumps at both edges (VCD, or FST with `fst`). */
export function harness(top: string, ins: { vname: string; width: number }[], clk: string, rst: string, fst = false): string {
  const drive = ins.map((p) => `    top->${p.vname} = xs() & ${p.width >= 32 ? "0xffffffffu" : `0x${((1 << p.width) - 1).toString(16)}u`};`).join("\n");
  const C = fst ? "VerilatedFstC" : "VerilatedVcdC";
  return `#include "V${top}.h"
#include "verilated.h"
#include "${fst ? "verilated_fst_c.h" : "verilated_vcd_c.h"}"
#include <chrono>
#include <cstdio>
#include <cstdlib>
static uint32_t rs = 12345u;
static inline uint32_t xs() { rs ^= rs << 13; rs ^= rs >> 17; rs ^= rs << 5; return rs; }
int main(int argc, char** argv) {
  const uint64_t cycles = strtoull(argv[1], nullptr, 10);
  VerilatedContext* ctx = new VerilatedContext;
  ctx->traceEverOn(true);
  V${top}* top = new V${top}{ctx};
  ${C}* tfp = new ${C};
  top->trace(tfp, 99);
  tfp->open(argv[2]);
  top->${rst} = 0; top->${clk} = 0; top->eval(); tfp->dump(0);
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t c = 0; c < cycles; c++) {
${drive}
    top->${clk} = 0; top->eval(); tfp->dump(c * 10 + 5);
    top->${clk} = 1; top->eval(); tfp->dump(c * 10 + 10);
  }
  tfp->close();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  printf("{\\"seconds\\": %.6f}\\n", s);
  return 0;
}
`;
}

export async function traceSideBySide(rows: number, seconds: number): Promise<TraceSideBySide> {
  const make = () => macGrid({ rows, cols: rows });
  const name = `mac-grid-${rows}x${rows}`;
  const m = measureSim(name, make, "compiled", { seconds, vcd: true });
  const ours = { cyclesPerSec: m.cyclesPerSec, vcdBytesPerCycle: m.vcdBytesPerCycle!, vcdMBps: m.vcdMBps! };
  if (!findTool("verilator")) return { design: name, ours, verilator: null, ratioVsVerilatorTraced: null };
  const e = emitDesign(make());
  const dir = scratchDir("tessera-trace-");
  fs.writeFileSync(path.join(dir, `${e.top}.v`), e.text);
  fs.writeFileSync(path.join(dir, "main.cpp"), harness(e.top, e.ports.filter((p) => p.dir === "input"), e.domains[0].clock, e.domains[0].reset));
  const b0 = performance.now();
  await runToolOk("verilator", ["--cc", "--exe", "--build", "-O3", "--trace", "-Wno-fatal", "--top-module", e.top, "-o", "Vtrace", `${e.top}.v`, "main.cpp", "-CFLAGS", "-O2"], { cwd: dir, timeoutMs: 900_000 });
  const buildSeconds = (performance.now() - b0) / 1000;
  const bin = path.join(dir, "obj_dir", "Vtrace");
  const vcd = path.join(dir, "v.vcd");
  const probe = await runToolOk(bin, ["2000", vcd], { cwd: dir });
  const per = JSON.parse(probe.stdout).seconds / 2000;
  const cycles = Math.max(2000, Math.round(seconds / per));
  const run = await runToolOk(bin, [String(cycles), vcd], { cwd: dir });
  const secs = JSON.parse(run.stdout).seconds;
  const bytes = fs.statSync(vcd).size;
  fs.rmSync(dir, { recursive: true, force: true });
  const verilator = { cyclesPerSec: cycles / secs, vcdBytesPerCycle: bytes / cycles, vcdMBps: bytes / secs / 1e6, buildSeconds };
  return { design: name, ours, verilator, ratioVsVerilatorTraced: ours.cyclesPerSec / verilator.cyclesPerSec };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await traceSideBySide(Number(process.argv[2] ?? 8), Number(process.env.BENCH_SECONDS ?? 3));
  console.log(JSON.stringify(r, null, 2));
}
