/**
 * Interfaces declared once and reused: for design signals (`m.ports(decl)`), testbench values
 * (`ValuesOf<D>`), and Verilog port lists.
 *
 *   const MacIO = ports({ a: input(s(8)), b: input(s(8)), acc: output(s(32)) });
 *   const io = m.ports(MacIO);           // io.a, io.b, io.acc are Signals
 */
import type { Signal } from "./expr.js";
import type { Shape } from "./shape.js";

export interface PortDecl {
  readonly dir: "input" | "output";
  readonly shape: Shape;
  readonly reset?: number | bigint;
}

export type PortsDecl = Readonly<Record<string, PortDecl>>;
export type SignalsOf<D extends PortsDecl> = { readonly [K in keyof D]: Signal };
export type ValuesOf<D extends PortsDecl> = { [K in keyof D]: bigint };

export function input(shape: Shape): PortDecl {
  return { dir: "input", shape };
}

export function output(shape: Shape, opts: { reset?: number | bigint } = {}): PortDecl {
  return { dir: "output", shape, reset: opts.reset };
}

export function ports<D extends PortsDecl>(decl: D): D {
  return decl;
}

/** The same interface seen from the other side: inputs become outputs and back. */
export function flip<D extends PortsDecl>(decl: D): D {
  const out: Record<string, PortDecl> = {};
  for (const [k, p] of Object.entries(decl)) out[k] = { dir: p.dir === "input" ? "output" : "input", shape: p.shape, reset: p.reset };
  return out as D;
}
