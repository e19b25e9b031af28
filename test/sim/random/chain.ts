/**
 * Random hierarchical designs for the shared-code and threads tests: copies of one random circuit
 * (random/circuit.ts) as submodules of a top, chained combinationally and through registers.
 */
import { expect } from "vitest";
import { Module, Signal } from "../../../src/hdl/index.js";
import type { Simulator } from "../../../src/sim/index.js";
import { buildCircuit, stimulus, type CircuitSpec } from "./circuit.js";

/** `copies` instances of the circuit; instance k > 0 reads instance k-1's outputs (comb when k is odd, through a register when even). */
export function chain(spec: CircuitSpec, copies: number): { top: Module; inputs: Signal[]; outputs: Signal[] } {
  const top = new Module("top");
  const inputs = spec.inputs.map((ip, i) => top.input(`in${i}`, { width: ip.width, signed: ip.signed }));
  const outputs: Signal[] = [];
  let prev: Signal[] = [];
  for (let k = 0; k < copies; k++) {
    const c = buildCircuit(spec);
    top.submodule(`c${k}`, c.module);
    c.inputs.forEach((pin, i) => {
      const src = inputs[i];
      if (prev.length === 0) top.comb.set(pin, src);
      else {
        const from = prev[i % prev.length].asUnsigned().resize(pin.width);
        const v = src.asUnsigned().xor(from);
        const mixed = pin.signed ? v.asSigned() : v;
        if (k % 2 === 1) top.comb.set(pin, mixed);
        else {
          const r = top.signal(`link${k}_${i}`, { width: pin.width, signed: pin.signed });
          top.sync.set(r, mixed);
          top.comb.set(pin, r);
        }
      }
    });
    const outs = c.outputs.map((o, j) => {
      const so = top.output(`o${k}_${j}`, { width: o.width, signed: o.signed });
      top.comb.set(so, o);
      return so;
    });
    outputs.push(...outs);
    prev = c.outputs;
  }
  return { top, inputs, outputs };
}

/** The spec with every register and memory in its first clock domain (shared code needs one). */
export const oneDomain = (spec: CircuitSpec): CircuitSpec => ({
  ...spec,
  periods: [spec.periods[0]],
  regs: spec.regs.map((r) => ({ ...r, domain: 0 })),
  mems: spec.mems.map((m) => ({ ...m, domain: 0 })),
});

/**
 * Drive the chain's simulators (`sims`, by label) and the reference with the spec's stimulus and
 * compare every output every cycle.
 */
export function expectSameOutputs(spec: CircuitSpec, copies: number, sims: [string, Simulator][], reference: Simulator): void {
  const { inputs, outputs } = chain(spec, copies);
  const stim = stimulus(spec, spec.cycles + 6);
  const all = [...sims.map(([, s]) => s), reference];
  for (let c = 0; c < stim.length; c++) {
    for (const s of all) inputs.forEach((sig, i) => s.poke(sig.name, stim[c][i]));
    for (const o of outputs) {
      const want = reference.peek(o.name);
      for (const [label, s] of sims) expect(s.peek(o.name), `${label}, cycle ${c}, ${o.name}`).toBe(want);
    }
    for (const s of all) s.step();
  }
}
