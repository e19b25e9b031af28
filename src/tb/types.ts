/**
 * What a testbench is, for the registry and the CLI. The parameter names and result fields are a
 * contract with users and scripts (`tessera run --json`), so change them only deliberately.
 */
import type { Module } from "../hdl/module.js";
import type { EngineName } from "../sim/engine.js";
import type { Simulator } from "../sim/simulator.js";
import type { WaveView } from "../sim/waves/gtkw.js";

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export interface ParamSpec {
  readonly name: string;
  readonly description: string;
  /** int: whole numbers; number: reals (rate=0.15); enum; bool; string: free text (lists, paths). */
  readonly type: "int" | "number" | "enum" | "bool" | "string";
  readonly default: ParamValue;
  /** int/number: inclusive range `tessera run` accepts. */
  readonly min?: number;
  readonly max?: number;
  /** enum: the accepted values. */
  readonly values?: readonly string[];
  /**
   * The part of the space `tessera verify` draws random values from (defaults to min/max/values).
   * A string parameter keeps its default under verify unless `values` lists choices.
   */
  readonly verify?: { readonly min?: number; readonly max?: number; readonly values?: readonly string[] };
}

export interface TbRunOptions {
  /** Complete and validated (every declared parameter present). */
  readonly params: Params;
  readonly seed: number;
  /** --cycles: how long to run, where the testbench has a free-running phase. */
  readonly cycles?: number;
  /** Write a VCD of the run to this path. */
  readonly vcd?: string;
  /** Write an FST of the run to this path (with a VCD too, both trace the same simulator). */
  readonly fst?: string;
  /**
   * The signals the GTKWave save file written next to each dump opens on (the testbench's
   * `waves(params)`, which runTestbench passes here); the design's ports when absent.
   */
  readonly waves?: WaveView;
  readonly engine?: EngineName;
  /** Compiled engine threads (SimOptions.threads: 2 splits identical submodules over two cores). */
  readonly threads?: number;
  /** Receives notes for the user (threads asked for that the design cannot use); default: stderr. */
  readonly onNote?: (message: string) => void;
  /** Called with the simulator right after it is made (co-simulation records inputs this way). */
  readonly attach?: (sim: Simulator) => void;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface TbResult {
  name: string;
  passed: boolean;
  cycles: number;
  checks: number;
  metrics: Record<string, number | string | boolean>;
  seed: number;
  params: Params;
  /** The first failure messages (empty when passed). */
  failures: string[];
}

export interface Testbench {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** The design under test for these parameters (what `tessera emit` writes). */
  design(params: Params): Module;
  /**
   * Constraints between parameters that per-parameter ranges cannot say (e.g. counter: wrap must
   * fit in width). Returns why `params` (complete, each within its own range) is not a valid
   * combination, naming the parameters and how to mend it; undefined when it is. `tessera run`
   * reports the message as a usage error; `tessera verify` skips such draws.
   */
  validate?(params: Params): string | undefined;
  /**
   * Smaller parameters (over the defaults) for co-simulation under an event-driven simulator
   * (Icarus), where the defaults would take minutes; Verilator co-simulates the defaults.
   */
  readonly eventSimParams?: Params;
  /**
   * The signals a user looks at first in a waveform viewer, grouped (see src/sim/waves/gtkw.ts):
   * the GTKWave save file `<dump>.gtkw` written next to each VCD or FST opens on them. Paths start
   * at the top module, as in the dumps; globs allowed. Without it the save file shows the ports.
   */
  waves?(params: Params): WaveView;
  run(opts: TbRunOptions): Promise<TbResult>;
}
