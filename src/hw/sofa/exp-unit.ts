/**
 * The SOFA exp unit: p = expFixed(d, cfg) (src/golden/sofa.ts) exactly, for an unsigned fixed-point
 * d (cfg.fracBits fraction bits), as an unsigned probability with cfg.probBits fraction bits.
 *
 * Combinational (one cycle inside whatever register stage the caller puts around it):
 *   d >= expRange(cfg)  -> 0 (the golden gives 0 there; clamping keeps the datapath expRange-wide
 *                          whatever width the caller's d has);
 *   t = d * L           (L = round(log2 e * 2^log2eBits): one constant multiply);
 *   n = t's integer part, u its fraction; n > probBits -> 0;
 *   i = top lutBits of u, w = the next interpBits bits;
 *   mant = T[i] - floor(delta[i] * w / 2^interpBits)   (one ROM word holds T[i] and delta[i] = T[i] - T[i+1]);
 *   p = mant >> n.
 */
import { Expr, Module, bitsFor, cat, constant, mux, u } from "../../hdl/index.js";
import { ExpConfig, checkExpConfig, expRange, expTable, log2eConst } from "../../golden/sofa.js";

export interface ExpUnitParams {
  readonly cfg: ExpConfig;
  /** Width of the unsigned input d (any width; values past expRange give 0). */
  readonly inWidth: number;
}

/** Width of the exp unit's output: 1.0 = 2^probBits needs probBits + 1 bits. */
export function expOutWidth(cfg: ExpConfig): number {
  return cfg.probBits + 1;
}

/** The ROM words: T[i] in the high bits, delta[i] = T[i] - T[i+1] in the low `deltaBits`. */
function expRom(cfg: ExpConfig): { words: bigint[]; deltaBits: number } {
  const T = expTable(cfg);
  const n = 2 ** cfg.lutBits;
  const deltas = Array.from({ length: n }, (_, i) => T[i] - T[i + 1]);
  const deltaBits = bitsFor(Math.max(...deltas) + 1);
  const words = Array.from({ length: n }, (_, i) => (BigInt(T[i]) << BigInt(deltaBits)) | BigInt(deltas[i]));
  return { words, deltaBits };
}

/** The exp unit as a module with input `d` and output `p`. */
export function makeExpUnit(p: ExpUnitParams): Module {
  const c = p.cfg;
  checkExpConfig(c);
  if (!Number.isInteger(p.inWidth) || p.inWidth < 1 || p.inWidth > 64) {
    throw new Error(`exp unit: inWidth = ${p.inWidth} must be an integer in 1..64 (the width of d)`);
  }
  const m = new Module("sofa_exp");
  const d = m.input("d", u(p.inWidth));
  const out = m.output("p", u(expOutWidth(c)));
  m.comb.set(out, expDatapath(m, d, c));
  return m;
}

/** The datapath, built inside module `m` from its signal `d`; returns the (probBits + 1)-bit result. */
function expDatapath(m: Module, d: Expr, c: ExpConfig): Expr {
  const P = c.probBits;
  const range = expRange(c);
  const dBits = bitsFor(range); // every d < range fits
  const L = log2eConst(c);
  const tf = c.fracBits + c.log2eBits; // fraction bits of t
  const big = d.ge(range);
  const dc = d.width >= dBits ? d.trunc(dBits) : d.resize(dBits);
  const t = m.signal(m.freshName("exp_t"), u(dBits + bitsFor(L + 1)));
  m.comb.set(t, dc.mul(L));
  // Integer part (how far to shift) and fraction (where in the table).
  const n: Expr = t.width > tf ? t.slice(t.width - 1, tf) : constant(0, u(1));
  const uFrac = t.slice(tf - 1, 0);
  const zero = big.or(n.gt(P));
  let i: Expr, below: Expr | undefined;
  if (tf >= c.lutBits) {
    i = uFrac.slice(tf - 1, tf - c.lutBits);
    below = tf > c.lutBits ? uFrac.slice(tf - c.lutBits - 1, 0) : undefined;
  } else {
    i = cat(uFrac, constant(0, u(c.lutBits - tf))); // u * 2^(lutBits - tf): nothing below the index
  }
  const { words, deltaBits } = expRom(c);
  const rom = m.memory({ name: m.freshName("exp_rom"), shape: u(P + 1 + deltaBits), depth: words.length, init: words });
  const rd = rom.readPort({ domain: "comb" });
  m.comb.set(rd.addr, i.resize(rd.addr.width));
  const base = rd.data.slice(P + deltaBits, deltaBits);
  let mant: Expr = base;
  if (below && c.interpBits > 0) {
    const wShift = tf - c.lutBits - c.interpBits;
    const w = wShift >= 0 ? below.slice(below.width - 1, wShift) : cat(below, constant(0, u(-wShift)));
    const delta = rd.data.slice(deltaBits - 1, 0);
    mant = base.sub(delta.mul(w).shr(c.interpBits)).trunc(P + 1).asUnsigned();
  }
  const mantSig = m.signal(m.freshName("exp_mant"), u(P + 1));
  m.comb.set(mantSig, mant);
  // n <= P here (else zero), so a shift amount of bitsFor(P + 1) bits is enough.
  const nb = bitsFor(P + 1);
  const sh = n.width > nb ? n.trunc(nb) : n.resize(nb);
  return mux(zero, constant(0, u(P + 1)), mantSig.shr(sh));
}
