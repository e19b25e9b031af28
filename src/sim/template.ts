/**
 * Shared code for identical instances. A mesh of 64 routers generated as 64 copies of the router's
 * code is megabytes of JavaScript: V8 spends seconds compiling it, and every cycle streams it
 * through the instruction cache (measured: an 8x8 mesh cost 0.78 us per router-cycle where a 4x4
 * cost 0.21). Here the direct submodules of the top whose code is the same up to where their values
 * live form a class; the class's code is generated once, as a function of the instance number, and
 * run in a loop over the instances. Their values are laid out at a fixed stride (layout.ts takes
 * the order this plan gives), so the code finds an instance's own values at base + i * stride + k
 * and the values it reads from outside through a table of indices (X[i * nx + j]); their memories
 * share one array per class and store at a stride too.
 *
 * An instance is shared only if its code is independent of the rest but for the values it reads:
 * one clock domain, no behavioural block, memories of its own; its combinational logic must not be
 * on a cycle with other instances' (each instance's logic is evaluated at once); and a register
 * updated in place is read only by registers of its own instance (inplace.ts, `sameUnit`). Classes
 * of one instance, and instances smaller than MIN_NODES, keep their own code: for a grid of small
 * PEs the straight-line code is faster and small anyway.
 *
 * The class key is the generated code itself, written with positions relative to the instance
 * (signature()): equal keys mean equal code, so sharing can never change what is computed.
 */
import { Const, type Expr, type MemReadExpr } from "../hdl/expr.js";
import { exprKey, type KeyContext } from "./template-key.js";
import type { Levelized } from "./levelize.js";
import { STORE_B, STORE_NAMES, storeOf } from "./layout.js";
import type { InPlacePlan } from "./inplace.js";
import { memoriesRead } from "./memreaders.js";
import type { Netlist, NetMemory, NetNode } from "./netlist.js";

/** Smallest instance (nodes) whose code is shared in "auto" mode. */
const MIN_NODES = 16;
/** Designs below this many nodes keep straight-line code (it is small and fastest). */
const MIN_DESIGN_NODES = 4000;

/** Where a node lives relative to its instance: buffered register, in-place register, comb/temp. */
export const AREA_BUFFERED = 0, AREA_INPLACE = 1, AREA_COMB = 2;

export interface Units {
  /** Per node id: the instance (unit) it belongs to, -1 for the top's own logic ("glue"). */
  readonly unitOf: Int32Array;
  /** Per memory id: its unit or -1. */
  readonly memUnitOf: Int32Array;
  readonly names: string[];
  /** Per unit: whether it is large enough to share code (MIN_NODES). Only candidates constrain the in-place plan. */
  readonly candidate: Uint8Array;
}

export interface TemplateClass {
  readonly id: number;
  /** Units of the class, in instance order (instance i is units[i]). */
  readonly units: number[];
  /** Per instance: its comb/temp nodes in an evaluation order of their own, the same shape in each. */
  readonly comb: NetNode[][];
  /** Per instance: buffered registers, in-place registers (readers first), memories. */
  readonly buffered: NetNode[][];
  readonly inPlace: NetNode[][];
  readonly memories: NetMemory[][];
  /** Per instance: the nodes outside it that its code reads, in a fixed order (X table). */
  readonly externals: NetNode[][];
}

export interface TemplatePlan {
  readonly units: Units;
  readonly classes: TemplateClass[];
  /** Per node id: class and instance number, -1 for nodes with code of their own. */
  readonly classOf: Int32Array;
  readonly instOf: Int32Array;
  /** Per memory id: class and instance number or -1. */
  readonly memClassOf: Int32Array;
  readonly memInstOf: Int32Array;
  /** Node order for layout(): nodes with their own code, then each class's instances in turn. */
  readonly layoutOrder: NetNode[];
}

const isComputed = (n: NetNode) => n.kind === "comb" || n.kind === "temp";
/** A comb node that is a constant: per instance a value, not code. */
export const isConstNode = (n: NetNode) => n.kind === "comb" && n.expr instanceof Const;
const rootOf = (n: NetNode) => n.aliasOf ?? n;

const minNodes = (mode: "auto" | "all") => (mode === "all" ? 1 : MIN_NODES);

/**
 * Whether register `reader` may read `reg` updated in place (inplace.ts): within one instance, or
 * between nodes of which neither may share code.
 */
export function inPlaceAllowed(units: Units): (reader: NetNode, reg: NetNode) => boolean {
  const { unitOf, candidate } = units;
  const inCandidate = (n: NetNode) => unitOf[n.id] >= 0 && candidate[unitOf[n.id]] === 1;
  return (a, b) => unitOf[a.id] === unitOf[b.id] || (!inCandidate(a) && !inCandidate(b));
}

export const SHARED_CODE_MODES = ["auto", "on", "off"] as const;
export type SharedCodeMode = (typeof SHARED_CODE_MODES)[number];

/**
 * What the engine does for a requested mode: "all" shares every class of two or more instances.
 * With threads "auto" shares in designs of any size: shared instances are what the threads split.
 */
export function templateMode(net: Netlist, requested: SharedCodeMode, threads = false): "off" | "auto" | "all" {
  if (!(SHARED_CODE_MODES as readonly string[]).includes(requested)) throw new Error(`sharedCode = '${requested}': use ${SHARED_CODE_MODES.join(", ")} (TESSERA_SHARED_CODE)`);
  if (requested === "off" || net.domains.length !== 1) return "off";
  if (requested === "on") return "all";
  return threads || net.nodes.length >= MIN_DESIGN_NODES ? "auto" : "off";
}

/**
 * Instances: the direct submodules of the top. A temporary belongs to the instance all its readers
 * are in. An instance that cannot share code (see the header) becomes glue.
 */
export function findUnits(net: Netlist, lv: Levelized, mode: "auto" | "all"): Units {
  const N = net.nodes.length;
  const unitOf = new Int32Array(N).fill(-1);
  const names: string[] = [];
  const byName = new Map<string, number>();
  const unitNamed = (key: string) => {
    let u = byName.get(key);
    if (u === undefined) {
      byName.set(key, (u = names.length));
      names.push(key);
    }
    return u;
  };
  for (const n of net.nodes) if (n.scope.length > 1 && n.kind !== "input") unitOf[n.id] = unitNamed(n.scope[1]);
  // Temporaries, readers first (reverse evaluation order), so chains of them resolve.
  const isTemp = (n: NetNode) => n.kind === "temp";
  for (let i = lv.order.length - 1; i >= 0; i--) {
    const n = lv.order[i];
    if (!isTemp(n)) continue;
    const rs = lv.readers[n.id];
    const u = rs.length ? unitOf[rs[0].id] : -1;
    unitOf[n.id] = rs.every((r) => unitOf[r.id] === u) ? u : -1;
  }
  // (A temporary read only by memory writes has no readers in lv: it stays with the top, and the
  // instance reads it from outside.)
  const memUnitOf = new Int32Array(net.memories.length).fill(-1);
  for (const m of net.memories) {
    const parts = m.name.split(".");
    memUnitOf[m.id] = parts.length > 2 ? (byName.get(parts[1]) ?? -1) : -1;
  }

  const bad = new Uint8Array(names.length);
  for (const n of net.nodes) if (n.kind === "behav" && unitOf[n.id] >= 0) bad[unitOf[n.id]] = 1;
  // Memories: read only by their own instance.
  for (const n of net.nodes) {
    if (!n.expr || unitOf[n.id] < 0) continue;
    for (const mid of memoriesRead(net, n)) if (memUnitOf[mid] !== unitOf[n.id]) bad[unitOf[n.id]] = 1;
  }
  for (const m of net.memories) {
    if (memUnitOf[m.id] < 0) continue;
    if (storeOf(m.shape) === STORE_B) bad[memUnitOf[m.id]] = 1; // bigint memories have no views
  }
  // Combinational cycles through instances: strongly connected components of the unit graph.
  for (const u of cyclicUnits(net, lv, unitOf, names.length)) bad[u] = 1;
  const demote = (u: number) => u >= 0 && bad[u] === 1;
  for (let i = 0; i < N; i++) if (demote(unitOf[i])) unitOf[i] = -1;
  for (let i = 0; i < memUnitOf.length; i++) if (demote(memUnitOf[i])) memUnitOf[i] = -1;
  const size = new Int32Array(names.length);
  for (let i = 0; i < N; i++) if (unitOf[i] >= 0) size[unitOf[i]]++;
  const min = minNodes(mode);
  const candidate = Uint8Array.from(size, (k) => (k >= min ? 1 : 0));
  return { unitOf, memUnitOf, names, candidate };
}

/** Units on a cycle of combinational reads between units (Tarjan's algorithm, iterative). */
function cyclicUnits(net: Netlist, lv: Levelized, unitOf: Int32Array, U: number): number[] {
  // Graph over units 0..U-1 plus one vertex per glue node (U + node id).
  const edges = new Map<number, Set<number>>();
  const vert = (n: NetNode) => (unitOf[n.id] >= 0 ? unitOf[n.id] : U + n.id);
  for (const n of lv.order) {
    const to = vert(n);
    for (const d0 of lv.deps[n.id]) {
      const d = rootOf(d0);
      if (!isComputed(d)) continue;
      const from = vert(d);
      if (from === to) continue;
      let s = edges.get(from);
      if (!s) edges.set(from, (s = new Set()));
      s.add(to);
    }
  }
  const index = new Map<number, number>(), low = new Map<number, number>(), onStack = new Set<number>();
  const stack: number[] = [];
  const out: number[] = [];
  let counter = 0;
  for (const start of edges.keys()) {
    if (index.has(start)) continue;
    const work: { v: number; it: Iterator<number> }[] = [];
    const enter = (v: number) => {
      index.set(v, counter);
      low.set(v, counter++);
      stack.push(v);
      onStack.add(v);
      work.push({ v, it: (edges.get(v) ?? new Set<number>()).values() });
    };
    enter(start);
    while (work.length) {
      const top = work[work.length - 1];
      const nx = top.it.next();
      if (!nx.done) {
        const w = nx.value;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) low.set(work[work.length - 1].v, Math.min(low.get(work[work.length - 1].v)!, low.get(top.v)!));
      if (low.get(top.v) === index.get(top.v)) {
        const comp: number[] = [];
        for (;;) {
          const w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
          if (w === top.v) break;
        }
        if (comp.length > 1) for (const w of comp) if (w < U) out.push(w);
      }
    }
  }
  return out;
}

/**
 * Classes of identical instances. The in-place plan must have been made with `sameUnit` (so an
 * instance's in-place registers are read only inside it).
 */
export function planTemplates(net: Netlist, lv: Levelized, units: Units, inPlace: InPlacePlan): TemplatePlan {
  const N = net.nodes.length, U = units.names.length;
  const { unitOf, memUnitOf } = units;
  const combOf: NetNode[][] = Array.from({ length: U }, () => []);
  const bufOf: NetNode[][] = Array.from({ length: U }, () => []);
  const inplOf: NetNode[][] = Array.from({ length: U }, () => []);
  const memOf: NetMemory[][] = Array.from({ length: U }, () => []);
  for (const n of net.nodes) if (unitOf[n.id] >= 0 && n.kind === "reg" && inPlace.buffered.has(n.id)) bufOf[unitOf[n.id]].push(n);
  for (const n of inPlace.order[0] ?? []) if (unitOf[n.id] >= 0) inplOf[unitOf[n.id]].push(n);
  for (const m of net.memories) if (memUnitOf[m.id] >= 0) memOf[memUnitOf[m.id]].push(m);
  // Each instance's comb nodes in an order of their own: depth-first from its nodes in id order,
  // through reads inside the instance (the global order depends on where a search entered it).
  const state = new Uint8Array(N);
  for (const n of net.nodes) {
    const u = unitOf[n.id];
    if (u < 0 || !isComputed(n) || state[n.id]) continue;
    const stack: { n: NetNode; i: number }[] = [{ n, i: 0 }];
    state[n.id] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const ds = lv.deps[top.n.id];
      if (top.i < ds.length) {
        const d = rootOf(ds[top.i++]);
        if (!isComputed(d) || unitOf[d.id] !== u || state[d.id]) continue;
        state[d.id] = 1;
        stack.push({ n: d, i: 0 });
      } else {
        combOf[u].push(top.n);
        stack.pop();
      }
    }
  }
  // Signatures: the instance's code with relative positions.
  const bySig = new Map<string, number[]>();
  const externals: NetNode[][] = Array.from({ length: U }, () => []);
  for (let u = 0; u < U; u++) {
    if (!units.candidate[u]) continue;
    const sig = signature(net, u, unitOf, combOf[u], bufOf[u], inplOf[u], memOf[u], externals[u]);
    const list = bySig.get(sig);
    if (list) list.push(u);
    else bySig.set(sig, [u]);
  }
  const classes: TemplateClass[] = [];
  const classOf = new Int32Array(N).fill(-1), instOf = new Int32Array(N).fill(-1);
  const memClassOf = new Int32Array(net.memories.length).fill(-1), memInstOf = new Int32Array(net.memories.length).fill(-1);
  for (const us of bySig.values()) {
    if (us.length < 2) continue;
    const c = classes.length;
    classes.push({
      id: c, units: us, comb: us.map((u) => combOf[u]), buffered: us.map((u) => bufOf[u]), inPlace: us.map((u) => inplOf[u]),
      memories: us.map((u) => memOf[u]), externals: us.map((u) => externals[u]),
    });
    us.forEach((u, i) => {
      for (const list of [combOf[u], bufOf[u], inplOf[u]]) for (const n of list) {
        classOf[n.id] = c;
        instOf[n.id] = i;
      }
      for (const m of memOf[u]) {
        memClassOf[m.id] = c;
        memInstOf[m.id] = i;
      }
    });
  }
  const layoutOrder = net.nodes.filter((n) => classOf[n.id] < 0);
  for (const cl of classes) cl.units.forEach((_, i) => layoutOrder.push(...cl.buffered[i], ...cl.inPlace[i], ...cl.comb[i]));
  return { units, classes, classOf, instOf, memClassOf, memInstOf, layoutOrder };
}

/** Area of a node of a shared instance. */
export function areaOf(n: NetNode, inPlace: InPlacePlan): number {
  if (n.kind === "reg") return inPlace.buffered.has(n.id) ? AREA_BUFFERED : AREA_INPLACE;
  return AREA_COMB;
}

/**
 * The instance's logic as a key (template-key.ts) with every position written relative to it: its
 * own values as area, store and ordinal, values from outside by their order of first use (recorded
 * in `externals`), its memories by ordinal. Two instances with the same signature compute the same
 * thing and get the same code.
 */
function signature(
  net: Netlist, u: number, unitOf: Int32Array, comb: NetNode[], buf: NetNode[], inpl: NetNode[], mems: NetMemory[], externals: NetNode[],
): string {
  const rel = new Map<number, string>();
  const counts = new Map<string, number>();
  const place = (n: NetNode, area: number) => {
    const key = `${area}${STORE_NAMES[storeOf(n.shape)]}`;
    const k = counts.get(key) ?? 0;
    counts.set(key, k + 1);
    rel.set(n.id, `${key}[${k}]`);
  };
  // The same ordinal rules as the layout's (layout order: buffered, in-place, comb).
  buf.forEach((n) => place(n, AREA_BUFFERED));
  inpl.forEach((n) => place(n, AREA_INPLACE));
  comb.forEach((n) => place(n, AREA_COMB));
  const memRel = new Map<number, string>();
  mems.forEach((m, j) => memRel.set(m.id, `M${j}:${STORE_NAMES[storeOf(m.shape)]}${m.depth}`));
  const ext = new Map<number, string>();
  const ref = (n0: NetNode) => {
    const n = rootOf(n0);
    const r = rel.get(n.id);
    if (r !== undefined && unitOf[n.id] === u) return r;
    let x = ext.get(n.id);
    if (x === undefined) {
      x = `${STORE_NAMES[storeOf(n.shape)]}x[${externals.length}]`;
      ext.set(n.id, x);
      externals.push(n);
    }
    return x;
  };
  let self: NetNode | undefined;
  const ctx: KeyContext = {
    ref: (e: Expr, isRoot: boolean) => {
      const n = net.materialized.get(e);
      if (n === undefined || (isRoot && n === self)) return undefined;
      return ref(n);
    },
    memory: (e: MemReadExpr) => memRel.get(net.memoryIndex.get(e.memory as never)!.id) ?? "?",
  };
  const key = (e: Expr, of?: NetNode) => {
    self = of;
    return exprKey(e, of !== undefined, ctx);
  };
  const parts: string[] = [[...counts].join(",")];
  // A constant (an instance's coordinates, say) is a value like any other: it is stored in the
  // instance's slot once and the shared code reads it (template-gen.ts computes it on its own).
  for (const n of comb) parts.push(`${rel.get(n.id)}=${isConstNode(n) ? "const" : key(n.expr!, n)}`);
  for (const n of buf) parts.push(`${rel.get(n.id)}<=${key(n.expr!)}`);
  for (const n of inpl) parts.push(`${rel.get(n.id)}<-${key(n.expr!)}`);
  for (const m of mems) {
    parts.push(`${memRel.get(m.id)}`);
    for (const w of m.writes) parts.push(`w${w.domain}:${key(w.en)},${key(w.addr)},${key(w.data)}`);
  }
  return parts.join("\n");
}

/** What sharing did, for TESSERA_SHARED_CODE_DEBUG=1: each class with its instances and size, and what kept code of its own. */
export function describeSharing(net: Netlist, mode: "off" | "auto" | "all", plan: TemplatePlan | undefined): string {
  if (mode === "off" || !plan) {
    const why = net.domains.length !== 1 ? `${net.domains.length} clock domains` : net.nodes.length < MIN_DESIGN_NODES ? `${net.nodes.length} nodes, under ${MIN_DESIGN_NODES}` : "sharedCode off";
    return `shared code: none (${why})`;
  }
  const own = net.nodes.filter((n) => plan.classOf[n.id] < 0 && n.kind !== "alias" && n.kind !== "input").length;
  const lines = plan.classes.map((c) => {
    const names = c.units.map((u) => plan.units.names[u]);
    const size = c.comb[0].length + c.buffered[0].length + c.inPlace[0].length;
    return `  class ${c.id}: ${c.units.length} x ${size} nodes (${names.slice(0, 4).join(", ")}${names.length > 4 ? ", ..." : ""}), ${c.externals[0].length} values read from outside`;
  });
  return [`shared code: ${plan.classes.length} class(es); ${own} nodes keep code of their own`, ...lines].join("\n");
}
