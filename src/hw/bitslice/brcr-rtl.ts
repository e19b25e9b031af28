/** Small RTL pieces the BRCR engine's parts share: indexed muxes, signed adder trees, a one-hot index encoder. */
import { Expr, cat, constant, mux, s, u } from "../../hdl/index.js";

/** `e` as exactly `w` bits, keeping its signedness (truncation wraps: use it where the true value fits). */
export function fitS(e: Expr, w: number): Expr {
  return e.width > w ? e.trunc(w) : e.resize(w);
}

/** options[sel] as a binary tree of 2:1 muxes on sel's bits (LSB first); indices past the end give the last option. */
export function muxIndex(sel: Expr, options: readonly Expr[]): Expr {
  let level = [...options];
  for (let b = 0; level.length > 1; b++) {
    const next: Expr[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? mux(sel.bit(b), level[i + 1], level[i]) : level[i]);
    level = next;
  }
  return level[0];
}

/** Sum of signed values as a balanced adder tree, `w` bits signed (exact when the true sum fits). */
export function sumS(items: readonly Expr[], w: number): Expr {
  if (items.length === 0) return constant(0, s(w));
  let level = items.map((e) => {
    if (!e.signed) throw new Error("sumS: the terms must be signed values");
    return fitS(e, w);
  });
  while (level.length > 1) {
    const next: Expr[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? level[i].add(level[i + 1]).trunc(w) : level[i]);
    level = next;
  }
  return level[0];
}

/** The position of the single set bit of a one-hot `oh` (0 when none), `w` bits: bit j of the result ORs the positions with bit j set. */
export function oneHotIndex(oh: Expr, w: number): Expr {
  const bits: Expr[] = [];
  for (let j = w - 1; j >= 0; j--) {
    const taps: Expr[] = [];
    for (let q = 0; q < oh.width; q++) if ((q >> j) & 1) taps.push(oh.bit(q));
    bits.push(taps.length ? cat(...taps).reduceOr() : constant(0, u(1)));
  }
  return cat(...bits);
}
