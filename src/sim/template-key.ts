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
  const out: string[] = [];
  write(e, root, ctx, out);
  return out.join("");
}

function write(e: Expr, root: boolean, ctx: KeyContext, out: string[]): void {
  const r = ctx.ref(e, root);
  if (r !== undefined) {
    out.push("@", r, ";");
    return;
  }
  const shape = `${e.signed ? "s" : "u"}${e.width}`;
  switch (e.kind) {
    case "const":
      out.push("#", shape, ":", (e as Const).value.toString(), ";");
      return;
    case "unary":
      out.push("U", (e as UnaryExpr).op, shape, "(");
      write((e as UnaryExpr).arg, false, ctx, out);
      break;
    case "binary":
      out.push("B", (e as BinaryExpr).op, shape, "(");
      write((e as BinaryExpr).a, false, ctx, out);
      write((e as BinaryExpr).b, false, ctx, out);
      break;
    case "shift":
      out.push("S", (e as ShiftConstExpr).op, String((e as ShiftConstExpr).amount), shape, "(");
      write((e as ShiftConstExpr).arg, false, ctx, out);
      break;
    case "slice":
      out.push("L", String((e as SliceExpr).lo), shape, "(");
      write((e as SliceExpr).arg, false, ctx, out);
      break;
    case "resize":
      out.push("R", shape, "(");
      write((e as ResizeExpr).arg, false, ctx, out);
      break;
    case "cat":
      out.push("C", shape, "(");
      for (const p of (e as CatExpr).parts) write(p, false, ctx, out);
      break;
    case "mux":
      out.push("M", shape, "(");
      write((e as MuxExpr).sel, false, ctx, out);
      write((e as MuxExpr).t, false, ctx, out);
      write((e as MuxExpr).f, false, ctx, out);
      break;
    case "memread":
      out.push("Q", ctx.memory(e as MemReadExpr), ":", String((e as MemReadExpr).memory.depth), shape, "(");
      write((e as MemReadExpr).addr, false, ctx, out);
      break;
    default:
      // Nothing else reaches code generation unstored (a signal is always stored); a key no
      // other expression has keeps its instance out of every class.
      out.push("?", String(e.id), ";");
      return;
  }
  out.push(")");
}
