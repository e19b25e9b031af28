/** NoC load sweeps: parallel runs, saturation, shards that merge, JSON and SVG plots. */
export { runSweep, sweepParams, writeSweepOutputs, sweepOutputFiles } from "./run.js";
export type { SweepOptions } from "./run.js";
export { mergeSweeps } from "./merge.js";
export { findSaturation, summarizeLoads } from "./saturation.js";
export type { LoadSummary } from "./saturation.js";
export { planPoints, shardOf, parseRates } from "./plan.js";
export { latencyPlot, throughputPlot, linkHeatmap } from "./svg.js";
export { SWEEP_VERSION } from "./types.js";
export type { SweepPoint, SweepResult, SweepShard, Saturation, SweepTask } from "./types.js";
