/**
 * A typed finite-state machine. State names are a string-literal union, so `fsm.next("RNU")` is a
 * compile error; the state register carries the names as a decoder, so waveforms show them.
 *
 *   const f = m.fsm("ctrl", { states: ["IDLE", "RUN"] as const, init: "IDLE" });
 *   f.state("IDLE", () => m.if(go, () => f.next("RUN")));
 *   f.state("RUN", () => m.if(done, () => f.next("IDLE")));
 *   m.comb.set(busy, f.is("RUN"));
 */
import { ControlFlowError, HdlError } from "./errors.js";
import { Expr, Signal, constant } from "./expr.js";
import type { Module } from "./module.js";
import { bitsFor, u } from "./shape.js";
import type { Stmt, SwitchStmt } from "./stmt.js";

export interface FsmOptions<S extends string> {
  states: readonly S[];
  /** State after reset; the first state by default. */
  init?: S;
  /** Clock domain of the state register ("sync" by default). */
  domain?: string;
}

export class Fsm<S extends string> {
  /** The state register; its decoder maps values to state names. */
  readonly stateSignal: Signal;
  readonly states: readonly S[];
  readonly domain: string;
  private readonly sw: SwitchStmt;
  private readonly defined = new Set<S>();

  constructor(private readonly m: Module, readonly name: string, opts: FsmOptions<S>) {
    if (opts.states.length === 0) throw new HdlError(`fsm '${name}': give at least one state`);
    if (new Set(opts.states).size !== opts.states.length) throw new HdlError(`fsm '${name}': state names must be unique`);
    this.states = opts.states;
    this.domain = opts.domain ?? "sync";
    const init = opts.init ?? opts.states[0];
    const initIdx = this.index(init);
    this.stateSignal = m.signal(name + "_state", u(bitsFor(opts.states.length)), { reset: initIdx });
    this.stateSignal.decoder = opts.states;
    this.sw = { kind: "switch", subject: this.stateSignal, cases: [] };
    m.currentBody.push(this.sw);
  }

  private index(st: S): number {
    const i = this.states.indexOf(st);
    if (i < 0) throw new HdlError(`fsm '${this.name}' has no state '${st}'; states are ${this.states.join(", ")}`);
    return i;
  }

  /** What happens while in `st` (may be called once per state, in any order). */
  state(st: S, body: () => void): this {
    const i = this.index(st);
    if (this.defined.has(st)) throw new ControlFlowError(`fsm '${this.name}': state '${st}' is defined twice`);
    this.defined.add(st);
    const cs = { values: [BigInt(i)], body: [] as Stmt[] };
    this.sw.cases.push(cs);
    this.m.within(cs.body, body);
    return this;
  }

  /** Go to `st` at the next clock edge. */
  next(st: S): void {
    this.m.domain(this.domain).set(this.stateSignal, constant(this.index(st), this.stateSignal.shape));
  }

  /** 1 while the machine is in `st`. */
  is(st: S): Expr {
    return this.stateSignal.eq(this.index(st));
  }
  ongoing(st: S): Expr {
    return this.is(st);
  }
}
