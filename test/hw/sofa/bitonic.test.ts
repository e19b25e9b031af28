/**
 * The compare-exchange networks as RTL against the golden order: the full bitonic sorter sorts
 * (golden `itemBefore`, invalid items last, ties to the lower index), the pruned 16-to-4 core gives
 * the first 4 of the sorted 16 (= golden `sortCore16to4`), pipelined or not; and a network with a
 * comparator missing is caught.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { SortItem, bitonicNetwork, itemBefore, prunedNetwork, runNetwork, sortCore16to4 } from "../../../src/golden/sofa.js";
import { makeBitonic, registerPlacement } from "../../../src/hw/sofa/bitonic.js";
import { makeSortCore } from "../../../src/hw/sofa/sort-core.js";
import { simulate } from "../../../src/sim/index.js";
import type { Simulator } from "../../../src/sim/index.js";

const IB = 5;
/** Items with few distinct values and indices, so ties (and fully equal items) are common. */
const itemArb: fc.Arbitrary<SortItem> = fc.record({
  valid: fc.boolean(),
  value: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(-32768, -32767, -1, 0, 1, 32766, 32767)),
  index: fc.integer({ min: 0, max: 2 ** IB - 1 }),
});
const vecArb = (n: number) => fc.array(itemArb, { minLength: n, maxLength: n });

const goldenSort = (items: readonly SortItem[]) => [...items].sort((a, b) => (itemBefore(a, b) ? -1 : itemBefore(b, a) ? 1 : 0));
const plain = (x: SortItem) => ({ valid: x.valid, value: x.value, index: x.index });

/**
 * Stream `vectors` through a network module (one per cycle, tag 1) and collect its outputs by tag:
 * checks the latency too (outputs with tag 1 appear exactly `latency` cycles after their input).
 */
function stream(sim: Simulator, inputs: (i: number) => string, vectors: SortItem[][], keep: number, latency: number): SortItem[][] {
  const out: SortItem[][] = [];
  const grab = () => {
    if (sim.peekNumber("out_tag") !== 1) return;
    out.push(Array.from({ length: keep }, (_, i) => ({
      valid: sim.peekNumber(`out_valid_${i}`) === 1, value: sim.peekNumber(`out_value_${i}`), index: sim.peekNumber(`out_index_${i}`),
    })));
  };
  for (let c = 0; c < vectors.length + latency; c++) {
    const v = vectors[c];
    sim.poke("in_tag", v ? 1 : 0);
    v?.forEach((x, i) => {
      const [pre, j] = portOf(inputs, i);
      sim.poke(`${pre}valid_${j}`, x.valid ? 1 : 0);
      sim.poke(`${pre}value_${j}`, x.value);
      sim.poke(`${pre}index_${j}`, x.index);
    });
    if (latency === 0) grab();
    else {
      sim.step();
      if (c + 1 >= latency) grab();
    }
  }
  return out;
}

function portOf(inputs: (i: number) => string, i: number): [string, number] {
  const pre = inputs(i);
  return [pre, pre === "new_" ? i - 4 : i];
}

describe("bitonic network module", () => {
  it("places registers evenly, the last at the outputs", () => {
    expect(registerPlacement(10, 2)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(registerPlacement(10, 0).every((x) => x === 0)).toBe(true);
    expect(registerPlacement(3, 5).reduce((a, b) => a + b)).toBe(5);
  });

  test.prop([fc.integer({ min: 0, max: 4 }), fc.array(vecArb(16), { minLength: 1, maxLength: 12 })], { numRuns: 25 })(
    "the full 16-wire sorter equals sorting in the golden order (invalid last, ties to the lower index), any pipelining",
    (regs, vectors) => {
      const sim = simulate(makeBitonic({ wires: 16, indexBits: IB, regs }));
      if (regs > 0) sim.reset();
      const out = stream(sim, () => "in_", vectors, 16, regs);
      sim.close();
      expect(out.length).toBe(vectors.length);
      out.forEach((o, t) => {
        expect(o).toEqual(goldenSort(vectors[t]).map(plain));
        expect(o).toEqual(runNetwork(bitonicNetwork(16), vectors[t]).map(plain));
      });
    },
  );

  test.prop([fc.constantFrom(2, 4, 8), fc.integer({ min: 0, max: 2 }), fc.array(itemArb, { minLength: 8, maxLength: 8 }), fc.integer({ min: 1, max: 8 })], { numRuns: 15 })(
    "smaller and pruned networks: the first `keep` of the sorted wires",
    (wires, regs, items, keepRaw) => {
      const keep = Math.min(wires, keepRaw);
      const vec = items.slice(0, wires);
      const sim = simulate(makeBitonic({ wires, keep, indexBits: IB, regs }));
      if (regs > 0) sim.reset();
      const out = stream(sim, () => "in_", [vec], keep, regs);
      sim.close();
      expect(out[0]).toEqual(goldenSort(vec).slice(0, keep).map(plain));
    },
  );
});

describe("16-to-4 sort core", () => {
  test.prop([fc.integer({ min: 0, max: 3 }), fc.array(vecArb(16), { minLength: 1, maxLength: 12 })], { numRuns: 25 })(
    "new top 4 = the first 4 of the sorted 16 = golden sortCore16to4",
    (regs, vectors) => {
      const sim = simulate(makeSortCore({ indexBits: IB, regs }));
      if (regs > 0) sim.reset();
      const out = stream(sim, (i) => (i < 4 ? "cur_" : "new_"), vectors, 4, regs);
      sim.close();
      expect(out.length).toBe(vectors.length);
      out.forEach((o, t) => {
        expect(o).toEqual(goldenSort(vectors[t]).slice(0, 4).map(plain));
        expect(o).toEqual(sortCore16to4(vectors[t].slice(0, 4), vectors[t].slice(4)).map(plain));
      });
    },
  );

  it("a core missing one comparator is caught, unless the 0-1 principle proves that comparator redundant", () => {
    const net = prunedNetwork(16, 4);
    const comparators = net.flatMap((st, s) => st.map((_, c) => [s, c] as const));
    let caught = 0, redundant = 0;
    for (const [s, c] of comparators) {
      const mutant = net.map((st, i) => (i === s ? st.filter((_, j) => j !== c) : st));
      const witness = top4Witness01(mutant);
      if (witness < 0) {
        redundant++;
        continue;
      }
      // The RTL mutant on the 0-1 input that breaks it (indices distinct, values 0/1).
      const v: SortItem[] = Array.from({ length: 16 }, (_, i) => ({ valid: true, value: (witness >> i) & 1, index: i }));
      const sim = simulate(makeSortCore({ indexBits: IB, regs: 0, network: mutant }));
      const out = stream(sim, (i) => (i < 4 ? "cur_" : "new_"), [v], 4, 0);
      sim.close();
      if (JSON.stringify(out[0]) !== JSON.stringify(goldenSort(v).slice(0, 4).map(plain))) caught++;
    }
    // 12 of the 64 comparators prunedNetwork(16, 4) keeps are redundant for a top-4 selection
    // (they only reorder items that cannot reach wires 0..3); removing any other one is caught.
    expect(redundant).toBe(12);
    expect(caught).toBe(52);
  });
});

/**
 * 0-1 principle: a comparator network selects the top 4 in order for every input of a total order
 * iff it does for all 2^16 inputs of 0s and 1s. Returns a 0-1 input (bit i = wire i) it gets wrong,
 * or -1. Bit-parallel: bit p of word w of wire i is pattern 32w + p's value on wire i; a comparator
 * puts OR (max) on its first wire, AND (min) on the other.
 */
function top4Witness01(net: readonly (readonly (readonly [number, number])[])[]): number {
  const words = 65536 / 32;
  const wires = Array.from({ length: 16 }, (_, i) => {
    const a = new Uint32Array(words);
    for (let p = 0; p < 65536; p++) if ((p >> i) & 1) a[p >>> 5] |= 1 << (p & 31);
    return a;
  });
  for (const st of net) for (const [a, b] of st) {
    for (let w = 0; w < words; w++) {
      const x = wires[a][w], y = wires[b][w];
      wires[a][w] = x | y;
      wires[b][w] = x & y;
    }
  }
  for (let p = 0; p < 65536; p++) {
    let ones = 0;
    for (let x = p; x; x &= x - 1) ones++;
    for (let i = 0; i < 4; i++) if (((wires[i][p >>> 5] >>> (p & 31)) & 1) !== (ones > i ? 1 : 0)) return p;
  }
  return -1;
}
