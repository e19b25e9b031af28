/**
 * Shapes: the width and signedness of a value. `u(n)` is unsigned, `s(n)` signed two's complement.
 * Widths are runtime numbers (type-level width arithmetic slows the compiler and breaks easily).
 */
import { HdlError } from "./errors.js";

export interface Shape {
  readonly width: number;
  readonly signed: boolean;
}

function checkWidth(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new HdlError(`${what}: width must be a whole number >= 1, got ${n}; a zero-width value has no bits to simulate`);
  }
  if (n > 65536) throw new HdlError(`${what}: width ${n} exceeds the limit of 65536 bits`);
}

/** Unsigned shape of `n` bits. */
export function u(n: number): Shape {
  checkWidth(n, "u(n)");
  return { width: n, signed: false };
}

/** Signed (two's complement) shape of `n` bits. */
export function s(n: number): Shape {
  checkWidth(n, "s(n)");
  return { width: n, signed: true };
}

export function shapeToString(sh: Shape): string {
  return `${sh.signed ? "s" : "u"}(${sh.width})`;
}

export function minValue(sh: Shape): bigint {
  return sh.signed ? -(1n << BigInt(sh.width - 1)) : 0n;
}

export function maxValue(sh: Shape): bigint {
  return sh.signed ? (1n << BigInt(sh.width - 1)) - 1n : (1n << BigInt(sh.width)) - 1n;
}

export function fits(v: bigint, sh: Shape): boolean {
  return v >= minValue(sh) && v <= maxValue(sh);
}

/** The smallest shape that holds `v`: unsigned for v >= 0, signed otherwise. */
export function shapeOfLiteral(v: bigint): Shape {
  if (v >= 0n) return { width: Math.max(1, v.toString(2).length), signed: false };
  const mag = (-v - 1n).toString(2);
  return { width: (v === -1n ? 0 : mag.length) + 1, signed: true };
}

/**
 * The shape both operands convert to without loss (Amaranth's rule): equal signedness takes the
 * wider width; mixing signed and unsigned turns the unsigned operand into a signed one a bit wider.
 */
export function unify(a: Shape, b: Shape): Shape {
  if (a.signed === b.signed) return { width: Math.max(a.width, b.width), signed: a.signed };
  const sw = a.signed ? a.width : b.width;
  const uw = a.signed ? b.width : a.width;
  return { width: Math.max(sw, uw + 1), signed: true };
}

/** Normalise an integer to the math value it has in `sh` (wraps modulo 2^width). */
export function wrapTo(v: bigint, sh: Shape): bigint {
  return sh.signed ? BigInt.asIntN(sh.width, v) : BigInt.asUintN(sh.width, v);
}

/** Number of bits needed to address `depth` entries (at least 1). */
export function bitsFor(depth: number): number {
  return Math.max(1, Math.ceil(Math.log2(Math.max(2, depth))));
}
