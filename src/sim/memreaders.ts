/** Which computed nodes read each memory's contents (they must re-settle after its writes). */
import { Expr, MemReadExpr, children } from "../hdl/expr.js";
import type { Levelized } from "./levelize.js";
import type { Netlist, NetNode } from "./netlist.js";

/**
 * Visit every subexpression of `root` that is part of it rather than of another stored node: a
 * stored node other than `self` is passed to `stored` and not entered.
 */
export function walkOwn(net: Netlist, root: Expr, self: NetNode | undefined, visit: (e: Expr) => void, stored?: (n: NetNode) => void): void {
  const stack = [root];
  const seen = new Set<unknown>();
  while (stack.length) {
    const e = stack.pop()!;
    if (seen.has(e)) continue;
    seen.add(e);
    const m = net.materialized.get(e);
    if (m && m !== self) {
      stored?.(m);
      continue;
    }
    visit(e);
    for (const c of children(e)) stack.push(c);
  }
}

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
