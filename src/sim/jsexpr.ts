/**
 * Translate one expression tree into a JavaScript expression over the engine's stores.
 *
 * A value of width <= 52 is a JS number holding its exact mathematical value; a wider value is a
 * bigint. Each operator is generated in the representation of its result, choosing 32-bit integer
 * operations where they are exact (V8 keeps those in registers) and falling back to exact double
 * or bigint arithmetic elsewhere. Narrowing a wide result to <= 32 bits is computed modulo 2^32
 * with Math.imul and |0 where the operator allows, so common wrap-around arithmetic never touches
 * bigint.
 */
import {
  BinaryExpr, CatExpr, Const, Expr, MemReadExpr, MuxExpr, ResizeExpr, ShiftConstExpr, SliceExpr, UnaryExpr,
} from "../hdl/expr.js";
import { NUM_BITS } from "./layout.js";

export interface ExprContext {
  /** Code that reads a stored expression (a signal or temporary), or undefined if not stored. */
  ref(e: Expr, root?: boolean): string | undefined;
  /** Name of the array holding memory contents for a read. */
  memory(e: MemReadExpr): string;
  /** Where the memory starts in that array, when it shares one (shared code, template.ts). */
  memoryOffset?(e: MemReadExpr): string | undefined;
}

const isBig = (e: Expr) => e.width > NUM_BITS;
/** Longest code of a select's two arms together that is computed without a branch (see mux). */
const BRANCHLESS_ARMS = Number(process.env.TESSERA_BRANCHLESS ?? 160);
/** The JS operator of each comparison (on numbers or bigints alike). */
const COMPARE: Partial<Record<BinaryExpr["op"], string>> = { eq: "===", ne: "!==", lt: "<", le: "<=", gt: ">", ge: ">=" };
const p2 = (k: number) => (2 ** k).toString();
const mask = (w: number) => ((1n << BigInt(w)) - 1n).toString();

function num(v: bigint): string {
  const s = v.toString();
  return v < 0n ? `(${s})` : s;
}

export class JsExprGen {
  constructor(private readonly ctx: ExprContext) {}

  /**
   * Code of `e` in its own representation (number or bigint). With `root`, `e` is the defining
   * expression of a stored node and is computed rather than read back (unless it is another node).
   */
  gen(e: Expr, root = false): string {
    const r = this.ctx.ref(e, root);
    if (r !== undefined) return r;
    if (e instanceof Const) return isBig(e) ? `(${e.value}n)` : num(e.value);
    switch (e.kind) {
      case "unary": return this.unary(e as UnaryExpr);
      case "binary": return this.binary(e as BinaryExpr);
      case "shift": return this.shift(e as ShiftConstExpr);
      case "slice": return this.slice(e as SliceExpr);
      case "resize": return this.resize(e as ResizeExpr);
      case "cat": return this.cat(e as CatExpr);
      case "mux":
        return this.mux(e as MuxExpr);
      case "memread": {
        const r = e as MemReadExpr;
        const a = this.asNum(r.addr);
        const off = this.ctx.memoryOffset?.(r);
        return `((${a}) < ${r.memory.depth} ? ${this.ctx.memory(r)}[${off ? `${off} + (${a})` : a}] : ${isBig(r) ? "0n" : "0"})`;
      }
      default:
        throw new Error(`internal: cannot generate code for expression kind ${e.kind}`);
    }
  }

  /**
   * A select. Between two cheap 32-bit arms it is computed without a branch: in a router the
   * register enables and grants that pick them follow the traffic, and as branches they were
   * mispredicted often enough to cost half the time of its register updates (a misprediction
   * costs more than evaluating a short arm it could have skipped). Long arms keep the branch,
   * which skips the arm not taken.
   */
  private mux(m: MuxExpr): string {
    const t = this.gen(m.t), f = this.gen(m.f);
    if (isBig(m) || m.width > 32 || t.length + f.length > BRANCHLESS_ARMS) return `(${this.truth(m.sel)} ? ${t} : ${f})`;
    const c = this.bit(m.sel);
    // Every value of 31 bits or fewer, or signed, is an int32 already; a 32-bit unsigned result of
    // the int32 operators below needs >>> 0.
    const u32 = !m.signed && m.width === 32 ? (r: string) => `(${r} >>> 0)` : (r: string) => r;
    if (f === "0") return u32(`(${t} & -${c})`);
    if (t === "0") return u32(`(${f} & (${c} - 1))`);
    return u32(`(${f} ^ ((${t} ^ ${f}) & -${c}))`);
  }

  /** `e` as the number 0 or 1: 0 when it is zero. */
  private bit(e: Expr): string {
    if (!isBig(e) && e.width === 1 && !e.signed) return this.gen(e);
    return `(${this.truth(e)} | 0)`;
  }

  /**
   * An upper bound of unsigned `e`'s value (undefined for a signed one), from its operators: a
   * narrowing resize or slice whose argument already fits needs no mask. Stored values only have
   * their width's bound.
   */
  private maxOf(e: Expr): bigint | undefined {
    if (e.signed) return undefined;
    let m = this.maxMemo.get(e);
    if (m === undefined) this.maxMemo.set(e, (m = this.bound(e)));
    return m;
  }

  /** Memo of maxOf over this generator's expressions (a chain of resizes asks again at each). */
  private readonly maxMemo = new Map<Expr, bigint>();

  private bound(e: Expr): bigint {
    const top = (1n << BigInt(e.width)) - 1n;
    if (e instanceof Const) return e.value;
    if (this.ctx.ref(e, false) !== undefined) return top;
    const fit = (v: bigint | undefined) => (v === undefined || v > top ? top : v);
    const ones = (v: bigint) => (1n << BigInt(v.toString(2).length)) - 1n; // every bit up to v's highest
    if (e instanceof BinaryExpr) {
      const a = this.maxOf(e.a), b = this.maxOf(e.b);
      if (a === undefined || b === undefined) return top;
      switch (e.op) {
        case "and": return fit(a < b ? a : b);
        case "or":
        case "xor": return fit(ones(a > b ? a : b));
        case "add": return fit(a + b);
        case "mul": return fit(a * b);
        case "shlv": return b < 64n ? fit(a << b) : top;
        case "shrv": return fit(a);
        case "eq": case "ne": case "lt": case "le": case "gt": case "ge": return 1n;
        default: return top;
      }
    }
    if (e instanceof ShiftConstExpr) {
      const a = this.maxOf(e.arg);
      if (a === undefined) return top;
      return fit(e.op === "shl" ? a << BigInt(e.amount) : a >> BigInt(e.amount));
    }
    if (e instanceof SliceExpr) {
      const a = this.maxOf(e.arg);
      return fit(a === undefined ? undefined : a >> BigInt(e.lo));
    }
    if (e instanceof ResizeExpr) return fit(this.maxOf(e.arg));
    if (e instanceof MuxExpr) {
      const t = this.maxOf(e.t), f = this.maxOf(e.f);
      return t === undefined || f === undefined ? top : fit(t > f ? t : f);
    }
    if (e instanceof UnaryExpr && (e.op === "reduceOr" || e.op === "reduceAnd" || e.op === "reduceXor")) return 1n;
    return top;
  }

  /** Code of `e` as a bigint. */
  asBig(e: Expr): string {
    return isBig(e) ? this.gen(e) : `BigInt(${this.gen(e)})`;
  }

  /** Code of `e` as a number (e must be <= 52 bits). */
  private asNum(e: Expr): string {
    if (isBig(e)) throw new Error("internal: asNum of a wide value");
    return this.gen(e);
  }

  /**
   * A JS boolean that is true when `e` is not zero: a comparison or reduction as itself rather
   * than turned into 0/1 and compared again (a select is most often one).
   */
  private truth(e: Expr): string {
    if (this.ctx.ref(e, false) === undefined) {
      if (e instanceof BinaryExpr && !isBig(e.a) && !isBig(e.b)) {
        const op = COMPARE[e.op];
        if (op) return `(${this.gen(e.a)} ${op} ${this.gen(e.b)})`;
      }
      if (e instanceof UnaryExpr && e.op === "reduceOr" && !isBig(e.arg)) return `(${this.gen(e.arg)} !== 0)`;
    }
    return `(${this.gen(e)} !== ${isBig(e) ? "0n" : "0"})`;
  }

  /**
   * An exact integer number congruent to `e` modulo 2^min(e.width, 32), for consumers that keep
   * only those low bits (masks, slices, 32-bit conversions): the sign extension or mask of a
   * narrowing resize, and signedness casts, add nothing there and are left out.
   */
  private lowBits(e: Expr): string {
    if (!isBig(e) && this.ctx.ref(e, false) === undefined) {
      if (e instanceof ResizeExpr && e.width < e.arg.width && e.width <= 32) return isBig(e.arg) ? this.mod32(e.arg) : this.lowBits(e.arg);
      if (e instanceof UnaryExpr && (e.op === "asSigned" || e.op === "asUnsigned") && !isBig(e.arg)) return this.lowBits(e.arg);
    }
    return this.gen(e);
  }

  /** Unsigned bit pattern of a <= 52-bit value as a number. */
  private pattern(e: Expr): string {
    if (!e.signed) return this.gen(e);
    const w = e.width;
    if (w < 32) return `(${this.lowBits(e)} & ${mask(w)})`;
    const c = this.gen(e);
    if (w === 32) return `(${c} >>> 0)`;
    return `H.toU(${c}, ${p2(w)})`;
  }

  private unary(e: UnaryExpr): string {
    const a = e.arg;
    const w = a.width;
    switch (e.op) {
      case "neg":
        return isBig(e) ? `(-${this.asBig(a)})` : `(-${this.gen(a)})`;
      case "not":
        if (e.signed) return isBig(e) ? `(~${this.gen(a)})` : `(-1 - ${this.gen(a)})`;
        return isBig(e) ? `(${mask(w)}n - ${this.gen(a)})` : `(${mask(w)} - ${this.gen(a)})`;
      case "reduceOr":
        return `((${this.gen(a)} !== ${isBig(a) ? "0n" : "0"}) | 0)`;
      case "reduceAnd": {
        const all = a.signed ? "-1" : mask(w);
        return `((${this.gen(a)} === ${all}${isBig(a) ? "n" : ""}) | 0)`;
      }
      case "reduceXor":
        if (isBig(a)) return `H.parBig(BigInt.asUintN(${w}, ${this.gen(a)}))`;
        if (w <= 32) return `H.par32(${this.pattern(a)})`;
        return `H.par52(${this.pattern(a)})`;
      case "asSigned":
        if (isBig(e)) return `BigInt.asIntN(${w}, ${this.gen(a)})`;
        if (w < 32) return `((${this.gen(a)} << ${32 - w}) >> ${32 - w})`;
        if (w === 32) return `(${this.gen(a)} | 0)`;
        return `H.toS(${this.gen(a)}, ${p2(w)}, ${p2(w - 1)})`;
      case "asUnsigned":
        if (isBig(e)) return `BigInt.asUintN(${w}, ${this.gen(a)})`;
        return this.pattern(a);
    }
  }

  private binary(e: BinaryExpr): string {
    const { a, b } = e;
    switch (e.op) {
      case "add":
      case "sub":
      case "mul": {
        const op = e.op === "add" ? "+" : e.op === "sub" ? "-" : "*";
        if (isBig(e)) return `(${this.asBig(a)} ${op} ${this.asBig(b)})`;
        // A product known to fit 32 bits is computed with Math.imul: V8 then needs no speculation
        // (a plain `*` deopts to float arithmetic once its feedback sees a large value).
        if (e.op === "mul" && e.width <= 32) {
          // A product with one unsigned bit is the other operand or 0 (a gate): an and with 0 or -1.
          const bit = (x: Expr) => x.width === 1 && !x.signed;
          if (bit(b) && a.width <= 31) return `(${this.gen(a)} & -${this.gen(b)})`;
          if (bit(a) && b.width <= 31) return `(${this.gen(b)} & -${this.gen(a)})`;
          const r = `Math.imul(${this.gen(a)}, ${this.gen(b)})`;
          return !e.signed && e.width === 32 ? `(${r} >>> 0)` : r;
        }
        return `(${this.gen(a)} ${op} ${this.gen(b)})`;
      }
      case "and":
      case "or":
      case "xor": {
        const op = e.op === "and" ? "&" : e.op === "or" ? "|" : "^";
        if (isBig(e)) return `(${this.asBig(a)} ${op} ${this.asBig(b)})`;
        if (e.width <= 32) {
          const r = `(${this.gen(a)} ${op} ${this.gen(b)})`;
          return !e.signed && e.width === 32 ? `(${r} >>> 0)` : r;
        }
        return `H.${e.op}52(${this.gen(a)}, ${this.gen(b)})`;
      }
      case "eq":
      case "ne":
      case "lt":
      case "le":
      case "gt":
      case "ge": {
        const op = COMPARE[e.op]!;
        // `| 0` turns the boolean into 0/1 without a branch (2.5x faster than `? 1 : 0` on random data).
        if (isBig(a) || isBig(b)) return `((${this.asBig(a)} ${op} ${this.asBig(b)}) | 0)`;
        return `((${this.gen(a)} ${op} ${this.gen(b)}) | 0)`;
      }
      case "shlv": {
        if (isBig(e)) return `(${this.asBig(a)} << ${this.asBig(b)})`;
        // The widest result still fits an int32: a 32-bit shift is exact.
        if (e.width <= 31) return `(${this.gen(a)} << ${this.gen(b)})`;
        return `(${this.gen(a)} * H.P2[${this.gen(b)}])`;
      }
      case "shrv": {
        const amt = isBig(b) ? `H.clampShift(${this.gen(b)})` : this.gen(b);
        if (isBig(e)) return `(${this.gen(a)} >> BigInt(${amt}))`;
        const w = a.width;
        // Amounts that cannot reach 32 need no clamp (JS shifts take the amount modulo 32).
        if (w <= 32 && !isBig(b) && 2 ** b.width - 1 < 32) return `(${this.gen(a)} ${a.signed ? ">>" : ">>>"} ${amt})`;
        if (w <= 32) {
          return a.signed
            ? `H.sar32(${this.gen(a)}, ${amt})`
            : `H.shr32(${this.gen(a)}, ${amt})`;
        }
        return `Math.floor(${this.gen(a)} / H.P2[Math.min(${amt}, 64)])`;
      }
    }
  }

  private shift(e: ShiftConstExpr): string {
    const a = e.arg, k = e.amount;
    if (e.op === "shl") {
      if (isBig(e)) return `(${this.asBig(a)} << ${k}n)`;
      return `(${this.gen(a)} * ${p2(k)})`;
    }
    // shr
    if (isBig(a)) {
      const r = `(${this.gen(a)} >> ${k}n)`;
      return isBig(e) ? r : `Number(${r})`;
    }
    if (a.width <= 32) {
      if (a.signed) return `(${this.gen(a)} >> ${Math.min(k, 31)})`;
      return k >= 32 ? "0" : `(${this.gen(a)} >>> ${k})`;
    }
    if (k >= 60) return a.signed ? `(${this.gen(a)} < 0 ? -1 : 0)` : "0";
    return `Math.floor(${this.gen(a)} / ${p2(k)})`;
  }

  private slice(e: SliceExpr): string {
    const a = e.arg, lo = e.lo, n = e.width;
    if (isBig(a)) {
      const r = `BigInt.asUintN(${n}, ${this.gen(a)} >> ${lo}n)`;
      return isBig(e) ? r : `Number(${r})`;
    }
    if (a.width <= 32) {
      const max = this.maxOf(a);
      if (max !== undefined && max >> BigInt(lo) <= BigInt(mask(n))) return lo === 0 ? this.gen(a) : `(${this.gen(a)} >>> ${lo})`;
      const v = this.lowBits(a);
      if (n === 32) return `(${v} >>> 0)`;
      if (lo === 0) return `(${v} & ${mask(n)})`;
      return `((${v} >>> ${lo}) & ${mask(n)})`;
    }
    return `H.slice52(${this.gen(a)}, ${p2(lo)}, ${p2(n)})`;
  }

  private resize(e: ResizeExpr): string {
    const a = e.arg, n = e.width;
    if (n >= a.width) {
      // Extension keeps the mathematical value.
      if (isBig(e) && !isBig(a)) return `BigInt(${this.gen(a)})`;
      return this.gen(a);
    }
    if (n <= 32) {
      if (!e.signed && !isBig(a)) {
        const max = this.maxOf(a);
        if (max !== undefined && max <= BigInt(mask(n))) return this.gen(a);
      }
      const v = isBig(a) ? this.mod32(a) : this.lowBits(a);
      if (e.signed) return n === 32 ? `(${v} | 0)` : `((${v} << ${32 - n}) >> ${32 - n})`;
      return n === 32 ? `(${v} >>> 0)` : `(${v} & ${mask(n)})`;
    }
    if (isBig(a)) {
      const r = `BigInt.as${e.signed ? "Int" : "Uint"}N(${n}, ${this.gen(a)})`;
      return isBig(e) ? r : `Number(${r})`;
    }
    return e.signed ? `H.wrapS(${this.gen(a)}, ${p2(n)}, ${p2(n - 1)})` : `H.wrapU(${this.gen(a)}, ${p2(n)})`;
  }

  /**
   * A number whose ToInt32 is `e` modulo 2^32 (an exact integer below 2^53 in magnitude), for
   * narrowing wide arithmetic without bigint.
   */
  private mod32(e: Expr): string {
    if (!isBig(e)) return this.gen(e);
    if (this.ctx.ref(e, false) === undefined) {
      if (e instanceof BinaryExpr) {
        const A = () => this.mod32(e.a), B = () => this.mod32(e.b);
        switch (e.op) {
          case "add": return `((${A()} + ${B()}) | 0)`;
          case "sub": return `((${A()} - ${B()}) | 0)`;
          case "mul": return `Math.imul(${A()}, ${B()})`;
          case "and": return `(${A()} & ${B()})`;
          case "or": return `(${A()} | ${B()})`;
          case "xor": return `(${A()} ^ ${B()})`;
          default: break;
        }
      } else if (e instanceof UnaryExpr) {
        if (e.op === "neg") return `((-${this.mod32(e.arg)}) | 0)`;
        if (e.op === "not") return `(~${this.mod32(e.arg)})`;
        if (e.op === "asSigned" || e.op === "asUnsigned") return this.mod32(e.arg);
      } else if (e instanceof ResizeExpr && e.width >= 32) {
        return this.mod32(e.arg);
      } else if (e instanceof ShiftConstExpr && e.op === "shl") {
        return e.amount >= 32 ? "0" : `(${this.mod32(e.arg)} << ${e.amount})`;
      } else if (e instanceof SliceExpr && e.lo === 0 && e.width >= 32) {
        return this.mod32(e.arg);
      }
    }
    return `Number(BigInt.asIntN(32, ${this.gen(e)}))`;
  }

  private cat(e: CatExpr): string {
    if (isBig(e)) {
      let shift = e.width;
      const terms = e.parts.map((p) => {
        shift -= p.width;
        const pat = isBig(p) ? (p.signed ? `BigInt.asUintN(${p.width}, ${this.gen(p)})` : this.gen(p)) : `BigInt(${this.pattern(p)})`;
        return shift === 0 ? pat : `(${pat} << ${shift}n)`;
      });
      return `(${terms.join(" | ")})`;
    }
    let shift = e.width;
    const terms = e.parts.map((p) => {
      shift -= p.width;
      const pat = this.pattern(p);
      return shift === 0 ? pat : `${pat} * ${p2(shift)}`;
    });
    return terms.length === 1 ? terms[0] : `(${terms.join(" + ")})`;
  }
}
