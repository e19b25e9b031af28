/** Which computed nodes read each memory's contents (they must re-settle after its writes). */
import { Expr, MemReadExpr, childAt, childCount } from "../hdl/expr.js";
import { ExprInts } from "./exprtable.js";
import type { Levelized } from "./levelize.js";
import type { Netlist, NetNode } from "./netlist.js";

/**
 * Visit every subexpression of `root` that is part of it rather than of another stored node: a
 * stored node other than `self` is passed to `stored` and not entered.
 */
export function walkOwn(net: Netlist, root: Expr, self: NetNode | undefined, visit: (e: Expr) => void, stored?: (n: NetNode) => void): void {
  const stack = [root];
  // Seen marks are a stamp per walk in one table (no Set per call: this runs for every node of
  // the design); `visit` and `stored` must not start a walk of their own.
  const stamp = ++walkStamp;
  while (stack.length) {
    const e = stack.pop()!;
    if (walkSeen.get(e.id) === stamp) continue;
    walkSeen.set(e.id, stamp);
    const m = net.materialized.get(e);
    if (m && m !== self) {
      stored?.(m);
      continue;
    }
    visit(e);
    for (let i = 0, n = childCount(e); i < n; i++) stack.push(childAt(e, i));
  }
}
const walkSeen = new ExprInts();
let walkStamp = 0;

/** Ids of the memories whose contents node n's own expression reads. */
export function memoriesRead(net: Netlist, n: NetNode): number[] {
  const out: number[] = [];
  walkOwn(net, n.expr!, n, (e) => {
    if (!(e instanceof MemReadExpr)) return;
    const id = net.memoryIndex.get(e.memory as never)!.id;
    if (!out.includes(id)) out.push(id);
  });
  return out;
}

export function memoryReaders(net: Netlist, lv: Levelized): Map<number, NetNode[]> {
  const out = new Map<number, NetNode[]>();
  if (net.memories.length === 0) return out;
  for (const node of lv.order) {
    for (const id of memoriesRead(net, node)) {
      let list = out.get(id);
      if (!list) out.set(id, (list = []));
      if (!list.includes(node)) list.push(node);
    }
  }
  return out;
}
