/**
 * Save files for a simulator's dumps: the signals its VCD and FST hold (the same visible nodes
 * and clock vars the wave tracer declares, src/sim/vcdtrace.ts), and the view a design gets when
 * its testbench names none: clocks and resets, then the top module's ports.
 */
import { clockName, resetName } from "../../hdl/elaborate.js";
import type { Simulator } from "../simulator.js";
import { visibleNodes } from "../vcdtrace.js";
import { writeGtkw, type ResolvedView, type WaveVarDesc, type WaveView } from "./gtkw.js";

/** Every signal a dump of `sim` holds, with the full paths the dump gives them ("top.sub.sig"). */
export function simWaveVars(sim: Simulator): WaveVarDesc[] {
  const top = sim.net.design.top.name;
  const clocks: WaveVarDesc[] = sim.domains.map((d) => ({ path: `${top}.${clockName(d)}`, width: 1, signed: false }));
  const nodes = visibleNodes(sim.net).map((n) => ({ path: [...n.scope, n.localName].join("."), width: n.shape.width, signed: n.shape.signed, decoder: n.decoder }));
  return [...clocks, ...nodes];
}

/** Each domain's clock and reset (where the design has one), as view entries below the top. */
function clockAndReset(sim: Simulator, vars: readonly WaveVarDesc[]): string[] {
  const top = sim.net.design.top.name;
  const paths = new Set(vars.map((v) => v.path));
  return sim.domains.flatMap((d) => [clockName(d), resetName(d)]).filter((n) => paths.has(`${top}.${n}`));
}

/** The view of a design whose testbench names no signals: clocks and resets, inputs, outputs. */
export function portsView(sim: Simulator): WaveView {
  const top = sim.net.design.top;
  return {
    groups: [
      { name: "inputs", signals: top.inputs.map((s) => s.name) },
      { name: "outputs", signals: top.outputs.map((s) => s.name) },
    ].filter((g) => g.signals.length > 0),
  };
}

/**
 * Write `<dump>.gtkw` next to `dumpFile` showing `view` (the ports view when none), after a group
 * of the clocks and resets, which every view starts with; it opens on the first cycles of the
 * first clock domain.
 */
export function writeSimGtkw(sim: Simulator, dumpFile: string, view?: WaveView): ResolvedView & { file: string } {
  const v = view ?? portsView(sim);
  const vars = simWaveVars(sim);
  const withClocks = { groups: [{ name: "clock", signals: clockAndReset(sim, vars) }, ...v.groups] };
  return writeGtkw(dumpFile, sim.net.design.top.name, withClocks, vars, { period: sim.periods[0] });
}
