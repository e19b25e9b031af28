/** Small RTL building blocks shared by the engine's parts: width fitting, affine addresses, delay lines. */
import { Expr, Module, Shape, Signal, bitsFor, lit, u } from "../../hdl/index.js";

/** `e` as an unsigned value of exactly `w` bits (truncating or zero/sign-extending). */
export function fit(e: Expr, w: number): Expr {
  const r = e.width > w ? e.trunc(w) : e.resize(w);
  return r.asUnsigned();
}

/** `terms` summed: each [expr, constant factor]; zero factors drop out. Unsigned, `w` bits. */
export function affine(w: number, base: number, ...terms: [Expr, number][]): Expr {
  let acc: Expr | undefined = base !== 0 ? lit(base) : undefined;
  for (const [e, k] of terms) {
    if (k === 0) continue;
    const t = k === 1 ? e : e.mul(k);
    acc = acc ? acc.add(t) : t;
  }
  return fit(acc ?? lit(0), w);
}

/** Width of a counter that must hold 0..max. */
export function counterBits(max: number): number {
  return bitsFor(max + 1);
}

/** A register counting 0..max (enough bits), reset 0. */
export function counter(m: Module, name: string, max: number): Signal {
  return m.signal(name, u(counterBits(max)));
}

/**
 * `input` delayed by `depth` clock edges through registers named `<name>_d1 .. <name>_d<depth>`
 * (reset 0). With depth 0 it is the input itself. These are the systolic skew/deskew buffers: in a
 * VCD, `skew_west_r3_d2` is row 3's operand two edges after it left the buffer.
 */
export function delayLine(m: Module, name: string, input: Expr, depth: number, shape: Shape): Expr {
  let cur: Expr = input;
  for (let d = 1; d <= depth; d++) {
    const r = m.signal(`${name}_d${d}`, shape);
    m.sync.set(r, cur);
    cur = r;
  }
  return cur;
}
