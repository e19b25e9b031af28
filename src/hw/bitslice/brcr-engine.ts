/**
 * The BRCR engine (papers.md section 4): exact INT8 GEMV/GEMM y = W x through W = W+ - W-, by
 * merging activations of equal column patterns and reconstructing the rows from the group sums.
 * Parameters and layout: brcr-params.ts. Cycle model: golden/bitslice-brcr-timing.ts.
 *
 * A job: pulse `start` (ignored while busy). The engine then takes 7 x tiles x groups passes of
 * patterns on its pattern stream, in this order: magnitude plane p = 1..7 (LSB first), column tile
 * t (camCols = min(tile, cols) columns each, the last one narrower when cols is not a multiple),
 * group g (rows g*m .. g*m+m-1). A pass is the tile's columns c of the group, in order, one per
 * accepted cycle: pat_mag = the plane's pattern (golden groupPattern: group row 0 the MSB),
 * pat_sign = the sign plane's pattern of the same column, pat_last = 1 on the pass's last column.
 * Per pass:
 *   load     the column's W+ (mag & ~sign) and W- (mag & sign) patterns go into the CAM buffer
 *            being loaded (two buffers: the next group loads while this one is searched)
 *   search   keys 1..2^m-1 (key 0 is never searched) of W+, then of W-: the CAM gives the match
 *            bitmap, the index converters turn it into column indices (each its slice, one a cycle),
 *            a key takes max(1, most indices of one converter) cycles
 *   merge    one cycle later: each converter's activation (its bank, the tile's words) into the
 *            adder tree, into the key's group-sum slot (first cycle a move, then adds)
 *   recon    after a half's last merge, the reconstruction unit forms its m rows, one per cycle
 *   output   one cycle later: y[row] = (first write ? 0 : y[row]) + (+/-) sum << (p-1); the first
 *            write of a row is the W+ half of plane 1, tile 0
 * Cycles (start edge to done, source never waiting): golden brcrSchedule. The reconstruction of a
 * half overlaps the next half's search; it never collides with the next write of the same slots,
 * because the other half's search (at least 2^m - 1 >= m cycles) lies in between.
 *
 * Ports:
 *   start u1; busy u1 (start edge .. before done); done u1 (one cycle, with the last row's write)
 *   pat_valid u1, pat_mag u(m), pat_sign u(m), pat_last u1 -> pat_ready u1: a column transfers on
 *     an edge with pat_valid & pat_ready. pat_ready does not depend on pat_valid; it is low while
 *     idle, after the job's last column, and while both CAM buffers hold passes not yet searched
 *     (backpressure: when a pass's search takes longer than the next pass's load).
 *   pat_err u1: sticky until the next start: pat_last disagreed with the engine's column count
 *   x_we u1, x_lane u(bitsFor(batch)), x_bank u(bitsFor(convs)), x_addr u(bitsFor(xDepth)),
 *     x_data s8: write activation word (brcr-params xPlace gives bank and addr of column c)
 *   y_rd_addr u(bitsFor(rows)) -> y_rd_data_<b> s32: combinational read of lane b's outputs
 *   acc_valid u1, acc_row u(bitsFor(rows)), acc_data_<b> s32: each output write (the accumulated
 *     value), the cycle after it commits; padding rows of the last group are not written
 *   merge_adds, recon_adds, cycles u40: since start; adds over all lanes, in golden brcrGemv's
 *     conventions per column tile (golden brcrTiledCounts); cycles = the cycle number, T at done
 */
import { Expr, Module, Signal, bitsFor, cat, constant, mux, s, u } from "../../hdl/index.js";
import { countBits, popcount } from "../sofa/dlzs-array.js";
import { ltConst } from "../sofa/sads-segment.js";
import { counterBits, fit } from "../systolic/rtl-util.js";
import { CAM_WORD, camWords, makeBrcrCam } from "./brcr-cam.js";
import { makeIndexConverter } from "./brcr-convert.js";
import { makeMergeLane } from "./brcr-merge.js";
import { BRCR_DEFAULTS, BrcrEngineParams, COUNTER_BITS, X_BITS, Y_BITS, brcrLayout, checkBrcrParams, rowBits, xMemName, yMemName } from "./brcr-params.js";
import { makePassCounter } from "./brcr-passes.js";
import { makeReconUnit } from "./brcr-recon.js";
import { fitS } from "./brcr-rtl.js";

export interface BrcrEnginePorts {
  readonly module: Module;
  readonly start: Signal;
  readonly busy: Signal;
  readonly done: Signal;
  readonly patValid: Signal;
  readonly patReady: Signal;
  readonly patMag: Signal;
  readonly patSign: Signal;
  readonly patLast: Signal;
  readonly patErr: Signal;
  readonly xWe: Signal;
  readonly xLane: Signal;
  readonly xBank: Signal;
  readonly xAddr: Signal;
  readonly xData: Signal;
  readonly yRdAddr: Signal;
  readonly yRdData: Signal[];
  readonly accValid: Signal;
  readonly accRow: Signal;
  readonly accData: Signal[];
  readonly mergeAdds: Signal;
  readonly reconAdds: Signal;
  readonly cycles: Signal;
}

export function makeBrcrEngine(p: BrcrEngineParams = BRCR_DEFAULTS): BrcrEnginePorts {
  checkBrcrParams(p);
  const L = brcrLayout(p);
  const M = p.m, S = L.slice, C = L.convs, B = p.batch, RB = rowBits(p);
  const m = new Module("brcr_engine");

  // ---- ports
  const start = m.input("start", u(1)), busy = m.output("busy", u(1)), done = m.output("done", u(1));
  const patValid = m.input("pat_valid", u(1)), patReady = m.output("pat_ready", u(1));
  const patMag = m.input("pat_mag", u(M)), patSign = m.input("pat_sign", u(M)), patLast = m.input("pat_last", u(1));
  const patErr = m.output("pat_err", u(1));
  const xWe = m.input("x_we", u(1)), xLane = m.input("x_lane", u(bitsFor(B))), xBank = m.input("x_bank", u(bitsFor(C)));
  const xAddr = m.input("x_addr", u(bitsFor(L.xDepth))), xData = m.input("x_data", s(X_BITS));
  const yRdAddr = m.input("y_rd_addr", u(RB));
  const yRdData = Array.from({ length: B }, (_, b) => m.output(`y_rd_data_${b}`, s(Y_BITS)));
  const accValid = m.output("acc_valid", u(1)), accRow = m.output("acc_row", u(RB));
  const accData = Array.from({ length: B }, (_, b) => m.output(`acc_data_${b}`, s(Y_BITS)));
  const mergeAdds = m.output("merge_adds", u(COUNTER_BITS)), reconAdds = m.output("recon_adds", u(COUNTER_BITS));
  const cycles = m.output("cycles", u(COUNTER_BITS));

  const starting = m.signal("starting", u(1));
  m.comb.set(starting, start.and(busy.not()));

  // ---- load side: one column per accepted cycle into buffer ld_buf
  const ldActive = m.signal("ld_active", u(1)), ldBuf = m.signal("ld_buf", u(1));
  const words = camWords(L.camCols);
  const ldWord = m.signal("ld_word", u(bitsFor(words.length))), ldBit = m.signal("ld_bit", u(bitsFor(words[0])));
  const full = [0, 1].map((b) => m.signal(`full_${b}`, u(1)));
  m.comb.set(patReady, ldActive.and(mux(ldBuf, full[1], full[0]).not()));
  const accept = m.signal("accept", u(1));
  m.comb.set(accept, patValid.and(patReady));
  const atColumn = (j: number) => ldWord.eq(Math.floor(j / CAM_WORD)).and(ldBit.eq(j % CAM_WORD));
  const colLast = m.signal("col_last", u(1));
  const ldPassEnd = accept.and(colLast);
  const ld = makePassCounter(m, "ld", L, starting, ldPassEnd);
  m.comb.set(colLast, L.tiles > 1 ? mux(ld.tileEnd, atColumn(L.lastWidth - 1), atColumn(L.camCols - 1)) : atColumn(L.lastWidth - 1));
  m.if(starting, () => {
    m.sync.set(ldActive, 1);
    m.sync.set(ldBuf, 0);
    m.sync.set(ldWord, 0);
    m.sync.set(ldBit, 0);
  }).elif(accept, () => {
    m.if(colLast, () => {
      m.sync.set(ldWord, 0);
      m.sync.set(ldBit, 0);
      m.sync.set(ldBuf, ldBuf.not());
      m.if(ld.last, () => m.sync.set(ldActive, 0));
    }).elif(ldBit.eq(words[0] - 1), () => {
      m.sync.set(ldBit, 0);
      m.sync.set(ldWord, fit(ldWord.add(1), ldWord.width));
    }).else(() => m.sync.set(ldBit, fit(ldBit.add(1), ldBit.width)));
  });
  m.if(starting, () => m.sync.set(patErr, 0)).elif(accept.and(patLast.ne(colLast)), () => m.sync.set(patErr, 1));

  const cam = makeBrcrCam(p, L);
  m.submodule("cam", cam.module);
  m.comb.set(cam.wrEn, accept);
  m.comb.set(cam.wrBuf, ldBuf);
  m.comb.set(cam.wrWord, ldWord);
  m.comb.set(cam.wrBit, ldBit);
  m.comb.set(cam.wrPlus, patMag.and(patSign.not()));
  m.comb.set(cam.wrMinus, patMag.and(patSign));

  // ---- search side: keys of W+ then W- of the pass in buffer cp_buf
  const cpBuf = m.signal("cp_buf", u(1)), sHalf = m.signal("s_half", u(1));
  const sKey = m.signal("s_key", u(M), { reset: 1 }), sFresh = m.signal("s_fresh", u(1), { reset: 1 });
  const sActive = m.signal("s_active", u(1));
  m.comb.set(sActive, mux(cpBuf, full[1], full[0]));
  m.comb.set(cam.rdBuf, cpBuf);
  m.comb.set(cam.rdHalf, sHalf);
  m.comb.set(cam.rdKey, sKey);
  const conv = Array.from({ length: C }, (_, k) => {
    const c = makeIndexConverter(S);
    m.submodule(`conv_${k}`, c.module);
    m.comb.set(c.load, sFresh);
    m.comb.set(c.bitmap, cam.match[k]);
    m.comb.set(c.step, sActive);
    return c;
  });
  const keyDone = m.signal("key_done", u(1)), halfEnd = m.signal("half_end", u(1)), passEnd = m.signal("pass_end", u(1));
  m.comb.set(keyDone, cat(...conv.map((c) => c.more)).reduceOr().not());
  m.comb.set(halfEnd, keyDone.and(sKey.eq(L.keys)));
  m.comb.set(passEnd, sActive.and(halfEnd).and(sHalf));
  const cp = makePassCounter(m, "cp", L, starting, passEnd);
  const tileBase = m.signal("tile_base", u(bitsFor(L.xDepth)));
  const groupBase = m.signal("group_base", u(counterBits(L.groups * M - 1)));
  m.if(starting, () => {
    m.sync.set(cpBuf, 0);
    m.sync.set(sHalf, 0);
    m.sync.set(sKey, 1);
    m.sync.set(sFresh, 1);
    m.sync.set(tileBase, 0);
    m.sync.set(groupBase, 0);
  }).elif(sActive, () => {
    m.if(keyDone, () => {
      m.sync.set(sFresh, 1);
      m.if(sKey.eq(L.keys), () => {
        m.sync.set(sKey, 1);
        m.sync.set(sHalf, sHalf.not());
        m.if(sHalf, () => {
          m.sync.set(cpBuf, cpBuf.not());
          m.if(cp.groupEnd, () => {
            m.sync.set(groupBase, 0);
            m.sync.set(tileBase, cp.tileEnd.select(constant(0, tileBase.shape), fit(tileBase.add(S), tileBase.width)));
          }).else(() => m.sync.set(groupBase, fit(groupBase.add(M), groupBase.width)));
        });
      }).else(() => m.sync.set(sKey, fit(sKey.add(1), M)));
    }).else(() => m.sync.set(sFresh, 0));
  });
  for (let b = 0; b < 2; b++) {
    m.if(starting, () => m.sync.set(full[b], 0))
      .elif(ldPassEnd.and(ldBuf.eq(b)), () => m.sync.set(full[b], 1))
      .elif(passEnd.and(cpBuf.eq(b)), () => m.sync.set(full[b], 0));
  }
  // A searched buffer is cleared as it is released; both at start.
  m.comb.set(cam.clr, mux(starting, constant(3, u(2)), mux(passEnd, mux(cpBuf, constant(2, u(2)), constant(1, u(2))), constant(0, u(2)))));

  // ---- activation banks: lane b, converter k; read at the converter's index in the current tile
  const xRead = Array.from({ length: B }, (_, b) =>
    conv.map((c, k) => {
      const mem = m.memory({ name: xMemName(b, k), shape: s(X_BITS), depth: L.xDepth });
      const rp = mem.readPort({ domain: "sync" });
      m.comb.set(rp.addr, fit(tileBase.add(c.index), rp.addr.width));
      const wp = mem.writePort();
      m.comb.set(wp.en, xWe.and(xLane.eq(b)).and(xBank.eq(k)));
      m.comb.set(wp.addr, fit(xAddr, wp.addr.width));
      m.comb.set(wp.data, xData);
      return rp.data;
    }),
  );

  // ---- merge stage, one cycle behind the search (the activation words arrive now)
  const reg = (name: string, shape: { width: number; signed: boolean }, v: Expr): Signal => {
    const r = m.signal(name, shape);
    m.sync.set(r, v);
    return r;
  };
  const m1Valid = reg("m1_valid", u(1), sActive), m1First = reg("m1_first", u(1), sFresh);
  const m1Half = reg("m1_half", u(1), sHalf), m1Key = reg("m1_key", u(M), sKey);
  const m1V = conv.map((c, k) => reg(`m1_v_${k}`, u(1), sActive.and(c.valid)));
  const m1HalfEnd = reg("m1_half_end", u(1), sActive.and(halfEnd));
  const m1Plane = reg("m1_plane", u(3), cp.plane), m1GroupBase = reg("m1_group_base", groupBase.shape, groupBase);
  const m1Move = reg("m1_move", u(1), cp.plane.eq(0).and(cp.tile.eq(0))), m1Final = reg("m1_final", u(1), cp.last);
  const n = m.signal("merge_n", u(countBits(C)));
  m.comb.set(n, popcount(m1V));
  const nz = n.ne(0);
  const adds = mux(m1First.and(nz), fit(n.sub(1), n.width), n); // the key's first value is a move
  m.if(starting, () => m.sync.set(mergeAdds, 0)).elif(m1Valid, () => m.sync.set(mergeAdds, fit(mergeAdds.add(adds.mul(B)), COUNTER_BITS)));
  const present = [0, 1].map((h) =>
    Array.from({ length: L.keys }, (_, i) => {
      const r = m.signal(`present_${h}_${i + 1}`, u(1));
      m.if(m1Valid.and(m1First).and(m1Half.eq(h)).and(m1Key.eq(i + 1)), () => m.sync.set(r, nz));
      return r;
    }),
  );
  const lanes = Array.from({ length: B }, (_, b) => {
    const ln = makeMergeLane(p, L);
    m.submodule(`merge_${b}`, ln.module);
    m.comb.set(ln.en, m1Valid);
    m.comb.set(ln.first, m1First);
    m.comb.set(ln.half, m1Half);
    m.comb.set(ln.key, m1Key);
    ln.v.forEach((v, k) => m.comb.set(v, m1V[k]));
    ln.x.forEach((x, k) => m.comb.set(x, xRead[b][k]));
    return ln;
  });

  // ---- reconstruction: a half's m rows, one per cycle, after its last merge
  const ruActive = m.signal("ru_active", u(1)), ruRow = m.signal("ru_row", u(bitsFor(M))), ruHalf = m.signal("ru_half", u(1));
  const ruPlane = m.signal("ru_plane", u(3)), ruGroupBase = m.signal("ru_group_base", groupBase.shape);
  const ruMove = m.signal("ru_move", u(1)), ruFinal = m.signal("ru_final", u(1));
  m.if(m1Valid.and(m1HalfEnd), () => {
    m.sync.set(ruActive, 1);
    m.sync.set(ruRow, 0);
    m.sync.set(ruHalf, m1Half);
    m.sync.set(ruPlane, m1Plane);
    m.sync.set(ruGroupBase, m1GroupBase);
    m.sync.set(ruMove, m1Move.and(m1Half.not()));
    m.sync.set(ruFinal, m1Final.and(m1Half));
  }).elif(ruActive, () => {
    m.if(ruRow.eq(M - 1), () => m.sync.set(ruActive, 0)).else(() => m.sync.set(ruRow, fit(ruRow.add(1), ruRow.width)));
  });
  const presentBits = [0, 1].map((h) => cat(...[...present[h]].reverse(), constant(0, u(1))));
  const ru = lanes.map((ln, b) => {
    const r = makeReconUnit(M, L.zBits);
    m.submodule(`recon_${b}`, r.module);
    m.comb.set(r.row, ruRow);
    m.comb.set(r.present, mux(ruHalf, presentBits[1], presentBits[0]));
    for (let pat = 1; pat <= L.keys; pat++) m.comb.set(r.z[pat], mux(ruHalf, ln.z[1][pat], ln.z[0][pat]));
    return r;
  });
  const cnt = ru[0].count;
  const rAdds = mux(cnt.ne(0), fit(cnt.sub(1), cnt.width), constant(0, cnt.shape));
  m.if(starting, () => m.sync.set(reconAdds, 0)).elif(ruActive, () => m.sync.set(reconAdds, fit(reconAdds.add(rAdds.mul(B)), COUNTER_BITS)));

  // ---- output write, one cycle after the reconstruction
  const rowAbs = fit(ruGroupBase.add(ruRow), groupBase.width);
  const r2Valid = reg("r2_valid", u(1), ruActive), r2Row = reg("r2_row", groupBase.shape, rowAbs);
  const r2Half = reg("r2_half", u(1), ruHalf), r2Plane = reg("r2_plane", u(3), ruPlane);
  const r2Move = reg("r2_move", u(1), ruMove), r2Final = reg("r2_final", u(1), ruFinal.and(ruRow.eq(M - 1)));
  const r2Sum = ru.map((r, b) => reg(`r2_sum_${b}`, s(L.zBits), r.sum));
  const r2Write = m.signal("r2_write", u(1));
  m.comb.set(r2Write, r2Valid.and(ltConst(r2Row, p.rows)));
  const yRows = Math.max(p.rows, 1);
  for (let b = 0; b < B; b++) {
    const mem = m.memory({ name: yMemName(b), shape: s(Y_BITS), depth: yRows });
    const old = mem.readPort();
    m.comb.set(old.addr, fit(r2Row, old.addr.width));
    const host = mem.readPort();
    m.comb.set(host.addr, fit(yRdAddr, host.addr.width));
    m.comb.set(yRdData[b], host.data);
    const term = mux(r2Half, r2Sum[b].neg(), r2Sum[b]).shl(r2Plane);
    const yNew = m.signal(`y_new_${b}`, s(Y_BITS));
    m.comb.set(yNew, fitS(mux(r2Move, constant(0, s(Y_BITS)), old.data).add(term), Y_BITS));
    const wp = mem.writePort();
    m.comb.set(wp.en, r2Write);
    m.comb.set(wp.addr, fit(r2Row, wp.addr.width));
    m.comb.set(wp.data, yNew);
    m.if(r2Write, () => m.sync.set(accData[b], yNew));
  }
  m.sync.set(accValid, r2Write);
  m.if(r2Write, () => m.sync.set(accRow, fit(r2Row, RB)));
  const finishing = r2Valid.and(r2Final);
  m.sync.set(done, finishing);
  m.if(starting, () => m.sync.set(busy, 1)).elif(finishing, () => m.sync.set(busy, 0));
  m.if(starting, () => m.sync.set(cycles, 1)).elif(busy, () => m.sync.set(cycles, fit(cycles.add(1), COUNTER_BITS)));

  return {
    module: m, start, busy, done, patValid, patReady, patMag, patSign, patLast, patErr, xWe, xLane, xBank, xAddr, xData,
    yRdAddr, yRdData, accValid, accRow, accData, mergeAdds, reconAdds, cycles,
  };
}
