/**
 * `tessera/tb`: the built-in testbenches (what `tessera list` shows), the registry that finds
 * them by name, and the pieces a testbench is written with (also exported from `tessera`).
 *
 * @module tessera/tb
 */
export { registry, findTestbench, UnknownTestbenchError } from "./registry.js";
export { testbenches as examples } from "./examples/index.js";
export { testbenches as pe } from "./pe/index.js";
export { testbenches as noc } from "./noc/index.js";
export { testbenches as sofa } from "./sofa/index.js";
export { testbenches as bitslice } from "./bitslice/index.js";
export { testbenches as speq } from "./speq/index.js";
export { testbenches as wsc } from "./wsc/index.js";
export { openSim, Checker, rng, randInt, writeWords } from "./harness.js";
export type { Testbench, TbResult, TbRunOptions, ParamSpec, ParamValue, Params } from "./types.js";
