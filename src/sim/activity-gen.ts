/**
 * The code of activity-driven evaluation (activity.ts plans it), generated into the compiled
 * engine's source next to the full-evaluation functions and over the same stores:
 *
 *   D[p]  partition p must be evaluated (a value it reads changed);
 *   RD[g] register group g must compute its next values at the next edge; RC is RD as the edge
 *         began (flags raised during an edge are for the next one);
 *   RU[u] an RD of a register of instance u is up (UC: RU as the edge began), so that an edge
 *         passes over an idle instance's registers with one test;
 *   EV[0] work done (nodes evaluated), for the engine's choice between the two modes.
 *
 *   asettle()  every flagged partition, in order; a stored value that changes wakes its readers;
 *   ain()      inputs that differ from their last seen value wake their readers, then asettle();
 *   atick0()   one edge of domain 0: flagged groups compute (buffered registers into their next
 *              slots, in-place registers readers first, as the full tick), memory writes that
 *              change a word wake the memory's readers, changed registers wake theirs, asettle();
 *   amark()    everything flagged (after a reset, a memory poke, or a switch from full mode).
 *
 * A phase's blocks are packed into small functions, each of one partition or of one instance's
 * registers, and a loop calls those whose flag is up (FlaggedBlocks says why).
 */
import type { Expr, MemReadExpr } from "../hdl/expr.js";
import type { ActivityPlan } from "./activity.js";
import type { InPlacePlan } from "./inplace.js";
import { JsExprGen } from "./jsexpr.js";
import { Layout, STORE_NAMES } from "./layout.js";
import type { Netlist, NetNode } from "./netlist.js";

/**
 * The blocks of one phase, packed into small functions and called in order by a loop that calls a
 * function only when one of its blocks' flags is up (F[flag]; flag -1: the block runs every time).
 * A function holds the consecutive blocks of one unit (one instance's registers, say), at most
 * `perFunction` of them, each behind its own flag test.
 *
 * Why not chunks of a few hundred statements, as the full engine has: a chunk is optimized with
 * the blocks that had run by then, and a block that runs for the first time later (a router that
 * sees its first packet, a value that changes for the first time) finds no type feedback there and
 * throws the whole chunk back to the interpreter, to be compiled again. On the 8x8 mesh at 0.0001
 * flits/node/cycle that meant 466 compilations and 13.6 s of TurboFan over 100k cycles, and the
 * run took 10.7 s against 2.4 s for the full evaluation. A small function is compiled cheaply once
 * it is hot, and a first run of one block concerns its unit alone.
 */
class FlaggedBlocks {
  private readonly blocks: { lines: string[]; flag: number; unit: number }[] = [];

  /**
   * `flags`: the array of the blocks' flags; `units`: the array of their units' flags (a unit's
   * flag is up when one of its blocks' is), or undefined when each block is its own unit (its
   * flag is its unit's).
   */
  constructor(private readonly name: string, private readonly flags: string, private readonly units: string | undefined, private readonly perFunction: number) {}

  /** A block run when its flag is up (flag -1: always), of unit `unit` (-1: a unit always run). */
  block(lines: string[], flag: number, unit: number): void {
    this.blocks.push({ lines, flag, unit });
  }

  emit(out: string[], prologue = "", epilogue = ""): void {
    const n = this.name, F = this.flags;
    const fns: (typeof this.blocks)[] = [];
    for (const b of this.blocks) {
      const last = fns[fns.length - 1];
      if (last && last[0].unit === b.unit && last.length < this.perFunction) last.push(b);
      else fns.push([b]);
    }
    const guard = (b: (typeof this.blocks)[number]) => (b.flag < 0 ? ["{", ...b.lines, "}"] : [`if (${F}[${b.flag}] !== 0) {`, ...b.lines, "}"]);
    // Where a block is its own unit, the loop's test is the block's.
    fns.forEach((bs, i) => out.push(`function ${n}_${i}() {\n${(this.units === undefined && bs.length === 1 ? bs[0].lines : bs.flatMap(guard)).join("\n")}\n}`));
    out.push(`const ${n}_fn = [${fns.map((_, i) => `${n}_${i}`).join(", ")}];`);
    out.push(`const ${n}_unit = new Int32Array([${fns.map((bs) => bs[0].unit).join(", ")}]);`);
    const U = this.units ?? F;
    out.push(`function ${n}() {\n${prologue}\nfor (let i = 0; i < ${fns.length}; i++) { const u = ${n}_unit[i]; if (u < 0 || ${U}[u] !== 0) ${n}_fn[i](); }\n${epilogue}\n}`);
  }
}

/** Most blocks in one function (see FlaggedBlocks). */
const BLOCKS_PER_FUNCTION = 64;

export function generateActivity(net: Netlist, lay: Layout, plan: ActivityPlan, inPlace: InPlacePlan, resetSlot: string): string[] {
  const slot = (n: NetNode) => `${STORE_NAMES[lay.store[n.id]]}[${lay.index[n.id]}]`;
  const nextSlot = (n: NetNode) => `${STORE_NAMES[lay.store[n.id]]}[${lay.index[n.id] + lay.regCount[lay.store[n.id]]}]`;
  // Register units: the registers of one instance (scope), each unit's flag RU raised with any of
  // its registers' RD.
  const unitOfScope = new Map<string, number>();
  const unitOfGroup = new Int32Array(plan.groupSizes.length);
  for (const n of net.nodes) {
    const g = plan.groupOf[n.id];
    if (g < 0) continue;
    const key = n.scope.join("/");
    if (!unitOfScope.has(key)) unitOfScope.set(key, unitOfScope.size);
    unitOfGroup[g] = unitOfScope.get(key)!;
  }
  const units = Math.max(1, unitOfScope.size);
  const groupWake = (groups: readonly number[]) => [...groups.map((g) => `RD[${g}] = 1;`), ...[...new Set(groups.map((g) => unitOfGroup[g]))].map((u) => `RU[${u}] = 1;`)];
  const wake = (n: NetNode) => [...plan.partReaders[n.id].map((p) => `D[${p}] = 1;`), ...groupWake(plan.groupReaders[n.id])].join(" ");
  /** Store `value` (a local) into `target` and wake `w` only when it differs from what is there. */
  const storeIfChanged = (target: string, value: string, w: string) => `if (${value} !== ${target}) { ${target} = ${value};${w ? ` ${w}` : ""} }`;
  const memWake = (id: number) => [...plan.memParts[id].map((p) => `D[${p}] = 1;`), ...groupWake(plan.memGroups[id])].join(" ");

  /** An expression generator whose stored reads are cached in `locals` (one block's). */
  const gen = (lines: string[], locals: Map<number, string>, self?: NetNode) =>
    new JsExprGen({
      ref: (e: Expr, isRoot?: boolean) => {
        const n = net.materialized.get(e);
        if (n === undefined || (isRoot && n === self)) return undefined;
        let l = locals.get(n.id);
        if (!l) {
          l = `v${n.id}`;
          lines.push(`const ${l} = ${slot(n)};`);
          locals.set(n.id, l);
        }
        return l;
      },
      memory: (e: MemReadExpr) => `M${net.memoryIndex.get(e.memory as never)!.id}`,
    });

  const out: string[] = [
    `const D = new Uint8Array(${Math.max(1, plan.parts.length)}), RD = new Uint8Array(${Math.max(1, plan.groupSizes.length)}), RC = new Uint8Array(${Math.max(1, plan.groupSizes.length)});`,
    `const RU = new Uint8Array(${units}), UC = new Uint8Array(${units});`,
    `const EV = new Float64Array(1);`,
  ];

  // asettle: flagged partitions in order.
  const settle = new FlaggedBlocks("asettle", "D", undefined, 1);
  plan.parts.forEach((nodes, p) => {
    const lines = [`D[${p}] = 0; EV[0] += ${nodes.length};`];
    const locals = new Map<number, string>();
    for (const n of nodes) {
      const body: string[] = [];
      const code = gen(body, locals, n).gen(n.expr!, true);
      lines.push(...body);
      const l = `v${n.id}`;
      const w = wake(n);
      lines.push(`const ${l} = ${code};`, w ? storeIfChanged(slot(n), l, w) : `${slot(n)} = ${l};`);
      locals.set(n.id, l);
    }
    settle.block(lines, p, p);
  });
  settle.emit(out);

  // ain: inputs against their last seen values.
  const inputs = net.inputs.filter((n) => wake(n) !== "");
  out.push(`const SEEN = new Array(${Math.max(1, inputs.length)}).fill(0);`);
  out.push(`function ainsnap() {\n${inputs.map((n, i) => `SEEN[${i}] = ${slot(n)};`).join("\n")}\n}`);
  out.push(`function ain() {\n${inputs.map((n, i) => `if (${slot(n)} !== SEEN[${i}]) { SEEN[${i}] = ${slot(n)}; ${wake(n)} }`).join("\n")}\nasettle();\n}`);
  out.push(`function amark() { D.fill(1); RD.fill(1); RU.fill(1); ainsnap(); }`);

  // atick0: registers of flagged groups, memory writes, commits, settle.
  const regs = net.nodes.filter((n) => n.kind === "reg" && n.domain === 0);
  const inPlaceSet = new Set(inPlace.order[0]);
  const bufferedRegs = regs.filter((n) => !inPlaceSet.has(n));
  /** Registers in runs of one group, each run one block guarded by its group's flag. */
  const groupRuns = (nodes: readonly NetNode[], f: FlaggedBlocks, stmt: (n: NetNode, lines: string[], locals: Map<number, string>) => void) => {
    for (let i = 0; i < nodes.length; ) {
      const g = plan.groupOf[nodes[i].id];
      let j = i;
      while (j < nodes.length && plan.groupOf[nodes[j].id] === g) j++;
      const lines = [`EV[0] += ${j - i};`];
      const locals = new Map<number, string>();
      for (let k = i; k < j; k++) stmt(nodes[k], lines, locals);
      f.block(lines, g, unitOfGroup[g]);
      i = j;
    }
  };
  const nextq = new FlaggedBlocks("anextq0", "RC", "UC", BLOCKS_PER_FUNCTION);
  groupRuns(bufferedRegs, nextq, (n, lines, locals) => {
    const body: string[] = [];
    const code = gen(body, locals).gen(n.expr!);
    lines.push(...body, `${nextSlot(n)} = ${code};`);
  });
  nextq.emit(out);
  const inplace = new FlaggedBlocks("ainplace0", "RC", "UC", BLOCKS_PER_FUNCTION);
  // In place: no caching of reads (a register written in this block may be read after it).
  groupRuns(inPlace.order[0], inplace, (n, lines) => {
    const body: string[] = [];
    const code = gen(body, new Map()).gen(n.expr!);
    lines.push("{", ...body, `const x = ${code}; ${storeIfChanged(slot(n), "x", wake(n))}`, "}");
  });
  inplace.emit(out);
  // Memory write ports run at every edge (their blocks have flag and unit -1).
  const memw = new FlaggedBlocks("amemw0", "RC", "UC", BLOCKS_PER_FUNCTION);
  for (const m of net.memories) {
    m.writes.forEach((wr) => {
      if (wr.domain !== 0) return;
      const lines: string[] = [];
      const g = gen(lines, new Map());
      const en = g.gen(wr.en), addr = g.gen(wr.addr), data = g.gen(wr.data);
      const w = memWake(m.id);
      lines.push(`if (${en} !== 0) { const a = ${addr}; if (a < ${m.depth}) { const x = ${data}; ${storeIfChanged(`M${m.id}[a]`, "x", w)} } }`);
      memw.block(lines, -1, -1);
    });
  }
  memw.emit(out);
  const commit = new FlaggedBlocks("acommit0", "RC", "UC", BLOCKS_PER_FUNCTION);
  groupRuns(bufferedRegs, commit, (n, lines) => {
    // (EV counts the group twice over nextq and commit; both are work.)
    lines.push(storeIfChanged(slot(n), nextSlot(n), wake(n)));
  });
  // Behavioural outputs are set at every edge.
  for (const b of net.behavs) {
    if (b.domain !== 0) continue;
    const lines = b.outputs.map((p) => storeIfChanged(slot(p.node), nextSlot(p.node), wake(p.node)));
    commit.block(lines, -1, -1);
  }
  commit.emit(out);
  const hasBehav = net.behavs.some((b) => b.domain === 0);
  out.push(
    `function atick0() {\n` +
      `if (${resetSlot} !== 0) { tick0(); amark(); return; }\n` +
      `RC.set(RD); RD.fill(0); UC.set(RU); RU.fill(0);\n` +
      `anextq0();${hasBehav ? " HOOKS.behav(0);" : ""} ainplace0(); amemw0(); acommit0();\n` +
      `asettle();\n}`,
  );
  return out;
}
