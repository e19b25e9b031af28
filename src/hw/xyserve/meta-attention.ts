/**
 * XY-Serve's meta-attention unit (papers.md section 6): one GEMM -> softmax -> GEMM primitive for
 * every prefill, decode and verify tile, in the 2-, 3- or 4-stage pipeline, equal bit for bit to
 * metaAttention (src/golden/meta-attention.ts).
 *
 * A tile: `t_rows` query rows at positions t_start .. t_start + t_rows - 1 (Q memory rows 0 ..),
 * keys and values at positions 0 .. t_kv - 1 of the K/V memories, and for a verify tile the draft
 * tree of its last t_spec rows (memory `tree`: word a has bit b set iff draft a sees draft b).
 *
 * Jobs. Row r's keys run in whole KV blocks up to the block holding its own position; keys past
 * the row's position or past t_kv (the causal limit and the block's padding) and drafts the tree
 * hides get their scores zeroed: they enter no max, no sum and no product. The 2/3-stage pipelines
 * take one job per row; the 4-stage pipeline one job per `split` keys of a row.
 *
 * Stages, each one key per cycle, handing jobs on through banked buffers (a stage takes a job when
 * its input bank is full and its output bank free; bank full/free flags are set and cleared at
 * clock edges):
 *   QK       K[j] and Q[r] (synchronous reads), s_j = sat24(sra(sum_d Q[r][d] K[j][d], scoreShift)),
 *            the visibility bit, the job's running max; writes (visible, s) to the score buffer.
 *   softmax  p_j = visible ? expFixed(max - s_j) : 0 to the probability buffer, sum += p_j; 2/3-stage:
 *            then recip = floor(2^recipBits / sum) on the sequential divider.
 *   SV       P[j] and V[j]; 2/3-stage: y_j = floor(p_j recip / 2^(recipBits - probBits)), acc_d +=
 *            y_j v_jd, then O_d = floor(acc_d / 2^(probBits - outBits)) out; 4-stage: acc_d += p_j v_jd
 *            and (max, sum, acc) to the update stage.
 *   update   (4-stage) merges the split into the row's running state (mergeSplit: one exp of the max
 *            difference scales the side with the smaller max); after the row's last split the
 *            reciprocal, then O_d = floor(o_d recip / 2^(recipBits - outBits)) out.
 * The 2-stage (decode) pipeline has one score bank, released only after the reciprocal: QK and
 * softmax form one stage (on the vector unit, in the paper), SV the other. 3-stage: QK, softmax
 * and SV of three rows at once. Cycle counts: metaAttentionCycles (src/golden/meta-attention-timing.ts).
 *
 * Ports:
 *   in  start, t_start u(bits(kvCap)), t_rows u(bits(maxRows+1)), t_kv u(bits(kvCap+1)), t_spec u(bits(specMax+1))
 *   in  q_we/q_lane/q_addr/q_data s16, k_* s16, v_* s8 (lane memories q_l<d>, k_l<d>, v_l<d>)
 *   in  tree_we, tree_addr, tree_data u(specMax)
 *   out busy, done (with the last o_valid), o_valid, o_row u(bits(maxRows)), o_data_0..valueDim-1 s(outBits + 9)
 *   out keys, masked u32: keys scored and scores zeroed since reset
 * A start while busy is ignored; tile fields must satisfy checkTile (the testbench checks them).
 * Parameters the paper leaves open: one key per cycle per stage, headDim multipliers for QK,
 * valueDim for SV and for the 4-stage update, one exp unit per softmax and update stage.
 */
import { Expr, Module, Signal, bitsFor, cat, constant, mux, s, u } from "../../hdl/index.js";
import { DEFAULT_META } from "../../golden/meta-attention.js";
import { SCORE_WIDTH } from "../../golden/sofa.js";
import { makeExpUnit } from "../sofa/exp-unit.js";
import { makeReciprocal } from "../sofa/reciprocal.js";
import { adderTree, fit, laneMemories, larger, register, saturate } from "../datapath.js";
import { META_COUNTER_BITS, META_K_BITS, META_Q_BITS, META_V_BITS, type MetaAttentionParams, metaAttentionShape } from "./meta-attention-params.js";

/** One register per bank: `name_b<bank>`. */
function banked(m: Module, name: string, banks: number, shape: { width: number; signed: boolean }): Signal[] {
  return Array.from({ length: banks }, (_, b) => m.signal(`${name}_b${b}`, shape));
}

/** The bank register `regs[bank]` as an expression (a mux for two banks). */
function pick(regs: readonly Signal[], bank: Expr): Expr {
  return regs.length === 1 ? regs[0] : mux(bank, regs[1], regs[0]);
}

/** When `when` holds, `v` goes into the register of `regs` that `bank` selects (a job's fields into its bank). */
function writeBank(m: Module, regs: readonly Signal[], bank: Expr, when: Expr, v: Expr): void {
  regs.forEach((r, b) => m.if(when.and(bank.eq(b)), () => m.sync.set(r, v)));
}

export function makeMetaAttention(p: MetaAttentionParams): Module {
  const c = p.cfg ?? DEFAULT_META;
  const g = metaAttentionShape(p);
  const P = c.probBits, four = p.pipeline === 4, D = p.headDim, DV = p.valueDim;
  const m = new Module(`xyserve_meta_attention_p${p.pipeline}`);
  const start = m.input("start", u(1));
  const tStartIn = m.input("t_start", u(g.posBits));
  const tRowsIn = m.input("t_rows", u(g.rowsBits));
  const tKvIn = m.input("t_kv", u(g.kvLenBits));
  const tSpecIn = m.input("t_spec", u(g.specBits));
  const busy = m.output("busy", u(1)), done = m.output("done", u(1));
  const oValid = m.output("o_valid", u(1)), oRow = m.output("o_row", u(g.rowBits));
  const oData = Array.from({ length: DV }, (_, d) => m.output(`o_data_${d}`, s(g.outWidth)));
  const keysCnt = m.output("keys", u(META_COUNTER_BITS)), maskedCnt = m.output("masked", u(META_COUNTER_BITS));

  const qMem = laneMemories(m, "q", META_Q_BITS, p.maxRows, D);
  const kMem = laneMemories(m, "k", META_K_BITS, p.kvCap, D);
  const vMem = laneMemories(m, "v", META_V_BITS, p.kvCap, DV);
  const tree = m.memory({ name: "tree", shape: u(p.specMax), depth: p.specMax });
  {
    const wp = tree.writePort();
    m.comb.set(wp.en, m.input("tree_we", u(1)));
    m.comb.set(wp.addr, m.input("tree_addr", u(bitsFor(p.specMax))).resize(wp.addr.width));
    m.comb.set(wp.data, m.input("tree_data", u(p.specMax)));
  }
  const treeRead = tree.readPort(); // combinational: the row's draft word while its keys issue

  // The tile, sampled at start.
  const tStart = m.signal("t_start_r", u(g.posBits)), tRows = m.signal("t_rows_r", u(g.rowsBits));
  const tKv = m.signal("t_kv_r", u(g.kvLenBits)), tSpec = m.signal("t_spec_r", u(g.specBits));
  const outCount = m.signal("out_count", u(g.rowsBits));
  const running = m.signal("running", u(1));
  m.if(start.and(running.not()), () => {
    m.sync.set(tStart, tStartIn);
    m.sync.set(tRows, tRowsIn);
    m.sync.set(tKv, tKvIn);
    m.sync.set(tSpec, tSpecIn);
    m.sync.set(outCount, 0);
    m.sync.set(running, 1);
  });
  const launch = start.and(running.not());

  // ---------------------------------------------------------------- buffers between the stages
  const sFull = banked(m, "s_full", g.sBanks, u(1));
  const sMax = banked(m, "s_max", g.sBanks, s(SCORE_WIDTH)), sAny = banked(m, "s_any", g.sBanks, u(1));
  const sLen = banked(m, "s_len", g.sBanks, u(g.jobLenBits)), sLo = banked(m, "s_lo", g.sBanks, u(g.posBits));
  const sRow = banked(m, "s_row", g.sBanks, u(g.rowBits)), sLast = banked(m, "s_last", g.sBanks, u(1));
  const scores = m.memory({ name: "scores", shape: u(SCORE_WIDTH + 1), depth: g.sBanks * g.jobMax });
  const sWrite = scores.writePort(), sRead = scores.readPort({ domain: "sync" });
  const pFull = banked(m, "p_full", 2, u(1));
  const pMax = banked(m, "p_max", 2, s(SCORE_WIDTH)), pAny = banked(m, "p_any", 2, u(1));
  const pSum = banked(m, "p_sum", 2, u(g.sumBits)), pRecip = banked(m, "p_recip", 2, u(g.qBits));
  const pLen = banked(m, "p_len", 2, u(g.jobLenBits)), pLo = banked(m, "p_lo", 2, u(g.posBits));
  const pRow = banked(m, "p_row", 2, u(g.rowBits)), pLast = banked(m, "p_last", 2, u(1));
  const probs = m.memory({ name: "probs", shape: u(g.probWidth), depth: 2 * g.jobMax });
  const pWrite = probs.writePort(), pRead = probs.readPort({ domain: "sync" });
  const bankAddr = (bank: Expr, off: Expr, width: number) => mux(bank, off.resize(width).add(g.jobMax), off.resize(width)).trunc(width);

  /** Set/clear of a full flag by its producer and consumer (they never touch one bank in one cycle). */
  const flagUpdates = (flags: Signal[], setBank: Expr, set: Expr, clrBank: Expr, clr: Expr) =>
    flags.forEach((f, b) => {
      m.if(set.and(setBank.eq(b)), () => m.sync.set(f, 1)).elif(clr.and(clrBank.eq(b)), () => m.sync.set(f, 0));
    });

  // ---------------------------------------------------------------- QK
  const qk = m.fsm("qk", { states: ["IDLE", "WAIT", "RUN", "DRAIN"] as const, init: "IDLE" });
  const aRow = m.signal("a_row", u(g.rowBits)), aLo = m.signal("a_lo", u(g.posBits));
  const aJ = m.signal("a_j", u(g.kvLenBits)), aHi = m.signal("a_hi", u(g.kvLenBits));
  const aBank = m.signal("a_bank", u(1)), aMax = m.signal("a_max", s(SCORE_WIDTH)), aAny = m.signal("a_any", u(1));
  const pos = tStart.add(aRow).trunc(g.kvLenBits);
  // The end of the row's keys: the end of the KV block holding its position.
  const rowEnd = pos.or(p.kvBlock - 1).add(1).trunc(g.kvLenBits + 1);
  const jobEnd = four ? mux(aLo.add(p.split).lt(rowEnd), aLo.add(p.split), rowEnd).trunc(g.kvLenBits + 1) : rowEnd;
  const lastJobOfRow = four ? aLo.add(p.split).ge(rowEnd) : constant(1, u(1));
  // Visibility of key aJ to row aRow.
  const draftRow = tRows.sub(tSpec).trunc(g.rowsBits).asUnsigned(), firstDraft = tKv.sub(tSpec).trunc(g.kvLenBits).asUnsigned();
  m.comb.set(treeRead.addr, fit(aRow.sub(draftRow), treeRead.addr.width).asUnsigned());
  const treeBit = treeRead.data.shr(fit(aJ.sub(firstDraft), bitsFor(p.specMax) + 1).asUnsigned()).bit(0);
  const hidden = tSpec.ne(0).and(aRow.ge(draftRow)).and(aJ.ge(firstDraft)).and(treeBit.not());
  const visible = aJ.le(pos).and(aJ.lt(tKv)).and(hidden.not());
  const issue = qk.is("RUN");
  for (const rp of kMem) m.comb.set(rp.addr, aJ.resize(rp.addr.width));
  for (const rp of qMem) m.comb.set(rp.addr, aRow.resize(rp.addr.width));
  // One cycle later the key lands.
  const land1 = register(m, "qk_land", issue), vis1 = register(m, "qk_vis", visible);
  const off1 = register(m, "qk_off", aJ.sub(aLo).trunc(g.offBits).asUnsigned());
  const dot = adderTree(qMem.map((qp, d) => qp.data.mul(kMem[d].data)));
  const score = saturate(dot.shr(c.scoreShift), SCORE_WIDTH);
  const newMax = vis1.and(aAny.not().or(score.gt(aMax)));
  const aMaxNext = mux(newMax, score, aMax), aAnyNext = aAny.or(vis1);
  m.comb.set(sWrite.en, land1);
  m.comb.set(sWrite.addr, g.sBanks === 1 ? off1.resize(sWrite.addr.width) : bankAddr(aBank, off1, sWrite.addr.width));
  m.comb.set(sWrite.data, cat(vis1, score.asUnsigned()));
  m.if(land1, () => {
    m.sync.set(aMax, aMaxNext);
    m.sync.set(aAny, aAnyNext);
    m.sync.set(keysCnt, keysCnt.add(1).trunc(META_COUNTER_BITS));
    m.if(vis1.not(), () => m.sync.set(maskedCnt, maskedCnt.add(1).trunc(META_COUNTER_BITS)));
  });
  const sPublish = qk.is("DRAIN");
  qk.state("IDLE", () =>
    m.if(launch, () => {
      m.sync.set(aRow, 0);
      m.sync.set(aLo, 0);
      qk.next("WAIT");
    }),
  );
  qk.state("WAIT", () =>
    m.if(pick(sFull, aBank).not(), () => {
      m.sync.set(aJ, aLo);
      m.sync.set(aHi, jobEnd.trunc(g.kvLenBits));
      m.sync.set(aAny, 0);
      qk.next("RUN");
    }),
  );
  qk.state("RUN", () => {
    m.sync.set(aJ, aJ.add(1).trunc(g.kvLenBits));
    m.if(aJ.add(1).eq(aHi), () => qk.next("DRAIN"));
  });
  qk.state("DRAIN", () => {
    // The last key lands now: the job's max and length go with the bank.
    const always = constant(1, u(1));
    writeBank(m, sMax, aBank, always, aMaxNext);
    writeBank(m, sAny, aBank, always, aAnyNext);
    writeBank(m, sLen, aBank, always, aHi.sub(aLo).trunc(g.jobLenBits).asUnsigned());
    writeBank(m, sLo, aBank, always, aLo);
    writeBank(m, sRow, aBank, always, aRow);
    writeBank(m, sLast, aBank, always, lastJobOfRow);
    if (g.sBanks === 2) m.sync.set(aBank, aBank.not());
    m.if(lastJobOfRow, () => {
      m.sync.set(aLo, 0);
      m.if(aRow.add(1).eq(tRows), () => qk.next("IDLE")).else(() => {
        m.sync.set(aRow, aRow.add(1).trunc(g.rowBits));
        qk.next("WAIT");
      });
    }).else(() => {
      m.sync.set(aLo, aLo.add(p.split).trunc(g.posBits));
      qk.next("WAIT");
    });
  });

  // ---------------------------------------------------------------- softmax
  const sm = m.fsm("softmax", { states: ["IDLE", "RUN", "DRAIN", "RECIP"] as const, init: "IDLE" });
  const bBank = m.signal("b_bank", u(1)), bPBank = m.signal("b_pbank", u(1));
  const bOff = m.signal("b_off", u(g.jobLenBits)), bLen = m.signal("b_len", u(g.jobLenBits));
  const bMax = m.signal("b_max", s(SCORE_WIDTH)), bSum = m.signal("b_sum", u(g.sumBits));
  const bRelease = m.signal("b_release", u(1)), bPublish = m.signal("b_publish", u(1));
  m.comb.set(sRead.addr, g.sBanks === 1 ? bOff.resize(sRead.addr.width) : bankAddr(bBank, bOff, sRead.addr.width));
  const bLand = register(m, "sm_land", sm.is("RUN")), bOff1 = register(m, "sm_off", bOff.trunc(g.offBits));
  const sVis = sRead.data.bit(SCORE_WIDTH), sScore = sRead.data.slice(SCORE_WIDTH - 1, 0).asSigned();
  const dWidth = SCORE_WIDTH + 1;
  const smExp = m.submodule("sm_exp", makeExpUnit({ cfg: c, inWidth: dWidth }));
  m.comb.set(smExp.port("d"), mux(sVis, bMax.sub(sScore), 0).trunc(dWidth).asUnsigned());
  const prob = mux(sVis, smExp.port("p"), 0).resize(g.probWidth);
  const bSumNext = bSum.add(mux(bLand, prob, 0)).trunc(g.sumBits);
  m.comb.set(pWrite.en, bLand);
  m.comb.set(pWrite.addr, bankAddr(bPBank, bOff1, pWrite.addr.width));
  m.comb.set(pWrite.data, prob);
  m.if(bLand, () => m.sync.set(bSum, bSumNext));
  const smDiv = four ? undefined : m.submodule("sm_recip", makeReciprocal({ lBits: g.sumBits, recipBits: c.recipBits, qBits: g.qBits }));
  if (smDiv) {
    m.comb.set(smDiv.port("start"), sm.is("DRAIN"));
    m.comb.set(smDiv.port("l"), bSumNext);
  }
  sm.state("IDLE", () =>
    m.if(pick(sFull, bBank).and(pick(pFull, bPBank).not()), () => {
      m.sync.set(bOff, 0);
      m.sync.set(bLen, pick(sLen, bBank));
      m.sync.set(bMax, pick(sMax, bBank));
      m.sync.set(bSum, 0);
      sm.next("RUN");
    }),
  );
  sm.state("RUN", () => {
    m.sync.set(bOff, bOff.add(1).trunc(g.jobLenBits));
    m.if(bOff.add(1).eq(bLen), () => sm.next("DRAIN"));
  });
  sm.state("DRAIN", () => {
    if (p.pipeline === 3) m.comb.set(bRelease, 1);
    if (four) {
      m.comb.set(bRelease, 1);
      m.comb.set(bPublish, 1);
      sm.next("IDLE");
    } else sm.next("RECIP");
  });
  if (smDiv) {
    sm.state("RECIP", () =>
      m.if(smDiv.port("done"), () => {
        m.comb.set(bPublish, 1);
        if (p.pipeline === 2) m.comb.set(bRelease, 1);
        sm.next("IDLE");
      }),
    );
  }
  // Publishing the probabilities copies the job's fields from its score bank (still held: the
  // 3-stage pipeline releases it at DRAIN, so its fields are copied there, into the b_* registers).
  const bRow = m.signal("b_row", u(g.rowBits)), bLo = m.signal("b_lo", u(g.posBits)), bLast = m.signal("b_last", u(1)), bAny = m.signal("b_any", u(1));
  m.if(sm.is("IDLE"), () => {
    m.sync.set(bRow, pick(sRow, bBank));
    m.sync.set(bLo, pick(sLo, bBank));
    m.sync.set(bLast, pick(sLast, bBank));
    m.sync.set(bAny, pick(sAny, bBank));
  });
  const publishP = (regs: Signal[], v: Expr) => writeBank(m, regs, bPBank, bPublish, v);
  publishP(pMax, bMax);
  publishP(pAny, bAny);
  publishP(pSum, four ? bSumNext : bSum);
  if (smDiv) publishP(pRecip, smDiv.port("recip"));
  publishP(pLen, bLen);
  publishP(pLo, bLo);
  publishP(pRow, bRow);
  publishP(pLast, bLast);
  if (g.sBanks === 2) m.if(bRelease, () => m.sync.set(bBank, bBank.not()));
  m.if(bPublish, () => m.sync.set(bPBank, bPBank.not()));
  flagUpdates(sFull, aBank, sPublish, bBank, bRelease);

  // ---------------------------------------------------------------- SV
  const sv = m.fsm("sv", { states: ["IDLE", "RUN", "DRAIN", "FIN"] as const, init: "IDLE" });
  const cBank = m.signal("c_bank", u(1)), cOff = m.signal("c_off", u(g.jobLenBits)), cLen = m.signal("c_len", u(g.jobLenBits));
  const cLo = m.signal("c_lo", u(g.posBits)), cRecip = m.signal("c_recip", u(g.qBits));
  const cRow = m.signal("c_row", u(g.rowBits)), cLast = m.signal("c_last", u(1)), cAny = m.signal("c_any", u(1));
  const cMax = m.signal("c_max", s(SCORE_WIDTH)), cSum = m.signal("c_sum", u(g.sumBits));
  const acc = Array.from({ length: DV }, (_, d) => m.signal(`sv_acc_${d}`, s(g.accBits)));
  m.comb.set(pRead.addr, bankAddr(cBank, cOff, pRead.addr.width));
  for (const rp of vMem) m.comb.set(rp.addr, cLo.add(cOff).resize(rp.addr.width));
  const cLand = register(m, "sv_land", sv.is("RUN"));
  // 2/3-stage: the probability y = floor(p recip / 2^(recipBits - probBits)) <= 1.0; 4-stage: the exp p.
  const weight = (four ? pRead.data : pRead.data.mul(cRecip).shr(c.recipBits - P).resize(g.probWidth)).resize(g.probWidth + 1).asSigned();
  m.if(cLand, () => acc.forEach((a, d) => m.sync.set(a, a.add(weight.mul(vMem[d].data)).trunc(g.accBits))));
  // 4-stage: the split's (max, sum, acc) wait in a bank for the update stage.
  const oFull = banked(m, "o_full", 2, u(1)), cOBank = m.signal("c_obank", u(1));
  const oMax = banked(m, "o_max", 2, s(SCORE_WIDTH)), oAny = banked(m, "o_any", 2, u(1)), oSum = banked(m, "o_sum", 2, u(g.sumBits));
  const oRowB = banked(m, "o_rowb", 2, u(g.rowBits)), oLast = banked(m, "o_last", 2, u(1));
  const oAcc = Array.from({ length: DV }, (_, d) => banked(m, `o_acc_${d}`, 2, s(g.accBits)));
  const cFree = four ? pick(oFull, cOBank).not() : constant(1, u(1));
  sv.state("IDLE", () =>
    m.if(pick(pFull, cBank).and(cFree), () => {
      m.sync.set(cOff, 0);
      m.sync.set(cLen, pick(pLen, cBank));
      m.sync.set(cLo, pick(pLo, cBank));
      m.sync.set(cRecip, pick(pRecip, cBank));
      m.sync.set(cRow, pick(pRow, cBank));
      m.sync.set(cLast, pick(pLast, cBank));
      m.sync.set(cAny, pick(pAny, cBank));
      m.sync.set(cMax, pick(pMax, cBank));
      m.sync.set(cSum, pick(pSum, cBank));
      for (const a of acc) m.sync.set(a, 0);
      sv.next("RUN");
    }),
  );
  sv.state("RUN", () => {
    m.sync.set(cOff, cOff.add(1).trunc(g.jobLenBits));
    m.if(cOff.add(1).eq(cLen), () => sv.next("DRAIN"));
  });
  const cRelease = sv.is("DRAIN"), cPublish = four ? sv.is("FIN") : constant(0, u(1));
  sv.state("DRAIN", () => {
    m.sync.set(cBank, cBank.not());
    sv.next("FIN");
  });
  sv.state("FIN", () => sv.next("IDLE"));
  // The bank flips at the edge that clears its flag, so the clear names the bank before the flip.
  flagUpdates(pFull, bPBank, bPublish, cBank, cRelease);

  const outValid = m.signal("out_valid", u(1)), outRow = m.signal("out_row", u(g.rowBits));
  const outData = Array.from({ length: DV }, (_, d) => m.signal(`out_data_${d}`, s(g.outWidth)));
  if (!four) {
    m.comb.set(outValid, sv.is("FIN"));
    m.comb.set(outRow, cRow);
    outData.forEach((o, d) => m.comb.set(o, acc[d].shr(P - c.outBits).resize(g.outWidth)));
  } else {
    const put = (regs: Signal[], v: Expr) => writeBank(m, regs, cOBank, cPublish, v);
    put(oMax, cMax);
    put(oAny, cAny);
    put(oSum, cSum);
    put(oRowB, cRow);
    put(oLast, cLast);
    oAcc.forEach((regs, d) => put(regs, acc[d]));
    m.if(cPublish, () => m.sync.set(cOBank, cOBank.not()));

    // ------------------------------------------------------------ update (4-stage)
    const up = m.fsm("update", { states: ["IDLE", "MERGE", "RECIP", "OUT"] as const, init: "IDLE" });
    const dBank = m.signal("d_bank", u(1)), have = m.signal("have", u(1));
    const runMax = m.signal("run_max", s(SCORE_WIDTH)), runSum = m.signal("run_sum", u(g.sumBits));
    const runAcc = Array.from({ length: DV }, (_, d) => m.signal(`run_acc_${d}`, s(g.accBits)));
    const dRow = m.signal("d_row", u(g.rowBits));
    const partMax = pick(oMax, dBank), partSum = pick(oSum, dBank), partAny = pick(oAny, dBank);
    const partAcc = oAcc.map((regs) => pick(regs, dBank));
    const rises = partMax.gt(runMax);
    const upExp = m.submodule("up_exp", makeExpUnit({ cfg: c, inWidth: dWidth }));
    m.comb.set(upExp.port("d"), mux(rises, partMax.sub(runMax), runMax.sub(partMax)).trunc(dWidth).asUnsigned());
    const e = upExp.port("p");
    const scale = (x: Expr) => x.mul(e).shr(P);
    const fresh = have.not();
    const sumNext = mux(fresh, partSum, mux(rises, scale(runSum).add(partSum), runSum.add(scale(partSum)))).trunc(g.sumBits);
    const merging = up.is("MERGE").and(partAny);
    m.if(merging, () => {
      m.sync.set(have, 1);
      m.sync.set(runMax, mux(fresh, partMax, larger(partMax, runMax)).trunc(SCORE_WIDTH));
      m.sync.set(runSum, sumNext);
      runAcc.forEach((r, d) => m.sync.set(r, mux(fresh, partAcc[d], mux(rises, scale(r).add(partAcc[d]), r.add(scale(partAcc[d])))).trunc(g.accBits)));
    });
    const upDiv = m.submodule("up_recip", makeReciprocal({ lBits: g.sumBits, recipBits: c.recipBits, qBits: g.qBits }));
    const partLast = pick(oLast, dBank);
    m.comb.set(upDiv.port("start"), up.is("MERGE").and(partLast));
    m.comb.set(upDiv.port("l"), mux(partAny, sumNext, runSum));
    up.state("IDLE", () => m.if(pick(oFull, dBank), () => up.next("MERGE")));
    up.state("MERGE", () => {
      m.sync.set(dBank, dBank.not());
      m.sync.set(dRow, pick(oRowB, dBank));
      m.if(partLast, () => up.next("RECIP")).else(() => up.next("IDLE"));
    });
    up.state("RECIP", () => m.if(upDiv.port("done"), () => up.next("OUT")));
    up.state("OUT", () => {
      m.sync.set(have, 0);
      up.next("IDLE");
    });
    flagUpdates(oFull, cOBank, cPublish, dBank, up.is("MERGE"));
    m.comb.set(outValid, up.is("OUT"));
    m.comb.set(outRow, dRow);
    outData.forEach((o, d) => m.comb.set(o, runAcc[d].mul(upDiv.port("recip")).shr(c.recipBits - c.outBits).resize(g.outWidth)));
  }

  // ---------------------------------------------------------------- outputs
  const lastOut = outValid.and(outCount.add(1).eq(tRows));
  m.if(outValid, () => m.sync.set(outCount, outCount.add(1).trunc(g.rowsBits)));
  m.if(lastOut, () => m.sync.set(running, 0));
  m.comb.set(oValid, outValid);
  m.comb.set(oRow, outRow);
  oData.forEach((o, d) => m.comb.set(o, outData[d]));
  m.comb.set(done, lastOut);
  m.comb.set(busy, running);
  return m;
}
