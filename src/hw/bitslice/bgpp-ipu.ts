/**
 * One BGPP inner-product unit (papers.md section 4: a bit-serial inner-product unit with a
 * D-input AND-based adder tree and a sign decision unit in front of it). Combinational: for one
 * key and one magnitude plane,
 *   sum = sum_d bit_d * (sign_d ? -q_d : q_d)
 * i.e. q . (the plane's bits, signed by the key's sign plane). The caller weights it by the
 * plane's 2^(pos - 1) and adds it to the key's partial score.
 *
 * Ports: q_<d> s4 (the query, int4), sign u(D) and bits u(D) (bit d = element d of the key's
 * sign plane and of the fetched magnitude plane), sum s(planeSumBits) (|sum| <= 8 D).
 */
import { Expr, Module, Signal, mux, s, u } from "../../hdl/index.js";
import { signedBits } from "./bgpp-params.js";

export interface BgppIpuPorts {
  readonly module: Module;
  readonly q: Signal[];
  readonly sign: Signal;
  readonly bits: Signal;
  readonly sum: Signal;
}

/** Balanced adder tree over signed terms, resized to `width` (which holds the true sum). */
export function sumTree(terms: readonly Expr[], width: number): Expr {
  let level = [...terms];
  while (level.length > 1) {
    const next: Expr[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(level[i].add(level[i + 1]));
    if (level.length % 2) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0].resize(width);
}

export function makeBgppIpu(D: number): BgppIpuPorts {
  const m = new Module("bgpp_ipu");
  const q = Array.from({ length: D }, (_, d) => m.input(`q_${d}`, s(4)));
  const sign = m.input("sign", u(D)), bits = m.input("bits", u(D));
  const sum = m.output("sum", s(signedBits(8 * D)));
  // Sign decision: -q_d where the key element is negative (5 bits: -(-8) = 8), then the AND.
  const terms = q.map((qd, d) => mux(bits.bit(d), mux(sign.bit(d), qd.neg(), qd.resize(5)), 0));
  m.comb.set(sum, sumTree(terms, sum.width));
  return { module: m, q, sign, bits, sum };
}
