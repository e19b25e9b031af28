/**
 * `tessera verify <tb|all>`: property-based verification. Each testbench's ParamSpecs (their
 * `verify` ranges) become fast-check arbitraries; a run draws parameters and a data seed, runs
 * the testbench (which checks against its golden model) and the property is "it passed". A
 * failure is shrunk by fast-check and printed with the `tessera run` command that replays it.
 */
import fc from "fast-check";
import type { EngineName } from "../../sim/engine.js";
import type { ParamSpec, Params, Testbench } from "../../tb/types.js";
import { Io, selectTestbenches } from "../io.js";
import { commandLineName } from "../../tb/project/project.js";
import { kv, ms } from "../format.js";
import { replayCommand } from "../params.js";
import { progress } from "../progress.js";
import { TimedResult, runTestbench } from "../run-tb.js";
import { EXIT_FAIL, EXIT_PASS, UsageError } from "../usage.js";

export interface VerifyArgs {
  runs: number;
  seed?: number;
  engine?: EngineName;
  json?: boolean;
}

export interface VerifyOutcome {
  name: string;
  passed: boolean;
  /** Property runs made (the failing one included). */
  runs: number;
  /** fast-check's seed: `tessera verify <tb> --seed S --runs N` repeats this verification. */
  seed: number;
  /** How long it took: the one part that differs between two runs with the same seed. */
  timing: { wallMs: number };
  numShrinks?: number;
  /** The shrunk failing case. */
  counterexample?: { params: Params; seed: number };
  failures?: string[];
  replay?: string;
}

const INT32 = 2 ** 31;

/** The arbitrary `tessera verify` draws one parameter from. */
export function paramArbitrary(tb: Testbench, p: ParamSpec): fc.Arbitrary<number | string | boolean> {
  if (p.type === "bool") return fc.boolean();
  if (p.type === "string") {
    const vs = p.verify?.values ?? p.values;
    return vs && vs.length ? fc.constantFrom(...vs) : fc.constant(String(p.default));
  }
  if (p.type === "number") {
    const lo = p.verify?.min ?? p.min, hi = p.verify?.max ?? p.max;
    if (lo === undefined || hi === undefined || lo > hi) throw new UsageError(`testbench '${tb.name}': number parameter '${p.name}' needs a finite verify range; got ${lo}..${hi}`);
    // Round to 4 decimals so a replay command line reproduces the value exactly.
    return fc.integer({ min: Math.ceil(lo * 1e4), max: Math.floor(hi * 1e4) }).map((x) => x / 1e4);
  }
  if (p.type === "enum") {
    const vs = p.verify?.values ?? p.values ?? [];
    if (!vs.length) throw new UsageError(`testbench '${tb.name}': enum parameter '${p.name}' declares no values to verify over`);
    return fc.constantFrom(...vs);
  }
  const lo = p.verify?.min ?? p.min, hi = p.verify?.max ?? p.max;
  if (lo === undefined || hi === undefined || lo > hi) {
    throw new UsageError(`testbench '${tb.name}': int parameter '${p.name}' needs a finite verify range (verify.min..verify.max or min..max); got ${lo}..${hi}`);
  }
  if (lo >= -INT32 && hi < INT32) return fc.integer({ min: lo, max: hi });
  return fc.bigInt({ min: BigInt(lo), max: BigInt(hi) }).map(Number);
}

/** Parameters and a data seed; draws the testbench rejects (validate) are filtered out. */
export function caseArbitrary(tb: Testbench): fc.Arbitrary<{ params: Params; seed: number }> {
  const params = fc.record(Object.fromEntries(tb.params.map((p) => [p.name, paramArbitrary(tb, p)]))) as fc.Arbitrary<Params>;
  const arb = fc.record({ params, seed: fc.integer({ min: 0, max: INT32 - 1 }) });
  return tb.validate ? arb.filter((c) => tb.validate!(c.params) === undefined) : arb;
}

export async function verifyTestbench(tb: Testbench, args: VerifyArgs & { seed: number }, onRun?: (n: number) => void): Promise<VerifyOutcome> {
  const t0 = performance.now();
  let calls = 0;
  const prop = fc.asyncProperty(caseArbitrary(tb), async (c) => {
    onRun?.(++calls);
    const r = await runTestbench(tb, { params: c.params, seed: c.seed, engine: args.engine, userErrors: "fail" });
    return r.passed;
  });
  const details = await fc.check(prop, { numRuns: args.runs, seed: args.seed });
  const base = { name: tb.name, seed: args.seed };
  if (!details.failed) {
    return { ...base, passed: true, runs: details.numRuns, timing: { wallMs: Math.round(performance.now() - t0) } };
  }
  const [c] = details.counterexample!;
  // Re-run the shrunk case once for its failure messages (a run is deterministic in its seed).
  const again: TimedResult = await runTestbench(tb, { params: c.params, seed: c.seed, engine: args.engine, userErrors: "fail" });
  const failures = again.passed ? ["the shrunk case passed when re-run: the testbench is not deterministic in its seed"] : again.failures;
  return {
    ...base,
    passed: false,
    runs: details.numRuns,
    timing: { wallMs: Math.round(performance.now() - t0) },
    numShrinks: details.numShrinks,
    counterexample: { params: c.params, seed: c.seed },
    failures,
    replay: replayCommand(tb, c.params, c.seed, args.engine ? ["--engine", args.engine] : []),
  };
}

export async function verifyCommand(name: string, args: VerifyArgs, io: Io): Promise<number> {
  const tbs = await selectTestbenches(name, io);
  const seed = args.seed ?? Math.floor(Math.random() * INT32);
  if (!args.json) io.out(`verify: ${args.runs} runs per testbench, seed ${seed}${args.engine ? `, engine ${args.engine}` : ""}\n`);
  const outcomes: VerifyOutcome[] = [];
  for (const tb of tbs) {
    const bar = progress(io, { json: args.json, label: `verify ${tb.name}` });
    let o: VerifyOutcome;
    try {
      o = await verifyTestbench(tb, { ...args, seed }, (n) => bar.update(Math.min(n, args.runs), args.runs));
    } finally {
      bar.stop();
    }
    outcomes.push(o);
    if (!args.json) printOutcome(o, commandLineName(tb), args, io);
  }
  if (args.json) io.out(JSON.stringify(outcomes, null, 2) + "\n");
  return outcomes.every((o) => o.passed) ? EXIT_PASS : EXIT_FAIL;
}

function printOutcome(o: VerifyOutcome, cliName: string, args: VerifyArgs, io: Io): void {
  if (o.passed) {
    io.out(`${o.name}: PASS  ${o.runs} runs  (${ms(o.timing.wallMs)})\n`);
    return;
  }
  io.out(`${o.name}: FAIL  after ${o.runs} runs, shrunk ${o.numShrinks} times  (${ms(o.timing.wallMs)})\n`);
  io.out(`  counterexample: ${kv(o.counterexample!.params)}  data seed ${o.counterexample!.seed}\n`);
  for (const f of o.failures ?? []) io.out(`  FAIL ${f}\n`);
  io.out(`  replay:  ${o.replay}\n`);
  io.out(`  verify again: tessera verify ${cliName} --seed ${o.seed} --runs ${args.runs}${args.engine ? ` --engine ${args.engine}` : ""}\n`);
}
