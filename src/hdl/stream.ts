/**
 * valid/ready streams. A transfer happens on a clock edge where both valid and ready are 1.
 * A source must hold valid and payload until the transfer; ready may depend on valid.
 */
import type { Expr, Signal } from "./expr.js";
import type { Module } from "./module.js";
import type { Shape } from "./shape.js";
import { u } from "./shape.js";

export interface Stream {
  readonly valid: Signal;
  readonly ready: Signal;
  readonly payload: Signal;
}

/**
 * Stream ports on module `m`, named `<prefix>_valid`, `<prefix>_ready`, `<prefix>_payload`.
 * "source": this module sends (valid/payload are outputs); "sink": it receives.
 */
export function streamPorts(m: Module, prefix: string, payload: Shape, role: "source" | "sink"): Stream {
  if (role === "source") {
    return { valid: m.output(`${prefix}_valid`, u(1)), ready: m.input(`${prefix}_ready`, u(1)), payload: m.output(`${prefix}_payload`, payload) };
  }
  return { valid: m.input(`${prefix}_valid`, u(1)), ready: m.output(`${prefix}_ready`, u(1)), payload: m.input(`${prefix}_payload`, payload) };
}

/** 1 on a cycle where a transfer happens. */
export function fire(st: Stream): Expr {
  return st.valid.and(st.ready);
}

/** Connect a source stream to a sink stream from module `m` (comb wiring). */
export function connectStream(m: Module, from: Stream, to: Stream): void {
  m.comb.set(to.valid, from.valid);
  m.comb.set(to.payload, from.payload);
  m.comb.set(from.ready, to.ready);
}
