/**
 * The DLZS unit (papers.md section 5): a rows x cols shift-add array with its resident operand
 * memories, per-row LZEs, sequencer and result stream. Layout and parameters: dlzs-params.ts.
 *
 * A run: pulse `start` with `mode` (0 = 8-bit, K-hat; 1 = 16-bit, A-hat) and `tile` (which block
 * of `rows` log rows); both are sampled at start, which is ignored while busy. The unit computes
 * that tile's rows against all `outputs` shifted rows, one block of `cols` shifted rows at a time:
 *   issue   block b, step d: every A lane reads element d of its log row, every B lane element d
 *           of its shifted row (one address for all lanes of a side), Dm = depth or dModel steps;
 *           a block takes P = max(Dm, rows) cycles (idle steps when Dm < rows, so the drain of
 *           the previous block, rows cycles, is done before the next capture);
 *   stage 1 the synchronous memories' words; per row the LZE (16-bit mode: |q| through a 16-bit
 *           LZC) or the stored code (8-bit mode: word[4:0]), per column the operand (8-bit mode:
 *           word[7:0] sign-extended); padded rows get the zero code, padded columns 0;
 *   stage 2 those registered and broadcast to the PEs, which shift-add (zero eliminator inside);
 *           the last step of a block captures the sums into the drain chain;
 *   drain   rows cycles, one row per cycle: sum >> (kShift | aShift), saturated to int16,
 *           registered on out_data_*.
 * Cycles from the start edge to done (golden/sofa-dlzs-timing.ts, checked against this RTL):
 *   (blocks-1) * P + Dm + rows + 3;  the first out_valid Dm + 4 cycles after start.
 *
 * Ports:
 *   start u1, mode u1, tile u(tileBits)                            control, sampled at start
 *   busy u1 (start edge .. before done), done u1 (one-cycle pulse with the last drain slot)
 *   a_we u1, a_lane u(bitsFor(rows)), a_addr u(bitsFor(aDepth)), a_data s16   A write port
 *   b_we u1, b_lane u(bitsFor(cols)), b_addr u(bitsFor(bDepth)), b_data s16   B write port
 *   out_valid u1, out_row u(bitsFor(rows)) (row within the tile), out_col u(bitsFor(outputs))
 *     (first shifted row of the group, global), out_data_<c> s16, out_mask_<c> u1 (1 where
 *     out_col + c < outputs; out_data is 0 where the mask is 0). Padded rows of a partial tile
 *     are not emitted (out_valid stays 0 in their slot). No backpressure.
 *   In 8-bit mode every emitted K-hat group is also written into the B lanes' K-hat region (one
 *     word per lane, same cycle as out_valid; it wins over b_we), so phase 1.2 can follow at once.
 *   shift_adds u40, zero_skips u40: since reset, the adds the PEs did and the real operand pairs
 *     they skipped because one operand was zero (padded PEs count as neither).
 */
import { Expr, Module, Signal, bitsFor, cat, constant, mux, s, u } from "../../hdl/index.js";
import { countBits, makeDlzsArray, popcount } from "./dlzs-array.js";
import { LZ_BITS } from "./dlzs-pe.js";
import { DlzsUnitParams, aMemName, bMemName, checkDlzsParams, dlzsAccBits, dlzsLayout } from "./dlzs-params.js";
import { makeLzc16 } from "./lzc.js";

export const COUNTER_BITS = 40;

export interface DlzsUnitPorts {
  readonly module: Module;
  readonly start: Signal;
  readonly mode: Signal;
  readonly tile: Signal;
  readonly busy: Signal;
  readonly done: Signal;
  readonly aWe: Signal;
  readonly aLane: Signal;
  readonly aAddr: Signal;
  readonly aData: Signal;
  readonly bWe: Signal;
  readonly bLane: Signal;
  readonly bAddr: Signal;
  readonly bData: Signal;
  readonly outValid: Signal;
  readonly outRow: Signal;
  readonly outCol: Signal;
  readonly outData: Signal[];
  readonly outMask: Signal[];
  readonly shiftAdds: Signal;
  readonly zeroSkips: Signal;
}

/** `e` as exactly `w` unsigned bits (values here always fit; the extra carry bits are 0). */
function fit(e: Expr, w: number): Expr {
  return e.asUnsigned().resize(w);
}

/** sat16(e) for a signed e. */
function saturate16(e: Expr): Expr {
  if (e.width <= 16) return e.resize(16);
  return mux(e.gt(32767), constant(32767, s(16)), mux(e.lt(-32768), constant(-32768, s(16)), e.trunc(16)));
}

export function makeDlzsUnit(p: DlzsUnitParams): DlzsUnitPorts {
  checkDlzsParams(p);
  const { rows, cols } = p;
  const L = dlzsLayout(p);
  const accBits = dlzsAccBits(p);
  const m = new Module("dlzs_unit");

  // ---- ports
  const start = m.input("start", u(1)), mode = m.input("mode", u(1));
  const tile = m.input("tile", u(bitsFor(Math.max(L.qTiles, L.wTiles))));
  const busy = m.output("busy", u(1)), done = m.output("done", u(1));
  const aWe = m.input("a_we", u(1)), aLane = m.input("a_lane", u(bitsFor(rows)));
  const aAddr = m.input("a_addr", u(bitsFor(L.aDepth))), aData = m.input("a_data", s(16));
  const bWe = m.input("b_we", u(1)), bLane = m.input("b_lane", u(bitsFor(cols)));
  const bAddr = m.input("b_addr", u(bitsFor(L.bDepth))), bData = m.input("b_data", s(16));
  const outValid = m.output("out_valid", u(1));
  const outRow = m.output("out_row", u(bitsFor(rows)));
  const outCol = m.output("out_col", u(bitsFor(p.outputs)));
  const outData = Array.from({ length: cols }, (_, c) => m.output(`out_data_${c}`, s(16)));
  const outMask = Array.from({ length: cols }, (_, c) => m.output(`out_mask_${c}`, u(1)));
  const shiftAdds = m.output("shift_adds", u(COUNTER_BITS)), zeroSkips = m.output("zero_skips", u(COUNTER_BITS));

  // ---- memories: one per lane, a synchronous read port (one address for all lanes of a side)
  // and the external write port each
  const aRdAddr = m.signal("a_rd_addr", u(bitsFor(L.aDepth))), bRdAddr = m.signal("b_rd_addr", u(bitsFor(L.bDepth)));
  // B lanes also take the K-hat write-back (below), which wins over the external port.
  const wbEn = Array.from({ length: cols }, (_, c) => m.signal(`khat_wb_en_${c}`, u(1)));
  const wbAddr = m.signal("khat_wb_addr", u(bitsFor(L.bDepth)));
  const lanes = (n: number, name: (i: number) => string, depth: number, rdAddr: Signal, w: { we: Signal; lane: Signal; addr: Signal; data: Signal }, wb?: (i: number) => { en: Signal; addr: Signal; data: Signal }): Signal[] =>
    Array.from({ length: n }, (_, i) => {
      const mem = m.memory({ name: name(i), shape: s(16), depth });
      const rp = mem.readPort({ domain: "sync" });
      m.comb.set(rp.addr, rdAddr);
      const wp = mem.writePort();
      const ext = w.we.and(w.lane.eq(i));
      const back = wb?.(i);
      m.comb.set(wp.en, back ? ext.or(back.en) : ext);
      m.comb.set(wp.addr, back ? mux(back.en, back.addr, w.addr) : w.addr);
      m.comb.set(wp.data, back ? mux(back.en, back.data, w.data) : w.data);
      return rp.data;
    });
  const aRead = lanes(rows, aMemName, L.aDepth, aRdAddr, { we: aWe, lane: aLane, addr: aAddr, data: aData });
  const bRead = lanes(cols, bMemName, L.bDepth, bRdAddr, { we: bWe, lane: bLane, addr: bAddr, data: bData },
    (c) => ({ en: wbEn[c], addr: wbAddr, data: outData[c] }));

  // ---- control state, sampled at start
  const f = m.fsm("ctrl", { states: ["IDLE", "RUN"] as const, init: "IDLE" });
  m.comb.set(busy, f.is("RUN"));
  const modeR = m.signal("mode_r", u(1));
  const rowReal = m.signal("row_real", u(rows));
  const dm = mux(modeR, p.depth, p.dModel); // reduction steps of the mode
  const P16 = Math.max(p.depth, rows), P8 = Math.max(p.dModel, rows);
  const periodLast = mux(modeR, P16 - 1, P8 - 1), dmLast = mux(modeR, p.depth - 1, p.dModel - 1);
  const step = m.signal("step", u(countBits(Math.max(P16, P8))));
  const blk = m.signal("blk", u(countBits(L.blocks)));
  const issuing = m.signal("issuing", u(1));
  const aBase = m.signal("a_base", aRdAddr.shape), bBase = m.signal("b_base", bRdAddr.shape);
  m.comb.set(aRdAddr, fit(aBase.add(step), aRdAddr.width));
  m.comb.set(bRdAddr, fit(bBase.add(step), bRdAddr.width));

  const starting = f.is("IDLE").and(start);
  m.if(starting, () => {
    m.sync.set(modeR, mode);
    const logRows = mux(mode, p.lhsRows, p.depth);
    const first = tile.mul(rows);
    m.sync.set(rowReal, cat(...Array.from({ length: rows }, (_, r) => first.add(r).lt(logRows)).reverse()));
    m.sync.set(aBase, fit(mux(mode, tile.mul(p.depth), tile.mul(p.dModel).add(L.aWkBase)), aBase.width));
    m.sync.set(bBase, fit(mux(mode, 0, L.bXBase), bBase.width));
    m.sync.set(step, 0);
    m.sync.set(blk, 0);
    m.sync.set(issuing, 1);
  }).elif(issuing, () => {
    m.if(step.eq(periodLast), () => {
      m.sync.set(step, 0);
      m.sync.set(blk, fit(blk.add(1), blk.width));
      m.sync.set(bBase, fit(bBase.add(dm), bBase.width));
      m.if(blk.eq(L.blocks - 1), () => m.sync.set(issuing, 0));
    }).else(() => m.sync.set(step, fit(step.add(1), step.width)));
  });

  // ---- stage 1: memory words arrive
  const lastMask = (1 << (p.outputs - (L.blocks - 1) * cols)) - 1, fullMask = (1 << cols) - 1;
  const s1Valid = m.signal("s1_valid", u(1)), s1Last = m.signal("s1_last", u(1)), s1Mask = m.signal("s1_mask", u(cols));
  m.sync.set(s1Valid, issuing.and(step.lt(dm)));
  m.sync.set(s1Last, step.eq(dmLast));
  m.sync.set(s1Mask, mux(blk.eq(L.blocks - 1), constant(lastMask, u(cols)), constant(fullMask, u(cols))));

  // ---- stage 2: codes and operands, registered, broadcast to the array
  const s2Valid = m.signal("s2_valid", u(1)), s2Last = m.signal("s2_last", u(1)), s2Mask = m.signal("s2_mask", u(cols));
  m.sync.set(s2Valid, s1Valid);
  m.sync.set(s2Last, s1Valid.and(s1Last));
  m.sync.set(s2Mask, s1Mask);
  const arr = makeDlzsArray(rows, cols, accBits);
  m.submodule("array", arr.module);
  m.comb.set(arr.mode, modeR);
  for (let r = 0; r < rows; r++) {
    const word = aRead[r];
    const lze = makeLzc16();
    m.submodule(`lze_r${r}`, lze.module);
    const neg = word.bit(15);
    m.comb.set(lze.x, mux(neg, word.neg(), word).asUnsigned().trunc(16)); // |q|, 2^15 included
    const sign = mux(modeR, neg, word.bit(4));
    const lz = mux(modeR, lze.lz, cat(constant(0, u(1)), word.slice(3, 0)));
    const live = s1Valid.and(rowReal.bit(r));
    const signR = m.signal(`code_sign_r${r}`, u(1)), lzR = m.signal(`code_lz_r${r}`, u(LZ_BITS));
    m.sync.set(signR, sign.and(live));
    m.sync.set(lzR, mux(live, lz, constant(16, u(LZ_BITS)))); // 16: the zero code in both modes
    m.comb.set(arr.sign[r], signR);
    m.comb.set(arr.lz[r], lzR);
  }
  for (let c = 0; c < cols; c++) {
    const word = bRead[c];
    const y = mux(modeR, word, word.slice(7, 0).asSigned());
    const yR = m.signal(`operand_c${c}`, s(16));
    m.sync.set(yR, mux(s1Valid.and(s1Mask.bit(c)), y, 0));
    m.comb.set(arr.y[c], yR);
  }
  const capture = m.signal("capture", u(1));
  m.comb.set(capture, s2Valid.and(s2Last));
  m.comb.set(arr.capture, capture);

  // ---- counters: the PEs' adds, and the real pairs they skipped
  const realPairs = popcount(Array.from({ length: rows }, (_, r) => rowReal.bit(r))).mul(popcount(Array.from({ length: cols }, (_, c) => s2Mask.bit(c))));
  m.sync.set(shiftAdds, fit(shiftAdds.add(arr.adds), COUNTER_BITS));
  m.if(s2Valid, () => m.sync.set(zeroSkips, fit(zeroSkips.add(realPairs.sub(arr.adds)), COUNTER_BITS)));

  // ---- drain: one row per cycle after each capture; the block being drained and its mask
  const dcnt = m.signal("drain_count", u(countBits(rows))), drow = m.signal("drain_row", outRow.shape);
  const dcol = m.signal("drain_col", outCol.shape), dmask = m.signal("drain_mask", u(cols)), dlast = m.signal("drain_last", u(1));
  const capCol = m.signal("capture_col", outCol.shape);
  const draining = dcnt.ne(0);
  m.comb.set(arr.shift, draining);
  m.if(starting, () => m.sync.set(capCol, 0)).elif(capture, () => m.sync.set(capCol, fit(capCol.add(cols), capCol.width)));
  m.if(capture, () => {
    m.sync.set(dcnt, rows);
    m.sync.set(drow, 0);
    m.sync.set(dcol, capCol);
    m.sync.set(dmask, s2Mask);
    m.sync.set(dlast, capCol.eq((L.blocks - 1) * cols));
  }).elif(draining, () => {
    m.sync.set(dcnt, fit(dcnt.sub(1), dcnt.width));
    m.sync.set(drow, fit(drow.add(1), drow.width));
  });
  const finishing = draining.and(dcnt.eq(1)).and(dlast);
  m.sync.set(outValid, draining.and(rowReal.shr(drow).bit(0)));
  m.sync.set(done, finishing);
  m.if(draining, () => {
    m.sync.set(outRow, drow);
    m.sync.set(outCol, dcol);
    for (let c = 0; c < cols; c++) {
      m.sync.set(outData[c], saturate16(mux(modeR, arr.top[c].shr(p.aShift), arr.top[c].shr(p.kShift))));
      m.sync.set(outMask[c], dmask.bit(c));
    }
  });

  // ---- K-hat write-back: in 8-bit mode each emitted group (K-hat column j of `cols` consecutive
  // tokens) is exactly one word per B lane at one address of the K-hat region, so phase 1.2 finds
  // K-hat resident without a copy (papers.md: intermediate results never leave the chip).
  const tileR = m.signal("tile_r", tile.shape), outBlk = m.signal("out_blk", u(countBits(L.blocks)));
  const drainBlk = m.signal("drain_blk", outBlk.shape), capBlk = m.signal("capture_blk", outBlk.shape);
  m.if(starting, () => m.sync.set(tileR, tile));
  m.if(starting, () => m.sync.set(capBlk, 0)).elif(capture, () => m.sync.set(capBlk, fit(capBlk.add(1), capBlk.width)));
  m.if(capture, () => m.sync.set(drainBlk, capBlk));
  m.if(draining, () => m.sync.set(outBlk, drainBlk));
  m.comb.set(wbAddr, fit(outBlk.mul(p.depth).add(tileR.mul(rows)).add(outRow), wbAddr.width));
  for (let c = 0; c < cols; c++) m.comb.set(wbEn[c], outValid.and(modeR.not()).and(outMask[c]));

  f.state("IDLE", () => m.if(start, () => f.next("RUN")));
  f.state("RUN", () => m.if(finishing, () => f.next("IDLE")));

  return { module: m, start, mode, tile, busy, done, aWe, aLane, aAddr, aData, bWe, bLane, bAddr, bData, outValid, outRow, outCol, outData, outMask, shiftAdds, zeroSkips };
}
