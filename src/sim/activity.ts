/**
 * Activity-driven evaluation, after ESSENT (Beamer and Donofrio, "Efficiently Exploiting Low
 * Activity Factors to Accelerate RTL Simulation", DAC 2020): the combinational netlist is cut into
 * partitions, the registers into groups, and each cycle only the partitions and groups whose inputs
 * changed are evaluated. A value that does not change (a register whose next value equals its
 * value, a comb node recomputed to the same value) causes no work downstream.
 *
 * Partitions: the comb nodes of one module instance form a partition, so an idle router or PE costs
 * one flag test. Instances whose logic reads each other combinationally in both directions are
 * merged (strongly connected components of the partition graph), the partitions are put in
 * topological order (every read goes to an earlier partition or to state), and partitions larger
 * than MAX_PART nodes are cut into consecutive pieces of that order (V8 optimises small functions
 * best, and a piece of a big instance can stay idle while another changes). Register groups are
 * the registers of one instance.
 *
 * This file plans; compiled.ts generates the code. The plan is the contract between them:
 * partReaders/groupReaders say whom a changed value must wake.
 */
import type { Levelized } from "./levelize.js";
import { memoriesRead, walkOwn } from "./memreaders.js";
import type { Netlist, NetNode } from "./netlist.js";

/** Largest partition, in nodes (see the header). */
const MAX_PART = Number(process.env.TESSERA_ACTIVITY_PART ?? 96);
/** Consecutive small cones of one instance are packed up to this many nodes. */
const MIN_PART = Number(process.env.TESSERA_ACTIVITY_MIN_PART ?? 12);

export interface ActivityPlan {
  /** Comb partitions in evaluation order, each its nodes in evaluation order. */
  readonly parts: NetNode[][];
  /** Partition of each computed node (by node id), -1 for other nodes. */
  readonly partOf: Int32Array;
  /** Register group of each register (by node id), -1 for other nodes. */
  readonly groupOf: Int32Array;
  readonly groupSizes: number[];
  /** Per node id: the partitions other than its own, and the register groups, that read it. */
  readonly partReaders: number[][];
  readonly groupReaders: number[][];
  /** Per memory id: the partitions and register groups that read its contents. */
  readonly memParts: number[][];
  readonly memGroups: number[][];
  /** Computed nodes plus registers: the work of a full evaluation. */
  readonly weight: number;
}

const isComputed = (n: NetNode) => n.kind === "comb" || n.kind === "temp";
const root = (n: NetNode) => n.aliasOf ?? n;

export function planActivity(net: Netlist, lv: Levelized): ActivityPlan {
  const N = net.nodes.length;
  const pos = new Int32Array(N).fill(-1);
  lv.order.forEach((n, i) => (pos[n.id] = i));

  // 1. Maximal fanout-free cones: a node read by exactly one computed node (and by nothing else:
  // no register, memory port or behavioural block) joins its reader's cone; every other node roots
  // a cone. Only roots are read from outside their cone, so the cones form a DAG, in the order of
  // their roots.
  const coneOf = new Int32Array(N).fill(-1);
  const roots: NetNode[] = [];
  const readersOf = (n: NetNode) => lv.readers[n.id];
  const external = new Uint8Array(N); // read by something that is not a computed node
  for (const n of net.nodes) if (n.kind === "reg" && n.expr) for (const d of lv.deps[n.id]) external[root(d).id] = 1;
  for (const m of net.memories) for (const w of m.writes) for (const e of [w.en, w.addr, w.data]) walkOwn(net, e, undefined, () => {}, (s) => (external[root(s).id] = 1));
  for (const b of net.behavs) for (const pt of b.inputs) external[root(pt.node).id] = 1;
  for (let i = lv.order.length - 1; i >= 0; i--) {
    const n = lv.order[i];
    const rs = readersOf(n).filter(isComputed);
    if (rs.length === 1 && readersOf(n).length === 1 && !external[n.id] && coneOf[rs[0].id] >= 0) coneOf[n.id] = coneOf[rs[0].id];
    else {
      coneOf[n.id] = roots.length;
      roots.push(n);
    }
  }
  // Roots were found last-first: cone c's root is at position C-1-c of the evaluation order.
  const C = roots.length;
  const coneNodes: NetNode[][] = Array.from({ length: C }, () => []);
  for (const n of lv.order) coneNodes[C - 1 - coneOf[n.id]].push(n);
  const coneIndex = (n: NetNode) => C - 1 - coneOf[n.id];

  // 2. Fewer, larger partitions (each flag test and wake-up has a cost):
  //  - a cone whose root is read only by one other cone (and by no state) joins that cone: a
  //    value read in one place is evaluated there (the only edge leaves the merged pair inward);
  //  - then consecutive cones of one instance are packed up to MIN_PART nodes: an interval of a
  //    topological order has no path leaving and re-entering it, so packing keeps the order valid.
  const into = new Int32Array(C).map((_, c) => c);
  const find = (c: number): number => {
    while (into[c] !== c) c = into[c] = into[into[c]];
    return c;
  };
  for (let c = 0; c < C; c++) {
    const r = coneNodes[c][coneNodes[c].length - 1];
    if (external[r.id]) continue;
    const targets = new Set(lv.readers[r.id].filter(isComputed).map((x) => coneIndex(x)));
    if (targets.size === 1) into[c] = [...targets][0];
  }
  // Cones merge forward (into later cones), so resolving in reverse order settles every chain.
  const merged: NetNode[][] = Array.from({ length: C }, () => []);
  for (let c = C - 1; c >= 0; c--) into[c] = find(into[c]);
  for (let c = 0; c < C; c++) merged[into[c]].push(...coneNodes[c]);
  const members: NetNode[][] = [];
  let cur: NetNode[] = [], curScope = "";
  for (const ms of merged) {
    if (ms.length === 0) continue;
    const scope = ms[0].scope.join("/");
    if (cur.length > 0 && (cur.length >= MIN_PART || scope !== curScope)) {
      members.push(cur);
      cur = [];
    }
    cur.push(...ms);
    curScope = scope;
  }
  if (cur.length) members.push(cur);

  // 3. Cut big partitions into consecutive pieces of the evaluation order.
  const parts: NetNode[][] = [];
  for (const ms of members) {
    if (ms.length === 0) continue;
    ms.sort((a, b) => pos[a.id] - pos[b.id]);
    for (let i = 0; i < ms.length; i += MAX_PART) parts.push(ms.slice(i, i + MAX_PART));
  }
  const partOf = new Int32Array(N).fill(-1);
  parts.forEach((ns, p) => ns.forEach((n) => (partOf[n.id] = p)));

  // Register groups: one per register (its flag is as cheap to test as a group's, and an idle
  // register of a busy instance stays idle).
  const groupOf = new Int32Array(N).fill(-1);
  const groupSizes: number[] = [];
  for (const n of net.nodes) {
    if (n.kind !== "reg") continue;
    groupOf[n.id] = groupSizes.length;
    groupSizes.push(1);
  }

  // Readers.
  const partSets: Set<number>[] = Array.from({ length: N }, () => new Set());
  const groupSets: Set<number>[] = Array.from({ length: N }, () => new Set());
  for (const n of lv.order) {
    for (const d0 of lv.deps[n.id]) {
      const d = root(d0);
      if (partOf[d.id] !== partOf[n.id]) partSets[d.id].add(partOf[n.id]);
    }
  }
  for (const n of net.nodes) {
    if (n.kind !== "reg") continue;
    for (const d0 of lv.deps[n.id]) groupSets[root(d0).id].add(groupOf[n.id]);
  }
  const memParts: Set<number>[] = net.memories.map(() => new Set());
  const memGroups: Set<number>[] = net.memories.map(() => new Set());
  for (const n of net.nodes) {
    if (!n.expr || !(isComputed(n) || n.kind === "reg")) continue;
    for (const m of memoriesRead(net, n)) (isComputed(n) ? memParts[m].add(partOf[n.id]) : memGroups[m].add(groupOf[n.id]));
  }
  const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return {
    parts, partOf, groupOf, groupSizes,
    partReaders: partSets.map(sorted), groupReaders: groupSets.map(sorted),
    memParts: memParts.map(sorted), memGroups: memGroups.map(sorted),
    weight: lv.order.length + groupSizes.reduce((a, b) => a + b, 0),
  };
}
