/**
 * The BSTC decoder (papers.md section 4): a word bank holding BSTC streams and `lanes` decoder
 * lanes (bstc-lane.ts) that decode different segments in parallel, each from its own start bit
 * address, each emitting one column pattern per cycle. The paper records a start address per 1k
 * sub-matrix precisely so decoders can start in parallel; a harness or sequencer gives each lane a
 * segment (start, columns, groups) and reads its pattern stream.
 *
 * The bank is one memory with one write port (the encoder's word stream, or a loader) and a
 * synchronous read port per lane (in silicon: a multi-ported or per-lane-replicated macro; a lane
 * uses at most m + 1 bits per cycle, so `lanes` lanes need at most lanes * (m + 1) / W words per
 * cycle — 0.625 at the defaults — and one port with a small arbiter and deeper lane buffers would
 * also do; not modelled). It may also be filled by the simulator's backdoor (memory `bank`). Words
 * a lane is reading must not be rewritten while it runs.
 *
 * Ports:
 *   wr_en u1, wr_addr u(bitsFor(depth)), wr_data u(W)         the bank's write port
 *   lane<i>_start u1, lane<i>_addr u(A), lane<i>_cols u(bitsFor(segCols+1)),
 *     lane<i>_groups u(bitsFor(maxGroups+1))                 a segment for lane i (sampled at start)
 *   lane<i>_busy u1, lane<i>_done u1, lane<i>_pos u(A)        lane i's state and bit position
 *   pat<i>_valid u1, pat<i>_data u(m), pat<i>_last u1, pat<i>_col, pat<i>_group, pat<i>_ready u1 in
 * with A = bitsFor(depth + 1) + log2 W (bit addresses up to the end of the bank). Per lane: latency
 * 2 from start to the first pattern, then one pattern per cycle while ready (bstc-lane.ts).
 */
import { Module, Signal, bitsFor, u } from "../../hdl/index.js";
import { BstcLanePorts, makeBstcLane } from "./bstc-lane.js";
import { BstcDecoderParams, checkBstcDecoderParams, decoderAddrBits } from "./bstc-params.js";

/** A lane's ports as the decoder exposes them (lane<i>_*, pat<i>_*); the bank port stays inside. */
export type BstcDecoderLanePorts = Omit<BstcLanePorts, "module" | "rdAddr" | "rdData">;

export interface BstcDecoderPorts {
  readonly module: Module;
  readonly wrEn: Signal;
  readonly wrAddr: Signal;
  readonly wrData: Signal;
  readonly lanes: readonly BstcDecoderLanePorts[];
}

export const BANK_NAME = "bank";

export function makeBstcDecoder(p: BstcDecoderParams): BstcDecoderPorts {
  checkBstcDecoderParams(p);
  const { m, wordBits: W } = p;
  const A = decoderAddrBits(p);
  const mod = new Module("bstc_decoder");
  const wrEn = mod.input("wr_en", u(1)), wrAddr = mod.input("wr_addr", u(bitsFor(p.depth))), wrData = mod.input("wr_data", u(W));

  const bank = mod.memory({ name: BANK_NAME, shape: u(W), depth: p.depth });
  const wp = bank.writePort();
  mod.comb.set(wp.en, wrEn);
  mod.comb.set(wp.addr, wrAddr);
  mod.comb.set(wp.data, wrData);

  const lanes = Array.from({ length: p.lanes }, (_, i): BstcDecoderLanePorts => {
    const lane = makeBstcLane(p);
    mod.submodule(`lane${i}`, lane.module);
    const rp = bank.readPort({ domain: "sync" });
    // Word indices past the bank wrap onto its low words; a lane only ever uses those bits when a
    // stream runs off the end of the bank, which its writer must not do.
    mod.comb.set(rp.addr, lane.rdAddr.resize(rp.addr.width));
    mod.comb.set(lane.rdData, rp.data);
    const port = {
      start: mod.input(`lane${i}_start`, u(1)), addr: mod.input(`lane${i}_addr`, u(A)),
      cols: mod.input(`lane${i}_cols`, lane.cols.shape), groups: mod.input(`lane${i}_groups`, lane.groups.shape),
      busy: mod.output(`lane${i}_busy`, u(1)), done: mod.output(`lane${i}_done`, u(1)), pos: mod.output(`lane${i}_pos`, u(A)),
      patValid: mod.output(`pat${i}_valid`, u(1)), patData: mod.output(`pat${i}_data`, u(m)), patLast: mod.output(`pat${i}_last`, u(1)),
      patCol: mod.output(`pat${i}_col`, lane.patCol.shape), patGroup: mod.output(`pat${i}_group`, lane.patGroup.shape),
      patReady: mod.input(`pat${i}_ready`, u(1)),
    };
    for (const [to, from] of [[lane.start, port.start], [lane.addr, port.addr], [lane.cols, port.cols], [lane.groups, port.groups], [lane.patReady, port.patReady],
      [port.busy, lane.busy], [port.done, lane.done], [port.pos, lane.pos], [port.patValid, lane.patValid], [port.patData, lane.patData],
      [port.patLast, lane.patLast], [port.patCol, lane.patCol], [port.patGroup, lane.patGroup]] as const) mod.comb.set(to, from);
    return port;
  });
  return { module: mod, wrEn, wrAddr, wrData, lanes };
}
