export { runSystem, runSystemAsync } from "./executor.js";
export type { OpSpan, RunOptions, SystemRun } from "./executor.js";
export { PLACEMENTS, dieOrder, placeGroups, snakeOrder } from "./placement.js";
export type { Mapping, Placement } from "./placement.js";
export { fetchBytes, stageDataflow } from "./dataflow.js";
export type { Dataflow, StageDataflow } from "./dataflow.js";
export { opComputeTime } from "./timing.js";
export { chromeTrace } from "./trace.js";
export { linkUtilizationSvg } from "./svg.js";
