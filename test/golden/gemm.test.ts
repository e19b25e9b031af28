/** The golden GEMM: wrap-around semantics against an independent BigInt reference, and the traffic formula. */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { gemmTraffic, gemmWrapped, wrapInt } from "../../src/golden/gemm.js";

function bigRef(A: number[], B: number[], m: number, n: number, k: number, width: number, signed: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0n;
      for (let t = 0; t < k; t++) s += BigInt(A[i * k + t]) * BigInt(B[t * n + j]);
      out.push(Number(signed ? BigInt.asIntN(width, s) : BigInt.asUintN(width, s)));
    }
  }
  return out;
}

describe("wrapInt", () => {
  it("wraps to signed and unsigned ranges", () => {
    expect(wrapInt(128, { width: 8, signed: true })).toBe(-128);
    expect(wrapInt(-129, { width: 8, signed: true })).toBe(127);
    expect(wrapInt(-1, { width: 8, signed: false })).toBe(255);
    expect(wrapInt(2 ** 40 + 5, { width: 32, signed: false })).toBe(5);
    expect(Object.is(wrapInt(-256, { width: 8, signed: true }), 0)).toBe(true);
  });
});

describe("gemmWrapped == exact sum wrapped once (BigInt reference)", () => {
  const dims = fc.record({ m: fc.integer({ min: 1, max: 7 }), n: fc.integer({ min: 1, max: 7 }), k: fc.integer({ min: 1, max: 40 }) });
  const el = fc.oneof(fc.integer({ min: -32768, max: 65535 }), fc.constantFrom(-32768, -128, 127, 32767, 65535));
  test.prop([dims, fc.integer({ min: 2, max: 48 }), fc.boolean(), fc.infiniteStream(el)], { numRuns: 200 })(
    "random shapes, widths and signedness",
    ({ m, n, k }, width, signed, vals) => {
      const it = vals[Symbol.iterator]();
      const take = (c: number) => Array.from({ length: c }, () => it.next().value as number);
      const A = take(m * k), B = take(k * n);
      expect(Array.from(gemmWrapped(A, B, m, n, k, { width, signed }))).toEqual(bigRef(A, B, m, n, k, width, signed));
    },
  );

  it("int8 extremes over a long K overflow a 16-bit accumulator the same way", () => {
    const k = 300;
    const A = new Array(k).fill(-128), B = new Array(k).fill(-128);
    expect(gemmWrapped(A, B, 1, 1, k, { width: 16, signed: true })[0]).toBe(bigRef(A, B, 1, 1, k, 16, true)[0]);
    expect(gemmWrapped(A, B, 1, 1, k, { width: 32, signed: true })[0]).toBe(16384 * k);
  });

  it("checks operand sizes", () => {
    expect(() => gemmWrapped([1, 2], [1], 1, 1, 1, { width: 32, signed: true })).toThrow(/m\*k/);
  });
});

describe("gemmTraffic", () => {
  it("reads each A and B element once and writes each C element once, in bytes by type", () => {
    expect(gemmTraffic(7, 5, 3, 8, 8, 32)).toEqual({ elementsRead: 21 + 15, elementsWritten: 35, bytesRead: 36, bytesWritten: 140 });
    expect(gemmTraffic(2, 2, 2, 16, 8, 24).bytesRead).toBe(2 * 2 * 2 + 2 * 2);
  });
});
