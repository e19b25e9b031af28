/**
 * `wide`: a datapath with 64- and 96-bit arithmetic — multiply-accumulate into 96 bits, 64-bit
 * adds and compares, rotations — fed by two 64-bit inputs. A bench design for the bigint paths.
 */
import { Module, cat, s, u } from "../../src/hdl/index.js";

export function wide(lanes: number): Module {
  const m = new Module("wide");
  const a = m.input("a", u(64));
  const b = m.input("b", s(64));
  for (let i = 0; i < lanes; i++) {
    const acc = m.output(`acc${i}`, s(96));
    const sum = m.output(`sum${i}`, u(64));
    const rot = m.output(`rot${i}`, u(64));
    const k = (i * 7) % 63 + 1;
    m.sync.set(acc, acc.add(a.mul(b).trunc(96)).trunc(96));
    m.sync.set(sum, sum.add(a).add(rot).trunc(64));
    m.sync.set(rot, cat(a.slice(63 - k, 0), a.slice(63, 64 - k)).xor(sum).resize(64));
    const gt = m.output(`gt${i}`, u(1));
    m.comb.set(gt, sum.gt(a));
  }
  return m;
}
