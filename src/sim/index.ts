/** Tessera's simulator: the public surface. */
export { Simulator, simulate, ExpectationError } from "./simulator.js";
export { buildAndSimulate } from "./build.js";
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
// Waveform files read back (VCD and FST, streaming, by signal name) and compared cycle by cycle.
export { openWave, readVcd, readFst, findVars, waveFormat, WaveFileError } from "./wavefile/index.js";
export type { WaveReader, WaveStep, WaveChange, WaveTimescale, WaveVarInfo, VcdReadOptions } from "./wavefile/index.js";
export { compareWaves } from "./wavefile/compare.js";
export type { WaveCompareOptions, WaveCompareResult, WaveValueDiff } from "./wavefile/compare.js";
// GTKWave save files: the signals a dump opens on (Testbench.waves), written next to each dump.
export { writeGtkw, savePathFor, resolveView, underInstance } from "./waves/gtkw.js";
export type { WaveView, WaveGroup, WaveEntry, WaveRadix } from "./waves/gtkw.js";
export { writeSimGtkw, portsView } from "./waves/sim-view.js";
