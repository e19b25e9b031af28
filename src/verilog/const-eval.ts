/**
 * Values of comb statements that read no signal (tie-offs like `m.comb.set(ready, 1)`, or
 * expressions whose every signal bit is shifted or truncated away). Verilog-2005's `always @*`
 * waits for a change of something it reads, so a block that reads nothing never runs under
 * Icarus; the emitter writes such signals as `assign x = <constant>`, computed here.
 */
import {
  BinaryExpr, CatExpr, Const, Expr, MuxExpr, ResizeExpr, ShiftConstExpr, SliceExpr, UnaryExpr,
} from "../hdl/expr.js";
import { Signal } from "../hdl/expr.js";
import type { Stmt } from "../hdl/stmt.js";
import { wrapTo } from "../hdl/shape.js";

const pat = (v: bigint, w: number) => BigInt.asUintN(w, v);

/** Thrown when an expression depends on a signal after all. */
export class NotConstantError extends Error {}

/**
 * The low `k` bits (a pattern) of an expression's value, looking only at what those bits depend
 * on, as the emitter does: `trunc(x << 8, 4)` is 0 whatever x is. Throws NotConstantError when
 * the bits depend on a signal.
 */
export function lowBits(e: Expr, k: number): bigint {
  if (k > e.width) return BigInt.asUintN(k, mathValue(e));
  if (e instanceof Const) return pat(e.value, k);
  if (e instanceof UnaryExpr) {
    switch (e.op) {
      case "neg": return pat(-lowBits(e.arg, k), k);
      case "not": return pat(~lowBits(e.arg, k), k);
      case "asSigned": case "asUnsigned": return lowBits(e.arg, k);
      case "reduceAnd": return lowBits(e.arg, e.arg.width) === (1n << BigInt(e.arg.width)) - 1n ? 1n : 0n;
      case "reduceOr": return lowBits(e.arg, e.arg.width) !== 0n ? 1n : 0n;
      case "reduceXor": {
        let p = lowBits(e.arg, e.arg.width), n = 0n;
        for (; p; p >>= 1n) n ^= p & 1n;
        return n;
      }
    }
  }
  if (e instanceof BinaryExpr) {
    const bit = (v: boolean) => (v ? 1n : 0n);
    switch (e.op) {
      case "add": return pat(lowBits(e.a, k) + lowBits(e.b, k), k);
      case "sub": return pat(lowBits(e.a, k) - lowBits(e.b, k), k);
      case "mul": return pat(lowBits(e.a, k) * lowBits(e.b, k), k);
      case "and": return lowBits(e.a, k) & lowBits(e.b, k);
      case "or": return lowBits(e.a, k) | lowBits(e.b, k);
      case "xor": return lowBits(e.a, k) ^ lowBits(e.b, k);
      case "shlv": return pat(lowBits(e.a, k) << mathValue(e.b), k);
      case "shrv": return pat(mathValue(e.a) >> mathValue(e.b), k);
      case "eq": return bit(mathValue(e.a) === mathValue(e.b));
      case "ne": return bit(mathValue(e.a) !== mathValue(e.b));
      case "lt": return bit(mathValue(e.a) < mathValue(e.b));
      case "le": return bit(mathValue(e.a) <= mathValue(e.b));
      case "gt": return bit(mathValue(e.a) > mathValue(e.b));
      case "ge": return bit(mathValue(e.a) >= mathValue(e.b));
    }
  }
  if (e instanceof ShiftConstExpr) {
    const n = e.amount;
    if (e.op === "shl") return k <= n ? 0n : lowBits(e.arg, k - n) << BigInt(n);
    if (!e.arg.signed && n >= e.arg.width) return 0n;
    return pat(mathValue(e.arg) >> BigInt(n), k);
  }
  if (e instanceof SliceExpr) return pat(lowBits(e.arg, e.lo + k) >> BigInt(e.lo), k);
  if (e instanceof ResizeExpr) return lowBits(e.arg, k);
  if (e instanceof CatExpr) {
    let v = 0n, off = 0;
    for (let j = e.parts.length - 1; j >= 0 && off < k; j--) {
      const p = e.parts[j];
      const take = Math.min(p.width, k - off);
      v |= lowBits(p, take) << BigInt(off);
      off += p.width;
    }
    return v;
  }
  if (e instanceof MuxExpr) return lowBits(e.sel, 1) !== 0n ? lowBits(e.t, k) : lowBits(e.f, k);
  throw new NotConstantError(`depends on ${e.kind === "signal" ? `signal '${(e as Signal).name}'` : `a ${e.kind}`}`);
}

/** The math value of an expression that depends on no signal (see lowBits). */
export function mathValue(e: Expr): bigint {
  return wrapTo(lowBits(e, e.width), e.shape);
}

/** Kept for callers that want the whole value of a constant expression. */
export const evalConst = mathValue;

/** Final bit patterns of `regs` after running comb statements that read no signal, from their reset values. */
export function runConstStmts(stmts: readonly Stmt[], regs: readonly Signal[]): Map<Signal, bigint> {
  const vals = new Map<Signal, bigint>(regs.map((s) => [s, pat(s.reset, s.width)]));
  const run = (list: readonly Stmt[]): void => {
    for (const st of list) {
      if (st.kind === "assign") {
        const w = st.value.width;
        const mask = ((1n << BigInt(w)) - 1n) << BigInt(st.lo);
        const old = vals.get(st.target) ?? 0n;
        vals.set(st.target, (old & ~mask) | (pat(evalConst(st.value), w) << BigInt(st.lo)));
      } else if (st.kind === "if") {
        const br = st.branches.find((b) => b.cond === null || evalConst(b.cond) !== 0n);
        if (br) run(br.body);
      } else {
        const v = evalConst(st.subject);
        const c = st.cases.find((k) => k.values === null || k.values.includes(v));
        if (c) run(c.body);
      }
    }
  };
  run(stmts);
  return vals;
}
