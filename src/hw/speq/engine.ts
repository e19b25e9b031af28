/**
 * The SPEQ PE array's core, shared by the GEMV array (array.ts) and the decoder (decoder.ts): the
 * issue controller, `pes` PEs (array-pe.ts) in lockstep and the weight-byte counter, built into
 * the caller's module so the PEs' weight memories keep the paths `pe<q>.draft` / `pe<q>.rest`.
 *
 * The array holds one or more weight tensors (segments: a model's layers and head), each
 * rows x cols with its own per-tensor scale; PE q owns rows [q * rows / pes, (q + 1) * rows / pes)
 * of every segment, stored segment after segment. A pass (start, with mode and seg sampled)
 * computes y = W_seg x:
 *   verify (mode 0): every lane multiplies the full FP16 weight by its own position's x[c]: up to
 *     `lanes` positions per pass, one column per cycle, 2 bytes per PE per cycle fetched;
 *   draft  (mode 1): `lanes` columns per cycle on one position, only the draft nibbles fetched
 *     (lanes / 2 bytes per PE per cycle).
 * Timing: start = 1 in cycle s -> reads issued in cycles s+1 .. s+N, done = 1 in cycle s+N+3,
 *   N = (rows_seg / pes) * cols / (mode ? lanes : 1)   (SPEQ_ARRAY_EXTRA = 3 pipeline + write).
 *
 * The caller feeds the activations: the engine issues column `col` (x word address col / lanes)
 * in cycle t and wants in cycle t+1, on x[j]: draft mode x[col + j], verify mode position j's
 * x[col] (a sync read port on the issue address gives exactly that); `nib1` is col % lanes of the
 * column in stage 1. Results: y_j[r] of the pass's rows, read per PE at a local row (comb).
 */
import { Expr, Module, Signal, constant, mux, u } from "../../hdl/index.js";
import { bitsFor } from "../../hdl/shape.js";
import { type SpeqConfig, speqCodes } from "../../golden/speq.js";
import { makeSpeqArrayPe } from "./array-pe.js";
import { requireWhole } from "../param-check.js";

export interface SpeqSegment {
  readonly rows: number;
  /** The tensor's scale (golden SpeqTensor.top). */
  readonly top: number;
}

export interface SpeqEngineParams {
  readonly segments: readonly SpeqSegment[];
  readonly cols: number;
  readonly pes: number;
  readonly lanes: number;
  readonly config: SpeqConfig;
}

export const SPEQ_ARRAY_EXTRA = 3;

export function checkSpeqEngineParams(p: SpeqEngineParams, unit = "speq array"): void {
  const whole = (k: string, v: number, lo: number, hi: number) => requireWhole(unit, k, v, lo, hi);
  whole("cols", p.cols, 1, 4096);
  whole("pes", p.pes, 1, 64);
  whole("lanes", p.lanes, 2, 16);
  speqCodes(p.config);
  if ((p.lanes & (p.lanes - 1)) !== 0) throw new Error(`${unit}: lanes = ${p.lanes} must be a power of two (2, 4, 8, 16): a draft word is lanes nibbles = lanes / 2 whole bytes`);
  if (p.cols % p.lanes !== 0) throw new Error(`${unit}: cols = ${p.cols} must be a multiple of lanes = ${p.lanes} (a row is read lanes columns at a time); pad x and W with zero columns`);
  if (p.segments.length < 1 || p.segments.length > 64) throw new Error(`${unit}: ${p.segments.length} weight tensors; give 1..64`);
  p.segments.forEach((s, i) => {
    const name = p.segments.length === 1 ? "rows" : `tensor ${i} rows`;
    whole(name, s.rows, 1, 4096);
    whole(p.segments.length === 1 ? "top" : `tensor ${i} top`, s.top, 0, 30);
    if (s.rows % p.pes !== 0) throw new Error(`${unit}: ${name} = ${s.rows} must be a multiple of pes = ${p.pes} (each PE owns rows / pes rows); pad W with zero rows`);
  });
}

/** Cycles from the start cycle to done (exclusive of the start cycle's own edge): N + 3. */
export function speqPassCycles(rows: number, p: Pick<SpeqEngineParams, "cols" | "pes" | "lanes">, draft: boolean): number {
  return (rows / p.pes) * (p.cols / (draft ? p.lanes : 1)) + SPEQ_ARRAY_EXTRA;
}

/** Weight bytes one pass over `rows` rows fetches: a quarter in draft mode. */
export function speqPassBytes(rows: number, cols: number, draft: boolean): number {
  return draft ? (rows * cols) / 2 : 2 * rows * cols;
}

export interface SpeqEngine {
  /** 1 from the start edge until done. */
  readonly busy: Expr;
  /** One cycle at the end of a pass. */
  readonly done: Signal;
  /** Weight bytes fetched since the last start. */
  readonly bytes: Signal;
  /** The x word address (column / lanes) issued this cycle; read x with a sync port on it. */
  readonly xAddr: Expr;
  /** col % lanes of the column whose activations are due this cycle. */
  readonly nib1: Signal;
  /** The pass's mode, held from start to done. */
  readonly mode: Signal;
  /** The caller drives these: lane j's activation, one cycle after the issue. */
  readonly x: Signal[];
  /** The caller drives this: the local row every PE reads its y from. */
  readonly yRow: Signal;
  /** yData[q][j]: PE q's y_j at yRow. */
  readonly yData: Expr[][];
}

export function buildSpeqEngine(m: Module, p: SpeqEngineParams, start: Expr, mode: Expr, seg: Expr): SpeqEngine {
  checkSpeqEngineParams(p);
  const { cols, pes, lanes, segments } = p;
  const lb = Math.log2(lanes);
  const rpps = segments.map((s) => s.rows / pes);
  const rppMax = Math.max(...rpps);
  const segBits = bitsFor(segments.length);
  const bases: number[] = [];
  rpps.reduce((acc, r) => (bases.push(acc), acc + r), 0);
  // A constant per segment, selected by the held segment.
  const perSeg = (segR: Expr, values: number[], width: number): Expr =>
    values.slice(1).reduce<Expr>((v, c, i) => mux(segR.eq(i + 1), constant(c, u(width)), v), constant(values[0], u(width)));

  // Issue controller: row-major over the PE's rows of the segment, step 1 (verify) or lanes (draft).
  const busy = m.signal("issuing", u(1)), modeR = m.signal("mode_r", u(1)), segR = m.signal("seg_r", u(segBits));
  const row = m.signal("row", u(bitsFor(rppMax))), col = m.signal("col", u(bitsFor(cols)));
  const step = mux(modeR, constant(lanes, u(bitsFor(cols) + 1)), constant(1, u(bitsFor(cols) + 1)));
  const colNext = col.add(step);
  const rowEnd = colNext.eq(cols);
  const lastRow = rpps.length === 1 ? row.eq(rpps[0] - 1) : row.eq(perSeg(segR, rpps.map((r) => r - 1), row.width));
  const lastIssue = rowEnd.and(lastRow);
  const v1 = m.signal("v1", u(1)), v2 = m.signal("v2", u(1));
  const accept = start.and(busy.not()).and(v1.not()).and(v2.not());
  m.if(busy, () => {
    m.if(rowEnd, () => {
      m.sync.set(col, 0);
      m.sync.set(row, row.add(1).trunc(row.width));
    }).else(() => m.sync.set(col, colNext.trunc(col.width)));
    m.if(lastIssue, () => m.sync.set(busy, 0));
  }).elif(accept, () => {
    m.sync.set(busy, 1);
    m.sync.set(modeR, mode);
    m.sync.set(segR, seg.resize(segBits));
    m.sync.set(row, 0);
    m.sync.set(col, 0);
  });

  // Fetch: the draft word once per lanes columns in verify mode (held by the sync read port),
  // every cycle in draft mode; a remainder pair once per two columns, verify mode only.
  const colLow = lb > 0 ? col.slice(lb - 1, 0) : constant(0, u(1));
  const dEn = busy.and(modeR.or(colLow.eq(0)));
  const rEn = busy.and(modeR.not()).and(col.bit(0).eq(0));
  const totalRows = rpps.reduce((a, b) => a + b, 0);
  const memRow = rpps.length === 1 ? row : row.resize(bitsFor(totalRows)).add(perSeg(segR, bases, bitsFor(totalRows)));
  const dAddr = memRow.mul(cols / lanes).add(col.shr(lb));
  const rAddr = memRow.mul(cols / 2).add(col.shr(1));
  const bytes = m.signal("bytes_r", u(32));
  const inc = mux(dEn, constant((pes * lanes) / 2, u(16)), constant(0, u(16))).add(mux(rEn, constant(pes * 3, u(16)), constant(0, u(16))));
  m.if(accept, () => m.sync.set(bytes, 0)).else(() => m.sync.set(bytes, bytes.add(inc).trunc(32)));

  // Pipeline control.
  const nib1 = m.signal("nib1", u(Math.max(lb, 1))), half1 = m.signal("half1", u(1)), mode1 = m.signal("mode1", u(1));
  const seg1 = m.signal("seg1", u(segBits));
  const first1 = m.signal("first1", u(1)), last1 = m.signal("last1", u(1)), row1 = m.signal("row1", u(bitsFor(rppMax)));
  const first2 = m.signal("first2", u(1)), last2 = m.signal("last2", u(1)), row2 = m.signal("row2", u(bitsFor(rppMax)));
  const done = m.signal("done_r", u(1)), lastRow1 = m.signal("lastrow1", u(1)), lastRow2 = m.signal("lastrow2", u(1));
  m.sync.set(v1, busy);
  m.sync.set(nib1, colLow.resize(nib1.width));
  m.sync.set(half1, col.bit(0));
  m.sync.set(mode1, modeR);
  m.sync.set(seg1, segR);
  m.sync.set(first1, col.eq(0));
  m.sync.set(last1, rowEnd);
  m.sync.set(lastRow1, lastRow);
  m.sync.set(row1, row);
  m.sync.set(v2, v1);
  m.sync.set(first2, first1);
  m.sync.set(last2, last1);
  m.sync.set(lastRow2, lastRow1);
  m.sync.set(row2, row1);
  m.sync.set(done, v2.and(last2).and(lastRow2));

  const x = Array.from({ length: lanes }, (_, j) => m.signal(`x_in${j}`, u(16)));
  const yRow = m.signal("y_row", u(bitsFor(rppMax)));
  const yData: Expr[][] = [];
  for (let q = 0; q < pes; q++) {
    const pe = makeSpeqArrayPe({ segRows: rpps, cols, lanes, tops: segments.map((s) => s.top), config: p.config });
    m.submodule(`pe${q}`, pe);
    m.comb.set(pe.port("draft_en"), dEn);
    m.comb.set(pe.port("draft_addr"), dAddr.resize(pe.port("draft_addr").width));
    m.comb.set(pe.port("rest_en"), rEn);
    m.comb.set(pe.port("rest_addr"), rAddr.resize(pe.port("rest_addr").width));
    m.comb.set(pe.port("mode1"), mode1);
    m.comb.set(pe.port("nib1"), nib1);
    m.comb.set(pe.port("half1"), half1);
    m.comb.set(pe.port("seg1"), seg1.resize(pe.port("seg1").width));
    x.forEach((xj, j) => m.comb.set(pe.port(`x${j}`), xj));
    m.comb.set(pe.port("v2"), v2);
    m.comb.set(pe.port("first2"), first2);
    m.comb.set(pe.port("last2"), last2);
    m.comb.set(pe.port("row2"), row2);
    m.comb.set(pe.port("y_addr"), yRow);
    yData.push(Array.from({ length: lanes }, (_, j) => pe.port(`y_data${j}`)));
  }
  return { busy: busy.or(v1).or(v2), done, bytes, xAddr: col.shr(lb), nib1, mode: modeR, x, yRow, yData };
}
