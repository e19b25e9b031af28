/** `lfsrs`: n independent 32-bit Galois LFSRs, each seeded differently. A bench design. */
import { Module, u } from "../../src/hdl/index.js";

export function lfsrs(n: number): Module {
  const m = new Module("lfsrs");
  const x = m.output("xor_all", u(1));
  let all = m.signal("zero", u(1)) as import("../../src/hdl/index.js").Expr;
  for (let i = 0; i < n; i++) {
    const r = m.signal(`lfsr${i}`, u(32), { reset: (i * 2654435761 + 1) >>> 0 || 1 });
    // Taps 32, 22, 2, 1 (0x80200003), Galois form: shift right, xor the taps when the low bit is 1.
    const shifted = r.shr(1);
    m.sync.set(r, r.bit(0).select(shifted.xor(0x80200003).trunc(32), shifted.resize(32)));
    all = all.xor(r.bit(31));
  }
  m.comb.set(x, all);
  return m;
}
