/**
 * The SOFA SU-FA unit (sorted-updating FlashAttention, papers.md section 5): for each query row of a
 * tile, each KV tile j = 0..n-1 (the SADS segments, in order) and each slot of segment j's kept list,
 * it reads the kept key index through the SADS read port, forms the exact score
 * fixedScore(Q[q], K[t], scoreShift) and runs sufaFixedTiles (src/golden/sofa.ts) bit-exactly: one
 * running (m, l, o) per query, a rescale only when a strictly larger score arrives, then one
 * reciprocal and one multiply per output. One key per cycle.
 *
 * Pipeline (one token per cycle, no stalls; a token is a key probe or a query's END):
 *   S0 issue     rd_bank/rd_row/rd_seg/rd_slot from the issuer's registers;
 *   S1 answer    rd_index/rd_valid arrive (one-cycle read latency); read K[t] and Q[q] (sync ports);
 *   S2 score     s = sat24(sra(sum_d Q[q][d] K[t][d], scoreShift));
 *   S3 max       first key: m = s; s > m: rescale, d = s - m, m = s; else d = m - s;
 *   S4 exp       p = expFixed(d) (alpha when rescaling); read V[t];
 *   S5 acc       first: l = 1.0, o = v << P; rescale: l = (l alpha >> P) + 1.0, o = (o alpha >> P) + (v << P);
 *                else l += p, o += p v. END: hand l and o to the finaliser and clear them.
 * Lists are prefix-valid (slots < count), so a probe that comes back invalid ends its list: the issuer
 * moves to the next segment (the probe it sent meanwhile comes back invalid too and is dropped by
 * its tag). A full list ends at slot k/n - 1 without a terminating probe.
 * Finaliser: floor(2^recipBits / l) on the sequential divider (Q = recipBits - probBits + 1 cycles,
 * l >= 1.0), then O_d = floor(o_d recip / 2^(recipBits - outBits)) on `outMuls` multipliers,
 * ceil(D / outMuls) cycles, then one o_valid. One output snapshot: a query's END waits at the issuer
 * until the finaliser will be free when it arrives (its latency is fixed, so a countdown says when).
 * Cycle counts: src/golden/sofa-sufa-timing.ts.
 *
 * Counters (cumulative since reset, 32 bits, wrapping; they count what the golden sufaFixed counts):
 * keys, exps (every key but a query's first, incl. the rescale's alpha), muls (dv per key, 1 + dv per
 * rescale), adds (1 + dv per key), rescales, tile_rescales (rescales at a list's first key).
 *
 * Q (queries x D, int16), K (seqLen x D, int16) and V (seqLen x D, int8) are resident, one memory
 * per lane (`q_l<d>` etc., address = query or key index): written by the write ports or by backdoor.
 * `start` samples `bank` and `tile` (queries tile*rows ..; the last tile may have fewer rows; tile
 * must be below ceil(queries / rows)); a start while busy is ignored. `done` is 1 for one cycle, with the last o_valid.
 *
 * Ports (ib = bits(seqLen), rb = bits(rows), sb = bits(n), lb = bits(k/n), tb = bits(ceil(queries/rows))):
 *   in  start, bank u1, tile u(tb)
 *   out rd_bank u1, rd_row u(rb), rd_seg u(sb), rd_slot u(lb)     (SADS read port, address)
 *   in  rd_index u(ib), rd_value s16 (unused), rd_valid u1        (its answer, one cycle later)
 *   in  q_we, q_lane u(bits(D)), q_addr u(bits(queries)), q_data s16; k_* (addr u(ib), data s16); v_* (data s8)
 *   out busy, done, o_valid, o_row u(rb), o_data_0..D-1 s(outBits + 9)
 *   out keys, exps, muls, adds, rescales, tile_rescales u32
 * Throughput: one key per cycle while a list streams; a list of c < k/n keys costs c + 2 cycles (the
 * terminating probe's answer takes a cycle); a query costs at least Q + ceil(D / outMuls) + 2 cycles
 * (the finaliser). Parameters papers.md leaves open, with the defaults here: outMuls = 4 final
 * multipliers (the paper's 128 DIV units are not described); a restoring divider (1 bit per cycle).
 */
import { Expr, Module, Signal, bitsFor, constant, mux, s, u } from "../../hdl/index.js";
import { DEFAULT_SUFA, SCORE_WIDTH, SufaFixedConfig, checkExpConfig } from "../../golden/sofa.js";
import { makeExpUnit } from "./exp-unit.js";
import { makeReciprocal } from "./reciprocal.js";
import { requireWhole } from "../param-check.js";
import { adderTree, laneMemories, register, saturate } from "../datapath.js";

export interface SufaUnitParams {
  readonly seqLen: number;
  readonly headDim: number;
  /** Queries resident in the Q memories (all tiles). */
  readonly queries: number;
  /** Query rows per tile (the SADS rows). */
  readonly rows: number;
  /** KV tiles n = SADS segments. */
  readonly segments: number;
  /** Keys kept per query; each list has floor(k / n) slots. */
  readonly k: number;
  readonly scoreShift: number;
  readonly cfg?: SufaFixedConfig;
  /** Final multipliers: outputs normalised per cycle (default 4; 1..headDim). */
  readonly outMuls?: number;
}

export const SUFA_Q_BITS = 16;
export const SUFA_K_BITS = 16;
export const SUFA_V_BITS = 8;
export const SUFA_COUNTER_BITS = 32;
/** Cycles from a token's issue to the accumulate stage (S0 -> S5). */
const PIPE_TO_ACC = 5;

export interface SufaUnitShape {
  readonly per: number;
  readonly tiles: number;
  readonly idxBits: number;
  readonly rowBits: number;
  readonly segBits: number;
  readonly slotBits: number;
  readonly tileBits: number;
  /** The o accumulators: |o| <= 128 * keys * 2^P, plus a bit for the rescales' floors. */
  readonly accBits: number;
  /** The sum l <= keys * 2^P. */
  readonly lBits: number;
  readonly qBits: number;
  /** Outputs: |O| <= 128 * 2^outBits (a weighted mean of int8 values) plus the truncations' slack. */
  readonly outWidth: number;
  readonly outMuls: number;
  readonly groups: number;
}

export function sufaUnitShape(p: SufaUnitParams): SufaUnitShape {
  const c = p.cfg ?? DEFAULT_SUFA;
  checkExpConfig(c);
  const int = (k: string, v: number, lo: number, hi: number, mend: string) => requireWhole("SU-FA unit", k, v, lo, hi, mend.replace(/^ \((.*)\)$/, "$1"));
  int("seqLen", p.seqLen, 1, 1 << 16, "");
  int("headDim", p.headDim, 1, 256, "");
  int("queries", p.queries, 1, 1 << 16, "");
  int("rows", p.rows, 1, p.queries, " (query rows per tile; at most queries)");
  int("segments", p.segments, 1, p.seqLen, " (at most seqLen)");
  int("k", p.k, p.segments, p.seqLen, " (each of the n segments keeps floor(k/n) >= 1 keys; raise k or lower segments)");
  int("scoreShift", p.scoreShift, 0, 48, "");
  int("recipBits", c.recipBits, c.probBits + 1, 60, " (above probBits)");
  int("outBits", c.outBits, 0, c.recipBits, " (at most recipBits)");
  const outMuls = p.outMuls ?? Math.min(4, p.headDim);
  int("outMuls", outMuls, 1, p.headDim, " (at most headDim)");
  const per = Math.floor(p.k / p.segments);
  const keys = per * p.segments;
  const tiles = Math.ceil(p.queries / p.rows);
  return {
    per,
    tiles,
    idxBits: bitsFor(p.seqLen),
    rowBits: bitsFor(p.rows),
    segBits: bitsFor(p.segments),
    slotBits: bitsFor(per),
    tileBits: bitsFor(tiles),
    accBits: c.probBits + SUFA_V_BITS + bitsFor(keys) + 1,
    lBits: c.probBits + 1 + bitsFor(keys),
    qBits: c.recipBits - c.probBits + 1,
    outWidth: c.outBits + SUFA_V_BITS + 1,
    outMuls,
    groups: Math.ceil(p.headDim / outMuls),
  };
}

export function makeSufaUnit(p: SufaUnitParams): Module {
  const c = p.cfg ?? DEFAULT_SUFA;
  const g = sufaUnitShape(p);
  const D = p.headDim, n = p.segments, P = c.probBits;
  const m = new Module("sofa_sufa");
  const start = m.input("start", u(1));
  const bank = m.input("bank", u(1));
  const tile = m.input("tile", u(g.tileBits));
  const rdIndex = m.input("rd_index", u(g.idxBits));
  m.input("rd_value", s(16)); // the predicted score: SU-FA forms the exact one instead
  const rdValid = m.input("rd_valid", u(1));
  const busy = m.output("busy", u(1));
  const done = m.output("done", u(1));
  const rdBank = m.output("rd_bank", u(1));
  const rdRow = m.output("rd_row", u(g.rowBits));
  const rdSeg = m.output("rd_seg", u(g.segBits));
  const rdSlot = m.output("rd_slot", u(g.slotBits));
  const oValid = m.output("o_valid", u(1));
  const oRow = m.output("o_row", u(g.rowBits));
  const oData = Array.from({ length: D }, (_, d) => m.output(`o_data_${d}`, s(g.outWidth)));
  const counter = (name: string) => m.output(name, u(SUFA_COUNTER_BITS));
  const cnt = { keys: counter("keys"), exps: counter("exps"), muls: counter("muls"), adds: counter("adds"), rescales: counter("rescales"), tileRescales: counter("tile_rescales") };

  // Resident operand memories, one per lane, each with a write port and one sync read port.
  const qMem = laneMemories(m, "q", SUFA_Q_BITS, p.queries, D);
  const kMem = laneMemories(m, "k", SUFA_K_BITS, p.seqLen, D);
  const vMem = laneMemories(m, "v", SUFA_V_BITS, p.seqLen, D);

  // ---- S0: the issuer. Defaults first (later statements win; an FSM's body sits where it is made).
  const issueKey = m.signal("issue_key", u(1)), issueEnd = m.signal("issue_end", u(1));
  const endInflight = m.signal("end_inflight", u(1));
  const f = m.fsm("issuer", { states: ["IDLE", "RUN", "ENDQ", "DRAIN"] as const, init: "IDLE" });
  const bankR = m.signal("bank_r", u(1));
  const qBase = m.signal("q_base", u(bitsFor(p.queries)));
  const lastRow = m.signal("last_row", u(g.rowBits));
  const qi = m.signal("qi", u(g.rowBits)), sj = m.signal("sj", u(g.segBits)), slot = m.signal("slot", u(g.slotBits));
  // S1 token (what was issued last cycle).
  const key1 = register(m, "key1", issueKey), end1 = register(m, "end1", issueEnd);
  const q1 = register(m, "q1", qi), j1 = register(m, "j1", sj), slot1 = register(m, "slot1", slot);
  const last1 = register(m, "last1", qi.eq(lastRow));
  // An invalid answer to a probe of the list being issued ends that list.
  const miss = m.signal("miss", u(1));
  m.comb.set(miss, key1.and(rdValid.not()).and(q1.eq(qi)).and(j1.eq(sj)).and(f.is("RUN")));
  // The finaliser is free when an END issued now reaches S5 (its latency is fixed: see finLeft).
  const finFree = m.signal("fin_free", u(1));
  const finLastOut = m.signal("fin_last_out", u(1)); // the finaliser emits the tile's last output now

  const nextSegment = () => {
    m.sync.set(slot, 0);
    m.if(sj.eq(n - 1), () => f.next("ENDQ")).else(() => m.sync.set(sj, sj.add(1).trunc(g.segBits)));
  };
  f.state("IDLE", () =>
    m.if(start, () => {
      const lastRows = p.queries - (g.tiles - 1) * p.rows;
      m.sync.set(bankR, bank);
      m.sync.set(qBase, tile.mul(p.rows).resize(qBase.width));
      m.sync.set(lastRow, mux(tile.eq(g.tiles - 1), lastRows - 1, p.rows - 1).resize(g.rowBits));
      m.sync.set(qi, 0);
      m.sync.set(sj, 0);
      m.sync.set(slot, 0);
      f.next("RUN");
    }),
  );
  f.state("RUN", () => {
    m.comb.set(issueKey, 1);
    m.if(miss.or(slot.eq(g.per - 1)), nextSegment).else(() => m.sync.set(slot, slot.add(1).trunc(g.slotBits)));
  });
  f.state("ENDQ", () =>
    m.if(endInflight.not().and(finFree), () => {
      m.comb.set(issueEnd, 1);
      m.if(qi.eq(lastRow), () => f.next("DRAIN")).else(() => {
        m.sync.set(qi, qi.add(1).trunc(g.rowBits));
        m.sync.set(sj, 0);
        f.next("RUN");
      });
    }),
  );
  f.state("DRAIN", () => m.if(finLastOut, () => f.next("IDLE")));
  m.comb.set(rdBank, bankR);
  m.comb.set(rdRow, qi);
  m.comb.set(rdSeg, sj);
  m.comb.set(rdSlot, slot);
  m.comb.set(busy, f.is("IDLE").not());

  // ---- S1: the answer; read K[t] and Q[q].
  for (const rp of kMem) m.comb.set(rp.addr, rdIndex.resize(rp.addr.width));
  for (const rp of qMem) m.comb.set(rp.addr, qBase.add(q1).resize(rp.addr.width));
  const key2 = register(m, "key2", key1.and(rdValid)), end2 = register(m, "end2", end1), last2 = register(m, "last2", last1);
  const q2 = register(m, "q2", q1), first2 = register(m, "seg_first2", slot1.eq(0)), idx2 = register(m, "idx2", rdIndex);

  // ---- S2: the exact score.
  const dot = adderTree(qMem.map((qp, d) => qp.data.mul(kMem[d].data)));
  const s3 = register(m, "score3", saturate(dot.shr(p.scoreShift), SCORE_WIDTH));
  const key3 = register(m, "key3", key2), end3 = register(m, "end3", end2), last3 = register(m, "last3", last2);
  const q3 = register(m, "q3", q2), segFirst3 = register(m, "seg_first3", first2), idx3 = register(m, "idx3", idx2);

  // ---- S3: the running max.
  const mReg = m.signal("m_run", s(SCORE_WIDTH)), haveM = m.signal("have_m", u(1));
  const rises = m.signal("rises", u(1)), isFirst = m.signal("is_first", u(1));
  m.comb.set(isFirst, haveM.not());
  m.comb.set(rises, haveM.and(s3.gt(mReg)));
  const diff = mux(rises, s3.sub(mReg), mReg.sub(s3)); // >= 0 either way
  const dWidth = SCORE_WIDTH + 1;
  const d4 = register(m, "d4", mux(isFirst, 0, diff).asUnsigned(), dWidth);
  m.if(key3, () => {
    m.sync.set(haveM, 1);
    m.if(isFirst.or(rises), () => m.sync.set(mReg, s3));
  }).elif(end3, () => m.sync.set(haveM, 0));
  const key4 = register(m, "key4", key3), end4 = register(m, "end4", end3), last4 = register(m, "last4", last3), q4 = register(m, "q4", q3);
  const rescale4 = register(m, "rescale4", rises), first4 = register(m, "first4", isFirst), segFirst4 = register(m, "seg_first4", segFirst3);
  const idx4 = register(m, "idx4", idx3);

  // ---- S4: exp (alpha on a rescale); read V[t].
  const ex = m.submodule("exp", makeExpUnit({ cfg: c, inWidth: dWidth }));
  m.comb.set(ex.port("d"), d4);
  for (const rp of vMem) m.comb.set(rp.addr, idx4.resize(rp.addr.width));
  const p5 = register(m, "p5", ex.port("p"));
  const key5 = register(m, "key5", key4), end5 = register(m, "end5", end4), last5 = register(m, "last5", last4), q5 = register(m, "q5", q4);
  const rescale5 = register(m, "rescale5", rescale4), first5 = register(m, "first5", first4), segFirst5 = register(m, "seg_first5", segFirst4);

  // ---- S5: accumulate.
  const l = m.signal("l_acc", u(g.lBits));
  const o = Array.from({ length: D }, (_, d) => m.signal(`o_acc_${d}`, s(g.accBits)));
  const one = constant(2 ** P, u(P + 1));
  const pEff = mux(first5.or(rescale5), one, p5);
  const lBase = mux(first5, 0, mux(rescale5, l.mul(p5).shr(P), l));
  m.if(key5, () => {
    m.sync.set(l, lBase.add(pEff).trunc(g.lBits));
    o.forEach((od, d) => {
      const base = mux(first5, 0, mux(rescale5, od.mul(p5).shr(P), od));
      m.sync.set(od, base.add(pEff.mul(vMem[d].data)).trunc(g.accBits));
    });
    const bump = (ctr: Signal, by: Expr | number) => m.sync.set(ctr, ctr.add(by).trunc(SUFA_COUNTER_BITS));
    bump(cnt.keys, 1);
    bump(cnt.adds, 1 + D);
    bump(cnt.muls, mux(rescale5, 1 + 2 * D, D));
    m.if(first5.not(), () => bump(cnt.exps, 1));
    m.if(rescale5, () => {
      bump(cnt.rescales, 1);
      m.if(segFirst5, () => bump(cnt.tileRescales, 1));
    });
  }).elif(end5, () => {
    m.sync.set(l, 0);
    for (const od of o) m.sync.set(od, 0);
  });

  // ---- The finaliser: reciprocal, then outMuls lanes per cycle through a shift register.
  const div = m.submodule("recip_unit", makeReciprocal({ lBits: g.lBits, recipBits: c.recipBits, qBits: g.qBits }));
  m.comb.set(div.port("start"), end5);
  m.comb.set(div.port("l"), l);
  const G = g.groups, Dp = G * g.outMuls;
  const oSnap = Array.from({ length: D }, (_, d) => m.signal(`o_snap_${d}`, s(g.accBits)));
  const res = Array.from({ length: Dp }, (_, d) => m.signal(`o_res_${d}`, s(g.outWidth)));
  const grp = m.signal("group", u(bitsFor(G)));
  const finRow = m.signal("fin_row", u(g.rowBits)), finLast = m.signal("fin_last", u(1));
  const oValidR = m.signal("o_valid_r", u(1)), doneR = m.signal("done_r", u(1));
  m.sync.set(oValidR, 0); // defaults before the FSM (later statements win)
  m.sync.set(doneR, 0);
  const fin = m.fsm("finaliser", { states: ["FIDLE", "FDIV", "FMUL"] as const, init: "FIDLE" });
  // Cycles until the finaliser is back in FIDLE: Q + 1 dividing, 1, G multiplying after an END arrives.
  const finLen = g.qBits + G + 1;
  const finLeft = m.signal("fin_left", u(bitsFor(finLen + 1)));
  m.if(end5, () => m.sync.set(finLeft, finLen)).elif(finLeft.ne(0), () => m.sync.set(finLeft, finLeft.sub(1).trunc(finLeft.width).asUnsigned()));
  m.comb.set(finFree, finLeft.le(PIPE_TO_ACC));
  fin.state("FIDLE", () =>
    m.if(end5, () => {
      oSnap.forEach((sn, d) => m.sync.set(sn, o[d]));
      m.sync.set(finRow, q5);
      m.sync.set(finLast, last5);
      fin.next("FDIV");
    }),
  );
  fin.state("FDIV", () =>
    m.if(div.port("done"), () => {
      m.sync.set(grp, 0);
      fin.next("FMUL");
    }),
  );
  const lastGroup = grp.eq(G - 1);
  fin.state("FMUL", () => {
    // Lanes 0..outMuls-1 of the snapshot are multiplied; the snapshot shifts down, results shift in at the top.
    for (let d = 0; d < D; d++) m.sync.set(oSnap[d], d + g.outMuls < D ? oSnap[d + g.outMuls] : constant(0, s(g.accBits)));
    for (let d = 0; d < Dp; d++) {
      if (d + g.outMuls < Dp) m.sync.set(res[d], res[d + g.outMuls]);
      else {
        const lane = d - (Dp - g.outMuls);
        const x = lane < D ? oSnap[lane] : constant(0, s(g.accBits));
        m.sync.set(res[d], x.mul(div.port("recip")).shr(c.recipBits - c.outBits).resize(g.outWidth));
      }
    }
    m.if(lastGroup, () => {
      m.sync.set(oValidR, 1);
      m.sync.set(doneR, finLast);
      fin.next("FIDLE");
    }).else(() => m.sync.set(grp, grp.add(1).trunc(grp.width)));
  });
  m.comb.set(finLastOut, fin.is("FMUL").and(lastGroup).and(finLast));
  m.comb.set(oValid, oValidR);
  m.comb.set(done, doneR);
  m.comb.set(oRow, finRow);
  oData.forEach((od, d) => m.comb.set(od, res[d]));

  // END tokens in flight (issue to S5): at most one, and the next waits for it (see ENDQ), so an END
  // never finds the finaliser counting down from an END it has not yet seen.
  m.if(issueEnd, () => m.sync.set(endInflight, 1)).elif(end5, () => m.sync.set(endInflight, 0));
  return m;
}
