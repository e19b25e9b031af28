/**
 * Testbench for `counter`: random enable/load stimulus from the seed, and every cycle the count
 * and carry compared with the golden counter (src/golden/examples.ts).
 */
import { u } from "../../hdl/index.js";
import { counter } from "../../hw/examples/counter.js";
import { counterCarry, counterNext, type CounterInputs } from "../../golden/examples.js";
import { Checker, openSim, randInt, rng } from "../harness.js";
import type { Params, Testbench, TbResult } from "../types.js";

const DEFAULT_CYCLES = 1000;

/** wrap = -1 stands for the full range 2^width - 1, so the default suits every width. */
function wrapOf(params: Params): bigint {
  const w = Number(params.width), wrap = Number(params.wrap);
  return wrap < 0 ? (1n << BigInt(w)) - 1n : BigInt(wrap);
}

/** A uniformly random unsigned value of `width` bits (up to 64), from 32-bit draws. */
function randBits(r: () => number, width: number): bigint {
  let v = 0n;
  for (let got = 0; got < width; got += 32) v = (v << 32n) | BigInt(Math.floor(r() * 2 ** 32));
  return BigInt.asUintN(width, v);
}

export const counterTb: Testbench = {
  name: "counter",
  description: "Up-counter with enable, wrap value and synchronous load; count and carry checked against the golden counter every cycle",
  params: [
    { name: "width", description: "bits of the count", type: "int", default: 8, min: 1, max: 64, verify: { min: 1, max: 16 } },
    { name: "wrap", description: "last value before the count returns to 0 (-1: 2^width-1, the full range)", type: "int", default: -1, min: -1, max: Number.MAX_SAFE_INTEGER, verify: { min: -1, max: 300 } },
    { name: "enable_pct", description: "percent of cycles with enable high", type: "int", default: 90, min: 0, max: 100 },
    { name: "load_pct", description: "percent of cycles with load high", type: "int", default: 5, min: 0, max: 100 },
  ],

  validate(params) {
    const width = Number(params.width), wrap = Number(params.wrap);
    const full = (1n << BigInt(width)) - 1n;
    if (wrap >= 0 && BigInt(wrap) > full) return `wrap=${wrap} does not fit in width=${width} (wrap must be -1 or 0..${full}); lower wrap or raise width`;
    return undefined;
  },

  design(params) {
    return counter({ width: Number(params.width), wrap: wrapOf(params) });
  },

  waves() {
    return { groups: [{ name: "counter", signals: ["enable", "load", { path: "load_value", radix: "dec" }, { path: "count", radix: "dec" }, "carry"] }] };
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const width = Number(params.width);
    const wrap = wrapOf(params);
    const enablePct = Number(params.enable_pct), loadPct = Number(params.load_pct);
    const total = opts.cycles ?? DEFAULT_CYCLES;
    const shape = u(width);
    const r = rng(seed);
    const check = new Checker();
    const sim = openSim(() => this.design(params), opts);
    let wraps = 0, loads = 0, enabled = 0;
    try {
      sim.reset();
      let count = 0n;
      check.equal(`count after reset (cycle ${sim.cycle})`, sim.peek("count"), count, shape);
      for (let t = 0; t < total; t++) {
        const load = randInt(r, 0, 99) < loadPct;
        // Half the loads land just below wrap, so wrapping happens often even in wide counters.
        const near = wrap - BigInt(randInt(r, 0, 3));
        const loadValue = r() < 0.5 && near >= 0n ? near : randBits(r, width);
        const inp: CounterInputs = { enable: randInt(r, 0, 99) < enablePct, load, loadValue };
        sim.poke("enable", inp.enable ? 1 : 0);
        sim.poke("load", inp.load ? 1 : 0);
        sim.poke("load_value", inp.loadValue);
        const carry = counterCarry(count, inp, wrap);
        check.equal(`carry at cycle ${sim.cycle}`, sim.peek("carry"), carry ? 1 : 0, u(1));
        if (carry) wraps++;
        if (inp.load) loads++;
        if (inp.enable) enabled++;
        sim.step();
        count = counterNext(count, inp, width, wrap);
        check.equal(`count after edge at cycle ${sim.cycle}`, sim.peek("count"), count, shape);
        if ((t & 1023) === 1023) opts.onProgress?.(t + 1, total);
      }
      opts.onProgress?.(total, total);
    } finally {
      sim.close();
    }
    return check.result(this.name, sim.cycle, seed, params, { wraps, loads, enabled_cycles: enabled });
  },
};
