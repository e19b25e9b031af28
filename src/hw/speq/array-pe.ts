/**
 * One PE of the SPEQ GEMV array (array.ts): owns `rowsPerPe` consecutive rows of W as two
 * memories laid out exactly as golden speqLayout's image of those rows (nibble-major):
 *   draft: words of `lanes` draft nibbles (lanes / 2 bytes), the first element in the MSBs;
 *   rest:  words of two 12-bit remainders (3 bytes), the first element in the MSBs.
 * The array controller drives the read addresses and enables (every PE reads the same local
 * addresses in the same cycle), the activations and the pipeline control.
 *
 * The lanes take `lanes` consecutive COLUMNS of one row (so a draft word is one memory word, and
 * the row still accumulates left to right as golden dotF16):
 *   draft mode:  lane j multiplies draft(nibble j) by x[c + j]; the sum chain adds lane 0..lanes-1
 *                products into the accumulator in that order (each add rounded, as dotF16).
 *   verify mode: lane 0's multiplier takes the full word (nibble c % lanes of the held draft word
 *                + remainder c % 2 of the held rest word) and x[c]; only the chain's first adder
 *                counts. The other lanes idle.
 *
 * Pipeline (controller issues read at cycle t):
 *   t+1: memory words and x registered -> weight decode -> exact FP16 x FP16 products, registered;
 *   t+2: acc <= (first ? +0 : acc) + products (chain); on a row's last issue y[row] <= that sum.
 *
 * Each lane multiplier is the general exact FP16 multiplier (fp16-exact-mul.ts), fed from the
 * per-tensor draft table: a bucket code's draft is not always 1.5 * 2^k (see array-decode.ts), so a
 * shift-and-add lane would not match the golden for those codes.
 */
import { Expr, Module, Signal, cat, constant, mux, u } from "../../hdl/index.js";
import type { SpeqConfig } from "../../golden/speq.js";
import { bitsFor } from "../../hdl/shape.js";
import { constTable, draftTable, fullExponentTable } from "./array-decode.js";
import { makeFp16ExactMul } from "./fp16-exact-mul.js";
import { makeFp32Add } from "./fp32-add.js";

export interface SpeqPeParams {
  readonly rowsPerPe: number;
  readonly cols: number;
  readonly lanes: number;
  readonly top: number;
  readonly config: SpeqConfig;
}

export function makeSpeqArrayPe(p: SpeqPeParams): Module {
  const { rowsPerPe, cols, lanes, top, config } = p;
  const m = new Module("speq_array_pe");
  const n = rowsPerPe * cols;
  const draftMem = m.memory({ name: "draft", shape: u(4 * lanes), depth: n / lanes });
  const restMem = m.memory({ name: "rest", shape: u(24), depth: n / 2 });
  const lb = Math.log2(lanes);

  // Stage 0 (from the controller): read addresses and enables.
  const dEn = m.input("draft_en", u(1)), dAddr = m.input("draft_addr", u(draftMem.addrWidth));
  const rEn = m.input("rest_en", u(1)), rAddr = m.input("rest_addr", u(restMem.addrWidth));
  // Stage 1: mode, which nibble / remainder of the held words, the activations.
  const mode1 = m.input("mode1", u(1)), nib1 = m.input("nib1", u(Math.max(lb, 1))), half1 = m.input("half1", u(1));
  const xs = Array.from({ length: lanes }, (_, j) => m.input(`x${j}`, u(16)));
  // Stage 2: accumulate control.
  const v2 = m.input("v2", u(1)), first2 = m.input("first2", u(1)), last2 = m.input("last2", u(1));
  const row2 = m.input("row2", u(bitsFor(rowsPerPe)));
  const yAddr = m.input("y_addr", u(bitsFor(rowsPerPe))), yData = m.output("y_data", u(32));

  const dr = draftMem.readPort({ domain: "sync" }), rr = restMem.readPort({ domain: "sync" });
  m.comb.set(dr.en, dEn);
  m.comb.set(dr.addr, dAddr);
  m.comb.set(rr.en, rEn);
  m.comb.set(rr.addr, rAddr);

  // Stage 1: decode. nibble j of the draft word sits at bits 4(lanes-j)-1 .. 4(lanes-j-1).
  const nibbles = Array.from({ length: lanes }, (_, j) => dr.data.slice(4 * (lanes - j) - 1, 4 * (lanes - j - 1)));
  const dTab = draftTable(top, config);
  const drafts = nibbles.map((nb, j) => constTable(m, `draft_w${j}`, nb, dTab, 16));
  let vNib: Expr = nibbles[0];
  for (let j = 1; j < lanes; j++) vNib = mux(nib1.eq(j), nibbles[j], vNib);
  const rem = mux(half1, rr.data.slice(11, 0), rr.data.slice(23, 12));
  const expField = constTable(m, "full_exp", cat(vNib.slice(2, 0), rem.slice(11, 10)), fullExponentTable(top, config), 5);
  const full = cat(vNib.bit(3), expField, rem.slice(9, 0));
  let vX: Expr = xs[0];
  for (let j = 1; j < lanes; j++) vX = mux(nib1.eq(j), xs[j], vX);

  const prods: Signal[] = [];
  for (let j = 0; j < lanes; j++) {
    const mul = makeFp16ExactMul();
    m.submodule(`mul${j}`, mul);
    m.comb.set(mul.port("a"), j === 0 ? mux(mode1, drafts[0], full) : drafts[j]);
    m.comb.set(mul.port("b"), j === 0 ? mux(mode1, xs[0], vX) : xs[j]);
    const pr = m.signal(`prod${j}`, u(32));
    m.sync.set(pr, mul.port("y"));
    prods.push(pr);
  }
  const mode2 = m.signal("mode2", u(1));
  m.sync.set(mode2, mode1);

  // Stage 2: the left-to-right chain, +0 at a row's first issue.
  const acc = m.signal("acc", u(32));
  let s: Expr = mux(first2, constant(0, u(32)), acc);
  const sums: Expr[] = [];
  for (let j = 0; j < lanes; j++) {
    const add = makeFp32Add();
    m.submodule(`add${j}`, add);
    m.comb.set(add.port("a"), s);
    m.comb.set(add.port("b"), prods[j]);
    s = add.port("y");
    sums.push(s);
  }
  const sum = m.signal("sum", u(32));
  m.comb.set(sum, mux(mode2, sums[lanes - 1], sums[0]));
  m.if(v2, () => m.sync.set(acc, sum));

  const yMem = m.memory({ name: "y", shape: u(32), depth: rowsPerPe });
  const yw = yMem.writePort();
  m.comb.set(yw.en, v2.and(last2));
  m.comb.set(yw.addr, row2.resize(yMem.addrWidth));
  m.comb.set(yw.data, sum);
  const yr = yMem.readPort();
  m.comb.set(yr.addr, yAddr.resize(yMem.addrWidth));
  m.comb.set(yData, yr.data);
  return m;
}
