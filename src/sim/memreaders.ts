/** Which computed nodes read each memory's contents (they must re-settle after its writes). */
import { MemReadExpr, children } from "../hdl/expr.js";
import type { Levelized } from "./levelize.js";
import type { Netlist, NetNode } from "./netlist.js";

export function memoryReaders(net: Netlist, lv: Levelized): Map<number, NetNode[]> {
  const out = new Map<number, NetNode[]>();
  if (net.memories.length === 0) return out;
  for (const node of lv.order) {
    const stack = [node.expr!];
    const seen = new Set<unknown>();
    while (stack.length) {
      const e = stack.pop()!;
      if (seen.has(e)) continue;
      seen.add(e);
      const m = net.materialized.get(e);
      if (m && m !== node) continue;
      if (e instanceof MemReadExpr) {
        const id = net.memoryIndex.get(e.memory as never)!.id;
        let list = out.get(id);
        if (!list) out.set(id, (list = []));
        if (!list.includes(node)) list.push(node);
      }
      for (const c of children(e)) stack.push(c);
    }
  }
  return out;
}
