/**
 * The BSTC encoder (papers.md section 4): a pattern stream in, the two-state code packed into a
 * word stream out, with the sub-matrix segmentation and each segment's start bit address. Equal
 * to golden bstcSegments + bit packing (golden/bitslice-bstc-words.ts) word for word.
 *
 * Input order: the plane's sub-matrices one after another, each as a pattern stream in the usual
 * convention (groups in order, the segment's columns in order within a group): for s, for g, for
 * j < width(s): pattern of group g, column s * segCols + j. This is the order an address generator
 * walking the weight SRAM by 1k-column tiles gives; the unit counts columns, groups and segments
 * itself (from `cols` and `groups`, sampled at start) to know where each segment begins and ends.
 *
 * Datapath, one pattern per cycle: the code is `nz ? {1, pattern} : 0` (m + 1 bits, of which 1 or
 * m + 1 are used: a zero column's code is a lone 0). A W-bit accumulator holds the `fill` pending
 * bits MSB-aligned (fill = bit address mod W); {acc, W zeros} | (code << (2W - m - 1) >> fill)
 * places the code right after them. When fill + length reaches W the upper half is a full word
 * (emitted) and the lower half the new accumulator. At the end a partial word is flushed with
 * zero padding. Since m + 1 <= W at most one word completes per cycle.
 *
 * Ports:
 *   start u1, cols u(bitsFor(maxCols+1)), groups u(bitsFor(maxGroups+1))   sampled at start
 *     (ignored while busy; cols or groups 0 finish at once with an empty stream)
 *   busy u1, pat_ready u1 (= accepting: the unit never stalls a running stream)
 *   pat_valid u1, pat_data u(m)                      the pattern stream (taken when valid & ready)
 *   word_valid u1, word_data u(W), word_addr u(A - log2 W)   word index from 0 for this run
 *   seg_valid u1, seg_index u(bitsFor(segments)), seg_start u(A)   a segment's start bit address
 *   done u1 (one-cycle pulse), total_bits u(A) (the stream length; valid from done until start)
 * Timing (golden/bitslice-bstc-timing.ts): with the start edge as 0 and the patterns taken in
 * cycles 1..N, a word completed (or a segment begun) by the pattern of cycle t shows in cycle t + 1;
 * the flush word, if any, and done show in cycle N + 2.
 */
import { Module, Signal, bitsFor, cat, constant, mux, u } from "../../hdl/index.js";
import { BstcEncoderParams, checkBstcEncoderParams, encoderAddrBits, maxSegments, offsetBits } from "./bstc-params.js";

export interface BstcEncoderPorts {
  readonly module: Module;
  readonly start: Signal;
  readonly cols: Signal;
  readonly groups: Signal;
  readonly busy: Signal;
  readonly patReady: Signal;
  readonly patValid: Signal;
  readonly patData: Signal;
  readonly wordValid: Signal;
  readonly wordData: Signal;
  readonly wordAddr: Signal;
  readonly segValid: Signal;
  readonly segIndex: Signal;
  readonly segStart: Signal;
  readonly done: Signal;
  readonly totalBits: Signal;
}

export function makeBstcEncoder(p: BstcEncoderParams): BstcEncoderPorts {
  checkBstcEncoderParams(p);
  const { m, wordBits: W, segCols } = p;
  const OB = offsetBits(W), A = encoderAddrBits(p);
  const colW = bitsFor(p.maxCols + 1), grpW = bitsFor(p.maxGroups + 1), segW = bitsFor(maxSegments(p));
  const mod = new Module("bstc_encoder");

  const start = mod.input("start", u(1)), cols = mod.input("cols", u(colW)), groups = mod.input("groups", u(grpW));
  const busy = mod.output("busy", u(1)), patReady = mod.output("pat_ready", u(1));
  const patValid = mod.input("pat_valid", u(1)), patData = mod.input("pat_data", u(m));
  const wordValid = mod.output("word_valid", u(1)), wordData = mod.output("word_data", u(W)), wordAddr = mod.output("word_addr", u(A - OB));
  const segValid = mod.output("seg_valid", u(1)), segIndex = mod.output("seg_index", u(segW)), segStart = mod.output("seg_start", u(A));
  const done = mod.output("done", u(1)), totalBits = mod.output("total_bits", u(A));

  // Pulses default to 0; the FSM's statements come after and override (the fsm's switch is
  // placed where it is created).
  mod.sync.set(wordValid, 0);
  mod.sync.set(segValid, 0);
  mod.sync.set(done, 0);
  const f = mod.fsm("ctrl", { states: ["IDLE", "RUN", "FLUSH"] as const, init: "IDLE" });
  mod.comb.set(busy, f.is("IDLE").not());
  mod.comb.set(patReady, f.is("RUN"));

  // State: the bit address of the next code, the pending partial word, and where we are in the
  // segment walk: column j of group g of segment s, `rem` columns from segment s to the plane's end.
  const bitAddr = mod.signal("bit_addr", u(A)), acc = mod.signal("acc", u(W));
  const groupsR = mod.signal("groups_r", u(grpW)), rem = mod.signal("rem", u(colW));
  const j = mod.signal("col", u(bitsFor(segCols))), g = mod.signal("grp", u(grpW)), seg = mod.signal("seg", u(segW));
  mod.comb.set(totalBits, bitAddr);

  const fill = bitAddr.slice(OB - 1, 0), wordIdx = bitAddr.slice(A - 1, OB);
  // This segment's width: min(segCols, rem).
  // (A plane never wider than one segment needs no min: its width is rem.)
  const width = segCols >= p.maxCols ? rem : mux(rem.gt(segCols), constant(segCols, u(colW)), rem);

  // The code of the incoming pattern, placed after the pending bits.
  const nz = patData.reduceOr();
  const code = mux(nz, cat(constant(1, u(1)), patData), constant(0, u(m + 1)));
  const len = mux(nz, constant(m + 1, u(bitsFor(m + 2))), constant(1, u(bitsFor(m + 2))));
  const merged = mod.signal("merged", u(2 * W));
  mod.comb.set(merged, cat(acc, constant(0, u(W))).or(cat(code, constant(0, u(2 * W - m - 1))).shr(fill)));
  const reach = fill.add(len); // < 2W; bit OB set = a word is complete
  const full = reach.bit(OB);

  f.state("IDLE", () => {
    mod.if(start, () => {
      mod.sync.set(bitAddr, 0);
      mod.sync.set(acc, 0);
      mod.sync.set(groupsR, groups);
      mod.sync.set(rem, cols);
      mod.sync.set(j, 0);
      mod.sync.set(g, 0);
      mod.sync.set(seg, 0);
      mod.if(cols.eq(0).or(groups.eq(0)), () => f.next("FLUSH")).else(() => f.next("RUN"));
    });
  });
  f.state("RUN", () => {
    mod.if(patValid, () => {
      mod.if(full, () => {
        mod.sync.set(wordValid, 1);
        mod.sync.set(wordData, merged.slice(2 * W - 1, W));
        mod.sync.set(wordAddr, wordIdx);
        mod.sync.set(acc, merged.slice(W - 1, 0));
      }).else(() => mod.sync.set(acc, merged.slice(2 * W - 1, W)));
      mod.sync.set(bitAddr, bitAddr.add(len).trunc(A));
      mod.if(j.eq(0).and(g.eq(0)), () => {
        mod.sync.set(segValid, 1);
        mod.sync.set(segIndex, seg);
        mod.sync.set(segStart, bitAddr);
      });
      // Walk: next column; after the segment's last column the next group; after the last group
      // the next segment; after the last segment flush.
      mod.if(j.add(1).eq(width), () => {
        mod.sync.set(j, 0);
        mod.if(g.add(1).eq(groupsR), () => {
          mod.sync.set(g, 0);
          mod.sync.set(seg, seg.add(1).trunc(segW));
          mod.sync.set(rem, rem.sub(segCols).trunc(colW).asUnsigned());
          mod.if(rem.le(segCols), () => f.next("FLUSH"));
        }).else(() => mod.sync.set(g, g.add(1).trunc(grpW)));
      }).else(() => mod.sync.set(j, j.add(1).trunc(j.width)));
    });
  });
  f.state("FLUSH", () => {
    mod.if(fill.ne(0), () => {
      mod.sync.set(wordValid, 1);
      mod.sync.set(wordData, acc);
      mod.sync.set(wordAddr, wordIdx);
    });
    mod.sync.set(done, 1);
    f.next("IDLE");
  });
  return { module: mod, start, cols, groups, busy, patReady, patValid, patData, wordValid, wordData, wordAddr, segValid, segIndex, segStart, done, totalBits };
}
