/**
 * Elaboration: the whole-design checks that cannot be made while statements are added, and the
 * list of modules and clock domains that the simulator and the Verilog emitter share.
 */
import { HdlError, UndrivenError } from "./errors.js";
import type { Signal } from "./expr.js";
import { Module, driversOf } from "./module.js";
import { domainsOf } from "./stmt.js";

export interface Design {
  readonly top: Module;
  /** Every module instance, parents before children. */
  readonly modules: readonly Module[];
  /** Clock domains in order of first use ("sync" first when used). */
  readonly domains: readonly string[];
}

/** Bits of `sig` that no domain drives, as "hi:lo" ranges. */
export function undrivenBits(sig: Signal): string[] {
  const ranges = [...driversOf(sig)].sort((a, b) => a.lo - b.lo);
  const gaps: string[] = [];
  let next = 0;
  for (const r of ranges) {
    if (r.lo > next) gaps.push(`${r.lo - 1}:${next}`);
    next = Math.max(next, r.hi + 1);
  }
  if (next < sig.width) gaps.push(`${sig.width - 1}:${next}`);
  return gaps;
}

export function clockName(domain: string): string {
  return domain === "sync" ? "clk" : `${domain}_clk`;
}

export function resetName(domain: string): string {
  return domain === "sync" ? "rst" : `${domain}_rst`;
}

export function elaborate(top: Module): Design {
  if (top.parent) throw new HdlError(`module '${top.name}' is instance '${top.instanceName}' of '${top.parent.name}'; elaborate its top module instead`);
  const modules: Module[] = [];
  const stack: Module[] = [top];
  while (stack.length) {
    const m = stack.pop()!;
    modules.push(m);
    for (let i = m.children.length - 1; i >= 0; i--) stack.push(m.children[i].module);
  }
  const domains = new Set<string>();
  for (const m of modules) {
    domainsOf(m.statements, domains);
    for (const mem of m.memories) {
      for (const p of mem.readPorts) domains.add(p.domain);
      for (const p of mem.writePorts) domains.add(p.domain);
    }
    if (m.behavioural) domains.add(m.behavioural.domain ?? "sync");
  }
  domains.delete("comb");
  const ordered = [...domains].sort((a, b) => (a === "sync" ? -1 : b === "sync" ? 1 : 0));

  const problems: string[] = [];
  for (const m of modules) {
    const path = pathOf(m);
    for (const o of m.outputs) {
      const gaps = undrivenBits(o);
      if (gaps.length) problems.push(`output '${o.name}' of ${path} (declared at ${o.loc}) has undriven bits [${gaps.join(", ")}]; assign it in comb or a clock domain`);
    }
    if (m !== top) {
      for (const i of m.inputs) {
        const gaps = undrivenBits(i);
        if (gaps.length) problems.push(`input '${i.name}' of instance ${path} has undriven bits [${gaps.join(", ")}]; drive it from '${m.parent!.name}' (declared at ${i.loc})`);
      }
    }
  }
  const reserved = new Map<string, string>();
  for (const d of ordered) {
    reserved.set(clockName(d), `the clock of domain '${d}'`);
    reserved.set(resetName(d), `the reset of domain '${d}'`);
  }
  for (const sig of top.inputs.concat(top.outputs)) {
    const r = reserved.get(sig.name);
    if (r) problems.push(`top-level port '${sig.name}' of '${top.name}' has the name of ${r}; rename the port`);
  }
  if (problems.length) throw new UndrivenError(problems.join("\n"));
  return { top, modules, domains: ordered };
}

/** "top.pe_0_0.mul" style path of a module instance. */
export function pathOf(m: Module): string {
  const parts: string[] = [];
  let cur: Module | undefined = m;
  while (cur) {
    parts.push(cur.parent ? cur.instanceName! : cur.name);
    cur = cur.parent;
  }
  return parts.reverse().join(".");
}
