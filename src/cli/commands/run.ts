/**
 * `tessera run <tb|all>`: one testbench with the given parameters, or every registered one at its
 * defaults (VCD per testbench into --vcd-dir, FST per testbench into --fst-dir, a summary table).
 * Exit 0 pass, 1 fail, 2 usage.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { prepareOutputDir, prepareOutputFile } from "../../io/output-file.js";
import type { EngineName } from "../../sim/engine.js";
import { savePathFor } from "../../sim/waves/gtkw.js";
import type { Testbench } from "../../tb/types.js";
import { Io, selectTestbenches } from "../io.js";
import { kv, ms, table } from "../format.js";
import { replayCommand, resolveParams } from "../params.js";
import { progress } from "../progress.js";
import { TimedResult, runTestbench } from "../run-tb.js";
import { EXIT_FAIL, EXIT_PASS, UsageError } from "../usage.js";

export interface RunArgs {
  /** --vcd FILE, or false with --no-vcd. */
  vcd?: string | false;
  vcdDir?: string;
  /** --fst FILE: an FST of the run (besides any VCD). */
  fst?: string;
  /** --fst-dir DIR: <dir>/<testbench>.fst. */
  fstDir?: string;
  cycles?: number;
  seed: number;
  param: string[];
  engine?: EngineName;
  threads?: number;
  json?: boolean;
}

/** Default folder for `run all` waveforms. */
export const DEFAULT_VCD_DIR = "waves";

export async function runCommand(name: string, args: RunArgs, io: Io): Promise<number> {
  const tbs = await selectTestbenches(name, io);
  // 'all', or a file exporting several testbenches: each at its defaults, with a summary table.
  return name === "all" || tbs.length > 1 ? runAll(tbs, name, args, io) : runOne(tbs[0], args, io);
}

async function runOne(tb: Testbench, args: RunArgs, io: Io): Promise<number> {
  const params = resolveParams(tb, args.param);
  let vcd: string | undefined;
  if (typeof args.vcd === "string") vcd = prepareOutputFile(args.vcd, "--vcd");
  else if (args.vcd !== false && args.vcdDir) vcd = prepareOutputFile(join(prepareOutputDir(args.vcdDir, "--vcd-dir"), `${tb.name}.vcd`), "--vcd-dir");
  let fst: string | undefined;
  if (args.fst !== undefined) fst = prepareOutputFile(args.fst, "--fst");
  else if (args.fstDir) fst = prepareOutputFile(join(prepareOutputDir(args.fstDir, "--fst-dir"), `${tb.name}.fst`), "--fst-dir");
  if (vcd && fst && resolve(vcd) === resolve(fst)) throw new UsageError(`--fst and --vcd name the same file '${fst}'; give two files`);
  const bar = progress(io, { json: args.json, label: tb.name });
  let res: TimedResult;
  try {
    res = await runTestbench(tb, { params, seed: args.seed, cycles: args.cycles, vcd, fst, engine: args.engine, threads: args.threads, onNote: (m) => io.err(m), onProgress: (d, t) => bar.update(d, t) });
  } finally {
    bar.stop();
  }
  // The GTKWave save files the testbench wrote next to its dumps (one per dump name).
  const gtkw = [...new Set([vcd, fst].filter((d): d is string => !!d).map(savePathFor))].filter((f) => existsSync(f));
  if (args.json) {
    io.out(JSON.stringify({ ...res, ...(vcd ? { vcd } : {}), ...(fst ? { fst } : {}), ...(gtkw.length ? { gtkw } : {}) }, null, 2) + "\n");
  } else {
    io.out(`${res.name}: ${res.passed ? "PASS" : "FAIL"}  cycles ${res.cycles}  checks ${res.checks}  seed ${res.seed}  (${ms(res.timing.wallMs)})\n`);
    io.out(`  params:  ${kv(res.params)}\n`);
    if (Object.keys(res.metrics).length) io.out(`  metrics: ${kv(res.metrics)}\n`);
    if (vcd) io.out(`  vcd:     ${vcd}\n`);
    if (fst) io.out(`  fst:     ${fst}\n`);
    for (const g of gtkw) io.out(`  gtkw:    ${g}\n`);
    if (!res.passed) printFailures(tb, res, args, io);
  }
  return res.passed ? EXIT_PASS : EXIT_FAIL;
}

function printFailures(tb: Testbench, res: TimedResult, args: RunArgs, io: Io): void {
  for (const f of res.failures) io.out(`  FAIL ${f}\n`);
  const extra = [...(args.cycles !== undefined ? ["--cycles", String(args.cycles)] : []), ...(args.engine ? ["--engine", args.engine] : []), ...(args.threads ? ["--threads", String(args.threads)] : [])];
  io.out(`  replay:  ${replayCommand(tb, res.params, res.seed, [...extra, "--vcd", `waves/${tb.name}-fail.vcd`])}\n`);
}

async function runAll(all: readonly Testbench[], name: string, args: RunArgs, io: Io): Promise<number> {
  const what = name === "all" ? "'run all'" : `'run ${name}' (${all.length} testbenches)`;
  if (args.param.length) throw new UsageError(`${what} runs every testbench at its default parameters; --param applies to one testbench ('tessera run <tb> --param k=v')`);
  if (typeof args.vcd === "string") throw new UsageError(`${what} writes one VCD per testbench: use --vcd-dir DIR (default waves/) instead of --vcd FILE, or --no-vcd`);
  const vcdDir = args.vcd === false ? undefined : (args.vcdDir ?? DEFAULT_VCD_DIR);
  if (vcdDir) prepareOutputDir(vcdDir, "--vcd-dir");
  if (args.fst !== undefined) throw new UsageError(`${what} writes one FST per testbench: use --fst-dir DIR instead of --fst FILE`);
  const fstDir = args.fstDir;
  if (fstDir) prepareOutputDir(fstDir, "--fst-dir");
  const bar = progress(io, { json: args.json, label: "run all" });
  const results: (TimedResult & { vcd?: string; fst?: string })[] = [];
  const t0 = performance.now();
  try {
    for (const [i, tb] of all.entries()) {
      const params = resolveParams(tb, []);
      const vcd = vcdDir ? join(vcdDir, `${tb.name}.vcd`) : undefined;
      const fst = fstDir ? join(fstDir, `${tb.name}.fst`) : undefined;
      bar.update(i, all.length, `${tb.name} (${i + 1}/${all.length})`);
      const res = await runTestbench(tb, { params, seed: args.seed, cycles: args.cycles, vcd, fst, engine: args.engine, threads: args.threads, onNote: (m) => io.err(m) });
      results.push({ ...res, ...(vcd ? { vcd } : {}), ...(fst ? { fst } : {}) });
    }
  } finally {
    bar.stop();
  }
  const wall = performance.now() - t0;
  const failed = results.filter((r) => !r.passed);
  if (args.json) {
    io.out(JSON.stringify(results, null, 2) + "\n");
  } else {
    const waveDirs = [...new Set([vcdDir, fstDir].filter((d): d is string => !!d))].map((d) => `${d}/`);
    const rows = [["testbench", "result", "cycles", "checks", "time", "metrics"]];
    // The summary shows the first metrics that fit a line; `tessera run <tb>` and --json give all.
    const clip = (t: string) => (t.length > 90 ? t.slice(0, t.lastIndexOf(" ", 89)) + " …" : t);
    for (const r of results) rows.push([r.name, r.passed ? "PASS" : "FAIL", String(r.cycles), String(r.checks), ms(r.timing.wallMs), clip(kv(r.metrics))]);
    io.out(table(rows));
    io.out(`\n${results.length - failed.length}/${results.length} passed in ${ms(wall)} (seed ${args.seed}${args.engine ? `, engine ${args.engine}` : ""})${waveDirs.length ? `; waveforms in ${waveDirs.join(" and ")}` : ""}\n`);
    for (const r of failed) {
      const tb = all.find((t) => t.name === r.name)!;
      io.out(`\n${r.name}:\n`);
      printFailures(tb, r, args, io);
    }
  }
  return failed.length ? EXIT_FAIL : EXIT_PASS;
}
