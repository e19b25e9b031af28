/**
 * `tessera cosim <tb> [--sim verilator|icarus] [--cycles N] [--seed S] [--param k=v]...`: the same
 * stimulus through Tessera's simulator and through Verilator or Icarus on the emitted Verilog,
 * every output compared cycle by cycle.
 *
 * The testbench runs once on our simulator while every input and output is recorded each cycle;
 * the inputs are replayed into the simulator built from the emitted Verilog (src/verilog/tb-cosim.ts).
 * Exit 0 when every output agrees every cycle, 1 at the first mismatch (printed with cycle, signal
 * and both values), 2 for usage errors or a missing tool.
 */
import { Io, selectOne } from "../io.js";
import { resolveParams } from "../params.js";
import { EXIT_FAIL, EXIT_PASS, EXIT_USAGE } from "../usage.js";
import { findTool } from "../../verilog/tools.js";
import { COSIM_SIMULATORS } from "../defaults.js";

export { COSIM_SIMULATORS };
export type CosimSimulator = (typeof COSIM_SIMULATORS)[number];

export interface CosimArgs {
  sim: CosimSimulator;
  cycles?: number;
  seed: number;
  param: string[];
  json?: boolean;
}

export async function cosimCommand(name: string, args: CosimArgs, io: Io): Promise<number> {
  const tb = await selectOne(name, io, "cosim");
  const params = resolveParams(tb, args.param);
  const tool = args.sim === "verilator" ? "verilator" : "iverilog";
  if (!findTool(tool)) {
    io.err(`tessera cosim: ${tool} is not installed; install it with: apt-get install -y ${args.sim === "verilator" ? "verilator" : "iverilog"}\n`);
    return EXIT_USAGE;
  }
  const { cosimTestbench } = await import("../../verilog/tb-cosim.js");
  const t0 = performance.now();
  const r = await cosimTestbench(tb, { params, seed: args.seed, cycles: args.cycles, sim: args.sim });
  const seconds = (performance.now() - t0) / 1000;
  const result = {
    name: tb.name, sim: args.sim, seed: args.seed, params,
    cycles: r.rows.length, outputs: r.spec.outputs.length, testbenchPassed: r.passed,
    agree: r.mismatch === null, mismatch: r.mismatch?.message ?? null,
    timing: { buildMs: Math.round(r.buildMs), seconds: Number(seconds.toFixed(2)) },
  };
  if (args.json) io.out(JSON.stringify(result) + "\n");
  else if (r.mismatch) io.out(`${tb.name}: MISMATCH between tessera and ${args.sim}\n${r.mismatch.message}\n`);
  else io.out(`${tb.name}: tessera and ${args.sim} agree on ${result.outputs} outputs over ${result.cycles} cycles (${args.sim} build ${(r.buildMs / 1000).toFixed(1)} s)\n`);
  if (!r.passed && !args.json) io.out(`note: the testbench's own golden checks failed: ${r.failures.slice(0, 3).join("; ")}\n`);
  return r.mismatch === null && r.passed ? EXIT_PASS : EXIT_FAIL;
}
