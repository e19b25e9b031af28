/**
 * One BSTC decoder lane (papers.md section 4): from a start bit address in a word bank, decodes one
 * segment (a sub-matrix of golden bstcSegments: `groups` groups of `cols` columns) and emits one
 * column pattern per cycle, consuming 1 bit (a '0' code) or m + 1 bits ('1' + pattern).
 *
 * Bit buffer: the lane keeps word k of the bank in `w0` and has word k + 1 on its synchronous read
 * port, so the window {w0, rd_data} always holds the 2W bits from word k on, and the code at offset
 * o < W (m + 1 <= W bits) lies inside it. The read address is always (next k) + 1, so after a
 * cycle that crosses into word k + 1, w0 takes rd_data and the port already delivers word k + 2.
 * The decode is the paper's 1-bit compare, m-bit SIPO and leading-one eliminator in parallel form:
 * shift the window left by o, the top bit is the flag, the next m the pattern (0 when the flag is 0).
 *
 * Ports (rd_* connect to a bank read port owned by the parent):
 *   start u1, addr u(A) (bit address), cols u(bitsFor(segCols+1)), groups u(bitsFor(maxGroups+1))
 *     sampled at start when idle; cols or groups 0 give an empty segment (done at once)
 *   rd_addr u(K) out, rd_data u(W) in      the bank's synchronous read port
 *   busy u1, done u1 (pulse the cycle after the last pattern), pos u(A): the bit address of the next
 *     code — after done, the end of the segment (its start + its coded length)
 *   pat_valid u1, pat_data u(m), pat_last u1 (last column of a group), pat_col u(bitsFor(segCols))
 *     (column within the segment), pat_group u(bitsFor(maxGroups)), pat_ready u1 in (advance when
 *     valid & ready; hold otherwise)
 * Timing (golden/bitslice-bstc-timing.ts): start edge = 0; cycle 1 primes w0; with ready held 1
 * pattern i is valid in cycle 2 + i and done is high in cycle 2 + N (N = cols * groups), when a
 * new start may already be given.
 */
import { Module, Signal, bitsFor, cat, constant, mux, u } from "../../hdl/index.js";
import { BstcDecoderParams, decoderAddrBits, decoderWordIndexBits, offsetBits } from "./bstc-params.js";

export interface BstcLanePorts {
  readonly module: Module;
  readonly start: Signal;
  readonly addr: Signal;
  readonly cols: Signal;
  readonly groups: Signal;
  readonly rdAddr: Signal;
  readonly rdData: Signal;
  readonly busy: Signal;
  readonly done: Signal;
  readonly pos: Signal;
  readonly patValid: Signal;
  readonly patData: Signal;
  readonly patLast: Signal;
  readonly patCol: Signal;
  readonly patGroup: Signal;
  readonly patReady: Signal;
}

/** A lane for decoder parameters `p` (already checked by the decoder). */
export function makeBstcLane(p: BstcDecoderParams): BstcLanePorts {
  const { m, wordBits: W } = p;
  const OB = offsetBits(W), K = decoderWordIndexBits(p), A = decoderAddrBits(p);
  const colW = bitsFor(p.segCols + 1), grpW = bitsFor(p.maxGroups + 1);
  const mod = new Module("bstc_lane");

  const start = mod.input("start", u(1)), addr = mod.input("addr", u(A));
  const cols = mod.input("cols", u(colW)), groups = mod.input("groups", u(grpW));
  const rdAddr = mod.output("rd_addr", u(K)), rdData = mod.input("rd_data", u(W));
  const busy = mod.output("busy", u(1)), done = mod.output("done", u(1)), pos = mod.output("pos", u(A));
  const patValid = mod.output("pat_valid", u(1)), patData = mod.output("pat_data", u(m)), patLast = mod.output("pat_last", u(1));
  const patCol = mod.output("pat_col", u(bitsFor(p.segCols))), patGroup = mod.output("pat_group", u(bitsFor(p.maxGroups)));
  const patReady = mod.input("pat_ready", u(1));

  mod.sync.set(done, 0); // a pulse; the FSM below (placed after this) overrides it
  const f = mod.fsm("ctrl", { states: ["IDLE", "PRIME", "RUN"] as const, init: "IDLE" });
  const k = mod.signal("k", u(K)), o = mod.signal("o", u(OB)), w0 = mod.signal("w0", u(W));
  const colsR = mod.signal("cols_r", u(colW)), groupsR = mod.signal("groups_r", u(grpW));
  const j = mod.signal("col", u(bitsFor(p.segCols))), g = mod.signal("grp", u(bitsFor(p.maxGroups)));
  mod.comb.set(busy, f.is("IDLE").not());
  mod.comb.set(pos, cat(k, o));
  mod.comb.set(patCol, j);
  mod.comb.set(patGroup, g);

  // Decode the code at offset o of the window.
  const shifted = cat(w0, rdData).shl(o);
  const code = mod.signal("code", u(m + 1));
  mod.comb.set(code, shifted.slice(2 * W - 1, 2 * W - 1 - m));
  const flag = code.bit(m);
  mod.comb.set(patData, mux(flag, code.slice(m - 1, 0), constant(0, u(m))));
  const len = mux(flag, constant(m + 1, u(bitsFor(m + 2))), constant(1, u(bitsFor(m + 2))));
  const reach = o.add(len); // < 2W; bit OB set = the code ends in word k + 1 or at its start
  const cross = reach.bit(OB);

  const running = f.is("RUN");
  mod.comb.set(patValid, running);
  const lastCol = j.add(1).eq(colsR), lastGroup = g.add(1).eq(groupsR);
  mod.comb.set(patLast, lastCol);
  const fire = running.and(patReady);
  const kNext = mux(fire.and(cross), k.add(1).trunc(K), k);
  // The read port always fetches the word after the one w0 will hold next cycle; at start, the
  // first word itself (it goes into w0 during PRIME).
  const startWord = addr.slice(A - 1, OB);
  mod.comb.set(rdAddr, mux(f.is("IDLE"), startWord, mux(running, kNext, k).add(1).trunc(K)));

  f.state("IDLE", () => {
    mod.if(start, () => {
      mod.sync.set(k, startWord);
      mod.sync.set(o, addr.slice(OB - 1, 0));
      mod.sync.set(colsR, cols);
      mod.sync.set(groupsR, groups);
      mod.sync.set(j, 0);
      mod.sync.set(g, 0);
      mod.if(cols.eq(0).or(groups.eq(0)), () => mod.sync.set(done, 1)).else(() => f.next("PRIME"));
    });
  });
  f.state("PRIME", () => {
    mod.sync.set(w0, rdData);
    f.next("RUN");
  });
  f.state("RUN", () => {
    mod.if(patReady, () => {
      mod.if(cross, () => mod.sync.set(w0, rdData));
      mod.sync.set(k, kNext);
      mod.sync.set(o, reach.trunc(OB));
      mod.if(lastCol, () => {
        mod.sync.set(j, 0);
        mod.if(lastGroup, () => {
          mod.sync.set(g, 0);
          mod.sync.set(done, 1);
          f.next("IDLE");
        }).else(() => mod.sync.set(g, g.add(1).trunc(g.width)));
      }).else(() => mod.sync.set(j, j.add(1).trunc(j.width)));
    });
  });
  return { module: mod, start, addr, cols, groups, rdAddr, rdData, busy, done, pos, patValid, patData, patLast, patCol, patGroup, patReady };
}
