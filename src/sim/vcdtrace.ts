/**
 * Connects a Simulator to the VCD writer (src/sim/vcd). Placeholder until the writer lands.
 */
import type { Simulator, Tracer } from "./simulator.js";

export interface VcdTraceOptions {
  /** Keep only signals whose hierarchical name matches one of these (glob with * or RegExp). */
  signals?: (string | RegExp)[];
  /** Keep only scopes under this hierarchical prefix ("top.pe_0_0"). */
  scope?: string;
  /** Dump only cycles from..to of the default domain (inclusive). */
  window?: [number, number];
}

export function openVcdTracer(sim: Simulator, path: string, opts: VcdTraceOptions): Tracer {
  void sim; void path; void opts;
  throw new Error("VCD tracing is not wired yet");
}
