/**
 * One Tessera module to one Verilog module body.
 *
 * How each signal becomes Verilog (decided from the statements that assign it):
 *  - driven from one domain only: a `reg`, assigned in that domain's always block
 *    (`always @*` with the reset value as default first, or `always @(posedge <clk>)` with a
 *    synchronous reset branch). Bits no statement assigns keep the reset value.
 *  - driven from several domains (different bits): one reg per domain, `<name>_<domain>`, and a
 *    wire that concatenates the bits each domain owns.
 *  - never assigned: a wire fixed at the reset value.
 *  - a memory read port's data: a wire (comb port) or a reg in the memory's read block (sync port).
 *  - a submodule's input: a reg of this module (named `<instance>_<port>`) driven like the above;
 *    a submodule's output: a wire of this module connected to the instance.
 *
 * Comb statements are grouped by top-level statement into always @* blocks; a group that reads
 * a signal it also assigns is split into one block per signal, so no block reads a value it is
 * still computing (Tessera reads a comb signal's final value; a Verilog block would see a partial one).
 */
import { Const, Expr, MemReadExpr, Signal, forEachNode } from "../hdl/expr.js";
import { NotConstantError, runConstStmts } from "./const-eval.js";
import { clockName, resetName } from "../hdl/elaborate.js";
import type { Memory, ReadPort } from "../hdl/memory.js";
import type { Module } from "../hdl/module.js";
import type { AssignStmt, Stmt } from "../hdl/stmt.js";
import { ExprEmitter, memReadText, rangeDecl, select } from "./expr-emit.js";
import { sizedLiteral, valueLiteral } from "./literals.js";
import { Namer } from "./names.js";
import { StmtPrinter, assignsOf, filterStmts, printStmts, stmtRoots } from "./stmt-emit.js";

export interface PortInfo {
  /** Tessera name. */
  readonly name: string;
  /** Verilog name (differs only where the Tessera name is a reserved word). */
  readonly vname: string;
  readonly dir: "input" | "output";
  readonly width: number;
  readonly signed: boolean;
}

export interface ModuleBody {
  /** Everything after `module <name>`: port list, body, `endmodule`. */
  readonly text: string;
  readonly ports: readonly PortInfo[];
}

export interface ModuleEmitEnv {
  /** Verilog module name of a child instance. */
  childModuleName(child: Module): string;
  /** Clock domains whose clock (and reset) a module takes as ports, in port order. */
  domainsOf(m: Module): readonly string[];
  /** Initial contents of a memory of this module (default: its `init`). */
  memoryInit?(mem: Memory): readonly bigint[];
}

type SignalClass =
  | { kind: "port-in" }
  | { kind: "child-out" }
  | { kind: "const" }
  | { kind: "reg"; domain: string }
  | { kind: "split"; domains: string[] }
  | { kind: "mem-comb"; port: ReadPort }
  | { kind: "mem-sync"; port: ReadPort };

const IND = "  ";

export function emitModuleBody(m: Module, env: ModuleEmitEnv): ModuleBody {
  return new ModuleEmitter(m, env).emit();
}

class ModuleEmitter {
  private readonly namer = new Namer();
  private readonly names = new Map<Signal, string>();
  private readonly memNames = new Map<Memory, string>();
  private readonly instNames = new Map<Module, string>();
  private readonly classes = new Map<Signal, SignalClass>();
  /** Verilog reg that holds a split signal's bits of one domain. */
  private readonly partNames = new Map<Signal, Map<string, string>>();
  /** Bit ranges of a split signal and their domains, high bits first. */
  private readonly ownership = new Map<Signal, { lo: number; hi: number; domain: string }[]>();
  /** Bits [hi:lo] a split signal's part reg holds for one domain (declared with those indices). */
  private readonly partBits = new Map<Signal, Map<string, { hi: number; lo: number }>>();
  private readonly fsmLabels = new Map<Signal, string[]>();
  /** State names printed somewhere (only those get a localparam: no unused parameters). */
  private readonly usedLabels = new Set<string>();
  private readonly ex: ExprEmitter;
  private readonly domains: readonly string[];
  /** Signals of this module (and child inputs) assigned by statements, in declaration order. */
  private readonly driven: Signal[] = [];
  /**
   * Comb signals written as continuous assignments instead of always blocks (Verilog name ->
   * right-hand side): one unconditional assignment, or a constant. Declared as wires.
   */
  private readonly wired = new Map<string, string>();
  private netNames: Set<string> | undefined;
  /** Signals some expression or memory port reads. */
  private readonly read = new Set<Signal>();

  constructor(private readonly m: Module, private readonly env: ModuleEmitEnv) {
    this.domains = env.domainsOf(m);
    this.ex = new ExprEmitter({
      signal: (s) => {
        const n = this.names.get(s);
        if (n === undefined) throw new Error(`internal: signal '${s.name}' has no Verilog name in module '${m.name}'`);
        return n;
      },
      memory: (mem) => this.memNames.get(mem as Memory)!,
      fresh: (b) => this.namer.take(b),
    });
  }

  emit(): ModuleBody {
    const m = this.m;
    this.nameEverything();
    this.classify();

    const blocks = this.planBlocks();
    const roots: Expr[] = [];
    for (const b of blocks) stmtRoots(b.stmts, roots);
    this.ex.prepare(roots);
    forEachNode(roots, (e) => {
      if (e instanceof Signal) this.read.add(e);
    });
    for (const mem of m.memories) {
      for (const p of mem.writePorts) this.read.add(p.addr).add(p.data).add(p.en);
      for (const p of mem.readPorts) {
        this.read.add(p.addr);
        if (p.domain !== "comb") this.read.add(p.en);
      }
    }

    const blockText: string[] = [];
    for (const b of blocks) blockText.push(b.kind === "comb" ? this.combBlock(b.regs, b.stmts) : this.syncBlock(b.domain, b.regs, b.stmts));
    const memText = m.memories.map((mem) => this.memoryBlocks(mem));

    const ports = this.portInfo();
    const lines: string[] = [];
    lines.push(" (");
    const portDecls: string[] = [];
    for (const d of this.domains) portDecls.push(`input wire ${clockName(d)}`, `input wire ${resetName(d)}`);
    for (const s of m.inputs) portDecls.push(`input wire ${rangeDecl(s.width, s.signed)}${this.names.get(s)}`);
    for (const s of m.outputs) {
      const c = this.classes.get(s)!;
      const isReg = c.kind === "reg" && !this.wired.has(this.names.get(s)!);
      portDecls.push(`output ${isReg ? "reg" : "wire"} ${rangeDecl(s.width, s.signed)}${this.names.get(s)}`);
    }
    lines.push(portDecls.map((p, i) => `${IND}${p}${i < portDecls.length - 1 ? "," : ""}`).join("\n"));
    lines.push(");");

    const init = this.initialBlock();
    const decls = this.declarations();
    if (decls.length) lines.push(...decls.map((d) => IND + d));
    if (this.ex.decls.length) {
      lines.push("", `${IND}// Intermediate values, each exactly as wide as Tessera's expression.`);
      lines.push(...this.ex.decls.map((d) => IND + d));
    }
    const assigns = this.continuousAssigns();
    if (assigns.length) lines.push("", ...assigns.map((a) => IND + a));
    for (const c of m.children) lines.push("", ...this.instance(c.module).map((l) => IND + l));
    for (const t of blockText) if (t) lines.push("", t);
    for (const t of memText) if (t) lines.push("", t);
    if (init) lines.push("", init);
    lines.push("endmodule");
    return { text: lines.join("\n") + "\n", ports };
  }

  // --- names and classes ------------------------------------------------------------------------

  private nameEverything(): void {
    const m = this.m;
    for (const d of this.domains) {
      this.namer.take(clockName(d));
      this.namer.take(resetName(d));
    }
    for (const s of [...m.inputs, ...m.outputs]) this.names.set(s, this.namer.take(s.name));
    for (const s of m.signals) if (!this.names.has(s)) this.names.set(s, this.namer.take(s.name));
    for (const mem of m.memories) this.memNames.set(mem, this.namer.take(mem.name));
    for (const c of m.children) this.instNames.set(c.module, this.namer.take(c.name));
    for (const c of m.children) {
      const inst = this.instNames.get(c.module)!;
      for (const s of [...c.module.inputs, ...c.module.outputs]) this.names.set(s, this.namer.take(`${inst}_${s.name}`));
    }
    for (const f of m.fsms) {
      this.fsmLabels.set(f.stateSignal, f.states.map((st) => this.namer.take(`${f.name}_${st}`)));
    }
  }

  private classify(): void {
    const m = this.m;
    const byDomain = new Map<Signal, AssignStmt[]>();
    for (const a of assignsOf(m.statements)) {
      let list = byDomain.get(a.target);
      if (!list) byDomain.set(a.target, (list = []));
      list.push(a);
    }
    const memRead = new Map<Signal, ReadPort>();
    for (const mem of m.memories) for (const p of mem.readPorts) memRead.set(p.data, p);

    const classifyDriven = (s: Signal): SignalClass => {
      const list = byDomain.get(s);
      if (!list) return { kind: "const" };
      this.driven.push(s);
      const doms = [...new Set(list.map((a) => a.domain))];
      if (doms.length === 1) return { kind: "reg", domain: doms[0] };
      // Bits per domain (the HDL guarantees each bit has one domain).
      const owner: (string | undefined)[] = new Array(s.width).fill(undefined);
      for (const a of list) for (let i = a.lo; i < a.lo + a.value.width; i++) owner[i] = a.domain;
      const ranges: { lo: number; hi: number; domain: string }[] = [];
      for (let i = s.width - 1; i >= 0; ) {
        let j = i;
        while (j - 1 >= 0 && owner[j - 1] === owner[i]) j--;
        ranges.push({ lo: j, hi: i, domain: owner[i] ?? "" });
        i = j - 1;
      }
      this.ownership.set(s, ranges);
      const parts = new Map<string, string>();
      const bits = new Map<string, { hi: number; lo: number }>();
      for (const d of doms) {
        parts.set(d, this.namer.take(`${this.names.get(s)}_${d}`));
        const mine = ranges.filter((r) => r.domain === d);
        bits.set(d, { hi: Math.max(...mine.map((r) => r.hi)), lo: Math.min(...mine.map((r) => r.lo)) });
      }
      this.partNames.set(s, parts);
      this.partBits.set(s, bits);
      return { kind: "split", domains: doms };
    };

    for (const s of m.signals) {
      if (s.dir === "input") this.classes.set(s, { kind: "port-in" });
      else if (memRead.has(s)) {
        const p = memRead.get(s)!;
        this.classes.set(s, p.domain === "comb" ? { kind: "mem-comb", port: p } : { kind: "mem-sync", port: p });
      } else this.classes.set(s, classifyDriven(s));
    }
    for (const c of m.children) {
      for (const s of c.module.inputs) this.classes.set(s, classifyDriven(s));
      for (const s of c.module.outputs) this.classes.set(s, { kind: "child-out" });
    }
  }

  // --- blocks -----------------------------------------------------------------------------------

  /** The Verilog reg an assignment writes (a split signal's part for its domain). */
  private regName(s: Signal, domain: string): string {
    return this.partNames.get(s)?.get(domain) ?? this.names.get(s)!;
  }

  private planBlocks(): ({ kind: "comb"; regs: Signal[]; stmts: Stmt[] } | { kind: "sync"; domain: string; regs: Signal[]; stmts: Stmt[] })[] {
    const m = this.m;
    const out: ReturnType<ModuleEmitter["planBlocks"]> = [];

    // Comb: union the signals that share a top-level statement.
    const parent = new Map<Signal, Signal>();
    const find = (s: Signal): Signal => {
      let r = s;
      while (parent.get(r) !== r) r = parent.get(r)!;
      parent.set(s, r);
      return r;
    };
    for (const st of m.statements) {
      const targets = assignsOf([st]).filter((a) => a.domain === "comb").map((a) => a.target);
      for (const t of targets) if (!parent.has(t)) parent.set(t, t);
      for (let i = 1; i < targets.length; i++) parent.set(find(targets[i]), find(targets[0]));
    }
    const groups = new Map<Signal, Signal[]>();
    for (const s of this.driven) {
      if (!parent.has(s)) continue;
      const r = find(s);
      let g = groups.get(r);
      if (!g) groups.set(r, (g = []));
      g.push(s);
    }
    for (const g of groups.values()) {
      const members = new Set(g);
      const stmts = filterStmts(m.statements, (a) => a.domain === "comb" && members.has(a.target));
      let selfRead = false, readsAny = false;
      forEachNode(stmtRoots(stmts), (e) => {
        if (e instanceof Signal || e instanceof MemReadExpr) readsAny = true;
        if (e instanceof Signal && members.has(e)) selfRead = true;
      });
      if (!readsAny) {
        // Nothing to be sensitive to: Icarus would never run the block. A constant it is.
        for (const [sig, v] of runConstStmts(stmts, g)) this.wired.set(this.regName(sig, "comb"), this.constText(sig, v));
        continue;
      }
      if (!selfRead || g.length === 1) out.push({ kind: "comb", regs: g, stmts });
      else for (const s of g) out.push({ kind: "comb", regs: [s], stmts: filterStmts(m.statements, (a) => a.domain === "comb" && a.target === s) });
    }

    // One clocked block per domain.
    const clocked = [...new Set(assignsOf(m.statements).map((a) => a.domain).filter((d) => d !== "comb"))];
    const order = this.domains.filter((d) => clocked.includes(d));
    for (const d of order) {
      const regs = this.driven.filter((s) => {
        const c = this.classes.get(s)!;
        return (c.kind === "reg" && c.domain === d) || (c.kind === "split" && c.domains.includes(d));
      });
      out.push({ kind: "sync", domain: d, regs, stmts: filterStmts(m.statements, (a) => a.domain === d) });
    }
    return out;
  }

  private printer(op: "=" | "<=", domain: string): StmtPrinter {
    return {
      op,
      lhs: (a) => {
        const n = this.regName(a.target, domain);
        const w = a.value.width;
        return w === a.target.width && !this.partBits.has(a.target) ? n : select(n, a.lo + w - 1, a.lo);
      },
      rhs: (a) => {
        const labels = this.fsmLabels.get(a.target);
        if (labels && a.value instanceof Const && a.lo === 0 && a.value.value < BigInt(labels.length)) return this.useLabel(labels, a.value.value);
        return this.ex.text(a.value);
      },
      cond: (e) => this.ex.text(e),
      subject: (e) => this.ex.subjectText(e),
      label: (subj, v) => {
        const labels = subj instanceof Signal ? this.fsmLabels.get(subj) : undefined;
        if (labels && v >= 0n && v < BigInt(labels.length)) return this.useLabel(labels, v);
        return valueLiteral(v, subj.width, subj.signed);
      },
    };
  }

  private useLabel(labels: string[], v: bigint): string {
    this.usedLabels.add(labels[Number(v)]);
    return labels[Number(v)];
  }

  /** Reset value of the Verilog reg that holds `s` in `domain` (a split part holds only its bits). */
  private regReset(s: Signal, domain: string): string {
    const b = this.partBits.get(s)?.get(domain);
    if (!b) return this.resetLiteral(s);
    return sizedLiteral(s.reset >> BigInt(b.lo), b.hi - b.lo + 1);
  }

  private resetLiteral(s: Signal): string {
    const labels = this.fsmLabels.get(s);
    if (labels && s.reset >= 0n && s.reset < BigInt(labels.length)) return this.useLabel(labels, s.reset);
    return valueLiteral(s.reset, s.width, s.signed);
  }

  /** A comb block, or "" when its signals became continuous assignments. */
  private combBlock(regs: Signal[], stmts: Stmt[]): string {
    const printer = this.printer("=", "comb");
    const body = printStmts(stmts, 1, printer);
    // What the printed block reads. Expressions that shift every signal bit out print as
    // literals; a block that reads nothing would never run under Icarus (always @* waits for a
    // change), so it becomes a constant.
    const own = new Set(regs.map((s) => this.regName(s, "comb")));
    const reads = identifiers(body.join("\n")).filter((n) => !own.has(n) && this.isNet(n));
    if (reads.length === 0) {
      try {
        for (const [sig, v] of runConstStmts(stmts, regs)) this.wired.set(this.regName(sig, "comb"), this.constText(sig, v));
        return "";
      } catch (e) {
        if (!(e instanceof NotConstantError)) throw e;
      }
    }
    // One unconditional assignment of the whole signal: a continuous assignment says it best.
    const only = stmts.length === 1 && stmts[0].kind === "assign" ? stmts[0] : undefined;
    if (only && regs.length === 1 && only.lo === 0 && only.value.width === only.target.width && !this.partBits.has(only.target)) {
      this.wired.set(this.regName(only.target, "comb"), printer.rhs(only));
      return "";
    }
    // The default (reset value) comes first; it is left out where an unconditional assignment of
    // the whole signal overrides it anyway.
    const covered = (s: Signal) => stmts.some((st) => st.kind === "assign" && st.target === s && st.lo === 0 && st.value.width === s.width);
    const defaults = regs.filter((s) => !covered(s)).map((s) => `${this.regName(s, "comb")} = ${this.regReset(s, "comb")};`);
    return [`${IND}always @* begin`, ...defaults.map((d) => IND + IND + d), ...body.map((l) => IND + l), `${IND}end`].join("\n");
  }

  /** A constant for the reg that holds `sig` in comb (a split part holds only its bits). */
  private constText(sig: Signal, v: bigint): string {
    const b = this.partBits.get(sig)?.get("comb");
    if (b) return sizedLiteral(v >> BigInt(b.lo), b.hi - b.lo + 1);
    return valueLiteral(sig.signed ? BigInt.asIntN(sig.width, v) : v, sig.width, sig.signed);
  }

  /** A name of this module that carries a value (signal, part, memory, intermediate wire). */
  private isNet(n: string): boolean {
    if (this.ex.temps.has(n)) return true;
    if (this.netNames === undefined) {
      this.netNames = new Set([...this.names.values(), ...this.memNames.values(), ...[...this.partNames.values()].flatMap((p) => [...p.values()])]);
    }
    return this.netNames.has(n);
  }

  private syncBlock(domain: string, regs: Signal[], stmts: Stmt[]): string {
    const lines = [`always @(posedge ${clockName(domain)}) begin`, `${IND}if (${resetName(domain)}) begin`];
    for (const s of regs) lines.push(`${IND}${IND}${this.regName(s, domain)} <= ${this.regReset(s, domain)};`);
    lines.push(`${IND}end else begin`);
    printStmts(stmts, 2, this.printer("<=", domain), lines);
    lines.push(`${IND}end`, "end");
    return lines.map((l) => IND + l).join("\n");
  }

  // --- memories ---------------------------------------------------------------------------------

  private memoryBlocks(mem: Memory): string {
    const name = this.memNames.get(mem)!;
    const w = mem.shape.width;
    const sh = `${mem.shape.signed ? "s" : "u"}(${w})`;
    const lines: string[] = [`// Memory '${mem.name}': ${mem.depth} x ${sh}, ${mem.writePorts.length} write and ${mem.readPorts.length} read ports.`];
    const addrIn = (addr: string) =>
      2 ** mem.addrWidth === mem.depth ? "" : ` && ${addr} < ${sizedLiteral(BigInt(mem.depth), mem.addrWidth)}`;
    const read = (p: ReadPort) => memReadText(name, mem.depth, mem.addrWidth, () => this.names.get(p.addr)!, w);

    const writeDomains = [...new Set(mem.writePorts.map((p) => p.domain))];
    for (const d of writeDomains) {
      lines.push(`always @(posedge ${clockName(d)}) begin`);
      lines.push(`${IND}// Later write ports win; writes outside 0..${mem.depth - 1} are ignored.`);
      for (const p of mem.writePorts.filter((q) => q.domain === d)) {
        const a = this.names.get(p.addr)!;
        lines.push(`${IND}if (${this.names.get(p.en)}${addrIn(a)}) ${name}[${mem.depth === 1 ? "0" : a}] <= ${this.names.get(p.data)};`);
      }
      lines.push("end");
    }
    for (const p of mem.readPorts) {
      if (p.domain === "comb") continue;
      const data = this.names.get(p.data)!;
      lines.push(`always @(posedge ${clockName(p.domain)}) begin`);
      lines.push(`${IND}if (${resetName(p.domain)}) ${data} <= ${valueLiteral(p.data.reset, w, p.data.signed)};`);
      lines.push(`${IND}else if (${this.names.get(p.en)}) begin`);
      const fwd = p.transparent ? mem.writePorts.filter((q) => q.domain === p.domain).reverse() : [];
      if (fwd.length) lines.push(`${IND}${IND}// Transparent: the newest write to this address at this edge, else the old contents.`);
      fwd.forEach((q, i) => {
        lines.push(`${IND}${IND}${i ? "else " : ""}if (${this.names.get(q.en)} && ${this.names.get(q.addr)} == ${this.names.get(p.addr)}) ${data} <= ${this.names.get(q.data)};`);
      });
      lines.push(`${IND}${IND}${fwd.length ? "else " : ""}${data} <= ${read(p)};`);
      lines.push(`${IND}end`, "end");
    }
    return lines.map((l) => IND + l).join("\n");
  }

  // --- declarations, wiring, initial values ---------------------------------------------------------

  private declarations(): string[] {
    const m = this.m;
    const out: string[] = [];
    for (const f of m.fsms) {
      const labels = this.fsmLabels.get(f.stateSignal)!;
      const sh = f.stateSignal.shape;
      if (labels.some((l) => this.usedLabels.has(l))) out.push(`// FSM '${f.name}' states`);
      labels.forEach((l, i) => {
        if (this.usedLabels.has(l)) out.push(`localparam ${rangeDecl(sh.width, false)}${l} = ${sizedLiteral(BigInt(i), sh.width)};`);
      });
    }
    const sigs: Signal[] = [...m.signals.filter((s) => s.dir === "internal"), ...m.children.flatMap((c) => [...c.module.inputs, ...c.module.outputs])];
    for (const mem of m.memories) {
      out.push(`reg [${mem.shape.width - 1}:0] ${this.memNames.get(mem)} [0:${mem.depth - 1}];`);
    }
    for (const s of [...m.outputs, ...sigs]) {
      const c = this.classes.get(s)!;
      const n = this.names.get(s)!;
      const r = rangeDecl(s.width, s.signed);
      if (c.kind === "split") {
        for (const [d, p] of this.partNames.get(s)!) {
          const b = this.partBits.get(s)!.get(d)!;
          out.push(`${this.wired.has(p) ? "wire" : "reg"} [${b.hi}:${b.lo}] ${p};`);
        }
      }
      if (s.dir === "output" && s.owner === m) continue;
      if (this.unusedConstant(s)) continue;
      const isReg = (c.kind === "reg" && !this.wired.has(n)) || c.kind === "mem-sync";
      out.push(`${isReg ? "reg" : "wire"} ${r}${n};`);
    }
    return out;
  }

  private continuousAssigns(): string[] {
    const out: string[] = [];
    for (const [n, t] of this.wired) out.push(`assign ${n} = ${t};`);
    const all = [...this.m.signals, ...this.m.children.flatMap((c) => c.module.inputs)];
    for (const s of all) {
      const c = this.classes.get(s)!;
      const n = this.names.get(s)!;
      if (c.kind === "const" && !this.unusedConstant(s)) out.push(`assign ${n} = ${valueLiteral(s.reset, s.width, s.signed)};`);
      else if (c.kind === "mem-comb") {
        const mem = c.port.memory;
        out.push(`assign ${n} = ${memReadText(this.memNames.get(mem)!, mem.depth, mem.addrWidth, () => this.names.get(c.port.addr)!, s.width)};`);
      } else if (c.kind === "split") {
        const pieces = this.ownership.get(s)!.map((r) => {
          // Bits no domain drives hold the reset value's bits.
          if (r.domain === "") return sizedLiteral(s.reset >> BigInt(r.lo), r.hi - r.lo + 1);
          return select(this.partNames.get(s)!.get(r.domain)!, r.hi, r.lo);
        });
        out.push(`assign ${n} = ${pieces.length === 1 ? pieces[0] : `{${pieces.join(", ")}}`};`);
      }
    }
    return out;
  }

  /** An internal signal nobody assigns or reads (a comb read port's enable): not worth a line. */
  private unusedConstant(s: Signal): boolean {
    return s.dir === "internal" && s.owner === this.m && this.classes.get(s)!.kind === "const" && !this.read.has(s);
  }

  private instance(child: Module): string[] {
    const inst = this.instNames.get(child)!;
    const conns: string[] = [];
    for (const d of this.env.domainsOf(child)) conns.push(`.${clockName(d)}(${clockName(d)})`, `.${resetName(d)}(${resetName(d)})`);
    // The child's port names are its own Verilog names; compute them the way its emitter does.
    const childPorts = childPortNames(child, this.env.domainsOf(child));
    for (const s of [...child.inputs, ...child.outputs]) conns.push(`.${childPorts.get(s)}(${this.names.get(s)})`);
    return [`${this.env.childModuleName(child)} ${inst} (`, ...conns.map((c, i) => `${IND}${c}${i < conns.length - 1 ? "," : ""}`), ");"];
  }

  private initialBlock(): string | undefined {
    const lines: string[] = [];
    // Registers start at their reset values, as in Tessera's simulator (no x in Icarus).
    for (const s of this.driven) {
      const c = this.classes.get(s)!;
      if (c.kind === "reg" && c.domain !== "comb") lines.push(`${this.names.get(s)} = ${this.resetLiteral(s)};`);
      if (c.kind === "split") for (const [d, p] of this.partNames.get(s)!) if (d !== "comb") lines.push(`${p} = ${this.regReset(s, d)};`);
    }
    for (const mem of this.m.memories) {
      for (const p of mem.readPorts) if (p.domain !== "comb") lines.push(`${this.names.get(p.data)} = ${valueLiteral(p.data.reset, p.data.width, p.data.signed)};`);
    }
    const ints: string[] = [];
    const memInit: string[] = [];
    for (const mem of this.m.memories) {
      const name = this.memNames.get(mem)!;
      const w = mem.shape.width;
      const init = this.env.memoryInit?.(mem) ?? mem.init;
      if (init.length > mem.depth) throw new Error(`memory '${mem.name}': ${init.length} initial words for depth ${mem.depth}`);
      // Zero the words the init list does not give (Icarus would start them at x).
      if (init.length < mem.depth) {
        const i = this.namer.take(`${name}_i`);
        ints.push(`${IND}integer ${i};`);
        memInit.push(`for (${i} = ${init.length}; ${i} < ${mem.depth}; ${i} = ${i} + 1) ${name}[${i}] = ${sizedLiteral(0n, w)};`);
      }
      init.forEach((v, i) => memInit.push(`${name}[${i}] = ${valueLiteral(v, w, mem.shape.signed)};`));
    }
    if (!lines.length && !memInit.length) return undefined;
    return [...ints, `${IND}initial begin`, ...[...lines, ...memInit].map((l) => IND + IND + l), `${IND}end`].join("\n");
  }

  private portInfo(): PortInfo[] {
    return [
      ...this.m.inputs.map((s) => ({ name: s.name, vname: this.names.get(s)!, dir: "input" as const, width: s.width, signed: s.signed })),
      ...this.m.outputs.map((s) => ({ name: s.name, vname: this.names.get(s)!, dir: "output" as const, width: s.width, signed: s.signed })),
    ];
  }
}

/** Identifiers in Verilog text (literals and system functions removed). */
function identifiers(text: string): string[] {
  return text.replace(/\d+'s?[dhb][0-9a-fA-F]+/g, " ").replace(/\$[A-Za-z_]+/g, " ").match(/[A-Za-z_][A-Za-z0-9_$]*/g) ?? [];
}

/** The Verilog port names a module's emitter gives its ports (same order of claims as nameEverything). */
export function childPortNames(child: Module, domains: readonly string[]): Map<Signal, string> {
  const namer = new Namer();
  for (const d of domains) {
    namer.take(clockName(d));
    namer.take(resetName(d));
  }
  const out = new Map<Signal, string>();
  for (const s of [...child.inputs, ...child.outputs]) out.set(s, namer.take(s.name));
  return out;
}
