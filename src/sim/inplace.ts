/**
 * Registers updated in place. Computing every register's next value into a buffer and copying it
 * back costs a store, a load and a copy per register. A register may instead be written directly
 * if every register that reads it (in the same domain's next-state logic) is computed before it:
 * order them readers-first. A shift register updates from its far end, an accumulator reads itself
 * and is written last. Registers on a cycle of such reads (a swap, say), registers read by memory
 * write ports or behavioural blocks (which act after the registers are computed), keep the buffer.
 * This applies when a domain's edge comes alone; simultaneous edges use the buffered path.
 */
import type { Netlist, NetNode } from "./netlist.js";
import { directDeps } from "./netlist.js";

export interface InPlacePlan {
  /** Registers (by node id) that go through the next-value buffer. */
  readonly buffered: Set<number>;
  /** Per domain: registers updated in place, readers first. */
  readonly order: NetNode[][];
}

/**
 * `sameUnit(reader, reg)`: whether a register may read `reg` updated in place. With shared code
 * (template.ts) a register is updated in place only where all its readers are in its own instance,
 * so each instance's registers can be updated by themselves.
 */
export function planInPlace(
  net: Netlist,
  sameUnit: (reader: NetNode, reg: NetNode) => boolean = () => true,
  /** Each node's direct dependencies (levelize's), when already computed. */
  deps?: readonly (readonly NetNode[])[],
): InPlacePlan {
  const buffered = new Set<number>();
  const order: NetNode[][] = net.domains.map(() => []);
  for (let d = 0; d < net.domains.length; d++) {
    const regs = net.nodes.filter((n) => n.kind === "reg" && n.domain === d);
    const isReg = new Set(regs);
    // Read by memory writes or behavioural blocks of this domain: keep buffered.
    for (const m of net.memories) {
      for (const w of m.writes) {
        if (w.domain !== d) continue;
        for (const e of [w.addr, w.data, w.en]) for (const n of directDeps(e, net.materialized, undefined)) if (isReg.has(n)) buffered.add(n.id);
      }
    }
    for (const b of net.behavs) {
      if (b.domain !== d) continue;
      for (const p of b.inputs) {
        const root = p.node.aliasOf ?? p.node;
        if (isReg.has(root)) buffered.add(root.id);
      }
    }
    // reads[S] = registers S's next value reads (other than itself).
    const reads = new Map<NetNode, NetNode[]>();
    for (const s of regs) reads.set(s, (deps?.[s.id] ?? directDeps(s.expr!, net.materialized, undefined)).filter((r) => isReg.has(r) && r !== s));
    for (const [s, rs] of reads) for (const r of rs) if (!sameUnit(s, r)) buffered.add(r.id);
    // Break every cycle of reads: every cycle contains a DFS back edge, and buffering the tree
    // path that edge closes removes at least one node of that cycle.
    const state = new Map<NetNode, number>();
    for (const start of regs) {
      if (state.has(start)) continue;
      const stack: { n: NetNode; i: number }[] = [{ n: start, i: 0 }];
      state.set(start, 1);
      while (stack.length) {
        const top = stack[stack.length - 1];
        const rs = reads.get(top.n)!;
        if (top.i < rs.length) {
          const r = rs[top.i++];
          const st = state.get(r);
          if (st === undefined) {
            state.set(r, 1);
            stack.push({ n: r, i: 0 });
          } else if (st === 1) {
            for (let k = stack.length - 1; k >= 0; k--) {
              buffered.add(stack[k].n.id);
              if (stack[k].n === r) break;
            }
          }
        } else {
          state.set(top.n, 2);
          stack.pop();
        }
      }
    }
    // Readers first: a topological order of "S reads R" edges among in-place registers
    // (reverse DFS post-order).
    const inPlace = regs.filter((r) => !buffered.has(r.id));
    const inSet = new Set(inPlace);
    const post: NetNode[] = [];
    const seen = new Set<NetNode>();
    for (const start of inPlace) {
      if (seen.has(start)) continue;
      seen.add(start);
      const stack: { n: NetNode; i: number }[] = [{ n: start, i: 0 }];
      while (stack.length) {
        const top = stack[stack.length - 1];
        const rs = reads.get(top.n)!;
        if (top.i < rs.length) {
          const r = rs[top.i++];
          if (inSet.has(r) && !seen.has(r)) {
            seen.add(r);
            stack.push({ n: r, i: 0 });
          }
        } else {
          post.push(top.n);
          stack.pop();
        }
      }
    }
    order[d] = post.reverse();
  }
  return { buffered, order };
}
