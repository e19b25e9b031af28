/**
 * A BigInt reference evaluator for expression trees, written from Tessera's stated semantics
 * (math values; two's complement; unify for mixed signedness; arithmetic shr for signed; slices
 * and cats unsigned; resize extends by the source's signedness). Independent of the emitter and
 * of the simulator: it is the oracle the operator cross-check holds Verilator and Icarus to.
 */
import {
  BinaryExpr, CatExpr, Const, Expr, MuxExpr, ResizeExpr, ShiftConstExpr, Signal, SliceExpr, UnaryExpr,
} from "../../src/hdl/expr.js";
import type { Shape } from "../../src/hdl/shape.js";

/** The value `v` has when its low `sh.width` bits are read in shape `sh`. */
export function inShape(v: bigint, sh: Shape): bigint {
  return sh.signed ? BigInt.asIntN(sh.width, v) : BigInt.asUintN(sh.width, v);
}

function fitsOrThrow(v: bigint, sh: Shape, what: string): bigint {
  if (inShape(v, sh) !== v) throw new Error(`reference: ${what} = ${v} does not fit its shape ${sh.signed ? "s" : "u"}(${sh.width}); the shape rule is wrong`);
  return v;
}

export function refEval(e: Expr, env: ReadonlyMap<Signal, bigint>, memo = new Map<Expr, bigint>()): bigint {
  const hit = memo.get(e);
  if (hit !== undefined) return hit;
  const v = evalNode(e, env, memo);
  memo.set(e, v);
  return v;
}

function evalNode(e: Expr, env: ReadonlyMap<Signal, bigint>, memo: Map<Expr, bigint>): bigint {
  const ev = (x: Expr) => refEval(x, env, memo);
  const sh = e.shape;
  if (e instanceof Const) return e.value;
  if (e instanceof Signal) {
    const v = env.get(e);
    if (v === undefined) throw new Error(`reference: no value for signal '${e.name}'`);
    return v;
  }
  if (e instanceof UnaryExpr) {
    const a = ev(e.arg);
    const w = e.arg.width;
    switch (e.op) {
      case "neg": return fitsOrThrow(-a, sh, "neg");
      case "not": return inShape(~a, sh);
      case "asSigned": case "asUnsigned": return inShape(a, sh);
      case "reduceAnd": return BigInt.asUintN(w, a) === (1n << BigInt(w)) - 1n ? 1n : 0n;
      case "reduceOr": return a !== 0n ? 1n : 0n;
      case "reduceXor": return BigInt(BigInt.asUintN(w, a).toString(2).split("").filter((c) => c === "1").length & 1);
    }
  }
  if (e instanceof BinaryExpr) {
    const a = ev(e.a), b = ev(e.b);
    switch (e.op) {
      case "add": return fitsOrThrow(a + b, sh, "add");
      case "sub": return fitsOrThrow(a - b, sh, "sub");
      case "mul": return fitsOrThrow(a * b, sh, "mul");
      // BigInt bit operations act on infinite two's complement, which is what unify's lossless
      // conversion gives; the result fits the unified shape.
      case "and": return fitsOrThrow(a & b, sh, "and");
      case "or": return fitsOrThrow(a | b, sh, "or");
      case "xor": return fitsOrThrow(a ^ b, sh, "xor");
      case "eq": return a === b ? 1n : 0n;
      case "ne": return a !== b ? 1n : 0n;
      case "lt": return a < b ? 1n : 0n;
      case "le": return a <= b ? 1n : 0n;
      case "gt": return a > b ? 1n : 0n;
      case "ge": return a >= b ? 1n : 0n;
      case "shlv": return fitsOrThrow(a << b, sh, "shlv");
      // BigInt >> floors: arithmetic for negative values, logical for non-negative ones.
      case "shrv": return fitsOrThrow(a >> b, sh, "shrv");
    }
  }
  if (e instanceof ShiftConstExpr) {
    const a = ev(e.arg);
    return fitsOrThrow(e.op === "shl" ? a << BigInt(e.amount) : a >> BigInt(e.amount), sh, e.op);
  }
  if (e instanceof SliceExpr) return BigInt.asUintN(sh.width, ev(e.arg) >> BigInt(e.lo));
  if (e instanceof ResizeExpr) return inShape(ev(e.arg), sh);
  if (e instanceof CatExpr) return e.parts.reduce((acc, p) => (acc << BigInt(p.width)) | BigInt.asUintN(p.width, ev(p)), 0n);
  if (e instanceof MuxExpr) return ev(e.sel) !== 0n ? ev(e.t) : ev(e.f);
  throw new Error(`reference: unknown expression kind ${e.kind}`);
}

/** A readable form of an expression, for failure messages. */
export function show(e: Expr, depth = 0): string {
  const sh = `${e.signed ? "s" : "u"}${e.width}`;
  if (depth > 6) return `…:${sh}`;
  const r = (x: Expr) => show(x, depth + 1);
  if (e instanceof Const) return `${e.value}:${sh}`;
  if (e instanceof Signal) return `${e.name}:${sh}`;
  if (e instanceof UnaryExpr) return `${e.op}(${r(e.arg)}):${sh}`;
  if (e instanceof BinaryExpr) return `${e.op}(${r(e.a)}, ${r(e.b)}):${sh}`;
  if (e instanceof ShiftConstExpr) return `${e.op}(${r(e.arg)}, ${e.amount}):${sh}`;
  if (e instanceof SliceExpr) return `slice(${r(e.arg)}, ${e.lo + e.width - 1}, ${e.lo}):${sh}`;
  if (e instanceof ResizeExpr) return `resize(${r(e.arg)}, ${e.width}):${sh}`;
  if (e instanceof CatExpr) return `cat(${e.parts.map(r).join(", ")}):${sh}`;
  if (e instanceof MuxExpr) return `mux(${r(e.sel)}, ${r(e.t)}, ${r(e.f)}):${sh}`;
  return e.kind;
}
