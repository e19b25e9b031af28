/**
 * One PE of the SPEQ array (engine.ts): owns, for every weight tensor (segment) the array holds,
 * a slice of consecutive rows, in two memories laid out exactly as golden speqLayout's image of
 * those rows (nibble-major), segment after segment:
 *   draft: words of `lanes` draft nibbles (lanes / 2 bytes), the first element in the MSBs;
 *   rest:  words of two 12-bit remainders (3 bytes), the first element in the MSBs.
 * The controller drives the read addresses and enables (every PE reads the same local addresses
 * in the same cycle), the segment, the activations and the pipeline control.
 *
 * The reconfiguration (papers.md section 2: one array runs the draft and the verify pass):
 *   draft mode:  lane j multiplies draft(nibble j) by x_j = x[c + j] (`lanes` consecutive COLUMNS
 *                of one row, one memory word); the sum chain adds lane 0..lanes-1 products into
 *                acc0 in that order (each add rounded, as golden dotF16 left to right) -> y0.
 *   verify mode: the lanes fuse onto one full FP16 weight (the draft nibble c % lanes of the held
 *                draft word + remainder c % 2 of the held rest word), and lane j multiplies it by
 *                x_j = position j's x[c]: up to `lanes` positions share each weight fetch, which is
 *                what lets a verify pass check gamma + 1 tokens for the weight traffic of one.
 *                Lane j adds into its own acc_j -> y_j.
 * Either way each lane is one exact FP16 x FP16 multiplier and one FP32 adder: the same hardware,
 * the chain links switched by the mode.
 *
 * Pipeline (controller issues a read at cycle t):
 *   t+1: memory words and x registered -> weight decode -> exact products, registered;
 *   t+2: acc_j <= (first ? +0 : acc_j) + chain; on a row's last issue y_j[row] <= that sum.
 *
 * Each lane multiplier is the general exact FP16 multiplier (fp16-exact-mul.ts), fed from the
 * segment's draft table: a bucket code's draft is not always 1.5 * 2^k (see array-decode.ts), so a
 * shift-and-add lane would not match the golden for those codes.
 */
import { Expr, Module, Signal, cat, constant, mux, u } from "../../hdl/index.js";
import type { SpeqConfig } from "../../golden/speq.js";
import { bitsFor } from "../../hdl/shape.js";
import { constTable, draftTable, fullExponentTable } from "./array-decode.js";
import { makeFp16ExactMul } from "./fp16-exact-mul.js";
import { makeFp32Add } from "./fp32-add.js";
import { wire } from "./fp-format.js";

export interface SpeqPeParams {
  /** Rows this PE owns of each segment (tensor), in memory order. */
  readonly segRows: readonly number[];
  readonly cols: number;
  readonly lanes: number;
  /** Each segment's per-tensor scale (golden SpeqTensor.top). */
  readonly tops: readonly number[];
  readonly config: SpeqConfig;
}

/**
 * A per-segment table: one constant table per distinct scale, selected by the segment. Tensors of
 * one model mostly share a scale, so this is usually a single table and no mux.
 */
function segTable(m: Module, name: string, sel: Expr, seg: Expr, tops: readonly number[], table: (top: number) => number[], width: number): Expr {
  const distinct = [...new Set(tops)];
  let v: Expr = constTable(m, `${name}_t${distinct[0]}`, sel, table(distinct[0]), width);
  for (const t of distinct.slice(1)) {
    const hit = tops.map((tt, s) => (tt === t ? seg.eq(s) : undefined)).filter((e): e is Expr => !!e).reduce((a, b) => a.or(b));
    v = mux(hit, constTable(m, `${name}_t${t}`, sel, table(t), width), v);
  }
  return wire(m, name, v);
}

export function makeSpeqArrayPe(p: SpeqPeParams): Module {
  const { segRows, cols, lanes, tops, config } = p;
  const m = new Module("speq_array_pe");
  const n = segRows.reduce((a, b) => a + b, 0) * cols;
  const draftMem = m.memory({ name: "draft", shape: u(4 * lanes), depth: n / lanes });
  const restMem = m.memory({ name: "rest", shape: u(24), depth: n / 2 });
  const lb = Math.log2(lanes);
  const yDepth = Math.max(...segRows);

  // Stage 0 (from the controller): read addresses and enables.
  const dEn = m.input("draft_en", u(1)), dAddr = m.input("draft_addr", u(draftMem.addrWidth));
  const rEn = m.input("rest_en", u(1)), rAddr = m.input("rest_addr", u(restMem.addrWidth));
  // Stage 1: mode, segment, which nibble / remainder of the held words, the activations.
  const mode1 = m.input("mode1", u(1)), nib1 = m.input("nib1", u(Math.max(lb, 1))), half1 = m.input("half1", u(1));
  const seg1 = m.input("seg1", u(bitsFor(segRows.length)));
  const xs = Array.from({ length: lanes }, (_, j) => m.input(`x${j}`, u(16)));
  // Stage 2: accumulate control.
  const v2 = m.input("v2", u(1)), first2 = m.input("first2", u(1)), last2 = m.input("last2", u(1));
  const row2 = m.input("row2", u(bitsFor(yDepth)));
  const yAddr = m.input("y_addr", u(bitsFor(yDepth)));

  const dr = draftMem.readPort({ domain: "sync" }), rr = restMem.readPort({ domain: "sync" });
  m.comb.set(dr.en, dEn);
  m.comb.set(dr.addr, dAddr);
  m.comb.set(rr.en, rEn);
  m.comb.set(rr.addr, rAddr);

  // Stage 1: decode. nibble j of the draft word sits at bits 4(lanes-j)-1 .. 4(lanes-j-1).
  const nibbles = Array.from({ length: lanes }, (_, j) => dr.data.slice(4 * (lanes - j) - 1, 4 * (lanes - j - 1)));
  const drafts = nibbles.map((nb, j) => segTable(m, `draft_w${j}`, nb, seg1, tops, (t) => draftTable(t, config), 16));
  let vNib: Expr = nibbles[0];
  for (let j = 1; j < lanes; j++) vNib = mux(nib1.eq(j), nibbles[j], vNib);
  const rem = mux(half1, rr.data.slice(11, 0), rr.data.slice(23, 12));
  const expField = segTable(m, "full_exp", cat(vNib.slice(2, 0), rem.slice(11, 10)), seg1, tops, (t) => fullExponentTable(t, config), 5);
  const full = wire(m, "full_w", cat(vNib.bit(3), expField, rem.slice(9, 0)));

  const prods: Signal[] = [];
  for (let j = 0; j < lanes; j++) {
    const mul = makeFp16ExactMul();
    m.submodule(`mul${j}`, mul);
    m.comb.set(mul.port("a"), mux(mode1, drafts[j], full));
    m.comb.set(mul.port("b"), xs[j]);
    const pr = m.signal(`prod${j}`, u(32));
    m.sync.set(pr, mul.port("y"));
    prods.push(pr);
  }
  const mode2 = m.signal("mode2", u(1));
  m.sync.set(mode2, mode1);

  // Stage 2: lane j's adder takes the chain (draft) or its own accumulator (verify); +0 at a
  // row's first issue.
  const zero = constant(0, u(32));
  const accs = Array.from({ length: lanes }, (_, j) => m.signal(`acc${j}`, u(32)));
  const sums: Signal[] = [];
  for (let j = 0; j < lanes; j++) {
    const own = mux(first2, zero, accs[j]);
    const add = makeFp32Add();
    m.submodule(`add${j}`, add);
    m.comb.set(add.port("a"), j === 0 ? own : mux(mode2, sums[j - 1], own));
    m.comb.set(add.port("b"), prods[j]);
    sums.push(wire(m, `sum${j}`, add.port("y")));
  }
  const result = (j: number): Expr => (j === 0 ? mux(mode2, sums[lanes - 1], sums[0]) : sums[j]);
  m.if(v2, () => accs.forEach((a, j) => m.sync.set(a, result(j))));

  for (let j = 0; j < lanes; j++) {
    const yMem = m.memory({ name: `y${j}`, shape: u(32), depth: yDepth });
    const yw = yMem.writePort();
    // Lanes 1.. hold results in verify mode only (in draft mode they are links of lane 0's chain).
    m.comb.set(yw.en, v2.and(last2).and(j === 0 ? constant(1, u(1)) : mode2.not()));
    m.comb.set(yw.addr, row2.resize(yMem.addrWidth));
    m.comb.set(yw.data, result(j));
    const yr = yMem.readPort();
    m.comb.set(yr.addr, yAddr.resize(yMem.addrWidth));
    const yo = m.output(`y_data${j}`, u(32));
    m.comb.set(yo, yr.data);
  }
  return m;
}
