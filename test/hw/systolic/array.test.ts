/**
 * The arrays on their own: the operand wavefront moves one PE per cycle (so PE (i, j) meets
 * A[i][k] and B[k][j] together at cycle k + i + j when the edges are skewed), the output-stationary
 * drain chain delivers rows bottom first, and the stationary preload puts row i's weight in row i.
 */
import { describe, expect, it } from "vitest";
import { simulate } from "../../../src/sim/index.js";
import { makeOsArray } from "../../../src/hw/systolic/array-os.js";
import { makeStationaryArray } from "../../../src/hw/systolic/array-stationary.js";
import { geometry } from "../../../src/hw/systolic/geometry.js";
import { gemmWrapped } from "../../../src/golden/gemm.js";

const g = (dataflow: "os" | "ws" | "is", rows: number, cols: number) =>
  geometry({ rows, cols, dataflow, m: rows, n: cols, k: 4, aType: "int8", bType: "int8", accWidth: 32, cores: 1 });

describe("output-stationary array", () => {
  it("skewed feed: every PE's operands meet at k + i + j; capture + drain yields C bottom row first", () => {
    const R = 3, C = 4, K = 5;
    const A = Array.from({ length: R * K }, (_, x) => ((x * 37) % 255) - 127);
    const B = Array.from({ length: K * C }, (_, x) => ((x * 91) % 255) - 128);
    const arr = makeOsArray(g("os", R, C));
    const sim = simulate(arr.module);
    const last = K + R + C - 3; // cycle of PE (R-1, C-1)'s last product
    for (let t = 0; t <= last; t++) {
      for (let i = 0; i < R; i++) sim.poke(`west_r${i}`, t - i >= 0 && t - i < K ? A[i * K + t - i] : 0);
      for (let j = 0; j < C; j++) sim.poke(`north_c${j}`, t - j >= 0 && t - j < K ? B[(t - j) * C + j] : 0);
      sim.poke("capture", t === last ? 1 : 0);
      // The wavefront: PE (i, j) sees A[i][t-i-j] on its a input in cycle t.
      for (let i = 0; i < R; i++) {
        for (let j = 0; j < C; j++) {
          const k = t - i - j;
          expect(sim.peekNumber(`pe_r${i}_c${j}.a`), `pe_r${i}_c${j}.a at cycle ${t}`).toBe(k >= 0 && k < K ? A[i * K + k] : 0);
          expect(sim.peekNumber(`pe_r${i}_c${j}.b`)).toBe(k >= 0 && k < K ? B[k * C + j] : 0);
        }
      }
      sim.step();
    }
    sim.poke("capture", 0);
    const want = gemmWrapped(A, B, R, C, K, { width: 32, signed: true });
    for (let d = 0; d < R; d++) {
      const row = R - 1 - d;
      for (let j = 0; j < C; j++) expect(sim.peekNumber(`south_c${j}`), `drain cycle ${d}, column ${j}`).toBe(want[row * C + j]);
      sim.step();
    }
  });
});

describe("stationary array", () => {
  it("preload puts weight row i in PE row i; psums flow down and leave skewed by column", () => {
    const R = 3, C = 2, L = 4; // L streamed vectors
    const W = Array.from({ length: R * C }, (_, x) => x * 13 - 40); // W[i][j]
    const X = Array.from({ length: L * R }, (_, x) => 100 - x * 17); // X[s][i]
    const arr = makeStationaryArray(g("ws", R, C));
    const sim = simulate(arr.module);
    sim.poke("load_w", 1);
    for (let t = 0; t < R; t++) {
      for (let j = 0; j < C; j++) sim.poke(`north_w_c${j}`, W[(R - 1 - t) * C + j]);
      sim.step();
    }
    sim.poke("load_w", 0);
    for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) expect(sim.peekNumber(`pe_r${i}_c${j}.w`)).toBe(W[i * C + j]);
    const want = gemmWrapped(X, W, L, C, R, { width: 32, signed: true }); // (L x R) * (R x C)
    const seen: number[][] = Array.from({ length: L }, () => []);
    for (let t = 0; t < L + R + C; t++) {
      for (let i = 0; i < R; i++) sim.poke(`west_r${i}`, t - i >= 0 && t - i < L ? X[(t - i) * R + i] : 0);
      for (let j = 0; j < C; j++) sim.poke(`north_c${j}`, 0);
      sim.step();
      // Vector s leaves column j at the bottom after the edge of cycle s + R - 1 + j.
      for (let j = 0; j < C; j++) {
        const s = t - (R - 1) - j;
        if (s >= 0 && s < L) seen[s][j] = sim.peekNumber(`south_c${j}`);
      }
    }
    expect(seen.flat()).toEqual(Array.from(want));
  });
});

