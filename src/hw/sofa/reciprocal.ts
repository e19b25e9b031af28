/**
 * The reciprocal unit: recip = floor(2^recipBits / l) by a sequential restoring divider, one
 * quotient bit per cycle, exact. The dividend is the constant 2^recipBits, so no dividend register:
 * its only set bit enters the remainder at the step whose bit index is recipBits.
 *
 * Only `qBits` quotient bits are computed (a softmax sum is >= 1.0 = 2^probBits, so its reciprocal
 * has recipBits - probBits + 1 bits, not recipBits + 1): the caller guarantees
 * l > 2^(recipBits - qBits) or l = 0. l = 0 gives 0 (as the golden models define it).
 *
 * Timing: `start` samples `l` at a clock edge; the next qBits edges each make one quotient bit; after
 * the last one `done` is 1 for one cycle and `recip` holds the result until the next start (busy
 * is 1 in between). So done is seen qBits + 1 cycles after the cycle start was 1.
 */
import { Module, bitsFor, mux, u } from "../../hdl/index.js";

export interface ReciprocalParams {
  /** Width of the unsigned divisor l. */
  readonly lBits: number;
  /** The dividend is 2^recipBits. */
  readonly recipBits: number;
  /** Quotient bits computed (cycles per division); recipBits + 1 covers every l >= 1. */
  readonly qBits: number;
}

/** Cycles from the start cycle to the cycle done is 1 (see the file comment). */
export function reciprocalLatency(p: ReciprocalParams): number {
  return p.qBits + 1;
}

export function checkReciprocalParams(p: ReciprocalParams): void {
  for (const [k, lo, hi] of [["lBits", 1, 60], ["recipBits", 1, 60], ["qBits", 1, 61]] as const) {
    const v = p[k];
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`reciprocal: ${k} = ${v} must be an integer in ${lo}..${hi}`);
  }
  if (p.qBits > p.recipBits + 1) throw new Error(`reciprocal: qBits = ${p.qBits} exceeds recipBits + 1 = ${p.recipBits + 1}; floor(2^recipBits / l) never needs more`);
  if (p.recipBits - p.qBits >= p.lBits) {
    throw new Error(`reciprocal: with qBits = ${p.qBits} the divisor must exceed 2^${p.recipBits - p.qBits}, which a ${p.lBits}-bit l cannot; raise qBits or lBits`);
  }
}

export function makeReciprocal(p: ReciprocalParams): Module {
  checkReciprocalParams(p);
  const { lBits, recipBits: R, qBits } = p;
  const m = new Module("sofa_recip");
  const start = m.input("start", u(1));
  const l = m.input("l", u(lBits));
  const busy = m.output("busy", u(1));
  const done = m.output("done", u(1));
  const recip = m.output("recip", u(qBits));

  const div = m.signal("divisor", u(lBits));
  const rem = m.signal("rem", u(lBits)); // always < divisor
  const quo = m.signal("quo", u(qBits));
  const bit = m.signal("bit", u(bitsFor(qBits))); // index of the quotient bit being made
  const running = m.signal("running", u(1));
  const fin = m.signal("fin", u(1));

  // Remainder before the first step: the dividend bits above the computed quotient, 2^(R - qBits)
  // (0 when qBits = R + 1); below the divisor by the caller's guarantee.
  const rem0 = qBits <= R ? 2 ** (R - qBits) : 0;
  // One restoring step: bring down the dividend bit (1 only at index R), subtract if it fits.
  const r2 = qBits === R + 1 ? rem.shl(1).or(bit.eq(R).resize(lBits + 1)) : rem.shl(1);
  const fits = r2.ge(div);
  const rNext = mux(fits, r2.sub(div), r2);
  m.sync.set(fin, 0);
  m.if(start, () => {
    m.sync.set(div, l);
    m.sync.set(rem, rem0);
    m.sync.set(quo, 0);
    m.sync.set(bit, qBits - 1);
    m.sync.set(running, 1);
  }).elif(running, () => {
    m.sync.set(rem, rNext.trunc(lBits).asUnsigned());
    m.sync.set(quo, quo.shl(1).or(fits).trunc(qBits));
    m.sync.set(bit, bit.sub(1).trunc(bit.width).asUnsigned());
    m.if(bit.eq(0), () => {
      m.sync.set(running, 0);
      m.sync.set(fin, 1);
    });
  });
  m.comb.set(busy, running);
  m.comb.set(done, fin);
  m.comb.set(recip, mux(div.eq(0), 0, quo));
  return m;
}
