/**
 * The code of activity-driven evaluation (activity.ts plans it), generated into the compiled
 * engine's source next to the full-evaluation functions and over the same stores:
 *
 *   D[p]  partition p must be evaluated (a value it reads changed);
 *   RD[g] register group g must compute its next values at the next edge; RC is RD as the edge
 *         began (flags raised during an edge are for the next one);
 *   EV[0] work done (nodes evaluated), for the engine's choice between the two modes.
 *
 *   asettle()  every flagged partition, in order; a stored value that changes wakes its readers;
 *   ain()      inputs that differ from their last seen value wake their readers, then asettle();
 *   atick0()   one edge of domain 0: flagged groups compute (buffered registers into their next
 *              slots, in-place registers readers first, as the full tick), memory writes that
 *              change a word wake the memory's readers, changed registers wake theirs, asettle();
 *   amark()    everything flagged (after a reset, a memory poke, or a switch from full mode).
 *
 * Blocks are grouped into chunk functions of a few hundred statements, as the full engine's are.
 */
import type { Expr, MemReadExpr } from "../hdl/expr.js";
import type { ActivityPlan } from "./activity.js";
import type { InPlacePlan } from "./inplace.js";
import { JsExprGen } from "./jsexpr.js";
import { Layout, STORE_NAMES } from "./layout.js";
import type { Netlist, NetNode } from "./netlist.js";

const CHUNK_STATEMENTS = 256, CHUNK_CHARS = 16000;

/** Chunked functions made of blocks; a block's locals are its own. */
class BlockFunction {
  private readonly chunks: string[][] = [[]];
  private count = 0;
  private chars = 0;

  constructor(private readonly name: string) {}

  block(lines: string[], statements: number): void {
    if (this.count > 0 && (this.count + statements > CHUNK_STATEMENTS || this.chars >= CHUNK_CHARS)) {
      this.chunks.push([]);
      this.count = this.chars = 0;
    }
    this.chunks[this.chunks.length - 1].push(...lines);
    this.count += statements;
    for (const l of lines) this.chars += l.length;
  }

  emit(out: string[], prologue = "", epilogue = ""): void {
    const names = this.chunks.map((_, i) => `${this.name}_${i}`);
    this.chunks.forEach((lines, i) => out.push(`function ${names[i]}() {\n${lines.join("\n")}\n}`));
    out.push(`const ${this.name}_all = [${names.join(", ")}];`);
    out.push(`function ${this.name}() {\n${prologue}\nfor (let i = 0; i < ${names.length}; i++) ${this.name}_all[i]();\n${epilogue}\n}`);
  }
}

export function generateActivity(net: Netlist, lay: Layout, plan: ActivityPlan, inPlace: InPlacePlan, resetSlot: string): string[] {
  const slot = (n: NetNode) => `${STORE_NAMES[lay.store[n.id]]}[${lay.index[n.id]}]`;
  const nextSlot = (n: NetNode) => `${STORE_NAMES[lay.store[n.id]]}[${lay.index[n.id] + lay.regCount[lay.store[n.id]]}]`;
  const wake = (n: NetNode) => [...plan.partReaders[n.id].map((p) => `D[${p}] = 1;`), ...plan.groupReaders[n.id].map((g) => `RD[${g}] = 1;`)].join(" ");
  /** Store `value` (a local) into `target` and wake `w` only when it differs from what is there. */
  const storeIfChanged = (target: string, value: string, w: string) => `if (${value} !== ${target}) { ${target} = ${value};${w ? ` ${w}` : ""} }`;
  const memWake = (id: number) => [...plan.memParts[id].map((p) => `D[${p}] = 1;`), ...plan.memGroups[id].map((g) => `RD[${g}] = 1;`)].join(" ");

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
    `const EV = new Float64Array(1);`,
  ];

  // asettle: flagged partitions in order.
  const settle = new BlockFunction("asettle");
  plan.parts.forEach((nodes, p) => {
    const lines = [`if (D[${p}] !== 0) {`, `D[${p}] = 0; EV[0] += ${nodes.length};`];
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
    lines.push("}");
    settle.block(lines, nodes.length * 2);
  });
  settle.emit(out);

  // ain: inputs against their last seen values.
  const inputs = net.inputs.filter((n) => wake(n) !== "");
  out.push(`const SEEN = new Array(${Math.max(1, inputs.length)}).fill(0);`);
  out.push(`function ainsnap() {\n${inputs.map((n, i) => `SEEN[${i}] = ${slot(n)};`).join("\n")}\n}`);
  out.push(`function ain() {\n${inputs.map((n, i) => `if (${slot(n)} !== SEEN[${i}]) { SEEN[${i}] = ${slot(n)}; ${wake(n)} }`).join("\n")}\nasettle();\n}`);
  out.push(`function amark() { D.fill(1); RD.fill(1); ainsnap(); }`);

  // atick0: registers of flagged groups, memory writes, commits, settle.
  const regs = net.nodes.filter((n) => n.kind === "reg" && n.domain === 0);
  const inPlaceSet = new Set(inPlace.order[0]);
  const bufferedRegs = regs.filter((n) => !inPlaceSet.has(n));
  /** Registers in runs of one group, each run one block guarded by its group's flag. */
  const groupRuns = (nodes: readonly NetNode[], f: BlockFunction, stmt: (n: NetNode, lines: string[], locals: Map<number, string>) => void) => {
    for (let i = 0; i < nodes.length; ) {
      const g = plan.groupOf[nodes[i].id];
      let j = i;
      while (j < nodes.length && plan.groupOf[nodes[j].id] === g) j++;
      const lines = [`if (RC[${g}] !== 0) {`, `EV[0] += ${j - i};`];
      const locals = new Map<number, string>();
      for (let k = i; k < j; k++) stmt(nodes[k], lines, locals);
      lines.push("}");
      f.block(lines, j - i);
      i = j;
    }
  };
  const nextq = new BlockFunction("anextq0");
  groupRuns(bufferedRegs, nextq, (n, lines, locals) => {
    const body: string[] = [];
    const code = gen(body, locals).gen(n.expr!);
    lines.push(...body, `${nextSlot(n)} = ${code};`);
  });
  nextq.emit(out);
  const inplace = new BlockFunction("ainplace0");
  // In place: no caching of reads (a register written in this block may be read after it).
  groupRuns(inPlace.order[0], inplace, (n, lines) => {
    const body: string[] = [];
    const code = gen(body, new Map()).gen(n.expr!);
    lines.push("{", ...body, `const x = ${code}; ${storeIfChanged(slot(n), "x", wake(n))}`, "}");
  });
  inplace.emit(out);
  const memw = new BlockFunction("amemw0");
  for (const m of net.memories) {
    m.writes.forEach((wr) => {
      if (wr.domain !== 0) return;
      const lines: string[] = [];
      const g = gen(lines, new Map());
      const en = g.gen(wr.en), addr = g.gen(wr.addr), data = g.gen(wr.data);
      const w = memWake(m.id);
      lines.push(`if (${en} !== 0) { const a = ${addr}; if (a < ${m.depth}) { const x = ${data}; ${storeIfChanged(`M${m.id}[a]`, "x", w)} } }`);
      memw.block([`{`, ...lines, `}`], 1);
    });
  }
  memw.emit(out);
  const commit = new BlockFunction("acommit0");
  groupRuns(bufferedRegs, commit, (n, lines) => {
    // (EV counts the group twice over nextq and commit; both are work.)
    lines.push(storeIfChanged(slot(n), nextSlot(n), wake(n)));
  });
  // Behavioural outputs are set at every edge.
  for (const b of net.behavs) {
    if (b.domain !== 0) continue;
    const lines = b.outputs.map((p) => storeIfChanged(slot(p.node), nextSlot(p.node), wake(p.node)));
    commit.block(lines, lines.length);
  }
  commit.emit(out);
  const hasBehav = net.behavs.some((b) => b.domain === 0);
  out.push(
    `function atick0() {\n` +
      `if (${resetSlot} !== 0) { tick0(); amark(); return; }\n` +
      `RC.set(RD); RD.fill(0);\n` +
      `anextq0();${hasBehav ? " HOOKS.behav(0);" : ""} ainplace0(); amemw0(); acommit0();\n` +
      `asettle();\n}`,
  );
  return out;
}
