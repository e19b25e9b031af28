/**
 * Small datapath pieces the unit generators share: the larger of two values, a saturating resize, a balanced adder tree,
 * a one-line pipeline register, and per-lane operand memories with one write port.
 */
import { Expr, Module, ReadPort, Signal, bitsFor, constant, mux, s, u } from "../hdl/index.js";

/** `e` (signed) saturated to a signed `w`-bit value. */
export function saturate(e: Expr, w: number): Expr {
  if (e.width <= w) return e.resize(w);
  const hi = 2 ** (w - 1) - 1, lo = -(2 ** (w - 1));
  return mux(e.gt(hi), constant(hi, s(w)), mux(e.lt(lo), constant(lo, s(w)), e.trunc(w)));
}

/** The larger of two values (signed or unsigned, as their shapes say). */
export function larger(a: Expr, b: Expr): Expr {
  return mux(a.gt(b), a, b);
}

/** `e` wrapped to `w` bits when wider, extended when narrower (an index whose range the caller knows). */
export function fit(e: Expr, w: number): Expr {
  return e.width > w ? e.trunc(w) : e.resize(w);
}

/** Balanced adder tree: each level's adds grow one bit, so the sum is exact. */
export function adderTree(xs: readonly Expr[]): Expr {
  let level = [...xs];
  while (level.length > 1) {
    const next: Expr[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? level[i].add(level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

/** Register `value` into a new signal `name` of `value`'s shape (truncated to `width` if narrower). */
export function register(m: Module, name: string, value: Expr, width = value.width): Signal {
  const r = m.signal(name, { width, signed: value.signed });
  m.sync.set(r, width < value.width ? value.trunc(width) : value);
  return r;
}

/**
 * `lanes` memories `<name>_l<lane>` (signed `bits`, `depth` words), written one word per cycle
 * through the inputs `<name>_we`, `<name>_lane`, `<name>_addr`, `<name>_data` (or by backdoor),
 * each with one synchronous read port (one cycle of latency) that the caller addresses.
 */
export function laneMemories(m: Module, name: string, bits: number, depth: number, lanes: number): ReadPort[] {
  const we = m.input(`${name}_we`, u(1)), lane = m.input(`${name}_lane`, u(bitsFor(lanes)));
  const addr = m.input(`${name}_addr`, u(bitsFor(depth))), data = m.input(`${name}_data`, s(bits));
  return Array.from({ length: lanes }, (_, d) => {
    const mem = m.memory({ name: `${name}_l${d}`, shape: s(bits), depth });
    const wp = mem.writePort();
    m.comb.set(wp.en, we.and(lane.eq(d)));
    m.comb.set(wp.addr, addr.resize(wp.addr.width));
    m.comb.set(wp.data, data);
    return mem.readPort({ domain: "sync" });
  });
}
