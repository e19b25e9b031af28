/**
 * SPEQ's reconfigurable PE array (papers.md section 2), as a GEMV engine y = W x on one tensor
 * (the core is engine.ts, shared with the decoder): W is rows x cols
 * of stored SPEQ words (src/golden/speq.ts), x binary16, y binary32 with
 *   verify mode (mode = 0): y[r] = dotF16(decodeFullWord(W[r][c], top), x)  (the target model),
 *   draft mode  (mode = 1): y[r] = dotF16(decodeDraftNibble(W[r][c] >> 12, top), x)  (the draft).
 * `pes` PEs (array-pe.ts) each own rows / pes consecutive rows and run in lockstep. Verify mode:
 * one FP16 x FP16 exact product per PE per cycle, the full word fetched (draft nibble + 12-bit
 * remainder); this GEMV uses one position (the decoder batches up to `lanes` on the other lanes). Draft mode: `lanes` draft x FP16 products per PE per cycle on consecutive columns
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
import { Expr, Module, constant, mux, u } from "../../hdl/index.js";
import { bitsFor } from "../../hdl/shape.js";
import { DEFAULT_SPEQ, type SpeqConfig } from "../../golden/speq.js";
import { SPEQ_ARRAY_EXTRA, type SpeqEngineParams, buildSpeqEngine, checkSpeqEngineParams, speqPassBytes, speqPassCycles } from "./engine.js";

export { SPEQ_ARRAY_EXTRA };

export interface SpeqArrayParams {
  readonly rows: number;
  readonly cols: number;
  readonly pes: number;
  readonly lanes: number;
  readonly top: number;
  readonly config: SpeqConfig;
}

export const DEFAULT_SPEQ_ARRAY: SpeqArrayParams = { rows: 16, cols: 16, pes: 4, lanes: 4, top: 15, config: DEFAULT_SPEQ };

function engineParams(p: SpeqArrayParams): SpeqEngineParams {
  return { segments: [{ rows: p.rows, top: p.top }], cols: p.cols, pes: p.pes, lanes: p.lanes, config: p.config };
}

export function checkSpeqArrayParams(p: SpeqArrayParams): void {
  checkSpeqEngineParams(engineParams(p));
}

/** Cycles from the start cycle to done (exclusive of the start cycle's own edge): N + 3. */
export function speqArrayCycles(p: SpeqArrayParams, draft: boolean): number {
  return speqPassCycles(p.rows, p, draft);
}

/** Weight bytes one pass fetches. */
export function speqArrayBytes(p: SpeqArrayParams, draft: boolean): number {
  return speqPassBytes(p.rows, p.cols, draft);
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
  const e = buildSpeqEngine(m, engineParams(p), start, mode, constant(0, u(1)));
  m.comb.set(busyO, e.busy);
  m.comb.set(done, e.done);
  m.comb.set(bytes, e.bytes);

  // Activations: lanes banks, bank j holds x[c] for c % lanes == j, read at word c / lanes. Draft
  // mode: lane j takes bank j; verify mode: every lane takes x[c] (only lane 0's y is read).
  const banks: Expr[] = [];
  for (let j = 0; j < lanes; j++) {
    const bank = m.memory({ name: `x_l${j}`, shape: u(16), depth: cols / lanes });
    const w = bank.writePort();
    m.comb.set(w.en, xWe.and(lb > 0 ? xAddr.slice(lb - 1, 0).eq(j) : constant(1, u(1))));
    m.comb.set(w.addr, xAddr.shr(lb).resize(bank.addrWidth));
    m.comb.set(w.data, xData);
    const r = bank.readPort({ domain: "sync" });
    m.comb.set(r.addr, e.xAddr.resize(bank.addrWidth));
    banks.push(r.data);
  }
  let vX: Expr = banks[0];
  for (let j = 1; j < lanes; j++) vX = mux(e.nib1.eq(j), banks[j], vX);
  const mode1 = m.signal("x_mode1", u(1));
  m.sync.set(mode1, e.mode);
  e.x.forEach((xj, j) => m.comb.set(xj, mux(mode1, banks[j], vX)));

  // PE q serves y_addr < (q + 1) rpp (the ranges ascend, so a priority chain from the top needs
  // one comparison per PE boundary and none that is constant); its local row is y_addr - q rpp.
  let y: Expr = e.yData[pes - 1][0];
  let local: Expr = yAddr.resize(bitsFor(rows) + 1).sub((pes - 1) * rpp);
  for (let q = pes - 2; q >= 0; q--) {
    const hit = yAddr.lt((q + 1) * rpp);
    y = mux(hit, e.yData[q][0], y);
    local = mux(hit, yAddr.resize(bitsFor(rows) + 1).sub(q * rpp), local);
  }
  m.comb.set(e.yRow, local.trunc(e.yRow.width));
  m.comb.set(yData, y);
  return m;
}
