/**
 * `counter`: an up-counter with enable, a configurable wrap value, and a synchronous load.
 *
 * Ports: enable u(1), load u(1), load_value u(width) in; count u(width), carry u(1) out.
 * Each edge: load wins (count <= load_value); else with enable, count <= count == wrap ? 0 : count + 1
 * (modulo 2^width, so a loaded value above `wrap` counts on to the top and wraps there).
 * `carry` is combinational: high during a cycle whose edge wraps the count from `wrap` to 0.
 */
import { Module, u } from "../../hdl/index.js";

export interface CounterParams {
  /** Bits of the count, 1..64. */
  width: number;
  /** The last value before the count returns to 0 (default 2^width - 1: the full range). */
  wrap?: number | bigint;
}

export function counter(p: CounterParams): Module {
  const { width } = p;
  if (!Number.isInteger(width) || width < 1 || width > 64) throw new Error(`counter: width ${width} must be a whole number 1..64`);
  const full = (1n << BigInt(width)) - 1n;
  const wrap = p.wrap === undefined ? full : BigInt(p.wrap);
  if (wrap < 0n || wrap > full) throw new Error(`counter: wrap ${wrap} does not fit in width ${width} (0..${full}); lower wrap or widen the counter`);

  const m = new Module("counter");
  const enable = m.input("enable", u(1));
  const load = m.input("load", u(1));
  const loadValue = m.input("load_value", u(width));
  const count = m.output("count", u(width));
  const carry = m.output("carry", u(1));

  const atWrap = count.eq(wrap);
  m.comb.set(carry, enable.and(load.not()).and(atWrap));
  m.if(load, () => m.sync.set(count, loadValue))
    .elif(enable, () => {
      m.if(atWrap, () => m.sync.set(count, 0)).else(() => m.sync.set(count, count.add(1).trunc(width)));
    });
  return m;
}
