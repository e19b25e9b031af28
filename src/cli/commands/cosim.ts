/**
 * `tessera cosim <tb> [--sim verilator|icarus] [--cycles N] [--seed S] [--param k=v]...`: the same
 * stimulus through Tessera's simulator and through Verilator or Icarus on the emitted Verilog,
 * every output compared cycle by cycle.
 *
 * Not wired yet: the argument parsing and parameter checks are done here, so wiring the drivers
 * (src/verilog) means replacing the body of `cosimCommand` only.
 */
import { findTestbench } from "../../tb/registry.js";
import { Io, testbenchesOf } from "../io.js";
import { resolveParams } from "../params.js";
import { EXIT_USAGE } from "../usage.js";

export const COSIM_SIMULATORS = ["verilator", "icarus"] as const;
export type CosimSimulator = (typeof COSIM_SIMULATORS)[number];

export interface CosimArgs {
  sim: CosimSimulator;
  cycles?: number;
  seed: number;
  param: string[];
  json?: boolean;
}

export async function cosimCommand(name: string, args: CosimArgs, io: Io): Promise<number> {
  const tb = findTestbench(name, testbenchesOf(io));
  resolveParams(tb, args.param);
  io.err(`tessera cosim: co-simulation with ${args.sim} is not available yet\n`);
  return EXIT_USAGE;
}
