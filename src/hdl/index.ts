/** Tessera's HDL: the public surface. */
export * from "./shape.js";
export * from "./errors.js";
export { Expr, Const, Signal, cat, mux, lit, constant } from "./expr.js";
export type { Operand } from "./expr.js";
export { Module, DomainHandle, IfChain, SwitchBuilder } from "./module.js";
export type { SignalOptions } from "./module.js";
export { Fsm } from "./fsm.js";
export type { FsmOptions } from "./fsm.js";
export { Memory } from "./memory.js";
export type { MemoryOptions, ReadPort, WritePort } from "./memory.js";
export { ports, input, output, flip } from "./iface.js";
export type { PortDecl, PortsDecl, SignalsOf, ValuesOf } from "./iface.js";
export type { BehaviouralBlock, BehaviouralIO } from "./behavioural.js";
export { streamPorts, fire, connectStream } from "./stream.js";
export type { Stream } from "./stream.js";
export { elaborate } from "./elaborate.js";
export type { Design } from "./elaborate.js";
