/**
 * The DLZS shift-add PE (papers.md section 5): one operand arrives as a leading-zero code
 * {sign, lz} (the log domain), the other as a plain signed integer y, and the "product" is y
 * shifted left by the code's leading-one position, negated when the signs differ:
 *   product = sgn(x) sgn(y) |y| << (W-1-lz)   = golden dlzsFromCode({sign, lz}, y, W),
 * W = 8 in 8-bit mode (mode = 0) and 16 in 16-bit mode (mode = 1). No multiplier.
 *
 * The shift amount W-1-lz needs no subtractor: for a nonzero code lz < W, and W-1-lz is the
 * bitwise complement of lz's low log2(W) bits. The zero eliminator: a code with lz >= W (x = 0;
 * also what the unit drives on padded rows) or y = 0 makes `nz` low and the PE does no add.
 *
 * Output stationary: `acc` sums the products of one output. `capture` ends the output: its final
 * sum (with this cycle's product) moves to the drain register `drain_out` and acc restarts from 0,
 * so the next output accumulates while this one leaves. `shift` moves the drain chain on one step
 * (drain_out <= drain_in, from the PE below); capture wins if both are high.
 *
 * Ports: mode, sign u1, lz u5, y s16, capture, shift u1, drain_in s(acc) ->
 *        product s32 and nz u1 (combinational), drain_out s(acc) (register).
 */
import { Expr, HdlError, Module, Signal, cat, constant, mux, s, u } from "../../hdl/index.js";

/** Width of the leading-zero field of a code (0..16 in 16-bit mode; 8-bit codes use 0..8). */
export const LZ_BITS = 5;
/** The shifted operand (int16; 8-bit mode passes an int8 sign-extended). */
export const OPERAND_BITS = 16;
/** |y| << 15 with |y| <= 2^15 is at most 2^30 in magnitude: signed 32 bits hold both signs. */
export const PRODUCT_BITS = 32;

export interface DlzsProduct {
  readonly product: Expr;
  readonly nz: Expr;
}

/** The combinational shift-add product of a code {sign, lz} and y (see the file comment). */
export function dlzsProductExpr(mode: Expr, sign: Expr, lz: Expr, y: Expr): DlzsProduct {
  const shift = mux(mode, lz.slice(3, 0).not(), cat(constant(0, u(1)), lz.slice(2, 0).not()));
  const zeroCode = mux(mode, lz.bit(4), lz.bit(4).or(lz.bit(3)));
  const nz = zeroCode.not().and(y.ne(0));
  const shifted = y.shl(shift); // s(16 + 15)
  const signed = mux(sign, shifted.neg(), shifted);
  return { product: mux(nz, signed, 0).resize(PRODUCT_BITS), nz };
}

export interface DlzsPePorts {
  readonly module: Module;
  readonly mode: Signal;
  readonly sign: Signal;
  readonly lz: Signal;
  readonly y: Signal;
  readonly capture: Signal;
  readonly shift: Signal;
  readonly drainIn: Signal;
  readonly product: Signal;
  readonly nz: Signal;
  readonly drainOut: Signal;
  readonly acc: Signal;
}

export function makeDlzsPe(accBits: number): DlzsPePorts {
  if (!Number.isInteger(accBits) || accBits < PRODUCT_BITS || accBits > 52) {
    throw new HdlError(`dlzs PE: accumulator width ${accBits} must be a whole number ${PRODUCT_BITS}..52 (at least one product wide)`);
  }
  const m = new Module("dlzs_pe");
  const mode = m.input("mode", u(1));
  const sign = m.input("sign", u(1));
  const lz = m.input("lz", u(LZ_BITS));
  const y = m.input("y", s(OPERAND_BITS));
  const capture = m.input("capture", u(1));
  const shift = m.input("shift", u(1));
  const drainIn = m.input("drain_in", s(accBits));
  const product = m.output("product", s(PRODUCT_BITS));
  const nz = m.output("nz", u(1));
  const drainOut = m.output("drain_out", s(accBits));
  const acc = m.signal("acc", s(accBits));

  const p = dlzsProductExpr(mode, sign, lz, y);
  m.comb.set(product, p.product);
  m.comb.set(nz, p.nz);
  const sum = acc.add(product).trunc(accBits);
  m.if(capture, () => {
    m.sync.set(acc, 0);
    m.sync.set(drainOut, sum);
  }).else(() => {
    // The zero eliminator: no add when either operand is zero.
    m.if(nz, () => m.sync.set(acc, sum));
    m.if(shift, () => m.sync.set(drainOut, drainIn));
  });
  return { module: m, mode, sign, lz, y, capture, shift, drainIn, product, nz, drainOut, acc };
}
