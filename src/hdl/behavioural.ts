/**
 * Behavioural blocks: clocked TypeScript models (an HBM channel, a traffic source, a scoreboard)
 * that plug into a design next to RTL. They are Moore machines: at each edge of their domain,
 * `tick` sees the input values from just before the edge and sets outputs that appear after it,
 * exactly like registers. They simulate but are not synthesizable: the Verilog emitter refuses
 * them by name.
 */
import type { PortsDecl } from "./iface.js";

export interface BehaviouralIO {
  /** Value of an input just before the edge. */
  get(name: string): bigint;
  /** Same, as a JS number (inputs up to 52 bits). */
  getNumber(name: string): number;
  /** Value an output takes after the edge (outputs keep their value unless set). */
  set(name: string, value: number | bigint): void;
}

export interface BehaviouralBlock<D extends PortsDecl = PortsDecl> {
  /** Shown in errors and waveforms; "behav_<instance>" by default. */
  readonly moduleName?: string;
  readonly ports: D;
  /** Clock domain whose edges call tick ("sync" by default). */
  readonly domain?: string;
  /** Called on edges where the domain's reset is high, instead of tick. */
  reset?(io: BehaviouralIO): void;
  tick(io: BehaviouralIO): void;
}
