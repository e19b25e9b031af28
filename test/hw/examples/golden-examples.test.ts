/** The golden references themselves: GEMM against a BigInt definition, the counter on known sequences. */
import { describe, expect, it } from "vitest";
import { test, fc } from "@fast-check/vitest";
import { counterSequence, gemmInt8 } from "../../../src/golden/examples.js";

/** C[i][j] = sum A[i][t] * B[t][j] computed exactly, then wrapped to int32 once. */
function gemmBig(a: number[], b: number[], m: number, k: number, n: number): number[] {
  const c: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0n;
      for (let t = 0; t < k; t++) s += BigInt(a[i * k + t]) * BigInt(b[t * n + j]);
      c.push(Number(BigInt.asIntN(32, s)));
    }
  }
  return c;
}

describe("golden GEMM (int8 x int8 -> int32 wrap)", () => {
  const dims = fc.record({ m: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 6 }) });
  const int8 = fc.oneof(fc.constantFrom(-128, 127), fc.integer({ min: -128, max: 127 }));
  test.prop([dims.chain((d) => fc.record({ d: fc.constant(d), a: fc.array(int8, { minLength: d.m * d.k, maxLength: d.m * d.k }), b: fc.array(int8, { minLength: d.k * d.n, maxLength: d.k * d.n }) }))], { numRuns: 200 })(
    "equals the exact sum wrapped to int32",
    ({ d, a, b }) => {
      expect([...gemmInt8(a, b, d.m, d.k, d.n)]).toEqual(gemmBig(a, b, d.m, d.k, d.n));
      // Into a reused array (stale contents overwritten), from Int8Arrays: the same.
      const out = new Int32Array(d.m * d.n).fill(12345);
      expect(gemmInt8(Int8Array.from(a), Int8Array.from(b), d.m, d.k, d.n, out)).toBe(out);
      expect([...out]).toEqual(gemmBig(a, b, d.m, d.k, d.n));
    },
  );

  it("wraps past int32 like the hardware accumulator", () => {
    const k = (1 << 17) + 1;
    const c = gemmInt8(new Array(k).fill(-128), new Array(k).fill(-128), 1, k, 1);
    expect(c[0]).toBe(Number(BigInt.asIntN(32, 16384n * BigInt(k))));
    expect(c[0]).toBeLessThan(0);
  });

  it("refuses operands that are not int8 and mismatched sizes", () => {
    expect(() => gemmInt8([128], [1], 1, 1, 1)).toThrow(/A holds 128/);
    expect(() => gemmInt8([1, 2], [1], 1, 1, 1)).toThrow(/m\*k/);
    expect(() => gemmInt8([1], [1], 1, 1, 1, new Int32Array(2))).toThrow(/out has 2 elements, expected m\*n = 1\*1/);
  });
});

describe("golden counter", () => {
  it("wraps at wrap, loads win, and disabled cycles hold", () => {
    const on = { enable: true, load: false, loadValue: 0n };
    const seq = counterSequence([on, on, on, { enable: false, load: false, loadValue: 0n }, on, { enable: true, load: true, loadValue: 7n }, on], 3, 2n);
    expect(seq).toEqual([1n, 2n, 0n, 0n, 1n, 7n, 0n]);
  });
});
