/** Tessera's simulator: the public surface. */
export { Simulator, simulate, ExpectationError } from "./simulator.js";
export type { SimOptions, ClockSpec, Tracer } from "./simulator.js";
export type { VcdTraceOptions } from "./vcdtrace.js";
export type { FstTraceOptions } from "./fst/tracer.js";
export type { ProcessContext } from "./process.js";
export { TickTrigger } from "./process.js";
export type { Value } from "./api.js";
export { buildNetlist } from "./netlist.js";
export type { Netlist, NetNode } from "./netlist.js";
export type { Engine, EngineName } from "./engine.js";
export { ENGINE_NAMES } from "./engine.js";
export { ACTIVITY_MODES } from "./compiled.js";
export type { ActivityMode } from "./compiled.js";
export { streamSource, streamSink } from "./streams.js";
export type { StreamSourceOptions, StreamSinkOptions } from "./streams.js";
export { SHARED_CODE_MODES } from "./template.js";
export type { SharedCodeMode } from "./template.js";
