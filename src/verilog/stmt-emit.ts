/**
 * Statement trees to Verilog if/case. One module's tree holds every domain's assignments; each
 * always block prints the tree filtered to what it drives, with branches that assign nothing
 * pruned (but kept where dropping them would change which branch runs).
 */
import type { Expr } from "../hdl/expr.js";
import type { AssignStmt, Stmt } from "../hdl/stmt.js";

/** The tree with only the assignments `keep` accepts; empty statements removed where harmless. */
export function filterStmts(stmts: readonly Stmt[], keep: (a: AssignStmt) => boolean): Stmt[] {
  const out: Stmt[] = [];
  for (const st of stmts) {
    if (st.kind === "assign") {
      if (keep(st)) out.push(st);
    } else if (st.kind === "if") {
      const branches = st.branches.map((b) => ({ cond: b.cond, body: filterStmts(b.body, keep) }));
      // Trailing empty branches change nothing; earlier ones must stay (they stop later ones).
      while (branches.length && branches[branches.length - 1].body.length === 0) branches.pop();
      if (branches.length) out.push({ ...st, branches });
    } else {
      // A case with no values never matches: it goes, whatever its body.
      let cases = st.cases.filter((c) => c.values === null || c.values.length > 0).map((c) => ({ values: c.values, body: filterStmts(c.body, keep) }));
      const dflt = cases.find((c) => c.values === null);
      // Without a default that does something, an empty case is the same as no case.
      if (!dflt || dflt.body.length === 0) cases = cases.filter((c) => c.body.length > 0);
      if (cases.length) out.push({ ...st, cases });
    }
  }
  return out;
}

/** Every expression a tree evaluates (conditions, subjects, assigned values), in order. */
export function stmtRoots(stmts: readonly Stmt[], out: Expr[] = []): Expr[] {
  for (const st of stmts) {
    if (st.kind === "assign") out.push(st.value);
    else if (st.kind === "if") {
      for (const b of st.branches) {
        if (b.cond) out.push(b.cond);
        stmtRoots(b.body, out);
      }
    } else {
      out.push(st.subject);
      for (const c of st.cases) stmtRoots(c.body, out);
    }
  }
  return out;
}

/** Every assignment in a tree. */
export function assignsOf(stmts: readonly Stmt[], out: AssignStmt[] = []): AssignStmt[] {
  for (const st of stmts) {
    if (st.kind === "assign") out.push(st);
    else if (st.kind === "if") for (const b of st.branches) assignsOf(b.body, out);
    else for (const c of st.cases) assignsOf(c.body, out);
  }
  return out;
}

export interface StmtPrinter {
  /** "=" in comb blocks, "<=" in clocked ones. */
  readonly op: "=" | "<=";
  lhs(a: AssignStmt): string;
  rhs(a: AssignStmt): string;
  cond(e: Expr): string;
  subject(e: Expr): string;
  label(subject: Expr, v: bigint): string;
}

const IND = "  ";

export function printStmts(stmts: readonly Stmt[], depth: number, p: StmtPrinter, out: string[] = []): string[] {
  const pad = IND.repeat(depth);
  for (const st of stmts) {
    if (st.kind === "assign") {
      out.push(`${pad}${p.lhs(st)} ${p.op} ${p.rhs(st)};`);
    } else if (st.kind === "if") {
      // One-line branches only when every branch is a single assignment (no dangling else).
      const compact = st.branches.every((b) => b.body.length === 1 && b.body[0].kind === "assign");
      st.branches.forEach((b, i) => {
        const head = i === 0 ? `if (${p.cond(b.cond!)})` : b.cond ? `else if (${p.cond(b.cond)})` : "else";
        if (compact) {
          out.push(`${pad}${head}`);
          printStmts(b.body, depth + 1, p, out);
        } else if (b.body.length === 0) {
          out.push(`${pad}${i === 0 ? "" : "end "}${head} begin`);
        } else {
          out.push(`${pad}${i === 0 ? "" : "end "}${head} begin`);
          printStmts(b.body, depth + 1, p, out);
        }
      });
      if (!compact) out.push(`${pad}end`);
    } else {
      out.push(`${pad}case (${p.subject(st.subject)})`);
      for (const c of st.cases) {
        const head = c.values === null ? "default" : c.values.map((v) => p.label(st.subject, v)).join(", ");
        if (c.body.length === 0) out.push(`${pad}${IND}${head}: ;`);
        else if (c.body.length === 1 && c.body[0].kind === "assign") {
          const a = c.body[0];
          out.push(`${pad}${IND}${head}: ${p.lhs(a)} ${p.op} ${p.rhs(a)};`);
        } else {
          out.push(`${pad}${IND}${head}: begin`);
          printStmts(c.body, depth + 2, p, out);
          out.push(`${pad}${IND}end`);
        }
      }
      // Say "nothing else" explicitly, unless the labels already cover every value.
      const labels = st.cases.reduce((n, c) => n + (c.values?.length ?? 0), 0);
      if (!st.cases.some((c) => c.values === null) && BigInt(labels) < 1n << BigInt(st.subject.width)) out.push(`${pad}${IND}default: ;`);
      out.push(`${pad}endcase`);
    }
  }
  return out;
}
