/**
 * One SADS segment core: the input buffer of its segment (12 lane memories, both banks), a
 * pipelined 16-to-4 sort core (sort-core.ts), the clipping unit, and the segment's output lists.
 * For each query row of the started bank it emits exactly golden `sadsSegments(row, k, n, R)[j]`.
 *
 * Algorithm (exact): repeated scans over the segment, each finding the next 4 items in the
 * sorters' order. Scan 1 feeds every item of the segment; its top item is the segment max, which
 * fixes the clipping threshold thr = max - R. Scan s > 1 feeds an item only if it comes after the
 * last item taken (golden order) and value >= thr; the others are masked invalid (the clipped ones
 * are counted). Of a scan's 4 results, the prefix that is valid, >= thr and within the budget
 * floor(k/n) is appended to the row's list. The row ends when a scan yields fewer than 4 or the
 * budget is full: clipping ends rows early, which is what it saves.
 *
 * Timing (P = pipeRegs, G = ceil(len / 12) groups): scan cycle c issues the read of group c
 * (c < G); the data reaches the core at c + 1 together with the running top 4 of its chain, which
 * is the core's output (the group P cycles earlier; P chains interleave). For P > 1 the last P - 1
 * chain results are collected at c = G+1 .. G+P-1 and merged with the last one in one more pass at
 * c = G + P. The result is at the core output at c = period = G + 1 (P = 1) or G + 2P; that cycle
 * writes the list and issues group 0 of the next scan (or row), so scans follow back to back.
 * A row with s scans takes s * period cycles.
 */
import { Expr, Module, Signal, bitsFor, cat, constant, mux, s, u } from "../../hdl/index.js";
import { keyWidth, packKey, unpackKey } from "./bitonic.js";
import { LANES, SadsGeometry, SegmentGeometry, TOP } from "./sads-params.js";
import { makeSortCore } from "./sort-core.js";

/** `e` as an unsigned value of exactly `w` bits (zero-extended or truncated). */
export function fitU(e: Expr, w: number): Expr {
  const x = e.asUnsigned();
  return x.width > w ? x.trunc(w) : x.resize(w);
}

/** Sum of unsigned values, `w` bits (balanced adder tree). */
export function sumU(items: readonly Expr[], w: number): Expr {
  if (items.length === 0) return constant(0, u(w));
  let level = items.map((e) => fitU(e, w));
  while (level.length > 1) {
    const next: Expr[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? level[i].add(level[i + 1]).trunc(w) : level[i]);
    level = next;
  }
  return level[0];
}

/**
 * Comparisons of an unsigned value with a constant, folded when the value's range decides them
 * (Verilator -Wall flags comparisons that are constant due to limited range).
 */
export function ltConst(e: Expr, k: number): Expr {
  if (k <= 0) return constant(0, u(1));
  if (k > 2 ** e.width - 1) return constant(1, u(1));
  return e.lt(k);
}
export function geConst(e: Expr, k: number): Expr {
  return ltConst(e, k).not();
}

/** Bits of the write-side group number q = floor(key / 12) (+1 for the lanes past the wrap). */
export function groupBits(seqLen: number): number {
  return bitsFor(Math.floor((seqLen - 1) / LANES) + 2);
}

/** Names of the segment core's ports. */
export const segNames = {
  wrEn: (l: number) => `wr_en_${l}`,
  wrQ: (l: number) => `wr_q_${l}`,
  wrData: (l: number) => `wr_data_${l}`,
  rdIndex: (i: number) => `rd_index_${i}`,
  rdValue: (i: number) => `rd_value_${i}`,
};

export function makeSadsSegment(g: SadsGeometry, seg: SegmentGeometry): Module {
  const { p, per, outWords, indexBits: ib, rowSlotBits } = g;
  const P = p.pipeRegs, rows = p.rows, G = seg.groups, period = seg.period;
  const kw = keyWidth(ib);
  const m = new Module(`sads_seg${seg.j}`);

  // ---- ports
  const start = m.input("start", u(1)), bank = m.input("bank", u(1));
  // Rows this run processes, 1..rows (0: all): a pipeline's last query tile may be partial.
  const nrows = m.input("nrows", u(bitsFor(rows + 1)));
  const wrSlot = m.input("wr_slot", u(rowSlotBits));
  const qb = groupBits(p.seqLen);
  const wrEn = Array.from({ length: LANES }, (_, l) => m.input(segNames.wrEn(l), u(1)));
  const wrQ = Array.from({ length: LANES }, (_, l) => m.input(segNames.wrQ(l), u(qb)));
  const wrData = Array.from({ length: LANES }, (_, l) => m.input(segNames.wrData(l), s(16)));
  const listAddrBits = bitsFor(2 * rows * outWords);
  const rdListAddr = m.input("rd_list_addr", u(listAddrBits));
  const rdCntAddr = m.input("rd_cnt_addr", u(rowSlotBits));
  const runO = m.output("run", u(1)), finO = m.output("fin", u(1));
  const nSorted = m.output("n_sorted", u(4)), nClipped = m.output("n_clipped", u(4)), nScan = m.output("n_scan", u(1));

  // ---- state
  const run = m.signal("running", u(1));
  const c = m.signal("c", u(bitsFor(period + 1)));
  const sc = m.signal("scan", u(bitsFor(outWords)));
  const row = m.signal("row", u(bitsFor(rows)));
  const bankR = m.signal("bank_r", u(1));
  const rdv = m.signal("feed", u(1));
  const idxBaseBits = bitsFor(seg.lo + LANES * G + LANES);
  const idxF = m.signal("feed_base", u(idxBaseBits));
  const lastKey = m.signal("last_key", u(kw));
  // thr = segment max - R (set after scan 1); s18 holds -32768 - 65534
  const thr = g.radius !== null ? m.signal("thr", s(18)) : undefined;
  const coll = Array.from({ length: P - 1 }, (_, d) => Array.from({ length: TOP }, (_, i) => m.signal(`coll${d}_${i}`, u(kw))));

  const rowSlot = (r: Expr) => fitU(bankR.mul(rows).add(r), rowSlotBits);

  // ---- the core and its result
  const core = m.submodule("core", makeSortCore({ indexBits: ib, regs: P, network: p.network }));
  const outTag = core.port("out_tag");
  const res = Array.from({ length: TOP }, (_, i) => ({
    valid: core.port(`out_valid_${i}`), value: core.port(`out_value_${i}`), index: core.port(`out_index_${i}`),
  }));
  const resKey = res.map((r) => packKey(r.valid.and(outTag), r.value, r.index));

  const isRes = m.signal("is_result", u(1));
  m.comb.set(isRes, run.and(c.eq(period)));
  const scan1 = sc.eq(0);
  const thrNow = thr ? m.signal("thr_now", s(18)) : undefined;
  if (thr && thrNow) m.comb.set(thrNow, mux(scan1, res[0].value.sub(g.radius!), thr));
  const acc = res.map((r, i) => {
    const a = m.signal(`accept_${i}`, u(1));
    const inBudget = per - i - 1 >= 0 ? ltConst(sc, Math.floor((per - i - 1) / TOP) + 1) : constant(0, u(1));
    const ok = r.valid.and(outTag).and(inBudget);
    m.comb.set(a, thrNow ? ok.and(r.value.ge(thrNow)) : ok);
    return a;
  });
  const contRow = m.signal("cont_row", u(1));
  m.comb.set(contRow, outWords > 1 ? acc[TOP - 1].and(ltConst(sc, outWords - 1)) : constant(0, u(1)));
  const lastRow = m.signal("last_row", u(bitsFor(rows)));
  const rowLast = row.eq(lastRow);
  const cont = contRow.or(rowLast.not());
  m.comb.set(finO, isRes.and(cont.not()));
  m.comb.set(runO, run);

  // ---- input buffer: 12 lanes, key = 12 q + l; a segment word is q - word0
  const issue = m.signal("issue", u(1));
  m.comb.set(issue, run.and(ltConst(c, G).or(isRes.and(cont))));
  const gBits = bitsFor(G);
  const issueG = m.signal("issue_group", u(gBits));
  m.comb.set(issueG, mux(isRes, constant(0, u(gBits)), fitU(c, gBits)));
  const rowNext = mux(isRes.and(contRow.not()), row.add(1), row);
  const lanes = Array.from({ length: LANES }, (_, l) => {
    const mem = m.memory({ name: `in_l${l}`, shape: s(16), depth: 2 * rows * seg.words });
    const aw = mem.addrWidth;
    const wp = mem.writePort();
    // lane l holds keys 12 q + l; those in [lo, hi) have q in [qlo, qhi)
    const qlo = Math.ceil((seg.lo - l) / LANES), qhi = Math.ceil((seg.hi - l) / LANES);
    const member = ltConst(wrQ[l], qhi).and(geConst(wrQ[l], qlo));
    m.comb.set(wp.en, wrEn[l].and(member));
    m.comb.set(wp.addr, fitU(wrSlot.mul(seg.words).add(seg.word0 > 0 ? wrQ[l].sub(seg.word0).trunc(qb + 1).asUnsigned() : wrQ[l]), aw));
    m.comb.set(wp.data, wrData[l]);
    const rp = mem.readPort({ domain: "sync" });
    // group g of the segment is keys lo + 12 g + p, p = (l - lane0) mod 12: word g, or g + 1 for lanes below lane0
    const base = rowSlot(rowNext).mul(seg.words).add(issueG);
    m.comb.set(rp.addr, fitU(l < seg.lane0 ? base.add(1) : base, aw));
    return { data: rp.data as Signal, pos: (l - seg.lane0 + LANES) % LANES };
  });

  // ---- feeding: mask already-taken and clipped items
  const fresh = lanes.map(({ data, pos }, l) => {
    const idx = idxF.add(pos);
    const inSeg = ltConst(idx, seg.hi);
    const idxN = fitU(idx, ib);
    const after = lastKey.gt(packKey(constant(1, u(1)), data, idxN));
    const clipOk = thr ? data.ge(thr) : undefined;
    const elig = m.signal(`elig_${l}`, u(1)), clipped = m.signal(`clipped_${l}`, u(1));
    m.comb.set(elig, rdv.and(inSeg).and(scan1.or(clipOk ? after.and(clipOk) : after)));
    m.comb.set(clipped, clipOk ? rdv.and(inSeg).and(scan1.not()).and(after).and(clipOk.not()) : constant(0, u(1)));
    return { elig, clipped, value: data, index: idxN };
  });
  m.comb.set(nSorted, sumU(fresh.map((f) => f.elig), 4));
  m.comb.set(nClipped, sumU(fresh.map((f) => f.clipped), 4));
  m.comb.set(nScan, isRes);

  // ---- core inputs: feed (running top 4 + 12 fresh), merge (P > 1), or idle
  const merge = P > 1 ? run.and(c.eq(G + P)) : constant(0, u(1));
  m.comb.set(core.port("in_tag"), rdv.or(merge));
  res.forEach((r, i) => {
    m.comb.set(core.port(`cur_valid_${i}`), r.valid.and(outTag));
    m.comb.set(core.port(`cur_value_${i}`), r.value);
    m.comb.set(core.port(`cur_index_${i}`), r.index);
  });
  fresh.forEach((f, l) => {
    const cl = coll[Math.floor(l / TOP)]?.[l % TOP];
    const ck = cl ? unpackKey(cl, ib) : undefined;
    m.comb.set(core.port(`new_valid_${l}`), ck ? mux(merge, ck.valid, f.elig) : f.elig);
    m.comb.set(core.port(`new_value_${l}`), ck ? mux(merge, ck.value, f.value) : f.value);
    m.comb.set(core.port(`new_index_${l}`), ck ? mux(merge, ck.index, f.index) : f.index);
  });
  coll.forEach((list, d) => m.if(run.and(c.eq(G + 1 + d)), () => list.forEach((r, i) => m.sync.set(r, resKey[i]))));

  // ---- output lists (4 lanes: scan s fills slots 4s..4s+3) and counts
  res.forEach((r, i) => {
    const mem = m.memory({ name: `out_l${i}`, shape: u(ib + 16), depth: 2 * rows * outWords });
    const wp = mem.writePort();
    m.comb.set(wp.en, isRes.and(acc[i]));
    m.comb.set(wp.addr, fitU(rowSlot(row).mul(outWords).add(sc), mem.addrWidth));
    m.comb.set(wp.data, cat(r.index, r.value));
    const rp = mem.readPort({ domain: "sync" });
    m.comb.set(rp.addr, fitU(rdListAddr, mem.addrWidth));
    m.comb.set(m.output(segNames.rdIndex(i), u(ib)), rp.data.slice(ib + 15, 16));
    m.comb.set(m.output(segNames.rdValue(i), s(16)), rp.data.slice(15, 0).asSigned());
  });
  const cnt = m.memory({ name: "count", shape: u(g.countBits), depth: 2 * rows });
  {
    const wp = cnt.writePort();
    m.comb.set(wp.en, isRes);
    m.comb.set(wp.addr, fitU(rowSlot(row), cnt.addrWidth));
    m.comb.set(wp.data, fitU(sc.shl(2).add(sumU(acc, 3)), g.countBits));
    const rp = cnt.readPort({ domain: "sync" });
    m.comb.set(rp.addr, fitU(rdCntAddr, cnt.addrWidth));
    m.comb.set(m.output("rd_count", u(g.countBits)), rp.data);
  }

  // ---- control
  m.sync.set(rdv, issue);
  m.if(issue, () => m.sync.set(idxF, fitU(issueG.mul(LANES).add(seg.lo), idxBaseBits)));
  m.if(start.and(run.not()), () => {
    m.sync.set(run, 1);
    m.sync.set(c, 0);
    m.sync.set(row, 0);
    m.sync.set(sc, 0);
    m.sync.set(bankR, bank);
    m.sync.set(lastRow, fitU(mux(nrows.eq(0).or(nrows.gt(rows)), constant(rows - 1, u(bitsFor(rows + 1))), nrows.sub(1)), lastRow.width));
  }).elif(isRes, () => {
    m.if(contRow, () => {
      m.sync.set(sc, sc.add(1).trunc(sc.width));
      m.sync.set(lastKey, packKey(constant(1, u(1)), res[TOP - 1].value, res[TOP - 1].index));
      if (thr && thrNow) m.if(scan1, () => m.sync.set(thr, thrNow));
    }).else(() => {
      m.sync.set(sc, 0);
      m.if(rowLast, () => m.sync.set(run, 0)).else(() => m.sync.set(row, row.add(1).trunc(row.width)));
    });
    m.sync.set(c, mux(cont, constant(1, c.shape), constant(0, c.shape)));
  }).elif(run, () => m.sync.set(c, c.add(1).trunc(c.width)));
  return m;
}
