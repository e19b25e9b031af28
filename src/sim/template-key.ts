/**
 * The key that decides which instances share code (template.ts): an expression written out as its
 * tree, with every field of every node (kind, operator, shape, slice bounds, shift amount,
 * constant value), stored values and memories as the caller names them. Code generation is a
 * function of exactly these, so two instances whose keys are equal get the same code; the key was
 * the generated JavaScript itself, which cost 1.0-1.4 s of a 32x32 mesh's start-up to write out
 * for 1,024 routers only to compare it.
 *
 * Unstored subtrees are at most MAX_INLINE_DEPTH deep (netlist.ts materialize), so the recursion
 * is shallow.
 */
import type {
  BinaryExpr, CatExpr, Const, Expr, MemReadExpr, MuxExpr, ResizeExpr, ShiftConstExpr, SliceExpr, UnaryExpr,
} from "../hdl/expr.js";

export interface KeyContext {
  /** How a stored expression is named (its place relative to the instance), or undefined if not stored. */
  ref(e: Expr, root: boolean): string | undefined;
  /** How the memory a read reads is named. */
  memory(e: MemReadExpr): string;
}

/** The key of `e`; `root`: `e` defines a stored node and is computed rather than read back. */
export function exprKey(e: Expr, root: boolean, ctx: KeyContext): string {
  return write(e, root, ctx);
}

/**
 * Built by concatenation, not pushed to an array and joined: V8 keeps the pieces as a rope and
 * flattens it once, when the key is hashed, with no array per key (a 32x32 mesh writes ~1M nodes).
 * Width and signedness are one number (negative = signed).
 */
function write(e: Expr, root: boolean, ctx: KeyContext): string {
  const r = ctx.ref(e, root);
  if (r !== undefined) return "@" + r + ";";
  const shape = e.signed ? -e.width : e.width;
  switch (e.kind) {
    case "const":
      return "#" + shape + ":" + (e as Const).value.toString() + ";";
    case "unary":
      return "U" + (e as UnaryExpr).op + shape + "(" + write((e as UnaryExpr).arg, false, ctx) + ")";
    case "binary":
      return "B" + (e as BinaryExpr).op + shape + "(" + write((e as BinaryExpr).a, false, ctx) + write((e as BinaryExpr).b, false, ctx) + ")";
    case "shift":
      return "S" + (e as ShiftConstExpr).op + (e as ShiftConstExpr).amount + ":" + shape + "(" + write((e as ShiftConstExpr).arg, false, ctx) + ")";
    case "slice":
      return "L" + (e as SliceExpr).lo + ":" + shape + "(" + write((e as SliceExpr).arg, false, ctx) + ")";
    case "resize":
      return "R" + shape + "(" + write((e as ResizeExpr).arg, false, ctx) + ")";
    case "cat": {
      let out = "C" + shape + "(";
      for (const p of (e as CatExpr).parts) out += write(p, false, ctx);
      return out + ")";
    }
    case "mux":
      return "M" + shape + "(" + write((e as MuxExpr).sel, false, ctx) + write((e as MuxExpr).t, false, ctx) + write((e as MuxExpr).f, false, ctx) + ")";
    case "memread":
      return "Q" + ctx.memory(e as MemReadExpr) + ":" + (e as MemReadExpr).memory.depth + ":" + shape + "(" + write((e as MemReadExpr).addr, false, ctx) + ")";
    default:
      // Nothing else reaches code generation unstored (a signal is always stored); a key no
      // other expression has keeps its instance out of every class.
      return "?" + e.id + ";";
  }
}
