/**
 * `tessera`: the HDL (modules, signals, shapes, FSMs, memories, streams), the simulator (compiled
 * and interpreted engines, processes, VCD), and what a testbench is written with: the Testbench
 * contract the command line runs, openSim/Checker/rng, and defineConfig for tessera.config.ts.
 *
 *     import { Module, u, simulate, type Testbench } from "tessera";
 *
 * The hardware models, golden models, Verilog backend and system studies are separate entry
 * points: `tessera/hw`, `tessera/golden`, `tessera/verilog`, `tessera/system`, `tessera/tb`.
 *
 * @module tessera
 */
export * from "./hdl/index.js";
export * from "./sim/index.js";
export { openSim, Checker, rng, randInt, writeWords } from "./tb/harness.js";
export type { Testbench, TbResult, TbRunOptions, ParamSpec, ParamValue, Params } from "./tb/types.js";
export { defineConfig } from "./tb/project/config.js";
// For a testbench's own input files and arguments: throw UserError and the CLI reports a usage
// error (exit 2, one line) instead of a failing run; the readers name file, line and field.
export { UserError } from "./io/user-error.js";
export type { UserErrorWhere } from "./io/user-error.js";
export { readTextFile, parseJsonFile } from "./io/input-file.js";
export { writeFileAtomic } from "./io/output-file.js";
export type { TesseraConfig } from "./tb/project/config.js";
