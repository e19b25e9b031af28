/**
 * The multiply-accumulate every PE is built around, and the operand types it accepts.
 *
 * Wrap-around is defined exactly as the golden model (src/golden/gemm.ts) defines it: the
 * accumulator is a two's-complement register of `accWidth` bits (unsigned when both operands are
 * unsigned), and every step keeps the low `accWidth` bits of `acc + a * b`. Because wrapping is a
 * ring homomorphism modulo 2^accWidth, the final value equals the exact sum wrapped once, whatever
 * the order of the additions — which is why output-, weight- and input-stationary arrays all give
 * bit-identical results.
 */
import { Expr, HdlError, Shape, s, u } from "../../hdl/index.js";

export const OPERAND_TYPES = ["int8", "uint8", "int16", "uint16"] as const;
export type OperandType = (typeof OPERAND_TYPES)[number];

/** The shape of an operand type: int8 -> s(8), uint16 -> u(16), ... */
export function operandShape(t: OperandType): Shape {
  switch (t) {
    case "int8": return s(8);
    case "uint8": return u(8);
    case "int16": return s(16);
    case "uint16": return u(16);
  }
  throw new HdlError(`operand type '${String(t)}' is not one of ${OPERAND_TYPES.join(", ")}`);
}

export function parseOperandType(v: unknown, what: string): OperandType {
  if (typeof v === "string" && (OPERAND_TYPES as readonly string[]).includes(v)) return v as OperandType;
  throw new HdlError(`${what}: '${String(v)}' is not an operand type; use one of ${OPERAND_TYPES.join(", ")}`);
}

/** Largest accumulator width: wider values leave the simulator's fast numeric path. */
export const MAX_ACC_WIDTH = 48;

/** The accumulator shape: signed when either operand is signed. */
export function accShapeFor(a: Shape, b: Shape, accWidth: number): Shape {
  if (!Number.isInteger(accWidth) || accWidth < 2 || accWidth > MAX_ACC_WIDTH) {
    throw new HdlError(`accWidth ${accWidth}: give a whole number 2..${MAX_ACC_WIDTH} (the accumulator register's width in bits)`);
  }
  return a.signed || b.signed ? s(accWidth) : u(accWidth);
}

/** `acc + a * b`, wrapped to the accumulator's width (signedness follows `acc`). */
export function macExpr(acc: Expr, a: Expr, b: Expr): Expr {
  return acc.add(a.mul(b)).trunc(acc.width);
}
