/** Small example designs: the counter and the MAC grid of the tutorial and the benchmarks. */
export * from "./counter.js";
export * from "./mac-grid.js";
