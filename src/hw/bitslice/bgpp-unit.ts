/**
 * The BGPP unit (papers.md section 4): bit-grained progressive prediction of the keys one query
 * attends to. Parameters, bank layout and the defaults the paper leaves open: bgpp-params.ts.
 *
 * Keys live as bit-planes in `units` banks (key i in bank i mod units, local index
 * j = floor(i / units)); unit b (an inner-product unit, bgpp-ipu.ts) works on bank b only. A run
 * (pulse `start`) does rounds r = 1..R, each of
 *   score pass  every bank walks its alive keys in ascending order, one per cycle (round 1: local
 *               indices 0..size-1; later rounds: its compacted alive list): fetch magnitude
 *               plane 8 - r (round 1 also the sign plane, kept in the sign buffer for later
 *               rounds), AND-based adder tree against the query's bit-planes, partial score
 *               += sum << (7 - r) written back; running max and min per bank.
 *               Pipeline: S0 list read, S1 plane / sign / score reads, S2 adder tree, S3 score.
 *   threshold   one cycle: max and min over the banks, thr = 10 max - alphaTenths_r radius
 *               (exactly the golden comparison, in tenths), and the clipping gate: when
 *               10 min >= thr every key survives (always so with radius none) and the clip pass
 *               is skipped, as the paper clock-gates its clipping module.
 *   clip pass   (unless gated) every bank walks its alive keys again: keep = 10 score >= thr;
 *               survivors are written back into the bank's list in place (ascending), and the
 *               survivor mask bit of every alive key is written.
 *   round end   one cycle: per-bank counts := survivors, the round record is output.
 * So the alive list is compacted per round, per bank; a pass takes M_r + 3 cycles, M_r the most
 * alive keys any one bank holds in round r.
 *
 * Cycles (golden/bitslice-bgpp-timing.ts, held to this RTL by the tests), counting the edge that
 * samples start as cycle 0: round r's score pass issues slot 0 at T_r (T_1 = 1); bank b's k-th
 * alive key (ascending) is on ps_* at T_r + k + 3; the threshold cycle is T_r + M_r + 3; unless
 * gated, the clip pass issues slot 0 at C_r = T_r + M_r + 4 and the k-th decision is on dec_* at
 * C_r + k + 3; round_valid is at T_(r+1) = T_r + 2 M_r + 8 (gated: T_r + M_r + 5). done is at
 * T_(R+1) = 1 + sum_r (2 M_r + 8, or M_r + 5 when gated).
 *
 * Ports:
 *   start u1                          sampled while idle; ignored while busy
 *   busy u1                           cycles 1 .. T_(R+1) - 1 (low again with done)
 *   done u1                           one-cycle pulse at T_(R+1), with the last round_valid
 *   q_we u1, q_addr u(bitsFor(ceil(D/8))), q_data u32
 *                                     query write, 1 cycle, ignored while busy: elements
 *                                     8 q_addr + e (e = 0..7) from q_data[4e+3:4e] (int4);
 *                                     elements >= D ignored
 *   k_we u1, k_bank u(bitsFor(units)), k_pos u4, k_index u(indexBits), k_data u(D)
 *                                     key-plane write, 1 cycle (write while idle): position k_pos
 *                                     (1..7 magnitude, 1 = LSB; 8 = sign, 1 = negative) of key
 *                                     k_index * units + k_bank; bit d = element d
 *   mask_addr u(indexBits) -> mask_data u(units)
 *                                     survivor mask, synchronous read (data the cycle after the
 *                                     address): bit b = key mask_addr * units + b. After done, 1
 *                                     exactly for the final survivors (padding slots undefined);
 *                                     during a run, round 1's score pass sets every key and each
 *                                     clip pass writes its decisions.
 *   ps_valid u(units)                 bit b: bank b's partial score is on key_b / score_b
 *   dec_valid u(units), dec_keep u(units)
 *                                     bit b: bank b's clipping decision for key_b (score_b: the
 *                                     score compared)
 *   key_<b> u(bitsFor(N)), score_<b> s(scoreBits)   (comb from the S3 registers)
 *   round_valid u1                    one-cycle pulse at the end of each round, with (held until
 *                                     the next round's) round_idx u3 (1..R), round_max
 *                                     s(scoreBits), round_count u(bitsFor(N+1)) (survivors),
 *                                     round_gated u1 (clip pass skipped: every alive key survived)
 *   k_bits_fetched u40                key-plane bits read from the K banks since start
 *                                     (= golden kBitsFetched at done; held until the next start)
 * scoreBits = signedBits(8 * 127 * D) (17 at D = 64).
 */
import { Expr, Module, Signal, bitsFor, cat, constant, mux, s, u } from "../../hdl/index.js";
import { popcount } from "../sofa/dlzs-array.js";
import { Q_PLANE_WEIGHTS, makeBgppIpu, sumTree } from "./bgpp-ipu.js";
import {
  BgppUnitParams, FETCH_COUNTER_BITS, Q_PER_WORD, SIGN_POS, bgppGeometry, kMagMem, kSignMem, listMem, maskMem, scoreMem, signBufMem,
} from "./bgpp-params.js";

export interface BgppUnitPorts {
  readonly module: Module;
  readonly start: Signal;
  readonly busy: Signal;
  readonly done: Signal;
  readonly psValid: Signal;
  readonly decValid: Signal;
  readonly decKeep: Signal;
  readonly key: Signal[];
  readonly score: Signal[];
  readonly roundValid: Signal;
  readonly roundIdx: Signal;
  readonly roundMax: Signal;
  readonly roundCount: Signal;
  readonly roundGated: Signal;
  readonly kBitsFetched: Signal;
  readonly maskData: Signal;
}

/** `e` as exactly `w` unsigned bits (values here always fit). */
function fit(e: Expr, w: number): Expr {
  return e.asUnsigned().resize(w);
}

interface Seen {
  readonly valid: Expr;
  readonly value: Expr;
}

/** The largest (better = gt) or smallest (better = lt) valid value of `items`, as a balanced tree. */
function bestTree(items: readonly Seen[], better: (a: Expr, b: Expr) => Expr): Seen {
  let level = [...items];
  while (level.length > 1) {
    const next: Seen[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      const a = level[i], b = level[i + 1];
      const takeB = b.valid.and(a.valid.not().or(better(b.value, a.value)));
      next.push({ valid: a.valid.or(b.valid), value: mux(takeB, b.value, a.value) });
    }
    if (level.length % 2) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

/** 10 x, as the shift-add 8x + 2x, in `w` signed bits. */
function times10(x: Expr, w: number): Expr {
  return x.shl(3).add(x.shl(1)).resize(w);
}

export function makeBgppUnit(p: BgppUnitParams): BgppUnitPorts {
  const g = bgppGeometry(p);
  const U = p.units, D = p.headDim, L = g.perBank;
  const m = new Module("bgpp_unit");

  // ---- ports
  const start = m.input("start", u(1));
  const qWe = m.input("q_we", u(1)), qAddr = m.input("q_addr", u(bitsFor(g.qWords))), qData = m.input("q_data", u(32));
  const kWe = m.input("k_we", u(1)), kBank = m.input("k_bank", u(bitsFor(U))), kPos = m.input("k_pos", u(4));
  const kIndex = m.input("k_index", u(g.indexBits)), kData = m.input("k_data", u(D));
  const maskAddr = m.input("mask_addr", u(g.indexBits));
  const busy = m.output("busy", u(1)), done = m.output("done", u(1));
  const psValid = m.output("ps_valid", u(U)), decValid = m.output("dec_valid", u(U)), decKeep = m.output("dec_keep", u(U));
  const key = Array.from({ length: U }, (_, b) => m.output(`key_${b}`, u(g.keyBits)));
  const score = Array.from({ length: U }, (_, b) => m.output(`score_${b}`, s(g.scoreBits)));
  const roundValid = m.output("round_valid", u(1)), roundIdx = m.output("round_idx", u(3));
  const roundMax = m.output("round_max", s(g.scoreBits)), roundCount = m.output("round_count", u(bitsFor(p.seqLen + 1)));
  const roundGated = m.output("round_gated", u(1));
  const kBitsFetched = m.output("k_bits_fetched", u(FETCH_COUNTER_BITS));
  const maskData = m.output("mask_data", u(U));

  // ---- control state
  const f = m.fsm("ctrl", { states: ["IDLE", "SCORE", "THRESH", "CLIP", "ENDR"] as const, init: "IDLE" });
  const idle = f.is("IDLE"), scoring = f.is("SCORE"), clipping = f.is("CLIP");
  m.comb.set(busy, idle.not());
  const round = m.signal("round", u(3));
  const firstRound = round.eq(1);
  // The lists hold nothing yet: walk local indices 0..size-1 (round 1, and after gated rounds
  // that never rewrote them).
  const identity = m.signal("list_identity", u(1));
  const planeBase = m.signal("plane_base", u(bitsFor(7 * L))); // (r - 1) L: plane 8 - r in k_mag
  const shamt = m.signal("plane_shift", u(3)); // 7 - r: the plane's weight 2^(pos - 1)
  const stepBits = Math.max(1, Math.ceil(Math.log2(L + 3)));
  const step = m.signal("step", u(stepBits)); // issue slot of the current pass
  const most = m.signal("most_alive", u(g.countBits)); // M: the fullest bank's alive count
  const cnt = Array.from({ length: U }, (_, b) => m.signal(`alive_count_b${b}`, u(g.countBits)));
  const kept = Array.from({ length: U }, (_, b) => m.signal(`kept_b${b}`, u(g.countBits)));
  const thr = m.signal("threshold10", s(g.thrBits)), gated = m.signal("clip_gated", u(1));
  const gmaxR = m.signal("round_max_r", s(g.scoreBits));
  const passEnd = step.eq(most.add(2));

  // ---- the query as its 4 bit-planes (written only while idle: the passes read them)
  const qPlane = Q_PLANE_WEIGHTS.map((_, k) => m.signal(`q_plane_${k}`, u(D)));
  m.if(qWe.and(idle), () => {
    for (let a = 0; a < g.qWords; a++) {
      const lo = a * Q_PER_WORD, n = Math.min(Q_PER_WORD, D - lo);
      m.if(qAddr.eq(a), () => {
        qPlane.forEach((pl, k) => m.sync.set(pl.slice(lo + n - 1, lo), cat(...Array.from({ length: n }, (_, e) => qData.bit(4 * e + k)).reverse())));
      });
    }
  });

  // ---- pipeline registers shared by the banks: S1 carries the issue slot
  const c1 = m.signal("s1_slot", u(g.indexBits));
  m.sync.set(c1, step.resize(g.indexBits));

  const bankMax: Seen[] = [], bankMin: Seen[] = [];
  const v1All: Expr[] = [], v3s: Expr[] = [], keeps: Expr[] = [], maskRd: Expr[] = [];
  for (let b = 0; b < U; b++) {
    const kWeB = kWe.and(kBank.eq(b));
    // K storage: the sign plane, and the 7 magnitude planes (position pos at (7 - pos) L + j).
    const kSign = m.memory({ name: kSignMem(b), shape: u(D), depth: L });
    const kMag = m.memory({ name: kMagMem(b), shape: u(D), depth: 7 * L });
    const signBuf = m.memory({ name: signBufMem(b), shape: u(D), depth: L });
    const scores = m.memory({ name: scoreMem(b), shape: s(g.scoreBits), depth: L });
    const list = m.memory({ name: listMem(b), shape: u(g.indexBits), depth: L });
    const mask = m.memory({ name: maskMem(b), shape: u(1), depth: L });
    const kSignW = kSign.writePort(), kMagW = kMag.writePort();
    m.comb.set(kSignW.en, kWeB.and(kPos.eq(SIGN_POS)));
    m.comb.set(kSignW.addr, kIndex);
    m.comb.set(kSignW.data, kData);
    m.comb.set(kMagW.en, kWeB.and(kPos.ge(1)).and(kPos.le(7)));
    m.comb.set(kMagW.addr, fit(constant(7, u(4)).sub(kPos).asUnsigned().trunc(3).mul(L).add(kIndex), kMagW.addr.width));
    m.comb.set(kMagW.data, kData);

    // S0: issue slot `step` of this bank's alive keys; the list read.
    const issue = scoring.or(clipping).and(step.lt(cnt[b]));
    const listR = list.readPort({ domain: "sync" });
    m.comb.set(listR.addr, step.resize(g.indexBits));
    const v1 = m.signal(`s1_valid_b${b}`, u(1));
    m.sync.set(v1, issue);
    v1All.push(v1);

    // S1: the local index; plane, sign and score reads (the K reads only when fetched, so
    // nothing else counts as fetched).
    const j1 = mux(identity, c1, listR.data);
    const kSignR = kSign.readPort({ domain: "sync" }), kMagR = kMag.readPort({ domain: "sync" });
    const signBufR = signBuf.readPort({ domain: "sync" }), scoreR = scores.readPort({ domain: "sync" });
    m.comb.set(kSignR.addr, j1);
    m.comb.set(kSignR.en, v1.and(scoring).and(firstRound));
    m.comb.set(kMagR.addr, fit(planeBase.add(j1), kMagR.addr.width));
    m.comb.set(kMagR.en, v1.and(scoring));
    m.comb.set(signBufR.addr, j1);
    m.comb.set(scoreR.addr, j1);
    const v2 = m.signal(`s2_valid_b${b}`, u(1)), j2 = m.signal(`s2_index_b${b}`, u(g.indexBits));
    m.sync.set(v2, v1);
    m.sync.set(j2, j1);

    // S2: the sign decision and adder tree (round 1 also files the sign plane in the buffer).
    const signWord = mux(firstRound, kSignR.data, signBufR.data);
    const signBufW = signBuf.writePort();
    m.comb.set(signBufW.en, v2.and(scoring).and(firstRound));
    m.comb.set(signBufW.addr, j2);
    m.comb.set(signBufW.data, kSignR.data);
    const ipu = makeBgppIpu(D);
    m.submodule(`ipu_b${b}`, ipu.module);
    qPlane.forEach((pl, k) => m.comb.set(ipu.qPlane[k], pl));
    m.comb.set(ipu.sign, signWord);
    m.comb.set(ipu.bits, kMagR.data);
    const v3 = m.signal(`s3_valid_b${b}`, u(1)), j3 = m.signal(`s3_index_b${b}`, u(g.indexBits));
    const old3 = m.signal(`s3_score_b${b}`, s(g.scoreBits)), sum3 = m.signal(`s3_plane_sum_b${b}`, s(g.planeSumBits));
    m.sync.set(v3, v2);
    m.sync.set(j3, j2);
    m.sync.set(old3, mux(scoring.and(firstRound), 0, scoreR.data)); // round 1 starts from 0
    m.sync.set(sum3, ipu.sum);

    // S3: the new partial score (score pass) or the clipping decision (clip pass).
    const newScore = old3.add(sum3.shl(shamt)).resize(g.scoreBits); // |q . truncatedKey| <= 8 127 D
    const keep = times10(old3, g.thrBits).ge(thr);
    const scoreW = scores.writePort(), listW = list.writePort(), maskW = mask.writePort();
    m.comb.set(scoreW.en, v3.and(scoring));
    m.comb.set(scoreW.addr, j3);
    m.comb.set(scoreW.data, newScore);
    m.comb.set(listW.en, v3.and(clipping).and(keep));
    m.comb.set(listW.addr, kept[b].resize(g.indexBits));
    m.comb.set(listW.data, j3);
    m.comb.set(maskW.en, v3.and(clipping.or(scoring.and(firstRound)))); // round 1: every key alive
    m.comb.set(maskW.addr, j3);
    m.comb.set(maskW.data, mux(clipping, keep, 1));
    m.if(v3.and(clipping).and(keep), () => m.sync.set(kept[b], fit(kept[b].add(1), g.countBits)));
    m.comb.set(key[b], fit(j3.mul(U).add(b), g.keyBits));
    m.comb.set(score[b], mux(scoring, newScore, old3));

    // The bank's running max and min of this round's scores.
    const seen = m.signal(`seen_b${b}`, u(1));
    const bmax = m.signal(`max_b${b}`, s(g.scoreBits)), bmin = m.signal(`min_b${b}`, s(g.scoreBits));
    m.if(v3.and(scoring), () => {
      m.sync.set(seen, 1);
      m.if(seen.not().or(newScore.gt(bmax)), () => m.sync.set(bmax, newScore));
      m.if(seen.not().or(newScore.lt(bmin)), () => m.sync.set(bmin, newScore));
    });
    m.if(idle.or(f.is("ENDR")), () => m.sync.set(seen, 0)); // a fresh score pass follows
    bankMax.push({ valid: seen, value: bmax });
    bankMin.push({ valid: seen, value: bmin });

    // The survivor mask, readable at any time.
    const maskR = mask.readPort({ domain: "sync" });
    m.comb.set(maskR.addr, maskAddr);
    v3s.push(v3);
    keeps.push(keep);
    maskRd.push(maskR.data);
  }
  const vec = (bits: readonly Expr[]): Expr => cat(...[...bits].reverse()); // bit b = bank b
  m.comb.set(psValid, vec(v3s.map((v) => v.and(scoring))));
  m.comb.set(decValid, vec(v3s.map((v) => v.and(clipping))));
  m.comb.set(decKeep, vec(v3s.map((v, b) => v.and(clipping).and(keeps[b]))));
  m.comb.set(maskData, vec(maskRd));

  // ---- fetched key bits: D per alive key per score pass, 2D in round 1 (the sign plane too)
  const fetchedNow = popcount(v1All).mul(mux(firstRound, 2 * D, D));
  m.if(idle.and(start), () => m.sync.set(kBitsFetched, 0))
    .elif(scoring, () => m.sync.set(kBitsFetched, fit(kBitsFetched.add(fetchedNow), FETCH_COUNTER_BITS)));

  // ---- the round's max, min, threshold and clipping gate (THRESH), and the round's end (ENDR)
  const gmax = bestTree(bankMax, (a, b) => a.gt(b)).value, gmin = bestTree(bankMin, (a, b) => a.lt(b)).value;
  const subs = g.thresholdSub;
  const sub = subs ? subs.reduceRight<Expr>((acc, v, i) => mux(round.eq(i + 1), constant(v, u(bitsFor(Math.max(...subs) + 1))), acc), constant(0, u(1))) : null;
  const thrNow = sub ? times10(gmax, g.thrBits).sub(sub).resize(g.thrBits) : constant(0, s(g.thrBits));
  const newCnt = cnt.map((c, b) => mux(gated, c, kept[b]));
  const newMost = bestTree(newCnt.map((c) => ({ valid: constant(1, u(1)), value: c })), (a, b) => a.gt(b)).value;
  const lastRound = round.eq(p.rounds);
  m.sync.set(roundValid, f.is("ENDR"));
  m.sync.set(done, f.is("ENDR").and(lastRound));

  // A pass (score or clip) starts: slot 0, nothing kept yet.
  const beginPass = (): void => {
    m.sync.set(step, 0);
    for (const k of kept) m.sync.set(k, 0);
  };
  f.state("IDLE", () => {
    m.if(start, () => {
      m.sync.set(round, 1);
      m.sync.set(identity, 1);
      m.sync.set(planeBase, 0);
      m.sync.set(shamt, 6);
      m.sync.set(most, L);
      cnt.forEach((c, b) => m.sync.set(c, g.bankSize[b]));
      beginPass();
      f.next("SCORE");
    });
  });
  f.state("SCORE", () => {
    m.sync.set(step, fit(step.add(1), stepBits));
    m.if(passEnd, () => f.next("THRESH"));
  });
  f.state("THRESH", () => {
    m.sync.set(gmaxR, gmax);
    m.sync.set(thr, thrNow);
    // Every key survives when even the min clears the threshold: the clip pass is gated.
    m.sync.set(gated, sub ? times10(gmin, g.thrBits).ge(thrNow) : 1);
    beginPass();
    m.if(sub ? times10(gmin, g.thrBits).ge(thrNow) : 1, () => f.next("ENDR")).else(() => f.next("CLIP"));
  });
  f.state("CLIP", () => {
    m.sync.set(step, fit(step.add(1), stepBits));
    m.if(passEnd, () => f.next("ENDR"));
  });
  f.state("ENDR", () => {
    cnt.forEach((c, b) => m.sync.set(c, newCnt[b]));
    m.sync.set(most, newMost);
    m.if(gated.not(), () => m.sync.set(identity, 0)); // the lists now hold the survivors
    m.sync.set(roundIdx, round);
    m.sync.set(roundMax, gmaxR);
    m.sync.set(roundCount, sumTree(newCnt, roundCount.width)); // <= N
    m.sync.set(roundGated, gated);
    m.if(lastRound, () => f.next("IDLE")).else(() => {
      m.sync.set(round, fit(round.add(1), 3));
      m.sync.set(planeBase, fit(planeBase.add(L), planeBase.width));
      m.sync.set(shamt, fit(shamt.sub(1), 3));
      beginPass();
      f.next("SCORE");
    });
  });

  return { module: m, start, busy, done, psValid, decValid, decKeep, key, score, roundValid, roundIdx, roundMax, roundCount, roundGated, kBitsFetched, maskData };
}
