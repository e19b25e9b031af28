/**
 * MCBP end to end (papers.md section 4): INT8 weights -> bit-slice encoder -> BSTC encoder ->
 * compressed bank -> BSTC decoder lanes -> BRCR engine -> y = W x, all RTL.
 *
 *   encode  (offline weight compression) weights stream in one group column per cycle, in the
 *           BSTC encoder's order (sub-matrix, group, column), once per coded plane (`planes`,
 *           3..7 by default): the codec (bstc-codec.ts) codes that plane into the bank at
 *           `enc_base`. While `raw_capture` is high the bit-slice encoder's raw planes (those not
 *           coded, 1 and 2 by default) and the sign go into raw pattern memories, one word
 *           {last, pattern} per column: they stay uncompressed, as in the paper.
 *   compute the BRCR engine (brcr-engine.ts) takes plane after plane, 1..7. `plane_start` rewinds
 *           the raw/sign read pointer; with `src_raw` high the pattern comes from raw memory
 *           `raw_sel`, else from the decoder lane decoding the current sub-matrix (the lanes
 *           decode sub-matrices s = 0, 1, .. on lane s mod lanes in parallel; the selected lane
 *           moves on at its done pulse, so the engine takes them in order). The sign pattern of
 *           every column comes from the sign memory at the same pointer. The sub-matrix width is
 *           the engine's column tile, so both walk (tile, group, column) alike.
 *
 * The control (which plane, lane starts, enc_start) comes from the testbench, like a host
 * programming the unit; everything the data crosses is RTL.
 *
 * Ports: the codec's (w_*, plane, enc_*, bs_*, word_*, seg_*, lane<i>_{start,addr,cols,groups},
 * and its lane outputs), plus raw_capture, plane_start, src_raw, raw_sel, brcr_start,
 * y_rd_addr in; brcr_{busy,done,pat_err}, y_rd_data_<b>, acc_*, merge_adds, recon_adds, rptr out.
 */
import { Expr, Module, bitsFor, cat, constant, mux, u } from "../../hdl/index.js";
import { makeBrcrEngine } from "./brcr-engine.js";
import type { BrcrEngineParams } from "./brcr-params.js";
import { BstcCodecParams, makeBstcCodec } from "./bstc-codec.js";

export interface McbpGemmParams {
  readonly m: number;
  readonly rows: number;
  readonly cols: number;
  /** BSTC sub-matrix width = BRCR column tile. */
  readonly segCols: number;
  readonly lanes: number;
  readonly wordBits: number;
  /** Magnitude planes coded with BSTC (the rest stay raw). */
  readonly planes: readonly number[];
  readonly converters: number;
  readonly batch: number;
  /** Bank words (all coded planes resident). */
  readonly depth: number;
}

export function codecParamsOf(p: McbpGemmParams): BstcCodecParams {
  return { m: p.m, wordBits: p.wordBits, segCols: p.segCols, lanes: p.lanes, maxCols: p.cols, maxGroups: Math.ceil(p.rows / p.m), depth: p.depth };
}

export function brcrParamsOf(p: McbpGemmParams): BrcrEngineParams {
  return { m: p.m, rows: p.rows, cols: p.cols, tile: p.segCols, converters: p.converters, batch: p.batch };
}

/** Planes 1..7 not coded: fed raw. */
export function rawPlanes(p: McbpGemmParams): number[] {
  return [1, 2, 3, 4, 5, 6, 7].filter((x) => !p.planes.includes(x));
}

export function makeMcbpGemm(p: McbpGemmParams): Module {
  for (const x of p.planes) if (!Number.isInteger(x) || x < 1 || x > 7) throw new Error(`mcbp gemm: planes lists ${x}; code magnitude planes 1..7 only (the sign stays raw)`);
  if (p.planes.length === 0) throw new Error("mcbp gemm: planes is empty; code at least one magnitude plane (the raw planes are captured while the first one is coded)");
  const top = new Module("mcbp_gemm");
  const codec = top.submodule("codec", makeBstcCodec(codecParamsOf(p)));
  const eng = makeBrcrEngine(brcrParamsOf(p));
  top.submodule("brcr", eng.module);
  const M = p.m;
  const n = Math.ceil(p.rows / M) * p.cols; // columns of one plane's stream
  const nb = bitsFor(n + 1);

  // ---- the codec's ports, passed through under the same names (lane pattern readiness is ours)
  const passed = new Map<string, Expr>();
  for (const x of codec.inputs) {
    if (/^pat\d+_ready$/.test(x.name)) continue;
    const pin = top.input(x.name, x.shape);
    passed.set(x.name, pin);
    top.comb.set(x, pin);
  }
  for (const x of codec.outputs) top.comb.set(top.output(x.name, x.shape), x);

  // ---- raw pattern memories, filled while the first coded plane streams through
  const rawCapture = top.input("raw_capture", u(1)), planeStart = top.input("plane_start", u(1));
  const srcRaw = top.input("src_raw", u(1));
  const raws = rawPlanes(p);
  const rawSel = top.input("raw_sel", u(bitsFor(Math.max(1, raws.length))));
  const wptr = top.signal("wptr", u(nb)), rptr = top.output("rptr", u(nb));
  const bsValid = codec.port("bs_valid"), bsLast = codec.port("bs_last");
  const capture = rawCapture.and(bsValid);
  top.if(passed.get("enc_start")!, () => top.sync.set(wptr, 0)).elif(capture, () => top.sync.set(wptr, wptr.add(1).trunc(nb)));
  const rawMem = (name: string, pattern: Expr) => {
    const mem = top.memory({ name, shape: u(M + 1), depth: n });
    const wp = mem.writePort();
    top.comb.set(wp.en, capture.and(wptr.lt(n)));
    top.comb.set(wp.addr, wptr.resize(mem.addrWidth).trunc(mem.addrWidth));
    top.comb.set(wp.data, cat(bsLast, pattern));
    const rp = mem.readPort({ domain: "comb" });
    top.comb.set(rp.addr, rptr.resize(mem.addrWidth).trunc(mem.addrWidth));
    return rp.data;
  };
  const signWord = rawMem("raw_sign", codec.port("bs_sign"));
  const rawWords = raws.map((pl) => rawMem(`raw_plane_${pl}`, codec.port(`bs_plane_${pl}`)));

  // ---- the pattern source: a raw memory, or the decoder lane of the current sub-matrix
  const lane = top.signal("cur_lane", u(bitsFor(Math.max(1, p.lanes))));
  let rawWord: Expr = constant(0, u(M + 1));
  rawWords.forEach((w, i) => (rawWord = mux(rawSel.eq(i), w, rawWord)));
  let decValid: Expr = constant(0, u(1)), decData: Expr = constant(0, u(M)), decLast: Expr = constant(0, u(1)), decDone: Expr = constant(0, u(1));
  for (let i = 0; i < p.lanes; i++) {
    const here = lane.eq(i);
    decValid = mux(here, codec.port(`pat${i}_valid`), decValid);
    decData = mux(here, codec.port(`pat${i}_data`), decData);
    decLast = mux(here, codec.port(`pat${i}_last`), decLast);
    decDone = mux(here, codec.port(`lane${i}_done`), decDone);
    top.comb.set(codec.port(`pat${i}_ready`), srcRaw.not().and(here).and(eng.patReady));
  }
  // Nothing is offered in the plane_start cycle (the pointer rewinds there).
  const more = rptr.lt(n).and(planeStart.not());
  top.comb.set(eng.patValid, more.and(mux(srcRaw, constant(1, u(1)), decValid)));
  top.comb.set(eng.patMag, mux(srcRaw, rawWord.slice(M - 1, 0), decData));
  top.comb.set(eng.patLast, mux(srcRaw, rawWord.bit(M), decLast));
  top.comb.set(eng.patSign, signWord.slice(M - 1, 0));
  const took = eng.patValid.and(eng.patReady);
  top.if(planeStart, () => {
    top.sync.set(rptr, 0);
    top.sync.set(lane, 0);
  }).else(() => {
    top.if(took, () => top.sync.set(rptr, rptr.add(1).trunc(nb)));
    // The current sub-matrix's lane finished: the next sub-matrix is on the next lane.
    if (p.lanes > 1) top.if(srcRaw.not().and(decDone), () => top.sync.set(lane, mux(lane.eq(p.lanes - 1), 0, lane.add(1)).trunc(lane.width)));
  });

  // ---- the BRCR engine
  top.comb.set(eng.start, top.input("brcr_start", u(1)));
  for (const x of [eng.xWe, eng.xLane, eng.xBank, eng.xAddr, eng.xData]) top.comb.set(x, constant(0, x.shape));
  top.comb.set(eng.yRdAddr, top.input("y_rd_addr", eng.yRdAddr.shape));
  const out = (name: string, x: Expr) => top.comb.set(top.output(name, x.shape), x);
  out("brcr_busy", eng.busy);
  out("brcr_done", eng.done);
  out("brcr_pat_err", eng.patErr);
  eng.yRdData.forEach((y, b) => out(`y_rd_data_${b}`, y));
  out("merge_adds", eng.mergeAdds);
  out("recon_adds", eng.reconAdds);
  return top;
}
