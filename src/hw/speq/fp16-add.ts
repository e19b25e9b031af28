/**
 * SPEQ's FP16 adder: binary16 + binary16 -> binary16, round to nearest even, subnormals, signed
 * zeros, infinities, NaN -> 0x7e00. Equals golden f16Add for every input (fp-adder.ts with a
 * 15-bit significand path).
 *
 * Ports (combinational, latency 0): a u16, b u16 -> y u16.
 */
import type { Module } from "../../hdl/index.js";
import { FP16 } from "./fp-format.js";
import { makeFpAdder } from "./fp-adder.js";

export function makeFp16Add(): Module {
  return makeFpAdder(FP16, "speq_fp16_add").module;
}
