/**
 * Verilog-2005 from a Tessera design: one Verilog module per distinct module body.
 *
 *   const v = emitVerilog(top);                 // the text
 *   const d = emitDesign(top, { top: "mac" });  // text + the top's ports and clock domains
 *
 * Every module instance of the design is a Module object of its own; instances whose emitted
 * bodies are identical (same Tessera module name, same text) share one Verilog module. Bodies
 * that differ under one Tessera name get distinct Verilog names (`pe`, `pe_1`, ...). The top module
 * keeps its name (or `opts.top`).
 *
 * Clock domain "sync" becomes ports `clk`/`rst`, a domain "x" becomes `x_clk`/`x_rst`, as in
 * elaborate.ts. Reset is synchronous and active high; registers start (Verilog `initial`) at their
 * reset values, like Tessera's simulator. Behavioural blocks are refused: they are not RTL.
 */
import { Design, clockName, elaborate, pathOf, resetName } from "../hdl/elaborate.js";
import { HdlError } from "../hdl/errors.js";
import { Module } from "../hdl/module.js";
import type { Memory } from "../hdl/memory.js";
import { assignsOf } from "./stmt-emit.js";
import { ModuleBody, PortInfo, emitModuleBody } from "./module-emit.js";
import { Namer } from "./names.js";

export type { PortInfo } from "./module-emit.js";

export interface EmitOptions {
  /** Verilog name of the top module (default: the top Module's name). */
  top?: string;
  /**
   * Initial contents to use instead of a memory's `init` (co-simulation uses this to start the
   * Verilog where a testbench wrote memories through the simulator's backdoor). `path` is the
   * memory's instance path below the top, e.g. "core0.buf" ("buf" for a memory of the top).
   */
  memoryInit?: (mem: Memory, path: string) => readonly bigint[] | undefined;
}

export interface DomainPorts {
  readonly domain: string;
  readonly clock: string;
  readonly reset: string;
}

export interface EmittedDesign {
  readonly text: string;
  /** Verilog name of the top module. */
  readonly top: string;
  /** The top's data ports (not clocks and resets), inputs first. */
  readonly ports: readonly PortInfo[];
  /** Clock domains in the design's order (the first is the default domain); their top-level ports. */
  readonly domains: readonly DomainPorts[];
  /** Verilog module names, top first. */
  readonly modules: readonly string[];
}

export class BehaviouralEmitError extends HdlError {}

export function emitVerilog(design: Design | Module, opts: EmitOptions = {}): string {
  return emitDesign(design, opts).text;
}

export function emitDesign(designOrTop: Design | Module, opts: EmitOptions = {}): EmittedDesign {
  const design = designOrTop instanceof Module ? elaborate(designOrTop) : designOrTop;
  for (const m of design.modules) {
    if (m.behavioural) {
      throw new BehaviouralEmitError(
        `cannot emit Verilog for behavioural block '${pathOf(m)}' (module '${m.name}'): it is a TypeScript model, not RTL. ` +
          `Replace it with an RTL module, or emit a part of the design that does not contain it.`,
      );
    }
  }
  const top = design.top;
  const moduleNamer = new Namer();
  const topName = moduleNamer.take(opts.top ?? top.name);
  if (opts.top !== undefined && topName !== opts.top) {
    throw new HdlError(`emitVerilog: top name '${opts.top}' is not a usable Verilog module name; try '${topName}'`);
  }

  // Clock domains each module needs ports for: its own, and its children's (bottom-up).
  const order = [...design.modules].reverse(); // children before parents
  const needs = new Map<Module, Set<string>>();
  for (const m of order) {
    const set = new Set<string>();
    for (const a of assignsOf(m.statements)) if (a.domain !== "comb") set.add(a.domain);
    for (const mem of m.memories) {
      for (const p of [...mem.readPorts, ...mem.writePorts]) if (p.domain !== "comb") set.add(p.domain);
    }
    for (const c of m.children) for (const d of needs.get(c.module)!) set.add(d);
    needs.set(m, set);
  }
  const domainsOf = (m: Module): readonly string[] =>
    m === top ? design.domains : design.domains.filter((d) => needs.get(m)!.has(d));

  // Bottom-up: a body names its children's modules by class placeholders, so structurally
  // identical modules (same body, same children classes) share a class.
  const classOf = new Map<Module, number>();
  const classes: { body: ModuleBody; hdlName: string }[] = [];
  const byKey = new Map<string, number>();
  for (const m of order) {
    const below = pathOf(m).split(".").slice(1);
    const memoryInit = (mem: Memory) => opts.memoryInit?.(mem, [...below, mem.name].join(".")) ?? mem.init;
    const body = emitModuleBody(m, { childModuleName: (c) => `\u0001${classOf.get(c)}\u0001`, domainsOf, memoryInit });
    const key = m === top ? "\u0000top" : `${m.name}\n${domainsOf(m).join(",")}\n${body.text}`;
    let id = byKey.get(key);
    if (id === undefined) {
      id = classes.length;
      byKey.set(key, id);
      classes.push({ body, hdlName: m.name });
    }
    classOf.set(m, id);
  }
  // Top-down: the first instance (in design order) of a module name gets the plain name.
  const names = new Map<number, string>([[classOf.get(top)!, topName]]);
  const textOrder: number[] = [];
  for (const m of design.modules) {
    const id = classOf.get(m)!;
    if (!names.has(id)) names.set(id, moduleNamer.take(classes[id].hdlName));
    if (!textOrder.includes(id)) textOrder.push(id);
  }
  const resolve = (t: string) => t.replace(/\u0001(\d+)\u0001/g, (_, k: string) => names.get(Number(k))!);
  const unique = textOrder.map((id) => ({ name: names.get(id)!, body: classes[id].body }));
  const topBody = classes[classOf.get(top)!].body;

  const header = `// Generated by Tessera from module '${top.name}'. Verilog-2005; do not edit by hand.\n`;
  const modules = unique;
  const text = header + modules.map((u) => `\nmodule ${u.name}${resolve(u.body.text)}`).join("");
  return {
    text,
    top: topName,
    ports: topBody!.ports,
    domains: design.domains.map((d) => ({ domain: d, clock: clockName(d), reset: resetName(d) })),
    modules: modules.map((u) => u.name),
  };
}
