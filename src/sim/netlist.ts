/**
 * Flatten a design into a netlist both engines run: one node per signal (plus hidden temporaries),
 * each with the expression that gives its value (comb) or its next value (registers).
 *
 * Lowering turns each module's statement tree into, per signal and domain, one expression: start
 * from the default (the reset value for comb, the register itself for a clock domain) and let every
 * assignment replace the bits it assigns, under the conditions of the branches around it — so the
 * last assignment in program order wins, and comb signals that no branch assigns take their reset
 * value (no latches).
 */
import {
  BinaryExpr, CatExpr, Const, Expr, MemReadExpr, MuxExpr, Signal, UnaryExpr, childAt, childCount,
} from "../hdl/expr.js";
import { phaseTimer } from "./timing.js";
import { ExprInts, ExprMap } from "./exprtable.js";
import { Design, elaborate, pathOf, resetName } from "../hdl/elaborate.js";
import { Module, driversOf } from "../hdl/module.js";
import type { Memory } from "../hdl/memory.js";
import type { BehaviouralBlock } from "../hdl/behavioural.js";
import { Shape, u } from "../hdl/shape.js";
import type { Stmt } from "../hdl/stmt.js";

export type NodeKind = "input" | "comb" | "reg" | "temp" | "behav" | "alias";

export interface NetNode {
  readonly id: number;
  /** Hierarchical name, "top.sub.sig"; temporaries are "$t<id>". */
  readonly name: string;
  readonly shape: Shape;
  readonly kind: NodeKind;
  readonly reset: bigint;
  /** Clock domain index for reg/behav nodes. */
  readonly domain: number;
  /** comb/temp: value; reg: next value before reset is applied. */
  expr: Expr | undefined;
  readonly signal: Signal | undefined;
  /** Module path of the scope it belongs to, and its local name (for waveforms). */
  readonly scope: readonly string[];
  readonly localName: string;
  readonly decoder?: readonly string[];
  readonly hidden: boolean;
  /** kind "alias": a wire that equals this node (same shape); it shares its storage. */
  aliasOf?: NetNode;
}

export interface NetWrite {
  readonly domain: number;
  readonly addr: Expr;
  readonly data: Expr;
  readonly en: Expr;
}

export interface NetMemory {
  readonly id: number;
  readonly name: string;
  readonly memory: Memory;
  readonly shape: Shape;
  readonly depth: number;
  readonly init: readonly bigint[];
  readonly writes: NetWrite[];
}

export interface NetBehav {
  readonly name: string;
  readonly block: BehaviouralBlock;
  readonly domain: number;
  readonly inputs: { readonly port: string; readonly node: NetNode }[];
  readonly outputs: { readonly port: string; readonly node: NetNode }[];
}

export interface Netlist {
  readonly design: Design;
  readonly nodes: NetNode[];
  /** Expressions that are computed once and stored: every signal, and shared/deep subtrees. */
  readonly materialized: ExprMap<NetNode>;
  readonly memories: NetMemory[];
  readonly memoryIndex: Map<Memory, NetMemory>;
  readonly behavs: NetBehav[];
  readonly domains: readonly string[];
  /** Reset input node of each domain. */
  readonly resets: NetNode[];
  readonly inputs: NetNode[];
  readonly outputs: NetNode[];
  readonly byName: Map<string, NetNode>;
  /** The node of each signal (before aliasing: an alias's own node). */
  readonly bySignal: ExprMap<NetNode>;
}

/** Subtrees deeper than this are stored in temporaries, so no engine recurses deeply. */
const MAX_INLINE_DEPTH = 24;

export function buildNetlist(topOrDesign: Module | Design): Netlist {
  const timer = phaseTimer("netlist");
  const design = topOrDesign instanceof Module ? elaborate(topOrDesign) : topOrDesign;
  timer.lap("elaborate");
  const domains = design.domains;
  const domainIndex = new Map(domains.map((d, i) => [d, i]));
  const nodes: NetNode[] = [];
  const bySignal = new ExprMap<NetNode>();
  const byName = new Map<string, NetNode>();
  const materialized = new ExprMap<NetNode>();

  const addNode = (n: Omit<NetNode, "id">): NetNode => {
    // Every node has the same fields in the same order (one hidden class for 200k nodes), built
    // without spreading: this runs once per signal of the design.
    const node: NetNode = {
      id: nodes.length, name: n.name, shape: n.shape, kind: n.kind, reset: n.reset, domain: n.domain, expr: n.expr,
      signal: n.signal, scope: n.scope, localName: n.localName, decoder: n.decoder, hidden: n.hidden, aliasOf: undefined,
    };
    nodes.push(node);
    if (node.name.charCodeAt(0) !== 36 /* $ */) {
      const size = byName.size;
      byName.set(node.name, node);
      if (byName.size === size) throw new Error(`internal: duplicate node name ${node.name}`);
    }
    if (node.signal) {
      bySignal.set(node.signal, node);
      materialized.set(node.signal, node);
    }
    return node;
  };

  // Reset inputs, one per domain.
  const top = design.top;
  const resets = domains.map((d) => {
    const sig = new Signal(resetName(d), u(1), 0n, "input", top.loc);
    sig.owner = top;
    return addNode({
      name: `${top.name}.${resetName(d)}`, shape: sig.shape, kind: "input", reset: 0n, domain: -1,
      expr: undefined, signal: sig, scope: [top.name], localName: resetName(d), hidden: false,
    });
  });

  // Lower statements of every module: (signal, domain) -> value expression.
  const values = new Map<Signal, Map<string, Expr>>();
  const selfRefs = new Map<string, Signal>();
  const selfOf = (sig: Signal, domain: string, multi: boolean): Expr => {
    if (!multi) return sig;
    const key = `${sig.id}:${domain}`;
    let part = selfRefs.get(key);
    if (!part) {
      part = new Signal(`${sig.name}$${domain}`, sig.shape, sig.reset, "internal", sig.loc);
      part.owner = sig.owner;
      selfRefs.set(key, part);
    }
    return part;
  };
  const multiDomain = (sig: Signal) => new Set(driversOf(sig).map((d) => d.domain)).size > 1;

  for (const m of design.modules) {
    const scope = new LowerScope(undefined);
    lowerBlock(m.statements, scope, (sig, dom) => (dom === "comb" ? new Const(sig.reset, sig.shape) : selfOf(sig, dom, multiDomain(sig))));
    for (const [sig, perDomain] of scope.own) {
      // The root scope's map is this module's alone: kept as it is unless another module (a
      // parent driving its child's inputs) assigned the signal too.
      const map = values.get(sig);
      if (!map) values.set(sig, perDomain);
      else for (const [d, e] of perDomain) map.set(d, e);
    }
  }

  const memReadData = new Map<Signal, { port: import("../hdl/memory.js").ReadPort }>();
  for (const m of design.modules) for (const mem of m.memories) for (const p of mem.readPorts) memReadData.set(p.data, { port: p });

  // Nodes for every signal of every module.
  const behavOutputs = new Set<Signal>();
  for (const m of design.modules) if (m.behavioural) for (const o of m.outputs) behavOutputs.add(o);

  for (const m of design.modules) {
    const path = pathOf(m);
    const scope = path.split(".");
    for (const sig of m.signals) {
      const name = `${path}.${sig.name}`;
      const add = (kind: NodeKind, domain: number, expr: Expr | undefined) => addNode({
        name, shape: sig.shape, reset: sig.reset, signal: sig, scope, localName: sig.name, decoder: sig.decoder, hidden: sig.hidden, kind, domain, expr,
      });
      if (m === top && sig.dir === "input") {
        add("input", -1, undefined);
        continue;
      }
      if (behavOutputs.has(sig)) {
        add("behav", domainIndex.get(m.behavioural!.domain ?? "sync")!, undefined);
        continue;
      }
      const rd = memReadData.get(sig);
      if (rd) {
        const p = rd.port;
        if (p.domain === "comb") add("comb", -1, new MemReadExpr(p.memory, p.addr));
        else add("reg", domainIndex.get(p.domain)!, syncReadNext(p));
        continue;
      }
      const perDomain = values.get(sig);
      if (perDomain === undefined || perDomain.size === 0) {
        add("comb", -1, new Const(sig.reset, sig.shape));
      } else if (perDomain.size === 1) {
        const [[d, e]] = perDomain;
        if (d === "comb") add("comb", -1, e);
        else add("reg", domainIndex.get(d)!, e);
      } else {
        const doms = [...perDomain.keys()];
        // Bits driven from several domains: one hidden part per domain, the signal combines them.
        const parts = new Map<string, Expr>();
        for (const d of doms) {
          const partSig = selfOf(sig, d, true) as Signal;
          addNode({
            name: `$${name}$${d}`, shape: sig.shape, reset: sig.reset, signal: partSig, scope, localName: partSig.name,
            hidden: true, kind: d === "comb" ? "comb" : "reg", domain: d === "comb" ? -1 : domainIndex.get(d)!, expr: perDomain!.get(d),
          });
          parts.set(d, partSig);
        }
        const ranges = [...driversOf(sig)].sort((a, b) => b.lo - a.lo);
        const pieces: Expr[] = [];
        // Bits no domain drives keep their reset value, as they do with one driving domain.
        const resetBits = (hiBit: number, loBit: number) =>
          new Const(BigInt.asUintN(hiBit - loBit + 1, sig.reset >> BigInt(loBit)), u(hiBit - loBit + 1));
        let hi = sig.width - 1;
        for (const r of ranges) {
          if (r.hi < hi) pieces.push(resetBits(hi, r.hi + 1));
          pieces.push(parts.get(r.domain)!.slice(r.hi, r.lo));
          hi = r.lo - 1;
        }
        if (hi >= 0) pieces.push(resetBits(hi, 0));
        let combined: Expr = new CatExpr(pieces);
        if (sig.signed) combined = new UnaryExpr("asSigned", combined);
        add("comb", -1, combined);
      }
    }
  }

  // Memories and their write ports.
  const memories: NetMemory[] = [];
  const memoryIndex = new Map<Memory, NetMemory>();
  for (const m of design.modules) {
    for (const mem of m.memories) {
      const nm: NetMemory = {
        id: memories.length, name: `${pathOf(m)}.${mem.name}`, memory: mem, shape: mem.shape, depth: mem.depth, init: mem.init,
        writes: mem.writePorts.map((p) => ({ domain: domainIndex.get(p.domain)!, addr: p.addr, data: p.data, en: p.en })),
      };
      memories.push(nm);
      memoryIndex.set(mem, nm);
    }
  }

  // Behavioural blocks.
  const behavs: NetBehav[] = [];
  for (const m of design.modules) {
    if (!m.behavioural) continue;
    behavs.push({
      name: pathOf(m), block: m.behavioural, domain: domainIndex.get(m.behavioural.domain ?? "sync")!,
      inputs: m.inputs.map((s) => ({ port: s.name, node: bySignal.get(s)! })),
      outputs: m.outputs.map((s) => ({ port: s.name, node: bySignal.get(s)! })),
    });
  }

  timer.lap("nodes");
  resolveAliases(nodes, materialized);
  timer.lap("aliases");
  materialize(nodes, memories, materialized, addNode);
  timer.lap("materialize");

  return {
    design, nodes, materialized, memories, memoryIndex, behavs, domains, resets,
    inputs: nodes.filter((n) => n.kind === "input"),
    outputs: top.outputs.map((s) => bySignal.get(s)!),
    byName, bySignal,
  };
}

/**
 * A comb signal that is just another signal of the same shape (port connections, `m.comb.set(y, x)`)
 * becomes an alias: it shares the other's storage and costs nothing to simulate. Flattened
 * hierarchies are mostly such wires.
 */
function resolveAliases(nodes: NetNode[], materialized: ExprMap<NetNode>): void {
  const targetOf = (n: NetNode): NetNode | undefined => {
    if (n.kind !== "comb" || !(n.expr instanceof Signal)) return undefined;
    const t = materialized.get(n.expr);
    if (!t || t.shape.width !== n.shape.width || t.shape.signed !== n.shape.signed) return undefined;
    return t;
  };
  for (const n of nodes) {
    if (n.kind !== "comb") continue;
    // Follow the chain to its root; a chain that returns to itself is a loop, left for levelize.
    const chain: NetNode[] = [];
    let cur: NetNode | undefined = n;
    const seen = new Set<NetNode>();
    while (cur && !seen.has(cur)) {
      seen.add(cur);
      const t: NetNode | undefined = cur.kind === "alias" ? cur.aliasOf : targetOf(cur);
      if (!t) break;
      chain.push(cur);
      cur = t;
    }
    if (!cur || seen.has(cur) && cur !== chain[chain.length - 1] && chain.includes(cur)) continue;
    const root = cur;
    if (root === n) continue;
    for (const c of chain) {
      (c as { kind: NodeKind }).kind = "alias";
      c.aliasOf = root;
      c.expr = undefined;
      if (c.signal) materialized.set(c.signal, root);
    }
  }
}

/** Next value of a sync read port's data register. */
function syncReadNext(p: import("../hdl/memory.js").ReadPort): Expr {
  let read: Expr = new MemReadExpr(p.memory, p.addr);
  if (p.transparent) {
    for (const w of p.memory.writePorts) {
      if (w.domain !== p.domain) continue;
      const hit = new BinaryExpr("and", w.en, new BinaryExpr("eq", w.addr, p.addr));
      read = new MuxExpr(hit, w.data, read, p.data.shape);
    }
  }
  return new MuxExpr(p.en, read, p.data, p.data.shape);
}

// --- lowering -----------------------------------------------------------------------------------

class LowerScope {
  readonly own = new Map<Signal, Map<string, Expr>>();
  constructor(readonly parent: LowerScope | undefined) {}
  get(sig: Signal, domain: string, initial: (s: Signal, d: string) => Expr): Expr {
    for (let sc: LowerScope | undefined = this; sc; sc = sc.parent) {
      const v = sc.own.get(sig)?.get(domain);
      if (v) return v;
    }
    const v = initial(sig, domain);
    // Remember the initial value at the root so every branch shares one object.
    let root: LowerScope = this;
    while (root.parent) root = root.parent;
    let map = root.own.get(sig);
    if (!map) root.own.set(sig, (map = new Map()));
    if (!map.has(domain)) map.set(domain, v);
    return map.get(domain)!;
  }
  set(sig: Signal, domain: string, v: Expr): void {
    let map = this.own.get(sig);
    if (!map) this.own.set(sig, (map = new Map()));
    map.set(domain, v);
  }
}

function reinterpret(e: Expr, sh: Shape): Expr {
  if (e.signed === sh.signed) return e;
  return new UnaryExpr(sh.signed ? "asSigned" : "asUnsigned", e);
}

function lowerBlock(stmts: readonly Stmt[], scope: LowerScope, initial: (s: Signal, d: string) => Expr): void {
  for (const st of stmts) {
    if (st.kind === "assign") {
      const sig = st.target;
      const w = st.value.width;
      let v: Expr;
      if (st.lo === 0 && w === sig.width) {
        v = reinterpret(st.value, sig.shape);
      } else {
        const cur = scope.get(sig, st.domain, initial);
        const parts: Expr[] = [];
        if (st.lo + w < sig.width) parts.push(cur.slice(sig.width - 1, st.lo + w));
        parts.push(st.value.asUnsigned());
        if (st.lo > 0) parts.push(cur.slice(st.lo - 1, 0));
        v = reinterpret(new CatExpr(parts), sig.shape);
      }
      scope.set(sig, st.domain, v);
      continue;
    }
    let conds: (Expr | null)[];
    let bodies: (readonly Stmt[])[];
    if (st.kind === "if") {
      conds = st.branches.map((b) => b.cond);
      bodies = st.branches.map((b) => b.body);
    } else {
      conds = st.cases.map((c) => {
        if (c.values === null) return null;
        if (c.values.length === 0) return new Const(0n, u(1));
        return c.values.map((v) => st.subject.eq(v) as Expr).reduce((a, b) => new BinaryExpr("or", a, b));
      });
      bodies = st.cases.map((c) => c.body);
    }
    const branchScopes = bodies.map((b) => {
      const sc = new LowerScope(scope);
      lowerBlock(b, sc, initial);
      return sc;
    });
    const hasElse = conds.length > 0 && conds[conds.length - 1] === null;
    const touched = new Map<Signal, Set<string>>();
    for (const sc of branchScopes) {
      for (const [sig, m] of sc.own) {
        let set = touched.get(sig);
        if (!set) touched.set(sig, (set = new Set()));
        for (const d of m.keys()) set.add(d);
      }
    }
    for (const [sig, doms] of touched) {
      for (const d of doms) {
        let v = hasElse ? branchScopes[branchScopes.length - 1].get(sig, d, initial) : scope.get(sig, d, initial);
        const last = hasElse ? conds.length - 2 : conds.length - 1;
        for (let i = last; i >= 0; i--) {
          const bv = branchScopes[i].get(sig, d, initial);
          if (bv !== v) v = new MuxExpr(conds[i]!, bv, v, sig.shape);
        }
        scope.set(sig, d, v);
      }
    }
  }
}

// --- materialization ----------------------------------------------------------------------------

/**
 * Decide which subexpressions get a stored temporary: those used more than once (so a DAG is
 * never expanded into a tree) and those deeper than MAX_INLINE_DEPTH (so code generation and the
 * interpreter never recurse deeply, whatever the design).
 */
function materialize(
  nodes: NetNode[],
  memories: NetMemory[],
  materialized: ExprMap<NetNode>,
  addNode: (n: Omit<NetNode, "id">) => NetNode,
): void {
  const roots: Expr[] = [];
  for (const n of nodes) if (n.expr) roots.push(n.expr);
  for (const mem of memories) for (const w of mem.writes) roots.push(w.addr, w.data, w.en);

  // Uses per expression (by id); an expression is seen once it has a count.
  const uses = new ExprInts();
  const order: Expr[] = []; // post-order
  // Two parallel stacks, of expressions and of the next operand to visit: no object per step (a
  // 32x32 mesh has millions).
  const stack: Expr[] = [];
  const next: number[] = [];
  for (const r of roots) {
    const ur = uses.get(r.id);
    uses.set(r.id, ur + 1);
    if (ur !== 0) continue;
    stack.push(r);
    next.push(0);
    while (stack.length) {
      const top = stack.length - 1, e = stack[top];
      const i = next[top];
      if (i < childCount(e)) {
        next[top] = i + 1;
        const c = childAt(e, i);
        const uc = uses.get(c.id);
        uses.set(c.id, uc + 1);
        if (uc === 0) {
          stack.push(c);
          next.push(0);
        }
      } else {
        stack.pop();
        next.pop();
        order.push(e);
      }
    }
  }
  // Comb nodes' own expressions can stand for themselves where the same object is used elsewhere.
  for (const n of nodes) {
    if ((n.kind === "comb") && n.expr && !(n.expr instanceof Signal) && !(n.expr instanceof Const) && !materialized.has(n.expr)) {
      if (uses.get(n.expr.id) > 1) materialized.set(n.expr, n);
    }
  }
  // Inline depth below each expression (0 where it is stored).
  const depth = new ExprInts();
  let tempCount = 0;
  for (const e of order) {
    if (e instanceof Signal || e instanceof Const) continue;
    let d = 0;
    for (let i = 0, n = childCount(e); i < n; i++) d = Math.max(d, depth.get(childAt(e, i).id));
    d += 1;
    if (materialized.has(e)) continue;
    if (uses.get(e.id) > 1 || d > MAX_INLINE_DEPTH) {
      const name = `$t${tempCount++}`;
      materialized.set(e, addNode({
        name, shape: e.shape, kind: "temp", reset: 0n, domain: -1, expr: e, signal: undefined, scope: [], localName: name, hidden: true,
      }));
      continue;
    }
    depth.set(e.id, d);
  }
}

/** Which directDeps call last saw an expression (a stamp per call, so nothing is cleared). */
const depsSeen = new ExprInts();
let depsStamp = 0;

/** Nodes an expression reads directly (stopping at stored nodes), without recursion. */
export function directDeps(root: Expr, materialized: ExprMap<NetNode>, self: NetNode | undefined): NetNode[] {
  const out: NetNode[] = [];
  let many: Set<NetNode> | undefined; // once `out` is long, a set keeps the duplicate test O(1)
  const stamp = ++depsStamp;
  const stack: Expr[] = [root];
  while (stack.length) {
    const e = stack.pop()!;
    if (depsSeen.get(e.id) === stamp) continue;
    depsSeen.set(e.id, stamp);
    const n = materialized.get(e);
    // A stored node is a dependency, except at the root of its own definition.
    if (n !== undefined && (n !== self || e !== root)) {
      if (many ? !many.has(n) : !out.includes(n)) {
        out.push(n);
        if (many) many.add(n);
        else if (out.length > 32) many = new Set(out);
      }
      continue;
    }
    for (let i = 0, n = childCount(e); i < n; i++) stack.push(childAt(e, i));
  }
  return out;
}
