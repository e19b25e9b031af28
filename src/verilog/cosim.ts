/**
 * Co-simulation of emitted Verilog under Verilator and Icarus Verilog, independent of Tessera's
 * simulator, so the two can be held to each other cycle by cycle.
 *
 *   const d = emitDesign(top);
 *   const spec = specFromEmitted(d);                       // resets + inputs, outputs, clocks
 *   const run = await runCosim(spec, rows, { sim: "verilator" });
 *   const bad = compareTraces(oursTrace, run);             // null when they agree everywhere
 *
 * Sampling contract, per cycle c = 0 .. N-1 (the same for both tools, and what a testbench of
 * Tessera's simulator records with poke / peek / step):
 *   1. apply input row c (every input, including the domain resets);
 *   2. settle combinational logic;
 *   3. sample every output            -> pre[c]   (comb response to the inputs; register values of cycle c)
 *   4. run the clock edges of cycle c (see cosim-spec.ts: other domains' edges in time order, the
 *      default domain's rising edge last; simultaneous edges together), settling after each;
 *   5. sample every output            -> post[c]  (register values after the edge, comb with the same inputs)
 * Inputs keep their values from step 1 through step 5. Registers start at their reset values
 * (the emitter writes `initial` values), memories at their init contents.
 *
 * Stimulus rows hold one bigint per input of `spec.inputs` (negative values for signed inputs are
 * fine). Rows can be an array, a generator function, or a file with one line per cycle of
 * space-separated hex values (what writeStimulus produces), so long runs need not sit in memory.
 *
 * Benchmark mode (benchCosim) generates random inputs inside the harness (xorshift32, identical
 * in the C++ and Verilog harnesses and in bench/measure.ts for Tessera's simulator, see
 * benchStimulus; all report the same output checksum, see checksumStep) and reports run time
 * and time to first cycle (verilate + C++ build, or iverilog compile).
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CosimPort, CosimSpec, edgeTable } from "./cosim-spec.js";
import { icarusTestbench, TB_MODULE } from "./cosim-icarus.js";
import { verilatorHarness } from "./cosim-verilator.js";
import { WRAP_MODULE, wrapperVerilog } from "./cosim-wrap.js";
import { ToolFailedError, runTool, runToolOk, toolPath, toolVersion } from "./tools.js";

export type { CosimSpec, CosimPort, CosimClock } from "./cosim-spec.js";
export { specFromEmitted, edgeTable, edgeSchedule } from "./cosim-spec.js";

export type CosimSimulator = "verilator" | "icarus";

/** Output values per cycle: pre[c][k] and post[c][k] for outputs[k]; null where the tool gave x/z. */
export interface Trace {
  readonly outputs: readonly string[];
  readonly pre: readonly (readonly (bigint | null)[])[];
  readonly post: readonly (readonly (bigint | null)[])[];
}

export type Stimulus =
  | readonly (readonly bigint[])[]
  | { readonly cycles: number; row(cycle: number): readonly bigint[] }
  | { readonly cycles: number; readonly file: string };

export interface CosimOptions {
  readonly sim: CosimSimulator;
  /** Rebuild even when a build of the same spec is cached (for honest build-time numbers). */
  readonly noCache?: boolean;
  /** Extra arguments for verilator (e.g. ["-CFLAGS", "-O2"]). */
  readonly verilatorArgs?: readonly string[];
}

export interface BuiltHarness {
  readonly sim: CosimSimulator;
  readonly dir: string;
  /** Verilator: the executable; Icarus: the compiled .vvp file. */
  readonly exe: string;
  /** Time to build (verilate + C++ compile, or iverilog), ms; 0 when taken from the cache. */
  readonly buildMs: number;
  readonly cached: boolean;
}

export interface CosimRun extends Trace {
  readonly sim: CosimSimulator;
  readonly cycles: number;
  readonly buildMs: number;
  readonly cached: boolean;
  /** Wall time of the simulation process, ms. */
  readonly runMs: number;
}

const HARNESS_VERSION = "tessera-cosim-4";

// --- building -------------------------------------------------------------------------------------

function cacheRoot(): string {
  const d = process.env.TESSERA_COSIM_CACHE ?? join(tmpdir(), "tessera-cosim-cache");
  mkdirSync(d, { recursive: true });
  return d;
}

/** Build (or take from the cache) the harness of `spec` for one simulator. */
export async function buildCosim(spec: CosimSpec, opts: CosimOptions): Promise<BuiltHarness> {
  const edges = edgeTable(spec.clocks);
  const wrap = wrapperVerilog(spec);
  const extra = opts.verilatorArgs ?? [];
  const files: Record<string, string> =
    opts.sim === "verilator"
      ? { "design.v": spec.verilog, "wrap.v": wrap, "harness.cpp": verilatorHarness(spec, edges) }
      : { "design.v": spec.verilog, "wrap.v": wrap, "tb.v": icarusTestbench(spec, edges) };
  const key = createHash("sha256")
    .update(JSON.stringify([HARNESS_VERSION, opts.sim, toolVersion(opts.sim === "verilator" ? "verilator" : "iverilog"), extra, files]))
    .digest("hex")
    .slice(0, 24);
  const final = join(cacheRoot(), `${opts.sim}-${key}`);
  const exeOf = (dir: string) => (opts.sim === "verilator" ? join(dir, "obj", "Vsim") : join(dir, "sim.vvp"));
  if (!opts.noCache && existsSync(exeOf(final))) return { sim: opts.sim, dir: final, exe: exeOf(final), buildMs: 0, cached: true };

  const work = `${final}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  mkdirSync(work, { recursive: true });
  for (const [n, t] of Object.entries(files)) writeFileSync(join(work, n), t);
  const t0 = performance.now();
  try {
    if (opts.sim === "verilator") {
      await runToolOk("verilator", [
        "--cc", "--exe", "--build", "-O3", "-j", "2", "--top-module", WRAP_MODULE, "-Mdir", "obj", "-o", "Vsim",
        "-Wno-fatal", "-Wno-lint", "-Wno-style", "--x-assign", "fast", ...extra, "design.v", "wrap.v", "harness.cpp",
      ], { cwd: work });
    } else {
      await runToolOk("iverilog", ["-g2005", "-o", "sim.vvp", "-s", TB_MODULE, "design.v", "wrap.v", "tb.v"], { cwd: work });
    }
  } catch (e) {
    if (e instanceof ToolFailedError) throw new Error(`${opts.sim} could not build the co-simulation of '${spec.top}' (files kept in ${work}):\n${e.message}`);
    throw e;
  }
  const buildMs = performance.now() - t0;
  if (opts.noCache) return { sim: opts.sim, dir: work, exe: exeOf(work), buildMs, cached: false };
  try {
    // Never replace a build another process may be running: if one appeared meanwhile, use it.
    if (existsSync(exeOf(final))) {
      rmSync(work, { recursive: true, force: true });
      return { sim: opts.sim, dir: final, exe: exeOf(final), buildMs, cached: false };
    }
    if (existsSync(final)) rmSync(final, { recursive: true, force: true }); // a failed build's leftovers
    renameSync(work, final);
  } catch {
    // Another process won the race; its build is as good as ours.
    if (existsSync(exeOf(final))) {
      rmSync(work, { recursive: true, force: true });
      return { sim: opts.sim, dir: final, exe: exeOf(final), buildMs, cached: false };
    }
    return { sim: opts.sim, dir: work, exe: exeOf(work), buildMs, cached: false };
  }
  return { sim: opts.sim, dir: final, exe: exeOf(final), buildMs, cached: false };
}

// --- stimulus and traces ------------------------------------------------------------------------------

function hexOf(v: bigint, p: CosimPort, cycle: number): string {
  const lo = p.signed ? -(1n << BigInt(p.width - 1)) : 0n;
  // Accept the math value, or the unsigned bit pattern of a signed input.
  if (v < lo || v >= 1n << BigInt(p.width)) {
    throw new RangeError(`stimulus cycle ${cycle}: value ${v} does not fit input '${p.name}' (${p.signed ? "s" : "u"}(${p.width}))`);
  }
  return BigInt.asUintN(p.width, v).toString(16);
}

/** Write stimulus rows as a file: one line per cycle, one hex value per input. */
export function writeStimulus(path: string, spec: CosimSpec, stimulus: Stimulus): number {
  if ("file" in stimulus) return stimulus.cycles;
  const cycles = "row" in stimulus ? stimulus.cycles : stimulus.length;
  const row = "row" in stimulus ? (c: number) => stimulus.row(c) : (c: number) => (stimulus as readonly (readonly bigint[])[])[c];
  const fd = openSync(path, "w");
  try {
    let buf: string[] = [];
    for (let c = 0; c < cycles; c++) {
      const r = row(c);
      if (r.length !== spec.inputs.length) {
        throw new RangeError(`stimulus cycle ${c}: ${r.length} values for ${spec.inputs.length} inputs (${spec.inputs.map((p) => p.name).join(", ")})`);
      }
      buf.push(r.map((v, k) => hexOf(v, spec.inputs[k], c)).join(" "));
      if (buf.length >= 4096) {
        writeSync(fd, buf.join("\n") + "\n");
        buf = [];
      }
    }
    if (buf.length) writeSync(fd, buf.join("\n") + "\n");
  } finally {
    closeSync(fd);
  }
  return cycles;
}

function parseTrace(text: string, spec: CosimSpec, cycles: number, sim: string): Trace {
  const lines = text.split("\n");
  const pre: (bigint | null)[][] = [];
  const post: (bigint | null)[][] = [];
  const parse = (line: string, c: number): (bigint | null)[] => {
    const toks = line.trim() === "" ? [] : line.trim().split(/\s+/);
    if (toks.length !== spec.outputs.length) throw new Error(`${sim}: cycle ${c}: ${toks.length} output values for ${spec.outputs.length} outputs`);
    return toks.map((t, k) => {
      if (/[xzXZ]/.test(t)) return null;
      const p = spec.outputs[k];
      const v = BigInt.asUintN(p.width, BigInt("0x" + t));
      return p.signed ? BigInt.asIntN(p.width, v) : v;
    });
  };
  for (let c = 0; c < cycles; c++) {
    if (2 * c + 1 >= lines.length) throw new Error(`${sim}: output ends after ${c} of ${cycles} cycles`);
    pre.push(parse(lines[2 * c], c));
    post.push(parse(lines[2 * c + 1], c));
  }
  return { outputs: spec.outputs.map((p) => p.name), pre, post };
}

/** Run `stimulus` through the emitted design under one simulator; every output, every cycle. */
export async function runCosim(spec: CosimSpec, stimulus: Stimulus, opts: CosimOptions): Promise<CosimRun> {
  const built = await buildCosim(spec, opts);
  const runDir = join(cacheRoot(), `run-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(runDir, { recursive: true });
  try {
    const stim = "file" in stimulus ? stimulus.file : join(runDir, "stim.hex");
    const cycles = writeStimulus(stim, spec, stimulus);
    const out = join(runDir, "out.hex");
    const r =
      opts.sim === "verilator"
        ? await runToolOk(built.exe, ["replay", stim, out, String(cycles)])
        : await runToolOk(toolPath("vvp"), ["-n", built.exe, "+replay", `+stim=${stim}`, `+out=${out}`, `+cycles=${cycles}`]);
    const trace = parseTrace(readFileSync(out, "utf8"), spec, cycles, opts.sim);
    return { ...trace, sim: opts.sim, cycles, buildMs: built.buildMs, cached: built.cached, runMs: r.ms };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

// --- comparison ----------------------------------------------------------------------------------------

export interface TraceMismatch {
  readonly cycle: number;
  /** "pre": after applying the inputs, before the edge; "post": after the edge. */
  readonly phase: "pre" | "post";
  readonly signal: string;
  readonly ours: bigint | null;
  readonly theirs: bigint | null;
  readonly message: string;
}

const show = (v: bigint | null | undefined) =>
  v === null ? "x" : v === undefined ? "(missing)" : `${v} (0x${(v < 0n ? -v : v).toString(16)}${v < 0n ? ", negative" : ""})`;

/**
 * The first place where two traces differ (cycle order, pre before post, outputs in `ours`
 * order), or null. Outputs are matched by name; `theirs` may have extra outputs.
 */
export function compareTraces(ours: Trace, theirs: Trace, names: { ours?: string; theirs?: string } = {}): TraceMismatch | null {
  const a = names.ours ?? "ours", b = names.theirs ?? "theirs";
  const idx = ours.outputs.map((o) => theirs.outputs.indexOf(o));
  const missing = ours.outputs.filter((_, i) => idx[i] < 0);
  if (missing.length) {
    return { cycle: 0, phase: "pre", signal: missing[0], ours: null, theirs: null, message: `output '${missing[0]}' is missing from the ${b} trace` };
  }
  const n = Math.max(ours.pre.length, theirs.pre.length);
  for (let c = 0; c < n; c++) {
    for (const phase of ["pre", "post"] as const) {
      const ra = ours[phase][c], rb = theirs[phase][c];
      for (let k = 0; k < ours.outputs.length; k++) {
        const va = ra?.[k], vb = rb?.[idx[k]];
        if (va === vb && va !== undefined) continue;
        const sig = ours.outputs[k];
        return {
          cycle: c, phase, signal: sig, ours: va ?? null, theirs: vb ?? null,
          message: `first mismatch at cycle ${c} (${phase === "pre" ? "after inputs, before the edge" : "after the edge"}), output '${sig}': ${a} ${show(va)}, ${b} ${show(vb)}`,
        };
      }
    }
  }
  return null;
}

// --- benchmark ------------------------------------------------------------------------------------------

export interface BenchResult {
  readonly sim: CosimSimulator;
  readonly cycles: number;
  /** Simulation time of the cycle loop (Verilator: measured inside the harness; Icarus: vvp wall time). */
  readonly runSeconds: number;
  readonly cyclesPerSecond: number;
  /** Time to first cycle: verilate + C++ build, or iverilog compile, plus running the first cycle. */
  readonly timeToFirstCycleSeconds: number;
  readonly buildSeconds: number;
  /** Checksum of the outputs (see checksumStep): equal across simulators for one seed and cycle count. */
  readonly checksum: string;
}

export interface BenchOptions {
  readonly cycles: number;
  /** xorshift32 seed of the random inputs (default 12345, as bench/measure.ts). */
  readonly seed?: number;
  /** Cycles to hold the resets at the start (default 0: registers start at their reset values). */
  readonly resetCycles?: number;
  /** "every": checksum all outputs after every edge (default); "final": only after the last one (less work in the loop). */
  readonly checksum?: "every" | "final";
}

/** Run a built harness in benchmark mode (random inputs generated inside it, see benchStimulus). */
export async function runBench(built: BuiltHarness, o: BenchOptions): Promise<BenchResult> {
  const seed = ((o.seed ?? 12345) >>> 0).toString(16);
  const rc = String(o.resetCycles ?? 0);
  const fin = o.checksum === "final";
  if (built.sim === "verilator") {
    const r = await runToolOk(built.exe, ["bench", String(o.cycles), seed, rc, ...(fin ? ["final"] : [])]);
    const j = JSON.parse(r.stdout.trim().split("\n").pop()!) as { seconds: number; firstCycleSeconds: number; checksum: string };
    return {
      sim: built.sim, cycles: o.cycles, runSeconds: j.seconds, cyclesPerSecond: o.cycles / j.seconds,
      timeToFirstCycleSeconds: built.buildMs / 1000 + Math.max(0, j.firstCycleSeconds), buildSeconds: built.buildMs / 1000, checksum: j.checksum,
    };
  }
  const args = (n: number) => ["-n", built.exe, "+bench", `+cycles=${n}`, `+seed=${seed}`, `+resetcycles=${rc}`, ...(fin ? ["+final"] : [])];
  const r = await runToolOk(toolPath("vvp"), args(o.cycles));
  const m = /checksum ([0-9a-fA-F]+)/.exec(r.stdout);
  if (!m) throw new Error(`icarus bench printed no checksum:\n${r.stdout}${r.stderr}`);
  const first = await runToolOk(toolPath("vvp"), args(1));
  return {
    sim: built.sim, cycles: o.cycles, runSeconds: r.ms / 1000, cyclesPerSecond: o.cycles / (r.ms / 1000),
    timeToFirstCycleSeconds: (built.buildMs + first.ms) / 1000, buildSeconds: built.buildMs / 1000, checksum: m[1].toLowerCase().padStart(16, "0"),
  };
}

/**
 * Build (fresh, so the build time is real, unless `reuseBuild`) and run in benchmark mode.
 * The build directory is removed afterwards unless it is the cache's.
 */
export async function benchCosim(
  spec: CosimSpec,
  o: BenchOptions & { sim: CosimSimulator; reuseBuild?: boolean; verilatorArgs?: readonly string[] },
): Promise<BenchResult> {
  const built = await buildCosim(spec, { sim: o.sim, noCache: !o.reuseBuild, verilatorArgs: o.verilatorArgs });
  try {
    return await runBench(built, o);
  } finally {
    if (!built.cached && !o.reuseBuild) rmSync(built.dir, { recursive: true, force: true });
  }
}

/** xorshift32, as bench/measure.ts drives Tessera's simulator and the harnesses drive theirs. */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/**
 * The inputs benchmark mode generates inside the harness, cycle by cycle, as stimulus rows for
 * `spec.inputs`: per cycle, for each input in order, narrow ones (<= 32 bits) `(r & mask) - offset`
 * (offset 2^(w-1) for signed), wide ones from ceil(w/32) draws, the first most significant.
 * Rows must be taken in order.
 */
export function benchStimulus(spec: CosimSpec, o: { cycles: number; seed?: number; resetCycles?: number }): { readonly cycles: number; row(cycle: number): readonly bigint[] } {
  const rnd = xorshift32(o.seed ?? 12345);
  const resets = new Set(spec.clocks.map((c) => c.reset));
  let next = 0;
  return {
    cycles: o.cycles,
    row(c: number) {
      if (c !== next++) throw new Error("benchStimulus rows must be taken in order");
      return spec.inputs.map((p) => {
        if (resets.has(p.name)) return c < (o.resetCycles ?? 0) ? 1n : 0n;
        let v = 0n;
        if (p.width <= 32) v = BigInt((rnd() & (2 ** p.width - 1)) >>> 0) - (p.signed ? 1n << BigInt(p.width - 1) : 0n);
        else {
          for (let k = 0; k < p.width; k += 32) v = (v << 32n) | BigInt(rnd());
          v = BigInt.asUintN(p.width, v);
        }
        return p.signed ? BigInt.asIntN(p.width, v) : BigInt.asUintN(p.width, v);
      });
    },
  };
}

/** The benchmark checksum after one more cycle: each output's bits, 64 at a time, low first, into a rotate-xor. */
export function checksumStep(sum: bigint, outputs: readonly CosimPort[], values: readonly bigint[]): bigint {
  outputs.forEach((p, k) => {
    const bits = BigInt.asUintN(p.width, values[k]);
    for (let j = 0; j < p.width; j += 64) {
      sum = BigInt.asUintN(64, (sum << 1n) | (sum >> 63n)) ^ ((bits >> BigInt(j)) & 0xffffffffffffffffn);
    }
  });
  return sum;
}
