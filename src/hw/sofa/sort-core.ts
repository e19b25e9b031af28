/**
 * The SADS 16-to-4 sort core (papers.md section 5): the current top 4 and 12 new items in, the new
 * top 4 (in the sorters' order) out. The comparators are golden `prunedNetwork(16, 4)`: the 16-wire
 * bitonic network without the comparators that cannot reach outputs 0..3 (64 of 80 remain, 10
 * stages). Golden `sortCore16to4` puts the current items on wires 0..3 and the new ones on 4..15;
 * so does this core (the result does not depend on it: the order is total).
 *
 * Ports: cur_{valid,value,index}_<i> (i < 4), new_{valid,value,index}_<i> (i < 12), in_tag;
 * out_{valid,value,index}_<i> (i < 4), out_tag. Latency `regs` cycles (default 2, see bitonic.ts);
 * fully pipelined (a new group every cycle).
 */
import { prunedNetwork } from "../../golden/sofa.js";
import { Module, s, u } from "../../hdl/index.js";
import { DEFAULT_BITONIC_REGS, Network, makeBitonic } from "./bitonic.js";

export const CORE_CURRENT = 4;
export const CORE_NEW = 12;

export interface SortCoreParams {
  readonly indexBits: number;
  /** Pipeline registers (default 2). */
  readonly regs?: number;
  /** Comparators to use instead of prunedNetwork(16, 4) (mutation tests). */
  readonly network?: Network;
}

export function makeSortCore(p: SortCoreParams): Module {
  const ib = p.indexBits;
  const m = new Module("sads_core16to4");
  const net = m.submodule("net", makeBitonic({ wires: 16, keep: 4, indexBits: ib, regs: p.regs ?? DEFAULT_BITONIC_REGS, network: p.network ?? prunedNetwork(16, 4), name: "bitonic16to4" }));
  const feed = (prefix: string, count: number, wire0: number) => {
    for (let i = 0; i < count; i++) {
      m.comb.set(net.port(`in_valid_${wire0 + i}`), m.input(`${prefix}_valid_${i}`, u(1)));
      m.comb.set(net.port(`in_value_${wire0 + i}`), m.input(`${prefix}_value_${i}`, s(16)));
      m.comb.set(net.port(`in_index_${wire0 + i}`), m.input(`${prefix}_index_${i}`, u(ib)));
    }
  };
  feed("cur", CORE_CURRENT, 0);
  feed("new", CORE_NEW, CORE_CURRENT);
  m.comb.set(net.port("in_tag"), m.input("in_tag", u(1)));
  for (let i = 0; i < CORE_CURRENT; i++) {
    m.comb.set(m.output(`out_valid_${i}`, u(1)), net.port(`out_valid_${i}`));
    m.comb.set(m.output(`out_value_${i}`, s(16)), net.port(`out_value_${i}`));
    m.comb.set(m.output(`out_index_${i}`, u(ib)), net.port(`out_index_${i}`));
  }
  m.comb.set(m.output("out_tag", u(1)), net.port("out_tag"));
  return m;
}
