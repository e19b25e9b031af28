/**
 * SPEQ's FP32 accumulator adder (papers.md section 2: FP16 products accumulate in FP32):
 * binary32 + binary32 -> binary32, round to nearest even, subnormals, signed zeros, infinities,
 * NaN -> 0x7fc00000. Equals golden f32Add for every input. The datapath is fp-adder.ts with a
 * 28-bit significand path (24 + guard, round, sticky, carry).
 *
 * Ports (combinational, latency 0): a u32, b u32 -> y u32.
 */
import type { Module } from "../../hdl/index.js";
import { FP32 } from "./fp-format.js";
import { makeFpAdder } from "./fp-adder.js";

export function makeFp32Add(): Module {
  return makeFpAdder(FP32, "speq_fp32_add").module;
}
