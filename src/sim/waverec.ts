/**
 * Records values of chosen signals once per cycle of the default domain, for ASCII waveforms:
 * `sim.recordWaves([...])`, then `sim.waves()`. Column k shows the values during cycle k — after
 * rising edge k and the testbench's pokes, just before edge k+1 samples them — so an input and
 * the register it feeds line up the way they do in any waveform viewer.
 */
import type { Signal } from "../hdl/expr.js";
import { WaveOptions, renderWaves } from "./waves/ascii.js";
import type { Simulator, Tracer } from "./simulator.js";
import type { NetNode } from "./netlist.js";

export class WaveRecorder implements Tracer {
  private readonly nodes: NetNode[];
  private readonly values: bigint[][];

  constructor(private readonly sim: Simulator, signals: (Signal | string)[]) {
    this.nodes = signals.map((s) => sim.node(s));
    this.values = this.nodes.map(() => []);
  }

  dump(_time: number, sim: Simulator, clocks: readonly { domain: number; level: 0 | 1 }[]): void {
    // Falling edges are processed just before the next rising edge, after the pokes settled.
    if (!clocks.some((c) => c.domain === 0 && c.level === 0)) return;
    this.nodes.forEach((n, i) => this.values[i].push(sim.engine.get(n)));
  }

  close(): void {}

  render(opts: WaveOptions = {}): string {
    // The current cycle has not reached its falling edge yet: show its values as they are now.
    const now = this.nodes.map((n) => this.sim.peek(n.name));
    return renderWaves(
      this.nodes.map((n, i) => ({ name: n.localName, width: n.shape.width, signed: n.shape.signed, decoder: n.decoder, values: [...this.values[i], now[i]] })),
      { clock: this.sim.domains.length ? "clk" : undefined, ...opts },
    );
  }
}
