/**
 * The SADS unit (papers.md section 5, brief "SADS unit"): n segment cores in parallel
 * (sads-segment.ts), each owning its segment's slice of the double-buffered input buffer and its
 * output lists. For every query row of the started bank, segment list j equals golden
 * `sadsSegments(row, k, n, radius)[j]` (same order: value descending, lower index first).
 *
 * Ports (w = inWidth, ib = bits(S), rb = bits(rows)):
 *   write:   in_we, in_bank, in_row u(rb), in_col u(bits(S)), in_data_<i> s16, in_mask_<i> (i < w):
 *            keys in_col + i of row in_row of bank in_bank, where in_mask_i = 1; any alignment,
 *            may cross segment boundaries; written at the clock edge (a start in the same cycle
 *            already sees it). in_row >= rows is ignored.
 *   control: start (pulse, ignored while busy), bank and nrows (sampled with start; nrows = rows of
 *            the bank to process, 1..rows, 0 meaning all: a pipeline's last tile may be partial); busy (1 from the cycle
 *            after start up to the cycle before done), done (one-cycle pulse).
 *            Cycles from the start cycle to the done cycle: 2 + max_j sum_rows scans(row, j) * period_j,
 *            period_j = ceil(len_j / 12) + (P = 1 ? 1 : 2P) (golden model: src/golden/sofa-sads-timing.ts).
 *   read:    rd_bank, rd_row u(rb), rd_seg u(bits(n)), rd_slot u(max(2, bits(k/n))) ->
 *            one cycle later rd_index u(ib), rd_value s16, rd_valid (slot < count of that list;
 *            index and value are 0 when not valid). Independent of the cores: read one bank while
 *            the other is processed.
 *   counters (u32, cumulative since reset): sorted (buffer items fed to the cores as valid),
 *            clipped (items masked by the clipping threshold), scans (scans of all cores).
 */
import { Expr, Module, constant, mux, s, u, bitsFor } from "../../hdl/index.js";
import { LANES, SadsGeometry, SadsParams, sadsGeometry } from "./sads-params.js";
import { fitU, groupBits, ltConst, makeSadsSegment, segNames, sumU } from "./sads-segment.js";

export interface SadsUnit {
  readonly module: Module;
  readonly g: SadsGeometry;
}

/** Names of the unit's ports (for testbenches and the lead's pipeline). */
export const sadsNames = {
  inData: (i: number) => `in_data_${i}`,
  inMask: (i: number) => `in_mask_${i}`,
};

/**
 * floor(x / 12) for every x < 2^bits as (x * M) >> e: the smallest exact e, checked over the whole
 * range here (the hardware is one constant multiplier).
 */
export function div12Magic(bits: number): { mul: number; shift: number } {
  for (let e = 4; e < 48; e++) {
    const M = Math.ceil(2 ** e / 12);
    let ok = true;
    for (let x = 0; x < 2 ** bits && ok; x++) ok = Math.floor((x * M) / 2 ** e) === Math.floor(x / 12);
    if (ok) return { mul: M, shift: e };
  }
  throw new Error(`div12Magic: no constant for ${bits} bits`);
}

export function makeSadsUnit(params: SadsParams): SadsUnit {
  const g = sadsGeometry(params);
  const { p } = g;
  const m = new Module("sads_unit");
  const w = p.inWidth, rows = p.rows, n = p.segments;

  // ---- write port: decode to the 12 lanes (key mod 12), shared by all segments
  const inWe = m.input("in_we", u(1)), inBank = m.input("in_bank", u(1));
  const inRow = m.input("in_row", u(g.rowBits)), inCol = m.input("in_col", u(g.colBits));
  const inData = Array.from({ length: w }, (_, i) => m.input(sadsNames.inData(i), s(16)));
  const inMask = Array.from({ length: w }, (_, i) => m.input(sadsNames.inMask(i), u(1)));
  const qb = groupBits(p.seqLen);
  const { mul, shift } = div12Magic(g.colBits);
  const q = m.signal("wr_q", u(qb)), r = m.signal("wr_r", u(4));
  m.comb.set(q, fitU(inCol.mul(mul).shr(shift), qb));
  m.comb.set(r, fitU(inCol.sub(q.mul(LANES)), 4));
  const rowOk = ltConst(inRow, rows);
  const wrSlot = m.signal("wr_slot", u(g.rowSlotBits));
  m.comb.set(wrSlot, fitU(inBank.mul(rows).add(inRow), g.rowSlotBits));
  const lane = Array.from({ length: LANES }, (_, l) => {
    // key 12 q + l is input slot i = (l - r) mod 12 of this write
    const wraps = r.gt(l);
    const slot = m.signal(`wr_slot_of_${l}`, u(4));
    m.comb.set(slot, fitU(mux(wraps, constant(l + LANES, u(5)).sub(r), constant(l, u(5)).sub(r)), 4));
    let data: Expr = constant(0, s(16));
    let en: Expr = constant(0, u(1));
    for (let i = 0; i < w; i++) {
      const hit = slot.eq(i);
      data = mux(hit, inData[i], data);
      en = en.or(hit.and(inMask[i]));
    }
    const ld = m.signal(`wr_data_l${l}`, s(16)), le = m.signal(`wr_en_l${l}`, u(1)), lq = m.signal(`wr_q_l${l}`, u(qb));
    m.comb.set(ld, data);
    m.comb.set(le, inWe.and(rowOk).and(en));
    m.comb.set(lq, fitU(q.add(wraps), qb));
    return { data: ld, en: le, q: lq };
  });

  // ---- control
  const start = m.input("start", u(1)), bank = m.input("bank", u(1));
  const nrows = m.input("nrows", u(bitsFor(rows + 1)));
  const busy = m.output("busy", u(1)), done = m.output("done", u(1));
  const startOk = start.and(busy.not());

  // ---- read port (address side)
  const rdBank = m.input("rd_bank", u(1)), rdRow = m.input("rd_row", u(g.rowBits));
  const rdSeg = m.input("rd_seg", u(g.segBits)), rdSlot = m.input("rd_slot", u(g.slotBits));
  const rdSlotAddr = fitU(rdBank.mul(rows).add(rdRow), g.rowSlotBits);

  // ---- segment cores
  const cores = g.segs.filter((sg) => !sg.empty).map((sg) => {
    const core = m.submodule(`seg${sg.j}`, makeSadsSegment(g, sg));
    m.comb.set(core.port("start"), startOk);
    m.comb.set(core.port("bank"), bank);
    m.comb.set(core.port("nrows"), nrows);
    m.comb.set(core.port("wr_slot"), wrSlot);
    lane.forEach((ln, l) => {
      m.comb.set(core.port(segNames.wrEn(l)), ln.en);
      m.comb.set(core.port(segNames.wrQ(l)), ln.q);
      m.comb.set(core.port(segNames.wrData(l)), ln.data);
    });
    const la = core.port("rd_list_addr");
    m.comb.set(la, fitU(rdSlotAddr.mul(g.outWords).add(rdSlot.shr(2)), la.width));
    m.comb.set(core.port("rd_cnt_addr"), rdSlotAddr);
    return { j: sg.j, core };
  });

  const idle = cores.reduce<Expr>((acc, { core }) => acc.and(core.port("run").not().or(core.port("fin"))), constant(1, u(1)));
  m.if(startOk, () => m.sync.set(busy, 1)).elif(busy.and(idle), () => m.sync.set(busy, 0));
  m.sync.set(done, busy.and(idle));

  // ---- counters
  const counter = (name: string, port: string) => {
    const c = m.output(name, u(32));
    m.sync.set(c, c.add(sumU(cores.map(({ core }) => core.port(port)), 12)).trunc(32));
  };
  counter("sorted", "n_sorted");
  counter("clipped", "n_clipped");
  counter("scans", "n_scan");

  // ---- read port (data side, one cycle later)
  const segR = m.signal("rd_seg_r", u(g.segBits)), slotR = m.signal("rd_slot_r", u(g.slotBits));
  const okR = m.signal("rd_ok_r", u(1));
  m.sync.set(segR, rdSeg);
  m.sync.set(slotR, rdSlot);
  m.sync.set(okR, ltConst(rdRow, rows).and(ltConst(rdSeg, n)));
  const laneR = slotR.slice(1, 0);
  let idx: Expr = constant(0, u(g.indexBits)), val: Expr = constant(0, s(16)), count: Expr = constant(0, u(g.countBits));
  for (const { j, core } of cores) {
    const hit = segR.eq(j);
    let ci: Expr = core.port(segNames.rdIndex(0)), cv: Expr = core.port(segNames.rdValue(0));
    for (let i = 1; i < 4; i++) {
      ci = mux(laneR.eq(i), core.port(segNames.rdIndex(i)), ci);
      cv = mux(laneR.eq(i), core.port(segNames.rdValue(i)), cv);
    }
    idx = mux(hit, ci, idx);
    val = mux(hit, cv, val);
    count = mux(hit, core.port("rd_count"), count);
  }
  const valid = m.output("rd_valid", u(1));
  m.comb.set(valid, okR.and(count.gt(slotR)));
  m.comb.set(m.output("rd_index", u(g.indexBits)), mux(valid, idx, constant(0, u(g.indexBits))));
  m.comb.set(m.output("rd_value", s(16)), mux(valid, val, constant(0, s(16))));
  return { module: m, g };
}
