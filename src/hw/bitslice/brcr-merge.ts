/**
 * One lane's addition-merge units and group-sum buffer (papers.md section 4, step 1: Z[G_c] += x_c).
 *
 * Every cycle of a key's search, each index converter that found a column hands its activation to
 * its AMU; the AMUs' values are summed (a balanced adder tree) and added into the key's GSB slot.
 * The first cycle of a key writes the slot (a move: the golden convention, first write to a slot is
 * not an add); later cycles of the same key add to it. The GSB has one slot per key for each half
 * (W+ and W-), so the reconstruction unit can read one half while the other is merged.
 *
 * Ports:
 *   en u1, first u1, half u1, key u(m)    the merge cycle: its key, half, and whether it is the key's first
 *   v_<k> u1, x_<k> s8                    AMU k's operand (used where v_k = 1)
 *   z_<h>_<p> s(zBits)                    GSB slot of pattern p (1..2^m-1) of half h (0 = W+); a slot
 *                                         whose pattern was absent in the last search holds stale data
 *                                         (the reconstruction unit masks it with the present flags)
 * Slot widths: a group sum adds at most camCols activations, so zBits (brcr-params) holds it exactly.
 */
import { Module, Signal, mux, s, u } from "../../hdl/index.js";
import { BrcrEngineParams, BrcrLayout, X_BITS } from "./brcr-params.js";
import { fitS, sumS } from "./brcr-rtl.js";

export interface MergeLanePorts {
  readonly module: Module;
  readonly en: Signal;
  readonly first: Signal;
  readonly half: Signal;
  readonly key: Signal;
  readonly v: Signal[];
  readonly x: Signal[];
  /** z[h][p], p = 0 unused (pattern 0 is never merged). */
  readonly z: Signal[][];
}

export function makeMergeLane(p: BrcrEngineParams, L: BrcrLayout): MergeLanePorts {
  const m = new Module("brcr_merge_lane");
  const en = m.input("en", u(1)), first = m.input("first", u(1)), half = m.input("half", u(1)), key = m.input("key", u(p.m));
  const v = Array.from({ length: L.convs }, (_, k) => m.input(`v_${k}`, u(1)));
  const x = Array.from({ length: L.convs }, (_, k) => m.input(`x_${k}`, s(X_BITS)));
  const z = [0, 1].map((h) => [undefined, ...Array.from({ length: L.keys }, (_, i) => m.output(`z_${h}_${i + 1}`, s(L.zBits)))] as Signal[]);

  // The AMUs' operands this cycle, summed: at most convs activations, so X_BITS + log2(convs) bits.
  const treeBits = X_BITS + Math.ceil(Math.log2(L.convs));
  const tree = m.signal("amu_sum", s(treeBits));
  m.comb.set(tree, sumS(x.map((xi, k) => mux(v[k], xi, 0)), treeBits));

  for (let h = 0; h < 2; h++) {
    for (let pat = 1; pat <= L.keys; pat++) {
      const slot = z[h][pat];
      m.if(en.and(half.eq(h)).and(key.eq(pat)), () => {
        m.sync.set(slot, fitS(mux(first, tree, slot.add(tree)), L.zBits));
      });
    }
  }
  return { module: m, en, first, half, key, v, x, z };
}
