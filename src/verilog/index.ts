/**
 * `tessera/verilog`: Verilog out of a design, and the tools that check it. emitVerilog writes
 * synthesizable Verilog-2005; cosimTestbench runs a testbench's stimulus through Tessera and
 * through Verilator or Icarus and compares every output every cycle; verilatorLint and yosysSynth
 * run the installed tools on emitted text.
 *
 * @module tessera/verilog
 */
export { emitVerilog, emitDesign, BehaviouralEmitError } from "./emit.js";
export type { EmitOptions, EmittedDesign, DomainPorts, PortInfo } from "./emit.js";
export { cosimTestbench, recordTestbench } from "./tb-cosim.js";
export type { CosimTestbench, RecordedRun, TestbenchCosimResult, TracingSimulator } from "./tb-cosim.js";
export { buildCosim, runCosim, compareTraces, writeStimulus, specFromEmitted, edgeTable, edgeSchedule, benchCosim, benchStimulus, runBench } from "./cosim.js";
export type { CosimSimulator, CosimOptions, CosimRun, CosimSpec, CosimPort, CosimClock, Trace, TraceMismatch, Stimulus, BuiltHarness, BenchOptions, BenchResult } from "./cosim.js";
export { recordTrace } from "./replay.js";
export type { CycleSimulator } from "./replay.js";
export { findTool, requireTool, toolVersion, verilatorLint, yosysSynth, ToolMissingError, ToolFailedError } from "./tools.js";
export type { ToolName, LintMessage, LintResult, SynthResult } from "./tools.js";
export { legalIdent, RESERVED_WORDS } from "./names.js";
