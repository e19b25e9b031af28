/**
 * Simulator speed where users feel it (issue 16): the NoC testbench at 0.1 load, the mac-grid
 * testbench with every check, the bare grid (activity auto vs off), the mesh with and without
 * activity-driven evaluation at several activity levels, and start-up of large designs. Each case
 * runs in its own process (bench/speed/case.ts). Prints a markdown table; writes
 * bench/results/speed.json.
 *
 *   node --interrupt-budget=16000 --import tsx bench/speed/run.ts
 *   (or BENCH_ONLY=speed npm run bench)
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH_NODE_ARGS, machine, markdownTable, writeResults } from "../report.js";

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
type CaseResult = Record<string, number | string | boolean> & { spread?: string };
const once = (args: string[]): CaseResult => {
  const r = spawnSync(process.execPath, [...BENCH_NODE_ARGS, "bench/speed/case.ts", ...args], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) throw new Error(`bench/speed/case.ts ${args.join(" ")} failed with exit ${r.status}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!);
};
/**
 * Each case runs RUNS times, each in a fresh process, and the best run is reported (the highest
 * cycles/s, or the shortest start-up), with the spread of all runs. This machine has minutes-long
 * slow spells (a shared host): the same run of the bare 16x16 grid measures 1.6M or 2.5M cycles/s,
 * and one run per case put whichever spell it met in the table.
 */
const RUNS = Number(process.env.BENCH_SPEED_RUNS ?? 3);
const run = (...args: string[]): CaseResult => {
  const all = Array.from({ length: RUNS }, () => once(args));
  const key = "totalSeconds" in all[0] ? "totalSeconds" : "steadyCyclesPerSec" in all[0] ? "steadyCyclesPerSec" : "cyclesPerSec";
  const v = (x: CaseResult) => Number(x[key]);
  const best = all.reduce((a, b) => ((key === "totalSeconds" ? v(b) < v(a) : v(b) > v(a)) ? b : a));
  const lo = Math.min(...all.map(v)), hi = Math.max(...all.map(v));
  const show = (x: number) => (key === "totalSeconds" ? `${x.toFixed(2)} s` : Math.round(x).toLocaleString("en-US"));
  return { ...best, runs: all.length, spread: `${show(lo)} to ${show(hi)} in ${all.length} runs` };
};
const log = (s: string) => process.stderr.write(s + "\n");
const f = (x: number | string | boolean) => (typeof x === "number" ? Math.round(x).toLocaleString("en-US") : String(x));
const s2 = (x: number | string | boolean) => Number(x).toFixed(2);

log("speed: noc testbench, 8x8, 0.1 load, 100k cycles");
const tb = run("mesh-tb", "0.1", "100000");
log("speed: noc testbench on two threads: 8x8 at 0.1 load, 32x32 at 0.05 load against one thread");
const tbThreads = run("mesh-tb", "0.1", "100000", "8", "2");
const big = ["1", "2"].map((t) => run("mesh-tb", "0.05", "4000", "32", t));
log("speed: mesh engine by activity");
const engine: Record<string, number | string | boolean>[] = [];
for (const gap of ["0", "10", "1"]) for (const mode of ["off", "auto", "on"]) engine.push(run("mesh-engine", mode, gap));
log("speed: mac-grid");
const mgTb = run("mac-grid-tb", "16", "3000000");
const bare = ["16", "32"].flatMap((n) => ["off", "auto"].map((mode) => run("mac-grid-bare", n, mode)));
const rebuild = run("mac-grid-rebuild", "16", "5");
log("speed: start-up");
const start = [run("start-mesh", "8"), run("start-mesh", "32"), run("start-grid", "64")];
// The command as users run it is the compiled CLI in dist/: build it from the sources first.
const built = spawnSync("npm", ["run", "build"], { cwd: root, encoding: "utf8" });
if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);
const cliStart = run("cli-start-mesh", "32");
const cliNoc = run("cli-noc", "100000");
writeResults("speed", { machine: machine(), tb, tbThreads, big, engine, macGridTb: mgTb, bare, rebuild, start, cliStart, cliNoc });

const rows: string[][] = [["measurement", "cycles/s", "target", "notes"]];
rows.push(["`tessera run noc` 8x8, 4 VCs x 4 flits, 1-flit packets, 0.1 load: steady (second half of 100k cycles)", f(tb.steadyCyclesPerSec), "80,000", `${tb.spread}; whole run ${f(tb.cyclesPerSec)} cycles/s; build ${s2(tb.buildSeconds)} s + run ${s2(tb.runSeconds)} s in the bench process`]);
rows.push(["as above, --threads 2 (the engine on two cores; see README)", f(tbThreads.steadyCyclesPerSec), "", `${tbThreads.spread}; ${tbThreads.passed ? "pass" : "FAIL"}; ${(Number(tbThreads.steadyCyclesPerSec) / Number(tb.steadyCyclesPerSec)).toFixed(2)}x one thread`]);
for (const b of big) rows.push([`\`tessera run noc\` 32x32, 0.05 load, --threads ${b.threads}: steady (from half-way through the 4k-cycle window to the end of the drain)`, f(b.steadyCyclesPerSec), "", `${b.spread}; ${b.passed ? "pass" : "FAIL"}${b.threads === 2 ? `; ${(Number(b.steadyCyclesPerSec) / Number(big[0].steadyCyclesPerSec)).toFixed(2)}x one thread` : ""}`]);
rows.push([`\`tessera run noc\` as above, --cycles 100000 (${f(cliNoc.cycles)} cycles with warm-up and drain): the whole process, bin/tessera.js`, `${s2(cliNoc.totalSeconds)} s`, "< 4 s", `${cliNoc.spread}; ${cliNoc.passed ? "pass" : "FAIL"}; ${f(cliNoc.cyclesPerSec)} cycles/s over the whole process`]);
for (const e of engine) rows.push([`8x8 mesh alone, ${e.gap === 0 ? "idle" : `a packet every ${e.gap} cycle(s)`}, activity ${e.mode}`, f(e.cyclesPerSec), "", String(e.spread)]);
rows.push(["`tessera run mac-grid` 16x16, every check on: steady (second half of 3M cycles)", f(mgTb.cyclesPerSec), "1,000,000", `${mgTb.spread}; ${mgTb.passed ? "pass" : "FAIL"}, ${f(mgTb.checks)} checks; whole run (build, compile, JIT warm-up) ${f(mgTb.wholeRunCyclesPerSec)} cycles/s`]);
for (const b of bare) rows.push([`mac-grid ${b.n}x${b.n} bare, input bank, activity ${b.mode}`, f(b.cyclesPerSec), "no slower than before", String(b.spread)]);
rows.push([`mac-grid ${rebuild.n}x${rebuild.n} bare, built ${rebuild.builds} times in one process: the slowest build`, f(rebuild.cyclesPerSec), "", `${rebuild.spread}; each build of the best run: ${(rebuild.perBuild as unknown as number[]).map(f).join(", ")}`]);
const table1 = markdownTable(rows);
const table2 = markdownTable([
  ["design", "nodes", "elaborate s", "netlist + compile s", "first cycle s", "total s", "total, all runs"],
  ...start.map((s) => [`${s.case === "start-mesh" ? "mesh" : "mac-grid"} ${s.n}x${s.n}`, f(s.nodes), s2(s.elaborateSeconds), s2(s.compileSeconds), s2(s.firstCycleSeconds), s2(s.totalSeconds), String(s.spread)]),
]);
const cliLine =
  `The command: \`tessera run noc --param w=32 --param h=32\` (bin/tessera.js, the compiled CLI) reaches its first cycle ${s2(cliStart.totalSeconds)} s after the process started ` +
  `(elaborated at ${s2(cliStart.elaboratedAt)} s; ${cliStart.spread}); the whole process, with its ~1,500 cycles of draining, took ${s2(cliStart.processSeconds)} s.`;
process.stdout.write(`Each case: the best of ${RUNS} runs, each in a process of its own (this shared machine has slow spells; the spread says how far apart the runs were).\n\n${table1}\n\nStart-up (target: a 32x32 mesh's first cycle within 10 s of the command starting), in a bench process (tsx on the sources):\n\n${table2}\n\n${cliLine}\n`);
