/**
 * ASCII waveforms (waveterm style). Snapshots were checked by eye against the values drawn.
 */
import { describe, expect, test } from "vitest";
import { formatValue, renderWaves, type WaveSignal } from "../../../src/sim/waves/ascii.js";

const counter: WaveSignal[] = [
  { name: "en", width: 1, values: [0n, 1n, 1n, 1n, 0n, 1n] },
  { name: "count", width: 8, values: [0n, 0n, 1n, 2n, 3n, 3n] },
  { name: "state", width: 2, values: [0n, 1n, 1n, 1n, 2n, 0n], decoder: ["IDLE", "COUNT", "HOLD"] },
];

describe("renderWaves", () => {
  test("1-bit lines, boxed values, decoded states, clock and ruler", () => {
    expect(renderWaves(counter, { clock: "clk" })).toMatchInlineSnapshot(`
      "cycle │0       1       2       3       4       5
      clk   │‾‾‾‾|___|‾‾‾|___|‾‾‾|___|‾‾‾|___|‾‾‾|___|‾‾‾|___
      en    │________|‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾|_______|‾‾‾‾‾‾‾
            │────────────────┬───────┬───────┬───────────────
      count │ 00             │01     │02     │03
            │────────────────┴───────┴───────┴───────────────
            │────────┬───────────────────────┬───────┬───────
      state │ IDLE   │COUNT                  │HOLD   │IDLE
            │────────┴───────────────────────┴───────┴───────"
    `);
  });

  test("narrow cycles cut values that do not fit, with a mark", () => {
    const s: WaveSignal[] = [{ name: "data", width: 32, values: [0xdeadbeefn, 0xdeadbeefn, 1n, 0x12345678n] }];
    expect(renderWaves(s, { cycleWidth: 4 })).toMatchInlineSnapshot(`
      "cycle │0   1   2   3
            │────────┬───┬───
      data  │ DEADBE…│00…│12…
            │────────┴───┴───"
    `);
  });

  test("formats: dec (signed), bin, and hex of negative values as two's complement", () => {
    const s: WaveSignal[] = [
      { name: "d", width: 8, signed: true, values: [-1n, 5n, -128n], format: "dec" },
      { name: "b", width: 4, values: [5n, 10n, 10n], format: "bin" },
      { name: "h", width: 12, signed: true, values: [-1n, -2048n, 7n] },
    ];
    expect(renderWaves(s, { cycleWidth: 6 })).toMatchInlineSnapshot(`
      "cycle │0     1     2
            │──────┬─────┬─────
      d     │ -1   │5    │-128
            │──────┴─────┴─────
            │──────┬───────────
      b     │ 0101 │1010
            │──────┴───────────
            │──────┬─────┬─────
      h     │ FFF  │800  │007
            │──────┴─────┴─────"
    `);
  });

  test("a window of cycles, long names cut, no ruler, signals shorter than the window", () => {
    const s: WaveSignal[] = [
      { name: "a_very_long_signal_name", width: 1, values: [1, 0, 1, 0, 1, 0, 1, 0] },
      { name: "short", width: 4, values: [1, 2, 3] },
    ];
    expect(renderWaves(s, { start: 2, cycles: 4, cycleWidth: 3, nameWidth: 8, ruler: false })).toMatchInlineSnapshot(`
      "a_very_… │‾‾‾|__|‾‾|__
               │───
      short    │ 3
               │───"
    `);
  });

  test("the ruler skips labels that would collide", () => {
    const s: WaveSignal[] = [{ name: "x", width: 1, values: Array.from({ length: 120 }, (_, i) => BigInt(i % 2)) }];
    expect(renderWaves(s, { cycleWidth: 2, start: 95, cycles: 8 })).toMatchInlineSnapshot(`
      "cycle │95  97  99  101
      x     │‾‾|_|‾|_|‾|_|‾|_"
    `);
  });

  test("values are formatted from their bit pattern", () => {
    expect(formatValue(-1n, 8, true, "hex")).toBe("FF");
    expect(formatValue(-1n, 8, true, "dec")).toBe("-1");
    expect(formatValue(255n, 8, false, "dec")).toBe("255");
    expect(formatValue(5n, 6, false, "bin")).toBe("000101");
    expect(formatValue(1n, 2, false, "hex", ["A", "B"])).toBe("B");
    expect(formatValue(3n, 2, false, "hex", ["A", "B"])).toBe("3");
  });

  test("bad arguments name what to mend", () => {
    expect(() => renderWaves(counter, { cycleWidth: 1 })).toThrow(/cycleWidth 1 must be an integer >= 2/);
    expect(() => renderWaves([{ name: "z", width: 0, values: [] }])).toThrow(/signal 'z' has width 0/);
  });
});
