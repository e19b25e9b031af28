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

/**
 * A ROM of records (fields packed low to high in the order given), for the engine's fixed tables.
 * `read(addr)` adds a combinational read port and returns each field as an unsigned expression.
 */
export function tableRom<F extends string>(
  m: Module, name: string, fields: Readonly<Record<F, number>>, rows: readonly NoInfer<Readonly<Record<F, number>>>[],
): { read(addr: Expr): Record<F, Expr> } {
  const names = Object.keys(fields) as F[];
  const width = names.reduce((s, f) => s + fields[f], 0);
  const init = rows.map((r) => names.reduceRight((acc, f) => (acc << BigInt(fields[f])) | BigInt(r[f]), 0n));
  const rom = m.memory({ name, shape: u(width), depth: Math.max(1, rows.length), init: init.length ? init : [0n] });
  return {
    read(addr: Expr): Record<F, Expr> {
      const port = rom.readPort({ domain: "comb" });
      m.comb.set(port.addr, fit(addr, port.addr.width));
      const out = {} as Record<F, Expr>;
      let lo = 0;
      for (const f of names) {
        out[f] = port.data.slice(lo + fields[f] - 1, lo);
        lo += fields[f];
      }
      return out;
    },
  };
}
