/**
 * Statements: what a module's builder records. One tree per module holds every domain's
 * assignments in program order (Amaranth's model); the simulator lowers it to next-value
 * expressions and the Verilog emitter prints it back as if/case blocks.
 *
 * Statements carry no source location: capturing one costs ~10 us and a 32x32 mesh records over
 * 200k statements. Signals keep theirs, and each driven range of bits keeps the place it was first
 * assigned (module.ts addDriver), which is what errors name.
 */
import type { Expr, Signal } from "./expr.js";

/** `target[lo +: value.width] = value` in `domain` ("comb" or a clock domain's name). */
export interface AssignStmt {
  readonly kind: "assign";
  readonly target: Signal;
  readonly lo: number;
  /** Exactly as wide as the bits assigned; its signedness is the source's. */
  readonly value: Expr;
  readonly domain: string;
}

export interface IfBranch {
  /** null for the final else. */
  readonly cond: Expr | null;
  readonly body: Stmt[];
}

export interface IfStmt {
  readonly kind: "if";
  readonly branches: IfBranch[];
}

export interface SwitchCase {
  /** null for default. */
  readonly values: readonly bigint[] | null;
  readonly body: Stmt[];
}

export interface SwitchStmt {
  readonly kind: "switch";
  readonly subject: Expr;
  readonly cases: SwitchCase[];
}

export type Stmt = AssignStmt | IfStmt | SwitchStmt;

/** Domains that a statement tree assigns in. */
export function domainsOf(stmts: readonly Stmt[], out: Set<string> = new Set()): Set<string> {
  for (const st of stmts) {
    if (st.kind === "assign") out.add(st.domain);
    else if (st.kind === "if") for (const b of st.branches) domainsOf(b.body, out);
    else for (const c of st.cases) domainsOf(c.body, out);
  }
  return out;
}
