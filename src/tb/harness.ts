/**
 * Shared pieces of every testbench: making the simulator the way the CLI asked (engine, VCD, FST,
 * attached recorders), and counting checks against the golden model.
 */
import type { Module } from "../hdl/module.js";
import { Simulator, SimOptions, simulate } from "../sim/simulator.js";
import { buildAndSimulate } from "../sim/build.js";
import { formatValue } from "../sim/format.js";
import type { Shape } from "../hdl/shape.js";
import type { Params, TbResult, TbRunOptions } from "./types.js";
import { mulberry32 } from "../golden/prng.js";
import { savePathFor } from "../sim/waves/gtkw.js";
import { writeSimGtkw } from "../sim/waves/sim-view.js";

/**
 * Make the simulator for a testbench run; the caller must `sim.close()` (use try/finally). Given
 * the design's build function rather than the module, it builds without recording source
 * locations, and again with them only to report an elaboration error (buildAndSimulate).
 */
export function openSim(top: Module | (() => Module), opts: TbRunOptions, simOpts: SimOptions = {}): Simulator {
  const o = { ...simOpts, engine: opts.engine ?? simOpts.engine, threads: opts.threads ?? simOpts.threads };
  const sim = typeof top === "function" ? buildAndSimulate(top, o) : simulate(top, o);
  // Asked for threads the design cannot use (too small, no identical submodules): say so, and run.
  if ((o.threads ?? 1) > 1 && sim.threads.count === 1) {
    const note = `tessera: --threads ${o.threads}: running on one thread: ${sim.threads.note ?? `the ${o.engine ?? "compiled"} engine has no threads`}\n`;
    if (opts.onNote) opts.onNote(note);
    else process.stderr.write(note);
  }
  if (opts.vcd) sim.traceVcd(opts.vcd);
  if (opts.fst) sim.traceFst(opts.fst);
  // One save file per dump name: run.vcd and run.fst share run.gtkw (it names the same signals).
  const dumps = [opts.fst, opts.vcd].filter((d): d is string => !!d);
  const saves = new Set<string>();
  for (const d of dumps) if (!saves.has(savePathFor(d))) saves.add(writeSimGtkw(sim, d, opts.waves).file);
  opts.attach?.(sim);
  return sim;
}

/** Counts checks and keeps the first few failures, so one run reports more than its first error. */
export class Checker {
  checks = 0;
  readonly failures: string[] = [];
  private failed = 0;
  constructor(private readonly keep = 10) {}

  /** Compare a value with the golden one. */
  equal(what: string, got: bigint | number, want: bigint | number, shape?: Shape): boolean {
    this.checks++;
    if (BigInt(got) === BigInt(want)) return true;
    this.fail(`${what}: observed ${shape ? formatValue(BigInt(got), shape) : String(got)}, expected ${shape ? formatValue(BigInt(want), shape) : String(want)}`);
    return false;
  }

  /** Record a boolean property. */
  ok(what: string, cond: boolean): boolean {
    this.checks++;
    if (!cond) this.fail(what);
    return cond;
  }

  fail(msg: string): void {
    this.failed++;
    if (this.failures.length < this.keep) this.failures.push(msg);
  }

  get passed(): boolean {
    return this.failed === 0;
  }

  result(name: string, cycles: number, seed: number, params: Params, metrics: TbResult["metrics"]): TbResult {
    const failures = [...this.failures];
    if (this.failed > this.failures.length) failures.push(`... and ${this.failed - this.failures.length} more failures`);
    return { name, passed: this.passed, cycles, checks: this.checks, metrics, seed, params, failures };
  }
}

/** A small, fast, seedable PRNG (mulberry32) so runs replay from their seed. */
export const rng = mulberry32;

/** Uniform integer in [lo, hi]. */
export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/**
 * Write words through one of a design's write ports, one per cycle: `<prefix>we` high, each word's
 * fields poked (`{ lane: 2, addr: 7, data: -5 }` pokes `<prefix>lane`, ...), one step each, then
 * `we` low again. Returns the cycles spent. For memories loaded the way the hardware loads them
 * (a backdoor fill is the other way).
 */
export function writeWords(sim: Simulator, prefix: string, words: Iterable<Readonly<Record<string, number>>>): number {
  const we = sim.accessor(`${prefix}we`);
  const fields = new Map<string, ReturnType<Simulator["accessor"]>>();
  const field = (f: string) => fields.get(f) ?? fields.set(f, sim.accessor(prefix + f)).get(f)!;
  let n = 0;
  we.set(1);
  for (const w of words) {
    for (const [f, v] of Object.entries(w)) field(f).set(v);
    sim.step();
    n++;
  }
  we.set(0);
  return n;
}
