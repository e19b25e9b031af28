/**
 * Expressions to Verilog with exactly Tessera's widths and signedness.
 *
 * Verilog sizes most operands by their context (the widest operand, and the left-hand side) and
 * makes a whole expression unsigned when one operand is. Tessera's rules differ (shape.ts
 * `unify`, expr.ts `binaryShape`). The emitter makes Verilog's rules harmless by one invariant:
 *
 *   every operand of an arithmetic, bitwise or conditional operator is brought to the operator's
 *   result width explicitly (sign- or zero-extended by *its own* signedness, with a concatenation),
 *   so Verilog never extends anything and signedness only matters where we say so:
 *   `$signed(a) < $signed(b)` for signed comparisons and `$signed(a) >>> n` for arithmetic shifts.
 *
 * Under that invariant the text of a node is "self-determined and exactly as wide as the node",
 * so it can be used as the right-hand side of an assignment of that width, as a condition, or
 * inside a parent that uses it at that same width. Nodes used more than once, nodes whose bits
 * must be selected (extension, slices) and the arithmetic shift (whose signedness a surrounding
 * unsigned context would change) get a named intermediate wire; the rest are written inline.
 *
 * Traversal is iterative (post-order with an explicit stack), so deep expression chains cannot
 * overflow the JS stack.
 */
import {
  BinaryExpr, CatExpr, Const, Expr, MemReadExpr, MuxExpr, ResizeExpr, ShiftConstExpr, Signal, SliceExpr,
  UnaryExpr, children,
} from "../hdl/expr.js";
import { unify } from "../hdl/shape.js";
import { sizedLiteral, valueLiteral } from "./literals.js";

/** How the module emitter names what expressions refer to. */
export interface ExprContext {
  /** Verilog name of a signal readable in this module (own signal or a child's port wire). */
  signal(s: Signal): string;
  /** Verilog name of a memory of this module. */
  memory(mem: MemReadExpr["memory"]): string;
  /** A fresh identifier based on `base`. */
  fresh(base: string): string;
}

interface Lowered {
  text: string;
  /** `text` is one identifier: bits of it can be selected. */
  ident: boolean;
  /** Verilog might treat `text` as signed (conservative: true unless known unsigned). */
  vSigned: boolean;
  /** Must not be embedded in a larger expression (only used whole, or through a wire). */
  noInline: boolean;
}

/** Longest inline text before a subexpression gets its own wire (readability only). */
const MAX_INLINE_TEXT = 72;

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const ATOMIC_RE = /^(?:[A-Za-z_][A-Za-z0-9_$]*(?:\[\d+(?::\d+)?\])?|\d+'s?[dhb][0-9a-fA-F]+)$/;

/** True when `t` needs no parentheses as an operand: identifier, bit/part-select, unsigned literal, one {..}. */
function isAtomic(t: string): boolean {
  if (ATOMIC_RE.test(t)) return true;
  if (t.startsWith("{") && t.endsWith("}")) {
    let depth = 0;
    for (let i = 0; i < t.length; i++) {
      if (t[i] === "{") depth++;
      else if (t[i] === "}" && --depth === 0 && i !== t.length - 1) return false;
    }
    return true;
  }
  return t.startsWith("$") && /^\$(un)?signed\(/.test(t) && matchingParenAtEnd(t, t.indexOf("("));
}

function matchingParenAtEnd(t: string, open: number): boolean {
  let depth = 0;
  for (let i = open; i < t.length; i++) {
    if (t[i] === "(") depth++;
    else if (t[i] === ")" && --depth === 0) return i === t.length - 1;
  }
  return false;
}

function paren(t: string): string {
  return isAtomic(t) || (t.startsWith("(") && matchingParenAtEnd(t, 0)) ? t : `(${t})`;
}

const BIN_OP: Record<string, string> = {
  add: "+", sub: "-", mul: "*", and: "&", or: "|", xor: "^",
  eq: "==", ne: "!=", lt: "<", le: "<=", gt: ">", ge: ">=",
};

const TEMP_BASE: Record<string, string> = {
  add: "add", sub: "sub", mul: "mul", and: "and", or: "or", xor: "xor", eq: "eq", ne: "ne", lt: "lt", le: "le",
  gt: "gt", ge: "ge", shlv: "shl", shrv: "shr", neg: "neg", not: "not", reduceAnd: "rand", reduceOr: "ror",
  reduceXor: "rxor",
};

/** The node an asSigned/asUnsigned chain stands for: those reinterpret bits and emit nothing. */
function base(e: Expr): Expr {
  while (e instanceof UnaryExpr && (e.op === "asSigned" || e.op === "asUnsigned")) e = e.arg;
  return e;
}

export class ExprEmitter {
  /** Declarations of intermediate wires, in dependency order. */
  readonly decls: string[] = [];
  /** Names of the intermediate wires. */
  readonly temps = new Set<string>();
  private readonly uses = new Map<Expr, number>();
  /** Low bits of each node anything needs (0: none). */
  private readonly demand = new Map<Expr, number>();
  private readonly lowered = new Map<Expr, Lowered>();
  private tempCount = 0;

  constructor(private readonly ctx: ExprContext) {}

  /**
   * Register every root expression (each call counts one use; a root is used at its full width)
   * before asking for any text. Counts uses (shared nodes get a wire) and how many low bits each
   * node must provide: `trunc(a + b, 32)` computes the sum in 32 bits, not 33, as a synthesis tool
   * would; it keeps Verilator's data types small and leaves no unused carry bits.
   */
  prepare(roots: readonly Expr[]): void {
    const seen = new Set<Expr>();
    const post: Expr[] = [];
    const stack: { e: Expr; i: number }[] = [];
    for (const r of roots) {
      const b = base(r);
      this.uses.set(b, (this.uses.get(b) ?? 0) + 1);
      this.demand.set(r, r.width);
      if (seen.has(r)) continue;
      seen.add(r);
      stack.push({ e: r, i: 0 });
      while (stack.length) {
        const top = stack[stack.length - 1];
        const ch = children(top.e);
        if (top.i < ch.length) {
          const c = ch[top.i++];
          // An alias forwards its parent's use to the node it stands for; count that edge once.
          const repeat = top.e instanceof CatExpr && top.i >= 2 && ch[top.i - 2] === c; // {n{x}} reads x once
          if (base(top.e) === top.e && !repeat) {
            const b = base(c);
            this.uses.set(b, (this.uses.get(b) ?? 0) + 1);
          }
          if (!seen.has(c)) {
            seen.add(c);
            stack.push({ e: c, i: 0 });
          }
        } else {
          stack.pop();
          post.push(top.e);
        }
      }
    }
    // Parents before children: push each node's needs down.
    for (let i = post.length - 1; i >= 0; i--) {
      const e = post[i];
      const d = this.effWidth(e);
      const need = (c: Expr, k: number) => this.demand.set(c, Math.max(this.demand.get(c) ?? 0, Math.min(c.width, k)));
      if (base(e) !== e) need((e as UnaryExpr).arg, this.demand.get(e) ?? e.width);
      else if (e instanceof UnaryExpr) need(e.arg, e.op === "neg" || e.op === "not" ? d : e.arg.width);
      else if (e instanceof BinaryExpr) {
        const lowClosed = e.op === "add" || e.op === "sub" || e.op === "mul" || e.op === "and" || e.op === "or" || e.op === "xor";
        if (lowClosed) { need(e.a, d); need(e.b, d); }
        else if (e.op === "shlv") { need(e.a, d); need(e.b, e.b.width); }
        else { need(e.a, e.a.width); need(e.b, e.b.width); }
      } else if (e instanceof ShiftConstExpr) need(e.arg, e.op === "shl" ? Math.max(0, d - e.amount) : e.arg.width);
      else if (e instanceof ResizeExpr) need(e.arg, d);
      else if (e instanceof SliceExpr) need(e.arg, e.lo + d);
      else if (e instanceof CatExpr) {
        let off = 0;
        for (let j = e.parts.length - 1; j >= 0; j--) {
          need(e.parts[j], Math.max(0, d - off));
          off += e.parts[j].width;
        }
      } else if (e instanceof MuxExpr) { need(e.sel, e.sel.width); need(e.t, d); need(e.f, d); }
      else for (const c of children(e)) need(c, c.width);
    }
  }

  /** Text of `e` for use as a whole: right-hand side of an assignment of e.width bits, a condition, a case subject. */
  text(e: Expr): string {
    const t = this.lower(e).text;
    return t.startsWith("(") && matchingParenAtEnd(t, 0) ? t.slice(1, -1) : t;
  }

  /**
   * Like text(), for places whose other parts Verilog sizes and types together with it (a case
   * subject and its labels): never an expression whose meaning depends on its signedness.
   */
  subjectText(e: Expr): string {
    const l = this.lower(e);
    if (!l.ident && l.noInline) this.materialize(base(e), l);
    return l.text;
  }

  /**
   * Text of exactly `k` bits equal to e's value modulo 2^k: e's low bits, or e extended by its own
   * signedness when k > e.width. Used for every operand, so Verilog never widens anything itself.
   */
  operand(e: Expr, k: number): string {
    if (e instanceof Const) return k < e.width ? sizedLiteral(e.value, k) : paren(valueLiteral(e.value, k, e.signed));
    const ew = this.effWidth(e);
    if (k === ew) return paren(this.inlineText(e));
    if (k < ew) return select(this.ident(e), k - 1, 0);
    if (ew !== e.width) throw new Error(`internal: ${e.kind} computed in ${ew} of ${e.width} bits but used at ${k}`);
    const id = this.ident(e);
    const x = k - e.width;
    if (!e.signed) return `{${x}'d0, ${id}}`;
    const msb = e.width === 1 ? id : `${id}[${e.width - 1}]`;
    return x === 1 ? `{${msb}, ${id}}` : `{{${x}{${msb}}}, ${id}}`;
  }

  /** An identifier holding `e` (declaring a wire for it when needed). */
  ident(e: Expr): string {
    const l = this.lower(e);
    if (!l.ident) this.materialize(base(e), l);
    return l.text;
  }

  // --- internals --------------------------------------------------------------------------------

  /** How many low bits of `e` are computed: fewer than its width only for ops whose low bits depend on low bits alone. */
  private effWidth(e: Expr): number {
    const d = this.demand.get(e) ?? e.width;
    if (d >= e.width) return e.width;
    const b = base(e);
    const narrow =
      (b instanceof UnaryExpr && (b.op === "neg" || b.op === "not")) ||
      (b instanceof BinaryExpr && ["add", "sub", "mul", "and", "or", "xor", "shlv"].includes(b.op)) ||
      (b instanceof ShiftConstExpr && b.op === "shl") ||
      b instanceof ResizeExpr || b instanceof SliceExpr || b instanceof CatExpr || b instanceof MuxExpr;
    if (!narrow) return e.width;
    // An alias is as wide as the node it stands for.
    return b === e ? Math.max(1, d) : this.effWidth(b);
  }

  /** Text of `e` to embed in a parent expression; gives it a wire if it should not be inlined. */
  private inlineText(e: Expr): string {
    const l = this.lower(e);
    if (!l.ident && (l.noInline || l.text.length > MAX_INLINE_TEXT)) this.materialize(base(e), l);
    return l.text;
  }

  private materialize(e: Expr, l: Lowered): void {
    const name = this.ctx.fresh(`${tempBase(e)}_${++this.tempCount}`);
    this.decls.push(`wire ${rangeDecl(this.effWidth(e), e.signed)}${name} = ${l.text};`);
    this.temps.add(name);
    l.text = name;
    l.ident = true;
    l.vSigned = e.signed;
    l.noInline = false;
  }

  private lower(root: Expr): Lowered {
    const done = this.lowered.get(root);
    if (done) return done;
    // Post-order without recursion. Children are lowered on demand by lowerNode (through
    // operand/ident), so pre-lower them here to keep the JS stack shallow.
    const stack: { e: Expr; visited: boolean }[] = [{ e: root, visited: false }];
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (this.lowered.has(top.e)) {
        stack.pop();
        continue;
      }
      if (!top.visited) {
        top.visited = true;
        for (const c of this.neededChildren(top.e)) if (!this.lowered.has(c)) stack.push({ e: c, visited: false });
        continue;
      }
      stack.pop();
      const e = top.e;
      const b = base(e);
      if (b !== e) {
        // An alias shares its node's record, so a wire made for one serves both.
        this.lowered.set(e, this.lowered.get(b)!);
        continue;
      }
      const l = this.lowerNode(e);
      if (!l.ident && !(e instanceof Const) && (this.uses.get(e) ?? 0) > 1) this.materialize(e, l);
      this.lowered.set(e, l);
    }
    return this.lowered.get(root)!;
  }

  /** Children whose text lowerNode will ask for (a shift that keeps only zeros needs none). */
  private neededChildren(e: Expr): readonly Expr[] {
    if (e instanceof ShiftConstExpr && e.op === "shl" && this.effWidth(e) <= e.amount) return [];
    if (e instanceof CatExpr) {
      const d = this.effWidth(e);
      const out: Expr[] = [];
      let off = 0;
      for (let j = e.parts.length - 1; j >= 0 && off < d; j--) {
        out.push(e.parts[j]);
        off += e.parts[j].width;
      }
      return out;
    }
    return children(e);
  }

  /** The node's own text at its effective width; its children are already lowered. */
  private lowerNode(e: Expr): Lowered {
    const expr = (text: string, vSigned = true, noInline = false): Lowered => ({ text, ident: false, vSigned, noInline });
    if (e instanceof Signal) return { text: this.ctx.signal(e), ident: true, vSigned: e.signed, noInline: false };
    if (e instanceof Const) return expr(valueLiteral(e.value, e.width, e.signed), e.signed && e.value < 0n);
    const W = this.effWidth(e);

    if (e instanceof UnaryExpr) {
      switch (e.op) {
        case "neg": return expr(`-${this.operand(e.arg, W)}`);
        case "not": return expr(`~${this.operand(e.arg, W)}`);
        case "reduceAnd": return expr(`&${this.operand(e.arg, e.arg.width)}`, false);
        case "reduceOr": return expr(`|${this.operand(e.arg, e.arg.width)}`, false);
        case "reduceXor": return expr(`^${this.operand(e.arg, e.arg.width)}`, false);
        default: throw new Error(`internal: alias ${e.op} reached lowerNode`);
      }
    }

    if (e instanceof BinaryExpr) {
      const { a, b } = e;
      switch (e.op) {
        case "add": case "sub": case "mul": case "and": case "or": case "xor":
          return expr(`${this.operand(a, W)} ${BIN_OP[e.op]} ${this.operand(b, W)}`);
        case "eq": case "ne": {
          const U = unify(a.shape, b.shape).width;
          return expr(`${this.operand(a, U)} ${BIN_OP[e.op]} ${this.operand(b, U)}`, false);
        }
        case "lt": case "le": case "gt": case "ge": {
          const U = unify(a.shape, b.shape);
          const side = (x: Expr) => (U.signed ? this.signedOperand(x, U.width) : this.unsignedOperand(x, U.width));
          return expr(`${side(a)} ${BIN_OP[e.op]} ${side(b)}`, false);
        }
        case "shlv":
          return expr(`${this.operand(a, W)} << ${this.operand(b, b.width)}`);
        case "shrv": {
          const amt = this.shiftAmount(b, W);
          if (!a.signed) return expr(`${this.operand(a, W)} >> ${amt}`, false);
          // `>>>` is arithmetic only while its left operand stays signed: never embed it.
          return expr(`${this.signedOperand(a, W)} >>> ${amt}`, true, true);
        }
      }
    }

    if (e instanceof ShiftConstExpr) {
      const a = e.arg, n = e.amount;
      if (e.op === "shl") return expr(W <= n ? `${W}'d0` : `{${this.operand(a, W - n)}, ${n}'d0}`, false);
      if (n >= a.width) {
        if (!a.signed) return expr("1'd0", false);
        const id = this.ident(a);
        return expr(a.width === 1 ? id : `${id}[${a.width - 1}]`, false);
      }
      return expr(select(this.ident(a), a.width - 1, n), false);
    }

    if (e instanceof SliceExpr) {
      const a = e.arg;
      const id = this.ident(a);
      // A one-bit wire (the argument may be computed narrower than its width) takes no select.
      return expr(this.effWidth(a) === 1 ? id : select(id, e.lo + W - 1, e.lo), a.width === 1 && a.signed);
    }

    if (e instanceof ResizeExpr) return expr(this.operand(e.arg, W), false);

    if (e instanceof CatExpr) {
      const parts: { e: Expr; k: number; text: string }[] = [];
      let left = W;
      for (let j = e.parts.length - 1; j >= 0 && left > 0; j--) {
        const p = e.parts[j];
        const k = Math.min(p.width, left);
        parts.unshift({ e: p, k, text: p instanceof Const ? sizedLiteral(p.value, k) : this.operand(p, k) });
        left -= k;
      }
      // Runs of one part (replicate) read better as {n{x}}.
      const texts: string[] = [];
      for (let i = 0; i < parts.length; ) {
        let j = i + 1;
        while (j < parts.length && parts[j].e === parts[i].e && parts[j].k === parts[i].k) j++;
        texts.push(j - i > 1 ? `{${j - i}{${parts[i].text}}}` : parts[i].text);
        i = j;
      }
      return expr(texts.length === 1 ? texts[0] : `{${texts.join(", ")}}`, false);
    }

    if (e instanceof MuxExpr) {
      return expr(`${paren(this.inlineText(e.sel))} ? ${this.operand(e.t, W)} : ${this.operand(e.f, W)}`);
    }

    if (e instanceof MemReadExpr) {
      const mem = this.ctx.memory(e.memory);
      return expr(memReadText(mem, e.memory.depth, e.addr.width, () => this.ident(e.addr), W), false);
    }

    throw new Error(`internal: the Verilog emitter does not know expression kind '${e.kind}'`);
  }

  /**
   * A right-shift amount. Amounts past the width shift everything out, so an amount wider than
   * 32 bits is clamped to the width: Verilator refuses constant shift amounts wider than 32 bits,
   * and an expression of constants is one.
   */
  private shiftAmount(b: Expr, W: number): string {
    if (b instanceof Const) return b.value > BigInt(W) ? sizedLiteral(BigInt(W), 32) : this.operand(b, b.width);
    if (b.width <= 32) return this.operand(b, b.width);
    const id = this.ident(b);
    return `((${id} > ${sizedLiteral(BigInt(W), b.width)}) ? ${sizedLiteral(BigInt(W), 32)} : ${id}[31:0])`;
  }

  private signedOperand(x: Expr, width: number): string {
    if (x instanceof Const) return x.value < 0n ? `(${valueLiteral(x.value, width, true)})` : `${width}'sd${x.value}`;
    if (x.width === width) {
      const l = this.lower(x);
      if (l.ident && l.vSigned) return l.text;
    }
    return `$signed(${this.operand(x, width)})`;
  }

  private unsignedOperand(x: Expr, width: number): string {
    if (x instanceof Const) return sizedLiteral(x.value, width);
    if (x.width < width) return this.operand(x, width); // a concatenation: unsigned already
    const l = this.lower(x);
    if (l.ident && !l.vSigned) return l.text;
    return `$unsigned(${this.operand(x, width)})`;
  }
}

/** `id[hi:lo]`, or `id[i]` for one bit. */
export function select(id: string, hi: number, lo: number): string {
  return hi === lo ? `${id}[${hi}]` : `${id}[${hi}:${lo}]`;
}

/** `signed [7:0] ` style declaration prefix (empty for one unsigned bit). */
export function rangeDecl(width: number, signed: boolean): string {
  return `${signed ? "signed " : ""}${width > 1 || signed ? `[${width - 1}:0] ` : ""}`;
}

/**
 * `mem[addr]`, guarded so addresses outside 0..depth-1 read 0 (Tessera's rule; Icarus would give x
 * and Verilator an arbitrary word). No guard when every address is in range.
 */
export function memReadText(mem: string, depth: number, addrWidth: number, addrIdent: () => string, dataWidth: number): string {
  if (depth === 1) {
    const a = addrIdent();
    return `(${a} == ${addrWidth}'d0) ? ${mem}[0] : ${dataWidth}'d0`;
  }
  if (2 ** addrWidth === depth) return `${mem}[${addrIdent()}]`;
  const a = addrIdent();
  return `(${a} < ${sizedLiteral(BigInt(depth), addrWidth)}) ? ${mem}[${a}] : ${sizedLiteral(0n, dataWidth)}`;
}

function tempBase(e: Expr): string {
  if (e instanceof UnaryExpr || e instanceof BinaryExpr) return TEMP_BASE[e.op] ?? e.op;
  if (e instanceof ShiftConstExpr) return e.op;
  if (e instanceof Const) return "k";
  if (e instanceof MemReadExpr) return "rd";
  return e.kind;
}

export { IDENT_RE };
