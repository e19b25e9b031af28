/**
 * One BGPP inner-product unit (papers.md section 4: a bit-serial inner-product unit with a
 * D-input AND-based adder tree and a sign decision unit in front of it). Combinational: for one
 * key and one of its magnitude planes,
 *   sum = sum_d bit_d * (sign_d ? -q_d : q_d)
 * The caller weights it by the plane's 2^(pos - 1) and adds it to the key's partial score.
 *
 * The query is held as its 4 two's-complement bit-planes Q_k (bit d = bit k of q_d, weights
 * 1, 2, 4, -8), so the whole unit is ANDs of D-bit words and popcounts ("AND-based"): the sign
 * decision splits the key plane into P = bits & ~sign and N = bits & sign, and
 *   sum = sum_k w_k (popcount(P & Q_k) - popcount(N & Q_k)).
 * Each popcount is a balanced adder tree written level by level on the packed word: level l adds
 * neighbouring 2^l-bit fields, (v & m_l) + ((v >> 2^l) & m_l). Each field's sum fits its field, so
 * no carry crosses a field boundary: the top input bits of every field are constant 0, and
 * synthesis' constant propagation cuts the carry there, leaving exactly the tree of small adders
 * (while the simulators see a handful of word operations instead of D single-bit nodes).
 *
 * Ports: q_plane_<k> u(D) (k = 0..3), sign u(D), bits u(D) (bit d = element d of the key's sign
 * plane and of the fetched magnitude plane), sum s(signedBits(8 D)) (|sum| <= 8 D).
 */
import { Expr, Module, Signal, constant, s, u } from "../../hdl/index.js";
import { signedBits } from "./bgpp-params.js";
import { adderTree } from "../datapath.js";

export interface BgppIpuPorts {
  readonly module: Module;
  readonly qPlane: Signal[];
  readonly sign: Signal;
  readonly bits: Signal;
  readonly sum: Signal;
}

/** Int4 bit-plane weights: bit 3 is the two's-complement sign. */
export const Q_PLANE_WEIGHTS = [1, 2, 4, -8] as const;

/** popcount(x) for x of width w, as the packed adder tree described above; unsigned, log2(w)+1 bits. */
export function popcountWord(x: Expr, w: number): Expr {
  const P = 2 ** Math.ceil(Math.log2(Math.max(2, w)));
  let v = x.asUnsigned().resize(P);
  for (let f = 1; f < P; f *= 2) {
    let mask = 0n;
    for (let i = 0; i < P; i += 2 * f) mask |= ((1n << BigInt(f)) - 1n) << BigInt(i);
    const m = constant(mask, u(P));
    v = v.and(m).add(v.shr(f).and(m)).trunc(P);
  }
  return v.slice(Math.log2(P), 0);
}

/** Balanced adder tree over terms, resized to `width` (which must hold the true sum). */
export function sumTree(terms: readonly Expr[], width: number): Expr {
  return adderTree(terms).resize(width);
}

export function makeBgppIpu(D: number): BgppIpuPorts {
  const m = new Module("bgpp_ipu");
  const qPlane = Q_PLANE_WEIGHTS.map((_, k) => m.input(`q_plane_${k}`, u(D)));
  const sign = m.input("sign", u(D)), bits = m.input("bits", u(D));
  const sum = m.output("sum", s(signedBits(8 * D)));
  // Sign decision: the plane's bits of positive and of negative key elements.
  const pos = bits.and(sign.not()), neg = bits.and(sign);
  const terms = Q_PLANE_WEIGHTS.map((w, k) => {
    const diff = popcountWord(pos.and(qPlane[k]), D).sub(popcountWord(neg.and(qPlane[k]), D));
    return w < 0 ? diff.shl(Math.log2(-w)).neg() : diff.shl(Math.log2(w));
  });
  m.comb.set(sum, sumTree(terms, sum.width));
  return { module: m, qPlane, sign, bits, sum };
}
