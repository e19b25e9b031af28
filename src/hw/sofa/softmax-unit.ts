/**
 * The SOFA softmax unit: softmaxFixed(x, cfg) (src/golden/sofa.ts) exactly, for N scores x (s16,
 * cfg.fracBits fraction bits) held in `lanes` lane memories (score i at lane i % lanes, address
 * floor(i / lanes)), `lanes` scores per cycle. Four passes, started by `start`:
 *   MAX   read every row, keep the running max;
 *   EXP   read every row again, p_i = expFixed(max - x_i) (one exp unit per lane), write p to the
 *         p memories, sum += the row's p (the row's max is final by then: the passes overlap by the
 *         memories' one-cycle read latency);
 *   RECIP floor(2^recipBits / sum) on the sequential divider (sum >= 1.0, so recipBits - probBits + 1
 *         quotient bits);
 *   NORM  read p back, y_i = floor(p_i * recip / 2^(recipBits - probBits)): `lanes` multiplies per cycle.
 * Output stream: one row of `lanes` y per cycle, no backpressure (`y_valid`, `y_index` = index of
 * lane 0, `y_data_i`, `y_mask_i` = 1 where index < N). `max`, `sum`, `recip` stay readable after done.
 *
 * Cycles: with W = ceil(N / lanes) and Q = recipBits - probBits + 1, `done` is 1 for one cycle,
 * 3W + Q + 5 cycles after the cycle `start` was 1 (softmaxUnitCycles, src/golden/sofa-sufa-timing.ts:
 * MAX W, EXP W, 1 to land the last row, 1 to start the divider, Q + 1 dividing, NORM W, 1 to land
 * the last row); the first y_valid comes 2W + Q + 6 cycles after start, then one per cycle; done
 * comes with the last.
 *
 * Scores enter by the write port (`x_we`, `x_lane`, `x_addr`, `x_data`) or by backdoor writes to the
 * memories `x_l<lane>`. A start while busy is ignored.
 *
 * Ports (W = ceil(N / lanes), P = probBits, Q = recipBits - P + 1):
 *   in  start, x_we u1, x_lane u(bits(lanes)), x_addr u(bits(W)), x_data s16
 *   out busy, done, y_valid, y_index u(bits(N)), y_data_0..lanes-1 u(P + 1), y_mask_0..lanes-1 u1
 *   out max s16, sum u(P + 1 + bits(N)), recip u(Q), exps u32 (exps evaluated since reset)
 */
import { Expr, Module, bitsFor, constant, mux, s, u } from "../../hdl/index.js";
import { DEFAULT_SOFTMAX, SoftmaxConfig, checkExpConfig } from "../../golden/sofa.js";
import { makeExpUnit } from "./exp-unit.js";
import { makeReciprocal } from "./reciprocal.js";
import { larger } from "../datapath.js";

export interface SoftmaxUnitParams {
  /** Vector length N. */
  readonly n: number;
  /** Scores read (and exps, and output multiplies) per cycle. */
  readonly lanes: number;
  readonly cfg?: SoftmaxConfig;
}

export const SOFTMAX_SCORE_BITS = 16;

export interface SoftmaxUnitShape {
  readonly rowsPerPass: number;
  readonly qBits: number;
  readonly sumBits: number;
  readonly yBits: number;
}

export function softmaxUnitShape(p: SoftmaxUnitParams): SoftmaxUnitShape {
  const c = p.cfg ?? DEFAULT_SOFTMAX;
  checkExpConfig(c);
  if (!Number.isInteger(p.n) || p.n < 1 || p.n > 1 << 16) throw new Error(`softmax unit: n = ${p.n} must be an integer in 1..65536 (the vector length)`);
  if (!Number.isInteger(p.lanes) || p.lanes < 1 || p.lanes > 64) throw new Error(`softmax unit: lanes = ${p.lanes} must be an integer in 1..64`);
  if (!Number.isInteger(c.recipBits) || c.recipBits <= c.probBits || c.recipBits > 60) {
    throw new Error(`softmax unit: recipBits = ${c.recipBits} must be an integer in ${c.probBits + 1}..60 (above probBits, so 1/sum keeps fraction bits)`);
  }
  return {
    rowsPerPass: Math.ceil(p.n / p.lanes),
    qBits: c.recipBits - c.probBits + 1, // sum >= 2^probBits (the max scores exp(0) = 1.0)
    sumBits: c.probBits + 1 + bitsFor(p.n), // sum <= N * 2^probBits
    yBits: c.probBits + 1,
  };
}

export function makeSoftmaxUnit(p: SoftmaxUnitParams): Module {
  const c = p.cfg ?? DEFAULT_SOFTMAX;
  const g = softmaxUnitShape(p);
  const { lanes } = p, N = p.n, W = g.rowsPerPass, P = c.probBits;
  const m = new Module("sofa_softmax");
  const start = m.input("start", u(1));
  const xWe = m.input("x_we", u(1));
  const xLane = m.input("x_lane", u(bitsFor(lanes)));
  const xAddr = m.input("x_addr", u(bitsFor(W)));
  const xData = m.input("x_data", s(SOFTMAX_SCORE_BITS));
  const busy = m.output("busy", u(1));
  const done = m.output("done", u(1));
  const yValid = m.output("y_valid", u(1));
  const yIndex = m.output("y_index", u(bitsFor(N)));
  const yData = Array.from({ length: lanes }, (_, i) => m.output(`y_data_${i}`, u(g.yBits)));
  const yMask = Array.from({ length: lanes }, (_, i) => m.output(`y_mask_${i}`, u(1)));
  const maxOut = m.output("max", s(SOFTMAX_SCORE_BITS));
  const sumOut = m.output("sum", u(g.sumBits));
  const recipOut = m.output("recip", u(g.qBits));
  const exps = m.output("exps", u(32));

  // Defaults first: later statements win, and the FSM's body is placed where it is created.
  const v1 = m.signal("v1", u(1));
  const doneReg = m.signal("done_reg", u(1));
  m.sync.set(v1, 0);
  m.sync.set(doneReg, 0);
  const f = m.fsm("pass", { states: ["IDLE", "MAX", "EXP", "TAIL", "DIVGO", "DIV", "NORM", "FLUSH"] as const, init: "IDLE" });
  const a = m.signal("addr", u(bitsFor(W)));
  const lastA = a.eq(W - 1);
  // Stage 1: the row read last cycle is on the memories' outputs now.
  const pass1 = m.signal("pass1", u(2)); // 0 MAX, 1 EXP, 2 NORM
  const a1 = m.signal("a1", u(bitsFor(W)));
  const maxReg = m.signal("max_reg", s(SOFTMAX_SCORE_BITS), { reset: -(2 ** (SOFTMAX_SCORE_BITS - 1)) });
  const sum = m.signal("sum_reg", u(g.sumBits));

  const div = m.submodule("recip_unit", makeReciprocal({ lBits: g.sumBits, recipBits: c.recipBits, qBits: g.qBits }));
  m.comb.set(div.port("start"), f.is("DIVGO"));
  m.comb.set(div.port("l"), sum);

  // Lane memories and the lane datapath.
  const base1 = a1.mul(lanes); // index of lane 0 of the row on the outputs
  const xRows: Expr[] = [], mask: Expr[] = [], pRows: Expr[] = [], pNew: Expr[] = [];
  for (let i = 0; i < lanes; i++) {
    const xm = m.memory({ name: `x_l${i}`, shape: s(SOFTMAX_SCORE_BITS), depth: W });
    const wp = xm.writePort();
    m.comb.set(wp.en, xWe.and(xLane.eq(i)));
    m.comb.set(wp.addr, xAddr.resize(wp.addr.width));
    m.comb.set(wp.data, xData);
    const rp = xm.readPort({ domain: "sync" });
    m.comb.set(rp.addr, a.resize(rp.addr.width));
    xRows.push(rp.data);
    const mk = m.signal(`mask_${i}`, u(1));
    m.comb.set(mk, base1.add(i).lt(N));
    mask.push(mk);
    // exp(max - x): the difference of two s16 is in 0..65535 here (max >= x).
    const ex = m.submodule(`exp_${i}`, makeExpUnit({ cfg: c, inWidth: SOFTMAX_SCORE_BITS }));
    m.comb.set(ex.port("d"), maxReg.sub(rp.data).trunc(SOFTMAX_SCORE_BITS).asUnsigned());
    const pi = m.signal(`p_${i}`, u(P + 1));
    m.comb.set(pi, mux(mk, ex.port("p"), 0));
    pNew.push(pi);
    const pm = m.memory({ name: `p_l${i}`, shape: u(P + 1), depth: W });
    const pw = pm.writePort();
    m.comb.set(pw.en, v1.and(pass1.eq(1)));
    m.comb.set(pw.addr, a1.resize(pw.addr.width));
    m.comb.set(pw.data, pi);
    const pr = pm.readPort({ domain: "sync" });
    m.comb.set(pr.addr, a.resize(pr.addr.width));
    pRows.push(pr.data);
  }

  // Control: one row issued per cycle in MAX, EXP and NORM.
  const issue = (pass: number, last: () => void) => {
    m.sync.set(v1, 1);
    m.sync.set(pass1, pass);
    m.sync.set(a1, a);
    m.if(lastA, () => {
      m.sync.set(a, 0);
      last();
    }).else(() => m.sync.set(a, a.add(1).trunc(a.width)));
  };
  f.state("IDLE", () =>
    m.if(start, () => {
      m.sync.set(a, 0);
      m.sync.set(maxReg, constant(-(2 ** (SOFTMAX_SCORE_BITS - 1)), s(SOFTMAX_SCORE_BITS)));
      m.sync.set(sum, 0);
      f.next("MAX");
    }),
  );
  f.state("MAX", () => issue(0, () => f.next("EXP")));
  f.state("EXP", () => issue(1, () => f.next("TAIL")));
  f.state("TAIL", () => f.next("DIVGO"));
  f.state("DIVGO", () => f.next("DIV"));
  f.state("DIV", () => m.if(div.port("done"), () => f.next("NORM")));
  f.state("NORM", () => issue(2, () => f.next("FLUSH")));
  f.state("FLUSH", () => {
    m.sync.set(doneReg, 1);
    f.next("IDLE");
  });

  // Stage 1 datapath.
  const rowMax = xRows.map((x, i) => mux(mask[i], x, constant(-(2 ** (SOFTMAX_SCORE_BITS - 1)), s(SOFTMAX_SCORE_BITS)))).reduce((a, b) => larger(a, b));
  const rowSum = pNew.map((x) => x as Expr).reduce((acc, x) => acc.add(x));
  const rowCount = mask.map((x) => x as Expr).reduce((acc, x) => acc.add(x));
  m.sync.set(yValid, 0);
  m.if(v1, () => {
    m.switch(pass1)
      .case(0, () => m.sync.set(maxReg, larger(maxReg, rowMax)))
      .case(1, () => {
        m.sync.set(sum, sum.add(rowSum).trunc(g.sumBits));
        m.sync.set(exps, exps.add(rowCount).trunc(32));
      })
      .case(2, () => {
        m.sync.set(yValid, 1);
        m.sync.set(yIndex, base1.resize(yIndex.width));
        for (let i = 0; i < lanes; i++) {
          const y = pRows[i].mul(div.port("recip")).shr(c.recipBits - P);
          m.sync.set(yData[i], y.resize(g.yBits));
          m.sync.set(yMask[i], mask[i]);
        }
      });
  });

  m.comb.set(busy, f.is("IDLE").not());
  m.comb.set(done, doneReg);
  m.comb.set(maxOut, maxReg);
  m.comb.set(sumOut, sum);
  m.comb.set(recipOut, div.port("recip"));
  return m;
}
