/**
 * The design half of what `tessera new` writes: one module (a signed multiply-accumulate unit
 * with a configurable accumulator width), its golden model, and the testbench that checks one
 * against the other every cycle. Kept small on purpose, but complete: parameters with ranges, a
 * cross-parameter check, seeded stimulus, a VCD, metrics, and a golden model the tests reuse.
 */
export const MODULE_TS = `/**
 * mac: a signed multiply-accumulate unit. Every cycle acc <= acc + a*b, wrapping at \`width\` bits
 * (two's complement); clear loads 0 instead. The golden model is src/mac.golden.ts.
 */
import { Module, s, u } from "tessera";

export interface MacParams {
  /** Bits of the accumulator (16..48: at least a product, at most what a JS number holds exactly). */
  readonly width: number;
}

export function mac(p: MacParams): Module {
  const m = new Module("mac");
  const a = m.input("a", s(8));
  const b = m.input("b", s(8));
  const clear = m.input("clear", u(1));
  const acc = m.output("acc", s(p.width));
  m.if(clear, () => m.sync.set(acc, 0)).else(() => m.sync.set(acc, acc.add(a.mul(b)).trunc(p.width)));
  return m;
}
`;

export const GOLDEN_TS = `/** The golden model of src/mac.ts: what the accumulator holds after each cycle's inputs. */

export interface MacInput {
  readonly a: number;
  readonly b: number;
  readonly clear: boolean;
}

/** acc + a*b wrapped to a signed \`width\`-bit value (width up to 48, so every step is exact). */
export function macStep(acc: number, x: MacInput, width: number): number {
  if (x.clear) return 0;
  return wrapSigned(acc + x.a * x.b, width);
}

/** The accumulator after each input of \`inputs\`, starting from reset (0). */
export function macTrace(inputs: readonly MacInput[], width: number): number[] {
  let acc = 0;
  return inputs.map((x) => (acc = macStep(acc, x, width)));
}

export function wrapSigned(v: number, width: number): number {
  const m = 2 ** width;
  const r = ((v % m) + m) % m;
  return r >= m / 2 ? r - m : r;
}
`;

export const TESTBENCH_TS = `/**
 * Testbench for mac: seeded random operands (with runs of extreme values, so the accumulator
 * wraps) and clears, the accumulator compared with the golden model after every clock edge.
 * \`npx tessera run mac --param width=16 --seed 7 --vcd waves/mac.vcd\` runs it (then \`gtkwave
 * waves/mac.vcd waves/mac.gtkw\`); \`npx tessera verify mac\` draws random parameters and seeds;
 * \`npx tessera emit mac\` writes its Verilog.
 */
import { Checker, openSim, randInt, rng, s, type Testbench } from "tessera";
import { mac } from "../src/mac.js";
import { macStep, type MacInput } from "../src/mac.golden.js";

export const macTb: Testbench = {
  name: "mac",
  description: "Signed 8x8 multiply-accumulate with clear; the accumulator checked against the golden model every cycle",
  params: [
    { name: "width", description: "accumulator bits", type: "int", default: 20, min: 16, max: 48 },
    { name: "clear_permille", description: "cycles in a thousand with clear high", type: "int", default: 2, min: 0, max: 1000 },
  ],

  design(params) {
    return mac({ width: Number(params.width) });
  },

  // What the waveform opens on: every dump gets a GTKWave save file beside it (waves/mac.gtkw),
  // showing these groups after the clock and reset; acc shows in signed decimal.
  waves() {
    return {
      groups: [
        { name: "inputs", signals: ["a", "b", "clear"] },
        { name: "accumulator", signals: ["acc"] },
      ],
    };
  },

  async run(opts) {
    const { params, seed } = opts;
    const width = Number(params.width), clearPerMille = Number(params.clear_permille);
    const cycles = opts.cycles ?? 2000;
    const r = rng(seed);
    const check = new Checker();
    const sim = openSim(() => this.design(params), opts);
    let acc = 0, clears = 0, wraps = 0;
    try {
      sim.reset();
      for (let t = 0; t < cycles; t++) {
        // One cycle in four drives equal extremes (a large positive product), so the sum drifts
        // upwards and the accumulator wraps every few hundred cycles at the default width.
        const extreme = r() < 0.25 ? (r() < 0.5 ? -128 : 127) : undefined;
        const x: MacInput = {
          a: extreme ?? randInt(r, -128, 127),
          b: extreme ?? randInt(r, -128, 127),
          clear: randInt(r, 0, 999) < clearPerMille,
        };
        sim.poke("a", x.a);
        sim.poke("b", x.b);
        sim.poke("clear", x.clear ? 1 : 0);
        sim.step();
        const next = macStep(acc, x, width);
        if (!x.clear && next !== acc + x.a * x.b) wraps++;
        if (x.clear) clears++;
        acc = next;
        check.equal(\`acc after cycle \${sim.cycle}\`, sim.peek("acc"), acc, s(width));
      }
    } finally {
      sim.close();
    }
    return check.result(this.name, sim.cycle, seed, params, { clears, wraps });
  },
};
`;

export const PROPERTY_TEST_TS = `/**
 * Property tests: random operand streams through the simulated mac against the golden model, at
 * random accumulator widths; fast-check prints the seed and the shrunk stream of any failure.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { simulate } from "tessera";
import { mac } from "../src/mac.js";
import { macTrace, type MacInput } from "../src/mac.golden.js";
import { macTb } from "../tb/mac.tb.js";

const input: fc.Arbitrary<MacInput> = fc.record({
  a: fc.integer({ min: -128, max: 127 }),
  b: fc.integer({ min: -128, max: 127 }),
  clear: fc.boolean(),
});

describe("mac", () => {
  test.prop([fc.integer({ min: 16, max: 48 }), fc.array(input, { maxLength: 200 })], { numRuns: 50 })(
    "accumulates like the golden model",
    (width, inputs) => {
      const sim = simulate(mac({ width }));
      sim.reset();
      const want = macTrace(inputs, width);
      inputs.forEach((x, i) => {
        sim.poke("a", x.a);
        sim.poke("b", x.b);
        sim.poke("clear", x.clear ? 1 : 0);
        sim.step();
        sim.expect("acc", want[i]);
      });
    },
  );

  it("passes its testbench at the default parameters", async () => {
    const params = Object.fromEntries(macTb.params.map((p) => [p.name, p.default]));
    const r = await macTb.run({ params, seed: 1 });
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.metrics.wraps).toBeGreaterThan(0);
  });
});
`;
