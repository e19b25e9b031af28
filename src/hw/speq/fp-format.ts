/**
 * IEEE 754 binary formats for SPEQ's FP units (papers.md section 2: FP16 weights and activations,
 * FP32 accumulation), and the pieces every unit shares: a named wire, and field decoding.
 */
import { Expr, Module, Signal, cat, constant, u } from "../../hdl/index.js";

export interface FpFormat {
  readonly name: string;
  /** Exponent field width. */
  readonly expBits: number;
  /** Stored fraction (mantissa) width, without the hidden bit. */
  readonly manBits: number;
}

export const FP16: FpFormat = { name: "fp16", expBits: 5, manBits: 10 };
export const FP32: FpFormat = { name: "fp32", expBits: 8, manBits: 23 };

export const fpWidth = (f: FpFormat): number => 1 + f.expBits + f.manBits;
export const expMax = (f: FpFormat): number => 2 ** f.expBits - 1;
export const bias = (f: FpFormat): number => 2 ** (f.expBits - 1) - 1;

/** The canonical quiet NaN (sign 0, exponent all ones, fraction MSB only): 0x7e00 / 0x7fc00000. */
export function qnan(f: FpFormat): Expr {
  return constant((BigInt(expMax(f)) << BigInt(f.manBits)) | (1n << BigInt(f.manBits - 1)), u(fpWidth(f)));
}

/** A fresh named wire in `m` driven by `e` (keeps the netlist and the emitted Verilog readable). */
export function wire(m: Module, name: string, e: Expr): Signal {
  const s = m.signal(m.freshName(name), e.shape);
  m.comb.set(s, e);
  return s;
}

/** The fields of an operand, and what the datapath needs of them. */
export interface FpFields {
  readonly sign: Expr;
  /** The effective exponent: the field, or 1 for zeros and subnormals (their scale is 2^(1-bias)). */
  readonly exp: Expr;
  /** The significand with the hidden bit (1 for normals, 0 for zeros/subnormals): manBits + 1 bits. */
  readonly sig: Expr;
  readonly isZero: Expr;
  readonly isInf: Expr;
  readonly isNaN: Expr;
}

/** Decode `x` (a fpWidth(f)-bit pattern) into wires named after `tag`. */
export function decode(m: Module, x: Expr, f: FpFormat, tag: string): FpFields {
  const w = fpWidth(f);
  const e = x.slice(w - 2, f.manBits), man = x.slice(f.manBits - 1, 0);
  const eZero = e.eq(0), eMax = e.eq(expMax(f)), manZero = man.eq(0);
  const exp = wire(m, `${tag}_exp`, cat(e.slice(f.expBits - 1, 1), e.bit(0).or(eZero)));
  return {
    sign: x.bit(w - 1),
    exp,
    sig: wire(m, `${tag}_sig`, cat(eZero.not(), man)),
    isZero: eZero.and(manZero),
    isInf: eMax.and(manZero),
    isNaN: eMax.and(manZero.not()),
  };
}
