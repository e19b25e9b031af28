/** Printing values for messages: decimal, and hex and binary of the bit pattern of the shape. */
import type { Shape } from "../hdl/shape.js";

export function pattern(v: bigint, sh: Shape): bigint {
  return BigInt.asUintN(sh.width, v);
}

export function formatValue(v: bigint, sh: Shape): string {
  const p = pattern(v, sh);
  const hexDigits = Math.ceil(sh.width / 4);
  return `${v} (0x${p.toString(16).padStart(hexDigits, "0")}, 0b${p.toString(2).padStart(sh.width, "0")})`;
}
