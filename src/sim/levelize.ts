/**
 * Order the combinational nodes so each is computed after everything it reads, and find the
 * combinational loops that make that impossible. Iterative (designs of 10^5+ nodes must not
 * overflow the stack); a loop is reported as the path of named signals with their source locations.
 */
import { CombinationalLoopError } from "../hdl/errors.js";
import { Netlist, NetNode, directDeps } from "./netlist.js";

export interface Levelized {
  /** comb and temp nodes in evaluation order. */
  readonly order: NetNode[];
  /** Direct dependencies of each node (by node id). */
  readonly deps: NetNode[][];
  /** Nodes that read each node (by node id). */
  readonly readers: NetNode[][];
}

function isComputed(n: NetNode): boolean {
  return n.kind === "comb" || n.kind === "temp";
}

export function levelize(net: Netlist): Levelized {
  const deps: NetNode[][] = net.nodes.map((n) => (n.expr ? directDeps(n.expr, net.materialized, n) : []));
  const readers: NetNode[][] = net.nodes.map(() => []);
  net.nodes.forEach((n, i) => {
    for (const d of deps[i]) readers[d.id].push(n);
  });
  const state = new Uint8Array(net.nodes.length); // 0 new, 1 on stack, 2 done
  const order: NetNode[] = [];
  for (const start of net.nodes) {
    if (!isComputed(start) || state[start.id] === 2) continue;
    const stack: { n: NetNode; i: number }[] = [{ n: start, i: 0 }];
    state[start.id] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const ds = deps[top.n.id];
      if (top.i < ds.length) {
        const d = ds[top.i++];
        if (!isComputed(d) || state[d.id] === 2) continue;
        if (state[d.id] === 1) throw loopError(stack.map((f) => f.n), d, net);
        state[d.id] = 1;
        stack.push({ n: d, i: 0 });
      } else {
        state[top.n.id] = 2;
        order.push(top.n);
        stack.pop();
      }
    }
  }
  return { order, deps, readers };
}

function loopError(path: NetNode[], back: NetNode, net: Netlist): CombinationalLoopError {
  const start = path.indexOf(back);
  const cycle = path.slice(start);
  // Name the signals; temporaries stand for unnamed subexpressions between them. Wires that are
  // plain copies (aliases) of a signal on the loop are named with it.
  const aliases = new Map<NetNode, NetNode[]>();
  for (const n of net.nodes) if (n.aliasOf) aliases.set(n.aliasOf, [...(aliases.get(n.aliasOf) ?? []), n]);
  const named = cycle.filter((n) => !n.name.startsWith("$") || n.signal);
  const shown = (named.length ? named : cycle).map((n) => {
    const also = (aliases.get(n) ?? []).map((a) => `${a.name} (${a.signal?.loc})`);
    return `${displayName(n)}${n.signal ? ` (${n.signal.loc})` : ""}${also.length ? ` = ${also.join(" = ")}` : ""}`;
  });
  return new CombinationalLoopError(
    `combinational loop: ${shown.join(" -> ")} -> ${displayName(back)}\n` +
      `each signal on the path is computed from the next one in the same cycle; break the loop with a register (m.sync) or remove one of the dependencies`,
  );
}

function displayName(n: NetNode): string {
  if (n.name.startsWith("$") && n.signal) return n.signal.name;
  return n.name;
}

/** Computed nodes reachable from `sources` through readers, in evaluation order. */
export function fanout(lv: Levelized, sources: Iterable<NetNode>, nodeCount: number): NetNode[] {
  const mark = new Uint8Array(nodeCount);
  const stack: NetNode[] = [];
  for (const s of sources) stack.push(s);
  while (stack.length) {
    const n = stack.pop()!;
    for (const r of lv.readers[n.id]) {
      if (mark[r.id]) continue;
      if (r.kind !== "comb" && r.kind !== "temp") continue;
      mark[r.id] = 1;
      stack.push(r);
    }
  }
  return lv.order.filter((n) => mark[n.id]);
}
