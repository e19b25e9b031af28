/**
 * The expression tree: immutable nodes built by method chaining (TypeScript has no operator
 * overloading). Every node knows its shape; widths grow so that no operator loses information
 * (add +1 bit, sub +1 bit and always signed, mul the sum of widths, mixing signed and unsigned adds a bit). Narrowing is
 * always explicit: `.trunc(n)` or `.resize(n)`.
 *
 * Bit order: `cat(a, b)` puts `a` in the high bits, as Verilog's `{a, b}` does.
 */
import { HdlError, LiteralRangeError, SrcLoc, record } from "./errors.js";
import { Shape, fits, shapeOfLiteral, shapeToString, unify, wrapTo } from "./shape.js";

export type Operand = Expr | number | bigint | boolean;

export type UnaryOp = "neg" | "not" | "reduceAnd" | "reduceOr" | "reduceXor" | "asSigned" | "asUnsigned";
export type BinaryOp =
  | "add" | "sub" | "mul" | "and" | "or" | "xor"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge"
  | "shlv" | "shrv";

let nextExprId = 1;

export abstract class Expr {
  abstract readonly kind: string;
  abstract readonly shape: Shape;
  /** A process-unique id, used as a stable key by compilers. */
  readonly id = nextExprId++;

  get width(): number {
    return this.shape.width;
  }
  get signed(): boolean {
    return this.shape.signed;
  }

  add(b: Operand): Expr { return binary("add", this, b); }
  sub(b: Operand): Expr { return binary("sub", this, b); }
  mul(b: Operand): Expr { return binary("mul", this, b); }
  and(b: Operand): Expr { return binary("and", this, b); }
  or(b: Operand): Expr { return binary("or", this, b); }
  xor(b: Operand): Expr { return binary("xor", this, b); }
  eq(b: Operand): Expr { return compare("eq", this, b); }
  ne(b: Operand): Expr { return compare("ne", this, b); }
  lt(b: Operand): Expr { return compare("lt", this, b); }
  le(b: Operand): Expr { return compare("le", this, b); }
  gt(b: Operand): Expr { return compare("gt", this, b); }
  ge(b: Operand): Expr { return compare("ge", this, b); }
  neg(): Expr { return new UnaryExpr("neg", this); }
  not(): Expr { return new UnaryExpr("not", this); }
  reduceAnd(): Expr { return new UnaryExpr("reduceAnd", this); }
  reduceOr(): Expr { return new UnaryExpr("reduceOr", this); }
  reduceXor(): Expr { return new UnaryExpr("reduceXor", this); }
  /** True (1) when any bit is set. */
  bool(): Expr { return this.width === 1 && !this.signed ? this : this.reduceOr(); }
  /** Reinterpret the bits as signed, same width. */
  asSigned(): Expr { return this.signed ? this : new UnaryExpr("asSigned", this); }
  /** Reinterpret the bits as unsigned, same width. */
  asUnsigned(): Expr { return this.signed ? new UnaryExpr("asUnsigned", this) : this; }

  /**
   * Shift left. A number shifts by a constant (width grows by that amount); an expression shifts
   * by a variable amount (width grows by 2^amount.width - 1, as in Amaranth).
   */
  shl(amount: number | Expr): Expr {
    if (typeof amount === "number") {
      checkShiftConst(amount, "shl");
      return amount === 0 ? this : new ShiftConstExpr("shl", this, amount);
    }
    checkShiftAmount(amount, "shl");
    if (amount.width > 16) throw new HdlError(`shl: shift amount ${describe(amount)} is ${amount.width} bits wide; at most 16 (slice it)`);
    return new BinaryExpr("shlv", this, amount);
  }
  /** Shift right: arithmetic for signed values, logical for unsigned. */
  shr(amount: number | Expr): Expr {
    if (typeof amount === "number") {
      checkShiftConst(amount, "shr");
      return amount === 0 ? this : new ShiftConstExpr("shr", this, amount);
    }
    checkShiftAmount(amount, "shr");
    return new BinaryExpr("shrv", this, amount);
  }

  /** Bit `i` (0 = least significant), unsigned 1 bit. */
  bit(i: number): Expr { return this.slice(i, i); }
  /** Bits hi..lo inclusive, unsigned, as Verilog's x[hi:lo]. */
  slice(hi: number, lo: number): Expr {
    if (!Number.isInteger(hi) || !Number.isInteger(lo) || lo < 0 || hi < lo || hi >= this.width) {
      throw new HdlError(`slice(${hi}, ${lo}) is out of range for ${describe(this)} of shape ${shapeToString(this.shape)}; use 0 <= lo <= hi < ${this.width}`);
    }
    if (lo === 0 && hi === this.width - 1 && !this.signed) return this;
    if (this instanceof SliceExpr) return new SliceExpr(this.arg, this.lo + lo, hi - lo + 1);
    return new SliceExpr(this, lo, hi - lo + 1);
  }
  /** Keep the low `n` bits, same signedness. */
  trunc(n: number): Expr {
    if (!Number.isInteger(n) || n < 1 || n > this.width) {
      throw new HdlError(`trunc(${n}) of ${describe(this)} (${shapeToString(this.shape)}): n must be 1..${this.width}; use resize() to widen`);
    }
    return n === this.width ? this : new ResizeExpr(this, n);
  }
  /** Sign- or zero-extend (by this value's signedness) or truncate to `n` bits, same signedness. */
  resize(n: number): Expr {
    if (!Number.isInteger(n) || n < 1) throw new HdlError(`resize(${n}): width must be a whole number >= 1`);
    return n === this.width ? this : new ResizeExpr(this, n);
  }
  /** `n` copies side by side, unsigned. */
  replicate(n: number): Expr {
    if (!Number.isInteger(n) || n < 1) throw new HdlError(`replicate(${n}): count must be >= 1`);
    return n === 1 ? this.asUnsigned() : cat(...Array.from({ length: n }, () => this));
  }
  /** Convenience: this ? t : f. */
  select(t: Operand, f: Operand): Expr { return mux(this, t, f); }
}

export class Const extends Expr {
  readonly kind = "const";
  constructor(readonly value: bigint, readonly shape: Shape) {
    super();
  }
}

export type SignalKind = "input" | "output" | "internal";

/** A named wire or register. Which one it is depends on the domain that drives it. */
export class Signal extends Expr {
  readonly kind = "signal";
  /** The module that owns this signal (set by Module when created). */
  owner: unknown = undefined;
  /** Names shown instead of numbers in waveforms (FSM states, enums). */
  decoder?: readonly string[];
  /** Internal signals made by Tessera (memory ports etc.) that waves may hide. */
  hidden = false;
  /** Where it was declared. */
  readonly loc: SrcLoc;
  /** @internal Its driver ranges (module.ts addDriver/driversOf). */
  drivers: unknown[] | undefined = undefined;
  constructor(
    readonly name: string,
    readonly shape: Shape,
    readonly reset: bigint,
    readonly dir: SignalKind,
    /** Given when the caller has captured it already (one location for a whole port declaration). */
    loc?: SrcLoc,
  ) {
    super();
    this.loc = loc ?? record();
  }
  override toString(): string {
    return this.name;
  }
}

export class UnaryExpr extends Expr {
  readonly kind = "unary";
  readonly shape: Shape;
  constructor(readonly op: UnaryOp, readonly arg: Expr) {
    super();
    const a = arg.shape;
    switch (op) {
      case "neg": this.shape = { width: a.width + 1, signed: true }; break;
      case "not": this.shape = a; break;
      case "asSigned": this.shape = { width: a.width, signed: true }; break;
      case "asUnsigned": this.shape = { width: a.width, signed: false }; break;
      default: this.shape = { width: 1, signed: false };
    }
  }
}

export class BinaryExpr extends Expr {
  readonly kind = "binary";
  readonly shape: Shape;
  constructor(readonly op: BinaryOp, readonly a: Expr, readonly b: Expr) {
    super();
    this.shape = binaryShape(op, a.shape, b.shape);
  }
}

export function binaryShape(op: BinaryOp, a: Shape, b: Shape): Shape {
  switch (op) {
    case "add": {
      const un = unify(a, b);
      return { width: un.width + 1, signed: un.signed };
    }
    case "sub": {
      // Always signed (as in Amaranth): a difference of unsigned values can be negative.
      const un = unify(a, b);
      return { width: un.width + 1, signed: true };
    }
    case "mul": {
      const mixed = a.signed !== b.signed;
      return { width: a.width + b.width + (mixed ? 1 : 0), signed: a.signed || b.signed };
    }
    case "and":
    case "or":
    case "xor":
      return unify(a, b);
    case "shlv":
      return { width: a.width + 2 ** b.width - 1, signed: a.signed };
    case "shrv":
      return a;
    default:
      return { width: 1, signed: false };
  }
}

export class ShiftConstExpr extends Expr {
  readonly kind = "shift";
  readonly shape: Shape;
  constructor(readonly op: "shl" | "shr", readonly arg: Expr, readonly amount: number) {
    super();
    const w = op === "shl" ? arg.width + amount : Math.max(1, arg.width - amount);
    this.shape = { width: w, signed: arg.signed };
  }
}

export class SliceExpr extends Expr {
  readonly kind = "slice";
  readonly shape: Shape;
  constructor(readonly arg: Expr, readonly lo: number, width: number) {
    super();
    this.shape = { width, signed: false };
  }
}

/** trunc/resize: to `width` bits, keeping the argument's signedness. */
export class ResizeExpr extends Expr {
  readonly kind = "resize";
  readonly shape: Shape;
  constructor(readonly arg: Expr, width: number) {
    super();
    this.shape = { width, signed: arg.signed };
  }
}

export class CatExpr extends Expr {
  readonly kind = "cat";
  readonly shape: Shape;
  /** parts[0] is the most significant. */
  constructor(readonly parts: readonly Expr[]) {
    super();
    this.shape = { width: parts.reduce((w, p) => w + p.width, 0), signed: false };
  }
}

export class MuxExpr extends Expr {
  readonly kind = "mux";
  readonly shape: Shape;
  /** sel is 1 bit unsigned; t and f have exactly `shape`. */
  constructor(readonly sel: Expr, readonly t: Expr, readonly f: Expr, shape: Shape) {
    super();
    this.shape = shape;
  }
}

/** A combinational read of a memory (made by memory read ports, not by user code). */
export class MemReadExpr extends Expr {
  readonly kind = "memread";
  readonly shape: Shape;
  constructor(readonly memory: { readonly shape: Shape; readonly depth: number; readonly name: string }, readonly addr: Expr) {
    super();
    this.shape = memory.shape;
  }
}

export type AnyExpr = Const | Signal | UnaryExpr | BinaryExpr | ShiftConstExpr | SliceExpr | ResizeExpr | CatExpr | MuxExpr | MemReadExpr;

// ---------------------------------------------------------------------------------------------

export function describe(e: Expr): string {
  if (e instanceof Signal) return `signal '${e.name}'`;
  if (e instanceof Const) return `constant ${e.value}`;
  return `expression (${e.kind}, ${shapeToString(e.shape)})`;
}

function toBigInt(v: number | bigint | boolean, what: string): bigint {
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new LiteralRangeError(`${what}: literal ${v} is not a safe integer; pass a bigint`);
    return BigInt(v);
  }
  return v;
}

/** A literal in its minimal shape, or an expression as it is. */
export function lit(v: Operand): Expr {
  if (v instanceof Expr) return v;
  const b = toBigInt(v, "literal");
  return new Const(b, shapeOfLiteral(b));
}

/** A constant of an explicit shape; out-of-range values are an error. */
export function constant(v: number | bigint | boolean, shape: Shape): Const {
  const b = toBigInt(v, "constant");
  if (!fits(b, shape)) throw new LiteralRangeError(`literal ${b} does not fit in ${shapeToString(shape)}; widen the shape or wrap the value`);
  return new Const(b, shape);
}

/** Range-check a literal where it meets a shape (assignments, comparisons, case values). */
export function literalFor(v: Operand, shape: Shape, where: string): Expr {
  if (v instanceof Expr) return v;
  const b = toBigInt(v, where);
  if (!fits(b, shape)) {
    throw new LiteralRangeError(`${where}: literal ${b} does not fit in ${shapeToString(shape)} (range ${shape.signed ? -(1n << BigInt(shape.width - 1)) : 0n}..${shape.signed ? (1n << BigInt(shape.width - 1)) - 1n : (1n << BigInt(shape.width)) - 1n}); widen the signal or change the literal`);
  }
  return new Const(b, shape);
}

function binary(op: BinaryOp, a: Expr, b: Operand): Expr {
  return new BinaryExpr(op, a, lit(b));
}

function compare(op: BinaryOp, a: Expr, b: Operand): Expr {
  // Comparing for equality with a literal the other side can never hold is always a bug.
  const be = op === "eq" || op === "ne" ? literalFor(b, a.shape, `${describe(a)}.${op}()`) : lit(b);
  return new BinaryExpr(op, a, be);
}

function checkShiftConst(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > 4096) throw new HdlError(`${what}(${n}): constant shift must be a whole number 0..4096`);
}

function checkShiftAmount(e: Expr, what: string): void {
  if (e.signed) throw new HdlError(`${what}: shift amount ${describe(e)} is signed; use .asUnsigned() if it is never negative`);
}

/** Concatenate, most significant first (like Verilog `{a, b}`). */
export function cat(...parts: Operand[]): Expr {
  if (parts.length === 0) throw new HdlError("cat() needs at least one part");
  const es = parts.map((p) => {
    if (p instanceof Expr) return p;
    throw new HdlError(`cat(): literal ${String(p)} has no width; wrap it as constant(v, u(n))`);
  });
  return new CatExpr(es);
}

/** sel ? t : f. `sel` may be any width (true when nonzero); the result unifies t and f. */
export function mux(sel: Operand, t: Operand, f: Operand): Expr {
  const se = lit(sel).bool();
  let te = lit(t), fe = lit(f);
  const sh = unify(te.shape, fe.shape);
  te = castTo(te, sh);
  fe = castTo(fe, sh);
  return new MuxExpr(se, te, fe, sh);
}

/** Convert without loss to a shape at least as wide (used internally after unify). */
export function castTo(e: Expr, sh: Shape): Expr {
  if (e.shape.width === sh.width && e.shape.signed === sh.signed) return e;
  if (e instanceof Const) return new Const(wrapTo(e.value, sh), sh);
  let r: Expr = e;
  if (r.width !== sh.width) r = new ResizeExpr(r, sh.width);
  if (r.signed !== sh.signed) r = sh.signed ? new UnaryExpr("asSigned", r) : new UnaryExpr("asUnsigned", r);
  return r;
}

/** Iterate over every distinct node of some expression trees without recursion. */
export function forEachNode(roots: readonly Expr[], visit: (e: Expr) => void, seen: Set<Expr> = new Set()): void {
  const stack: Expr[] = [...roots];
  while (stack.length) {
    const e = stack.pop()!;
    if (seen.has(e)) continue;
    seen.add(e);
    visit(e);
    for (let i = 0, n = childCount(e); i < n; i++) stack.push(childAt(e, i));
  }
}

/**
 * How many operands `e` has, and the i-th: the netlist passes walk millions of expressions, and
 * `children` allocates an array each time (a third of their garbage on a 32x32 mesh).
 */
export function childCount(e: Expr): number {
  switch (e.kind) {
    case "unary": case "shift": case "slice": case "resize": case "memread": return 1;
    case "binary": return 2;
    case "mux": return 3;
    case "cat": return (e as CatExpr).parts.length;
    default: return 0;
  }
}

export function childAt(e: Expr, i: number): Expr {
  switch (e.kind) {
    case "unary": return (e as UnaryExpr).arg;
    case "binary": return i === 0 ? (e as BinaryExpr).a : (e as BinaryExpr).b;
    case "shift": return (e as ShiftConstExpr).arg;
    case "slice": return (e as SliceExpr).arg;
    case "resize": return (e as ResizeExpr).arg;
    case "cat": return (e as CatExpr).parts[i];
    case "mux": return i === 0 ? (e as MuxExpr).sel : i === 1 ? (e as MuxExpr).t : (e as MuxExpr).f;
    case "memread": return (e as MemReadExpr).addr;
    default: throw new Error(`childAt: ${e.kind} has no operands`);
  }
}

/** The operands of `e` as an array (childCount/childAt are the one table of operands). */
export function children(e: Expr): readonly Expr[] {
  if (e.kind === "cat") return (e as CatExpr).parts;
  const out: Expr[] = [];
  for (let i = 0, n = childCount(e); i < n; i++) out.push(childAt(e, i));
  return out;
}
