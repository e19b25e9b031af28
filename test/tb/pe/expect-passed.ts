/** The assertions every GEMM testbench run must pass. */
import { expect } from "vitest";
import type { TbResult } from "../../../src/tb/types.js";

export function expectPassed(r: TbResult): void {
  expect(r.failures, JSON.stringify(r.params)).toEqual([]);
  expect(r.passed).toBe(true);
  expect(r.metrics.cycles).toBe(r.metrics.analyticCycles);
  const p = r.params;
  const [m, n, k] = [Number(p.m), Number(p.n), Number(p.k)];
  expect(r.metrics.elementsRead).toBe(m * k + k * n);
  expect(r.metrics.elementsWritten).toBe(m * n);
}
