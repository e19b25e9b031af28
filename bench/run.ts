/**
 * `npm run bench`: every measurement in one run, never part of `npm test`.
 *  1. the simulator: compiled engine vs interpreter, VCD off and on (bench/sim.ts)
 *  2. side by side with Verilator (-O3, one thread, no trace) and Icarus on the emitted Verilog:
 *     cycles/s, ratios, time to first cycle (bench/verilog/compare.ts)
 *  3. VCD tracing vs Verilator --trace (bench/verilog/trace.ts); waveform formats side by side:
 *     our VCD, our FST, Verilator --trace and --trace-fst (bench/waves.ts)
 *  4. start-up of the compiled bin against the tsx bin (bench/startup.ts)
 *  5. the component benches (bench/pe/run.ts, bench/noc/run.ts, bench/sofa/run.ts, bench/bitslice/run.ts,
 *     bench/speq/run.ts, bench/speed/run.ts, bench/system/run.ts, bench/serve/run.ts, bench/octopus/run.ts,
 *     bench/mobile/run.ts), each in its own process
 * Writes bench/results/*.json (with the machine they ran on) and bench/results/summary.md, and
 * replaces the table between the bench markers in README.md.
 *
 *   BENCH_SECONDS=3 (per measurement)   BENCH_ONLY=sim,verilog,trace,waves,startup,pe,scalesim,noc,sofa,bitslice,speq,speed,system,serve,octopus,mobile
 * A BENCH_ONLY run replaces only its own sections (by their ### heading) in README.md and
 * summary.md, keeping the others as last measured.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { runSimBench, simTable } from "./sim.js";
import { VERILOG_BENCH_DESIGNS, sideBySide, sideBySideTable, type SideBySide } from "./verilog/compare.js";
import { traceSideBySide, type TraceSideBySide } from "./verilog/trace.js";
import { wavesSideBySide, wavesTable } from "./waves.js";
import { runStartupBench, startupTable } from "./startup.js";
import { BENCH_NODE_ARGS, RESULTS_DIR, machine, markdownTable, writeResults } from "./report.js";
import { findTool, toolVersion } from "../src/verilog/tools.js";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const only = new Set((process.env.BENCH_ONLY ?? "sim,verilog,trace,waves,startup,pe,scalesim,noc,sofa,bitslice,speq,speed,system,serve,octopus,mobile").split(","));
const log = (s: string) => process.stderr.write(s + "\n");
const sections: string[] = [];
const now = machine();
const ALL = "sim,verilog,trace,waves,startup,pe,scalesim,noc,sofa,bitslice,speq,speed,system,serve,octopus,mobile";
const partial = ALL.split(",").some((k) => !only.has(k));
sections.push(`Measured ${now.date.slice(0, 10)} on ${now.cpu}, ${now.cores} cores, Node ${now.node} (load average ${now.loadAverage.join(", ")} at the start)` +
  (partial ? `; this run measured ${[...only].join(", ")}, the other sections are from earlier runs, each on the machine its bench/results JSON names.` : "."));

if (only.has("sim")) {
  log("== simulator: compiled vs interpreter, VCD off/on");
  const ms = runSimBench(seconds);
  writeResults("sim", { machine: now, results: ms });
  sections.push("### Simulator (`bench/sim.ts`)\n\n" + markdownTable(simTable(ms)));
}

const haveTools = findTool("verilator") && findTool("iverilog");
if (only.has("verilog") && haveTools) {
  log("== side by side with Verilator and Icarus");
  const rows: SideBySide[] = [];
  for (const [name, make] of Object.entries(VERILOG_BENCH_DESIGNS)) rows.push(await sideBySide(name, make, seconds));
  const tools = { verilator: toolVersion("verilator"), iverilog: toolVersion("iverilog"), verilatorFlags: "--cc --exe --build -O3 (single-threaded, no trace)" };
  writeResults("verilog", { machine: now, tools, results: rows });
  sections.push("### Side by side with Verilator and Icarus (`bench/verilog/compare.ts`)\n\n" + sideBySideTable(rows) +
    `\n\n${tools.verilator}; ${tools.iverilog}. Same xorshift32 stimulus on all three; "same end state" compares a checksum of every output after 200 cycles.`);
}

if (only.has("trace") && haveTools) {
  log("== VCD tracing vs Verilator --trace");
  const rows: TraceSideBySide[] = [];
  for (const n of [8, 16]) rows.push(await traceSideBySide(n, seconds));
  writeResults("trace", { machine: now, results: rows });
  const f = (x: number) => Math.round(x).toLocaleString("en-US");
  sections.push("### VCD tracing (`bench/verilog/trace.ts`)\n\n" + markdownTable([
    ["design", "Tessera cycles/s (VCD on)", "VCD bytes/cycle", "MB/s", "Verilator --trace cycles/s", "bytes/cycle", "MB/s", "ours/Verilator"],
    ...rows.map((r) => [r.design, f(r.ours.cyclesPerSec), f(r.ours.vcdBytesPerCycle), f(r.ours.vcdMBps),
      r.verilator ? f(r.verilator.cyclesPerSec) : "-", r.verilator ? f(r.verilator.vcdBytesPerCycle) : "-", r.verilator ? f(r.verilator.vcdMBps) : "-",
      r.ratioVsVerilatorTraced ? `${r.ratioVsVerilatorTraced.toFixed(2)}x` : "-"]),
  ]));
}

if (only.has("waves")) {
  log("== waveforms: our VCD and FST, Verilator --trace and --trace-fst");
  const cycles = Number(process.env.BENCH_WAVES_CYCLES ?? 31000);
  const rows = await wavesSideBySide(16, cycles);
  writeResults("waves", { machine: now, results: rows });
  sections.push("### Waveforms: VCD and FST (`bench/waves.ts`)\n\n" + markdownTable(wavesTable(rows)) +
    `\n\nThe same ${(cycles + 2000).toLocaleString("en-US")} cycles of random inputs (dumps at both clock edges) in each; cycles/s includes writing and closing the file. Our FST: zlib level 4, 8 MiB blocks.`);
}

if (only.has("startup")) {
  log("== start-up: compiled bin vs tsx bin");
  const rows = runStartupBench();
  writeResults("startup", { machine: now, results: rows });
  sections.push("### Start-up of the `tessera` command (`bench/startup.ts`)\n\n" + markdownTable(startupTable(rows)) +
    "\n\nWhole processes, median of 7. The compiled bin is what `npm install` gives users; the tsx bin runs the sources (`npm run tessera` in this repo).");
}

// Component benches run in their own processes (each is a script that writes its JSON).
for (const [key, script, title] of [["pe", "bench/pe/run.ts", "PE arrays"], ["scalesim", "bench/pe/scalesim.ts", "SCALE-Sim topologies"], ["noc", "bench/noc/run.ts", "Mesh NoC"], ["sofa", "bench/sofa/run.ts", "SOFA attention pipeline"], ["bitslice", "bench/bitslice/run.ts", "MCBP bit-slice units"], ["speq", "bench/speq/run.ts", "SPEQ speculative decoding"], ["speed", "bench/speed/run.ts", "Simulator speed on idle-heavy designs and testbench I/O"], ["system", "bench/system/run.ts", "System-level model"], ["serve", "bench/serve/run.ts", "XY-Serve serving"], ["octopus", "bench/octopus/run.ts", "Octopus workflows"], ["mobile", "bench/mobile/run.ts", "MoBiLE big-little experts"]] as const) {
  if (!only.has(key) || !fs.existsSync(path.join(root, script))) continue;
  log(`== ${title} (${script})`);
  const r = spawnSync(process.execPath, [...BENCH_NODE_ARGS, script], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], env: { ...process.env } });
  if (r.status !== 0) throw new Error(`${script} failed with exit ${r.status}`);
  sections.push(`### ${title} (\`${script}\`)\n\n${r.stdout.trim()}`);
}

/**
 * Merge freshly measured sections into an earlier summary: a section is a "### " heading and what
 * follows it; the preamble (before the first heading) is the machine line and is always replaced.
 */
function mergeSections(previous: string, fresh: string[]): string {
  const split = (text: string) => text.split(/\n(?=### )/).map((x) => x.trim()).filter(Boolean);
  const heading = (sec: string) => (sec.startsWith("### ") ? sec.slice(0, sec.indexOf("\n") < 0 ? undefined : sec.indexOf("\n")) : "");
  const old = split(previous).filter((sec) => heading(sec));
  const out = [fresh[0], ...old];
  for (const sec of fresh.slice(1)) {
    const i = out.findIndex((o) => heading(o) === heading(sec));
    if (i > 0) out[i] = sec;
    else out.push(sec);
  }
  return out.join("\n\n") + "\n";
}

const readme = path.join(root, "README.md");
const text = fs.readFileSync(readme, "utf8");
const begin = "<!-- bench:begin -->", end = "<!-- bench:end -->";
const hasMarkers = text.includes(begin) && text.includes(end);
const previous = hasMarkers ? text.slice(text.indexOf(begin) + begin.length, text.indexOf(end)) : "";
const summary = mergeSections(previous, sections);
fs.mkdirSync(RESULTS_DIR, { recursive: true });
fs.writeFileSync(path.join(RESULTS_DIR, "summary.md"), summary);
if (hasMarkers) {
  fs.writeFileSync(readme, text.slice(0, text.indexOf(begin) + begin.length) + "\n" + summary + text.slice(text.indexOf(end)));
}
process.stdout.write(summary);
