/**
 * SPEQ's reconfigurable PE array (papers.md section 2), as a GEMV engine y = W x: W is rows x cols
 * of stored SPEQ words (src/golden/speq.ts), x binary16, y binary32 with
 *   verify mode (mode = 0): y[r] = dotF16(decodeFullWord(W[r][c], top), x)  (the target model),
 *   draft mode  (mode = 1): y[r] = dotF16(decodeDraftNibble(W[r][c] >> 12, top), x)  (the draft).
 * `pes` PEs (array-pe.ts) each own rows / pes consecutive rows and run in lockstep. Verify mode:
 * one FP16 x FP16 exact product per PE per cycle, the full word fetched (draft nibble + 12-bit
 * remainder). Draft mode: `lanes` draft x FP16 products per PE per cycle on consecutive columns
 * of one row, only the nibble region read. `bytes` counts weight bytes fetched in the pass: the
 * draft pass reads exactly a quarter of the verify pass's bytes (rows * cols / 2 vs 2 * rows * cols).
 *
 * Defaults (the paper gives no array size): rows 16, cols 16, pes 4, lanes 4 (four 4-bit lanes
 * per 16-bit multiplier, the ratio of the weight widths), top 15, singles 5 (golden default).
 *
 * Ports:
 *   start u1, mode u1 (sampled with start; ignored while busy)
 *   x_we u1, x_addr u(bits(cols)), x_data u16: write activation x[x_addr] (banked by lanes)
 *   y_addr u(bits(rows)) -> y_data u32: read y[y_addr] (combinational; valid from done on;
 *     y_addr >= rows reads junk)
 *   busy u1, done u1 (one cycle), bytes u32 (weight bytes fetched since start)
 * Weights: per PE `pe<p>.draft` (lanes-nibble words) and `pe<p>.rest` (24-bit remainder pairs),
 * the PE's slice of golden speqLayout (loaded by backdoor: speqArrayImage in src/tb/speq/array-drive.ts).
 * Timing: start = 1 in cycle s -> reads issued in cycles s+1 .. s+N, done = 1 in cycle s+N+3,
 *   N = (rows / pes) * cols / (mode ? lanes : 1)   (SPEQ_ARRAY_EXTRA = 3 pipeline + write cycles).
 */
import { Expr, Module, Signal, constant, mux, u } from "../../hdl/index.js";
import { bitsFor } from "../../hdl/shape.js";
import { DEFAULT_SPEQ, type SpeqConfig, speqCodes } from "../../golden/speq.js";
import { makeSpeqArrayPe } from "./array-pe.js";
import { requireWhole } from "../param-check.js";

export interface SpeqArrayParams {
  readonly rows: number;
  readonly cols: number;
  readonly pes: number;
  readonly lanes: number;
  readonly top: number;
  readonly config: SpeqConfig;
}

export const DEFAULT_SPEQ_ARRAY: SpeqArrayParams = { rows: 16, cols: 16, pes: 4, lanes: 4, top: 15, config: DEFAULT_SPEQ };
export const SPEQ_ARRAY_EXTRA = 3;

export function checkSpeqArrayParams(p: SpeqArrayParams): void {
  const whole = (k: string, v: number, lo: number, hi: number) => requireWhole("speq array", k, v, lo, hi);
  whole("rows", p.rows, 1, 4096);
  whole("cols", p.cols, 1, 4096);
  whole("pes", p.pes, 1, 64);
  whole("lanes", p.lanes, 2, 16);
  whole("top", p.top, 0, 30);
  speqCodes(p.config);
  if ((p.lanes & (p.lanes - 1)) !== 0) throw new Error(`speq array: lanes = ${p.lanes} must be a power of two (2, 4, 8, 16): a draft word is lanes nibbles = lanes / 2 whole bytes`);
  if (p.rows % p.pes !== 0) throw new Error(`speq array: rows = ${p.rows} must be a multiple of pes = ${p.pes} (each PE owns rows / pes rows); pad W with zero rows`);
  if (p.cols % p.lanes !== 0) throw new Error(`speq array: cols = ${p.cols} must be a multiple of lanes = ${p.lanes} (a row is read lanes columns at a time); pad x and W with zero columns`);
}

/** Cycles from the start cycle to done (exclusive of the start cycle's own edge): N + 3. */
export function speqArrayCycles(p: SpeqArrayParams, draft: boolean): number {
  return (p.rows / p.pes) * (p.cols / (draft ? p.lanes : 1)) + SPEQ_ARRAY_EXTRA;
}

/** Weight bytes one pass fetches. */
export function speqArrayBytes(p: SpeqArrayParams, draft: boolean): number {
  return draft ? (p.rows * p.cols) / 2 : 2 * p.rows * p.cols;
}

export function makeSpeqArray(params: Partial<SpeqArrayParams> = {}): Module {
  const p: SpeqArrayParams = { ...DEFAULT_SPEQ_ARRAY, ...params };
  checkSpeqArrayParams(p);
  const { rows, cols, pes, lanes } = p;
  const rpp = rows / pes, lb = Math.log2(lanes);
  const m = new Module("speq_array");
  const start = m.input("start", u(1)), mode = m.input("mode", u(1));
  const xWe = m.input("x_we", u(1)), xAddr = m.input("x_addr", u(bitsFor(cols))), xData = m.input("x_data", u(16));
  const yAddr = m.input("y_addr", u(bitsFor(rows))), yData = m.output("y_data", u(32));
  const busyO = m.output("busy", u(1)), done = m.output("done", u(1)), bytes = m.output("bytes", u(32));

  // Issue controller: row-major over the PE's rows, step 1 (verify) or lanes (draft) columns.
  const busy = m.signal("issuing", u(1)), modeR = m.signal("mode_r", u(1));
  const row = m.signal("row", u(bitsFor(rpp))), col = m.signal("col", u(bitsFor(cols)));
  const step = mux(modeR, constant(lanes, u(bitsFor(cols) + 1)), constant(1, u(bitsFor(cols) + 1)));
  const colNext = col.add(step);
  const rowEnd = colNext.eq(cols), lastIssue = rowEnd.and(row.eq(rpp - 1));
  const v1 = m.signal("v1", u(1)), v2 = m.signal("v2", u(1));
  m.if(busy, () => {
    m.if(rowEnd, () => {
      m.sync.set(col, 0);
      m.sync.set(row, row.add(1).trunc(row.width));
    }).else(() => m.sync.set(col, colNext.trunc(col.width)));
    m.if(lastIssue, () => m.sync.set(busy, 0));
  }).elif(start.and(v1.not()).and(v2.not()), () => {
    m.sync.set(busy, 1);
    m.sync.set(modeR, mode);
    m.sync.set(row, 0);
    m.sync.set(col, 0);
  });

  // Fetch: draft word once per lanes columns in verify mode (held by the sync read port), every
  // cycle in draft mode; remainder pair once per two columns, verify mode only.
  const colLow = lb > 0 ? col.slice(lb - 1, 0) : constant(0, u(1));
  const dEn = busy.and(modeR.or(colLow.eq(0)));
  const rEn = busy.and(modeR.not()).and(col.bit(0).eq(0));
  const dAddr = row.mul(cols / lanes).add(col.shr(lb));
  const rAddr = row.mul(cols / 2).add(col.shr(1));
  const bytesR = m.signal("bytes_r", u(32));
  const inc = mux(dEn, constant((pes * lanes) / 2, u(16)), constant(0, u(16))).add(mux(rEn, constant(pes * 3, u(16)), constant(0, u(16))));
  m.if(busy.not().and(start).and(v1.not()).and(v2.not()), () => m.sync.set(bytesR, 0)).else(() => m.sync.set(bytesR, bytesR.add(inc).trunc(32)));
  m.comb.set(bytes, bytesR);

  // Activations: lanes banks, bank j holds x[c] for c % lanes == j, read at word c / lanes.
  const xs: Signal[] = [];
  for (let j = 0; j < lanes; j++) {
    const bank = m.memory({ name: `x_l${j}`, shape: u(16), depth: cols / lanes });
    const w = bank.writePort();
    m.comb.set(w.en, xWe.and(lb > 0 ? xAddr.slice(lb - 1, 0).eq(j) : constant(1, u(1))));
    m.comb.set(w.addr, xAddr.shr(lb).resize(bank.addrWidth));
    m.comb.set(w.data, xData);
    const r = bank.readPort({ domain: "sync" });
    m.comb.set(r.addr, col.shr(lb).resize(bank.addrWidth));
    xs.push(r.data);
  }

  // Pipeline control.
  const nib1 = m.signal("nib1", u(Math.max(lb, 1))), half1 = m.signal("half1", u(1)), mode1 = m.signal("mode1", u(1));
  const first1 = m.signal("first1", u(1)), last1 = m.signal("last1", u(1)), row1 = m.signal("row1", u(bitsFor(rpp)));
  const first2 = m.signal("first2", u(1)), last2 = m.signal("last2", u(1)), row2 = m.signal("row2", u(bitsFor(rpp)));
  m.sync.set(v1, busy);
  m.sync.set(nib1, colLow.resize(nib1.width));
  m.sync.set(half1, col.bit(0));
  m.sync.set(mode1, modeR);
  m.sync.set(first1, col.eq(0));
  m.sync.set(last1, rowEnd);
  m.sync.set(row1, row);
  m.sync.set(v2, v1);
  m.sync.set(first2, first1);
  m.sync.set(last2, last1);
  m.sync.set(row2, row1);
  m.sync.set(done, v2.and(last2).and(row2.eq(rpp - 1)));
  m.comb.set(busyO, busy.or(v1).or(v2));

  const yData_: Expr[] = [];
  for (let q = 0; q < pes; q++) {
    const pe = makeSpeqArrayPe({ rowsPerPe: rpp, cols, lanes, top: p.top, config: p.config });
    m.submodule(`pe${q}`, pe);
    m.comb.set(pe.port("draft_en"), dEn);
    m.comb.set(pe.port("draft_addr"), dAddr.resize(pe.port("draft_addr").width));
    m.comb.set(pe.port("rest_en"), rEn);
    m.comb.set(pe.port("rest_addr"), rAddr.resize(pe.port("rest_addr").width));
    m.comb.set(pe.port("mode1"), mode1);
    m.comb.set(pe.port("nib1"), nib1);
    m.comb.set(pe.port("half1"), half1);
    xs.forEach((x, j) => m.comb.set(pe.port(`x${j}`), x));
    m.comb.set(pe.port("v2"), v2);
    m.comb.set(pe.port("first2"), first2);
    m.comb.set(pe.port("last2"), last2);
    m.comb.set(pe.port("row2"), row2);
    // y_addr - q * rpp, valid when y_addr lies in this PE's rows.
    const local = yAddr.resize(bitsFor(rows) + 1).sub(q * rpp).trunc(bitsFor(rows));
    m.comb.set(pe.port("y_addr"), local.resize(pe.port("y_addr").width));
    yData_.push(pe.port("y_data"));
  }
  // PE q serves y_addr < (q + 1) rpp (the ranges ascend, so a priority chain from the top needs
  // one comparison per PE boundary and none that is constant).
  let y: Expr = yData_[pes - 1];
  for (let q = pes - 2; q >= 0; q--) y = mux(yAddr.lt((q + 1) * rpp), yData_[q], y);
  m.comb.set(yData, y);
  return m;
}
