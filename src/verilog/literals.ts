/**
 * Sized Verilog literals. Every literal the emitter prints carries its exact width, so it never
 * takes part in Verilog's context-dependent widening with a width of its own choosing.
 */

/** The two's-complement bit pattern of `v` in `width` bits, as a non-negative bigint. */
export function bitPattern(v: bigint, width: number): bigint {
  return BigInt.asUintN(width, v);
}

/** `8'd5`, `32'h1234abcd`: the bit pattern of `v` in `width` bits (decimal while short). */
export function sizedLiteral(v: bigint, width: number): string {
  const p = bitPattern(v, width);
  return p < 65536n ? `${width}'d${p}` : `${width}'h${p.toString(16)}`;
}

/**
 * A literal that reads as the value it stands for: `-8'sd5` for a negative signed value, else as
 * sizedLiteral. Only for places where the literal's width is the whole context (operands the
 * emitter has already brought to one width, case labels, right-hand sides of equal width), where
 * `-8'sd5` and `8'd251` are the same bits.
 */
export function valueLiteral(v: bigint, width: number, signed: boolean): string {
  if (signed && v < 0n) {
    const mag = -v;
    return mag < 65536n ? `-${width}'sd${mag}` : `-${width}'sh${mag.toString(16)}`;
  }
  return sizedLiteral(v, width);
}
