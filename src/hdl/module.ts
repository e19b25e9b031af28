/**
 * The module builder. Statements are recorded through a control stack (Amaranth's `_ctrl_stack`
 * in callback form): `m.if(c, () => ...)` runs its body with the current statement list pointed at
 * the branch. Rules checked as statements are added, each error naming the signal and both places:
 *  - a wider value never narrows silently (WidthTruncationError);
 *  - every bit has one driving domain (DriverConflictError);
 *  - a module drives its own outputs and internals, and the inputs of its direct submodules, and
 *    reads only its own signals and its submodules' ports (DriveInputError, ForeignSignalError).
 */
import {
  ControlFlowError, DriveInputError, DriverConflictError, ForeignSignalError, HdlError,
  SrcLoc, WidthTruncationError, here, record,
} from "./errors.js";
import {
  Expr, Operand, Signal, SignalKind, SliceExpr, castTo, describe, forEachNode, literalFor,
} from "./expr.js";
import { Shape, fits, shapeToString } from "./shape.js";
import type { AssignStmt, IfStmt, Stmt, SwitchStmt } from "./stmt.js";
import { Fsm, FsmOptions } from "./fsm.js";
import { Memory, MemoryOptions } from "./memory.js";
import type { BehaviouralBlock } from "./behavioural.js";
import { PortsDecl, SignalsOf } from "./iface.js";

export interface SignalOptions {
  /** Value after reset (registers) or when no statement assigns it (comb). Default 0. */
  reset?: number | bigint;
}

interface DriverRange {
  lo: number;
  hi: number;
  domain: string;
  module: Module;
  /** Where these bits were first assigned: the location a conflict names besides its own. */
  loc: SrcLoc;
}

/** Which domain drives which bits of a signal (kept on the signal: a WeakMap of 200k signals cost the garbage collector). */
export function driversOf(sig: Signal): readonly DriverRange[] {
  return (sig.drivers as DriverRange[] | undefined) ?? [];
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_$]*$/;

export class Module {
  readonly signals: Signal[] = [];
  readonly inputs: Signal[] = [];
  readonly outputs: Signal[] = [];
  readonly memories: Memory[] = [];
  readonly fsms: Fsm<string>[] = [];
  readonly children: { name: string; module: Module }[] = [];
  readonly statements: Stmt[] = [];
  /** Set on a child when it is added with submodule(). */
  parent: Module | undefined;
  instanceName: string | undefined;
  /** Present when this module stands for a behavioural (TypeScript) block. */
  behavioural: BehaviouralBlock | undefined;
  readonly loc: SrcLoc = record();

  private current: Stmt[] = this.statements;
  private readonly names = new Map<string, Signal | Memory | Module>();

  readonly comb: DomainHandle;
  readonly sync: DomainHandle;

  constructor(readonly name: string) {
    if (!NAME_RE.test(name)) throw new HdlError(`module name '${name}' must be an identifier (letters, digits, _ and $, not starting with a digit)`);
    this.comb = new DomainHandle(this, "comb");
    this.sync = new DomainHandle(this, "sync");
  }

  /** A named clock domain. Its clock and reset become top-level inputs `<name>_clk`/`<name>_rst`. */
  domain(name: string): DomainHandle {
    if (!NAME_RE.test(name)) throw new HdlError(`domain name '${name}' must be an identifier`);
    return new DomainHandle(this, name);
  }

  // --- signals ---------------------------------------------------------------------------------

  input(name: string, shape: Shape): Signal {
    return this.makeInput(name, shape, record(Module.prototype.input));
  }

  output(name: string, shape: Shape, opts: SignalOptions = {}): Signal {
    return this.makeOutput(name, shape, opts, record(Module.prototype.output));
  }

  private makeInput(name: string, shape: Shape, loc?: SrcLoc): Signal {
    const sig = this.makeSignal(name, shape, 0n, "input", loc);
    this.inputs.push(sig);
    return sig;
  }

  private makeOutput(name: string, shape: Shape, opts: SignalOptions, loc?: SrcLoc): Signal {
    const sig = this.makeSignal(name, shape, this.resetOf(name, shape, opts), "output", loc);
    this.outputs.push(sig);
    return sig;
  }

  signal(name: string, shape: Shape, opts: SignalOptions = {}): Signal {
    return this.makeSignal(name, shape, this.resetOf(name, shape, opts), "internal", record(Module.prototype.signal));
  }

  /** A port of this module by name (for wiring a submodule without relying on port order). */
  port(name: string): Signal {
    const sig = this.names.get(name);
    if (sig instanceof Signal && sig.dir !== "internal") return sig;
    const ports = [...this.inputs, ...this.outputs].map((p) => p.name);
    throw new HdlError(`module '${this.name}' has no port '${name}'; its ports are ${ports.join(", ") || "(none)"}`);
  }

  /** Create the signals of an interface declaration, named `prefix + field`. */
  ports<D extends PortsDecl>(decl: D, prefix = ""): SignalsOf<D> {
    // One location for the whole declaration: every port was made by this one call.
    const loc = record(Module.prototype.ports);
    const out: Record<string, Signal> = {};
    for (const [k, p] of Object.entries(decl)) {
      const nm = prefix + k;
      out[k] = p.dir === "input" ? this.makeInput(nm, p.shape, loc) : this.makeOutput(nm, p.shape, { reset: p.reset }, loc);
    }
    return out as SignalsOf<D>;
  }

  private resetOf(name: string, shape: Shape, opts: SignalOptions): bigint {
    const r = BigInt(opts.reset ?? 0);
    if (!fits(r, shape)) throw new HdlError(`reset value ${r} of signal '${name}' does not fit in ${shapeToString(shape)}`);
    return r;
  }

  /** @internal */
  makeSignal(name: string, shape: Shape, reset: bigint, dir: SignalKind, loc?: SrcLoc): Signal {
    this.claimName(name);
    const sig = new Signal(name, shape, reset, dir, loc);
    sig.owner = this;
    this.signals.push(sig);
    this.names.set(name, sig);
    return sig;
  }

  /** @internal */
  claimName(name: string): void {
    if (!NAME_RE.test(name)) throw new HdlError(`name '${name}' in module '${this.name}' must be an identifier (letters, digits, _ and $)`);
    if (this.names.has(name)) throw new HdlError(`name '${name}' is already used in module '${this.name}'; names within a module must be unique`);
  }

  /** A fresh name based on `base` that is not yet used in this module. */
  freshName(base: string): string {
    if (!this.names.has(base)) return base;
    for (let i = 1; ; i++) if (!this.names.has(`${base}_${i}`)) return `${base}_${i}`;
  }

  // --- hierarchy -------------------------------------------------------------------------------

  /** Add `child` as an instance named `name`; drive its inputs and read its outputs from here. */
  submodule<M extends Module>(name: string, child: M): M {
    if (child.parent) throw new HdlError(`module '${child.name}' is already instance '${child.instanceName}' of '${child.parent.name}'; build a new one for instance '${name}'`);
    if ((child as Module) === this) throw new HdlError(`module '${this.name}' cannot contain itself`);
    this.claimName(name);
    this.names.set(name, child);
    child.parent = this;
    child.instanceName = name;
    this.children.push({ name, module: child });
    return child;
  }

  /** Add a behavioural (TypeScript) block; returns its port signals. Not synthesizable. */
  behaviouralBlock<D extends PortsDecl>(name: string, block: BehaviouralBlock<D>): SignalsOf<D> {
    const child = new Module(block.moduleName ?? `behav_${name}`);
    child.behavioural = block as BehaviouralBlock;
    const io = child.ports(block.ports);
    const dom = block.domain ?? "sync";
    for (const sig of child.outputs) addDriver(sig, 0, sig.width - 1, dom, child, child.loc);
    this.submodule(name, child);
    return io;
  }

  // --- control flow ----------------------------------------------------------------------------

  if(cond: Operand, body: () => void): IfChain {
    const c = this.condition(cond, "if");
    const st: IfStmt = { kind: "if", branches: [{ cond: c, body: [] }] };
    this.current.push(st);
    this.within(st.branches[0].body, body);
    return new IfChain(this, st, this.current);
  }

  switch(subject: Operand): SwitchBuilder {
    const subj = subject instanceof Expr ? subject : null;
    if (!subj) throw new HdlError("switch() needs an expression or signal as its subject");
    this.checkReads(subj, "switch subject");
    const st: SwitchStmt = { kind: "switch", subject: subj, cases: [] };
    this.current.push(st);
    return new SwitchBuilder(this, st);
  }

  /** A finite-state machine; its state register shows state names in waveforms. */
  fsm<S extends string>(name: string, opts: FsmOptions<S>): Fsm<S> {
    const f = new Fsm<S>(this, name, opts);
    this.fsms.push(f as unknown as Fsm<string>);
    return f;
  }

  memory(opts: MemoryOptions): Memory {
    this.claimName(opts.name);
    const mem = new Memory(this, opts);
    this.names.set(opts.name, mem);
    this.memories.push(mem);
    return mem;
  }

  /** @internal Run `fn` with statements going into `body`. */
  within(body: Stmt[], fn: () => void): void {
    const saved = this.current;
    this.current = body;
    try {
      fn();
    } finally {
      this.current = saved;
    }
  }

  /** @internal */
  get currentBody(): Stmt[] {
    return this.current;
  }

  /** @internal */
  condition(cond: Operand, what: string): Expr {
    if (!(cond instanceof Expr)) {
      if (typeof cond === "boolean" || typeof cond === "number" || typeof cond === "bigint") {
        return literalFor(cond ? 1 : 0, { width: 1, signed: false }, what);
      }
    }
    const c = cond as Expr;
    this.checkReads(c, `${what} condition`);
    return c.bool();
  }

  /** @internal Every signal an expression reads must be ours or a port of a direct submodule. */
  checkReads(e: Expr, where: string): void {
    forEachNode([e], (n) => {
      if (!(n instanceof Signal)) return;
      if (n.owner === this) return;
      const ow = n.owner as Module | undefined;
      if (ow && ow.parent === this && n.dir !== "internal") return;
      throw new ForeignSignalError(
        `${where} in module '${this.name}' reads signal '${n.name}' of module '${ow?.name ?? "?"}' (declared at ${n.loc}); ` +
          `a module may read only its own signals and the ports of its direct submodules: pass the value in through a port (at ${here()})`,
      );
    });
  }

  /** @internal Record `target = value` in `domain`. */
  assign(domain: string, target: Expr, value: Operand): void {
    // No location is captured up front (it costs ~10 us, and a 32x32 mesh makes 180k
    // assignments): an error takes it when thrown, and addDriver keeps one only for bits assigned
    // for the first time, the place a later conflict names.
    let sig: Signal, lo: number, width: number;
    if (target instanceof Signal) {
      sig = target; lo = 0; width = target.width;
    } else if (target instanceof SliceExpr && target.arg instanceof Signal) {
      sig = target.arg; lo = target.lo; width = target.width;
    } else {
      throw new HdlError(`${domain}.set(): the target must be a signal or a slice of one, got ${describe(target)} (at ${here()})`);
    }
    this.checkDrive(sig, domain);
    const targetShape: Shape = lo === 0 && width === sig.width ? sig.shape : { width, signed: false };
    let v = literalFor(value, targetShape, `assignment to '${sig.name}'`);
    if (v.width > width) {
      throw new WidthTruncationError(
        `assigning a ${shapeToString(v.shape)} value to '${sig.name}'${width !== sig.width ? `[${lo + width - 1}:${lo}]` : ""} of ${width} bits would drop ` +
          `${v.width - width} high bits (at ${here()}); say .trunc(${width}) to wrap, or .resize(${width}), or widen '${sig.name}'`,
      );
    }
    this.checkReads(v, `value assigned to '${sig.name}'`);
    if (v.width < width) v = castTo(v, { width, signed: v.signed });
    addDriver(sig, lo, lo + width - 1, domain, this);
    const st: AssignStmt = { kind: "assign", target: sig, lo, value: v, domain };
    this.current.push(st);
  }

  private checkDrive(sig: Signal, domain: string): void {
    const ow = sig.owner as Module;
    if (ow === this) {
      if (sig.dir === "input") {
        throw new DriveInputError(`module '${this.name}' drives its own input '${sig.name}' in ${domain} (at ${here()}); inputs are driven by the parent module or the testbench`);
      }
      return;
    }
    if (ow && ow.parent === this) {
      if (sig.dir === "input") return;
      throw new DriveInputError(`module '${this.name}' drives '${sig.name}', an ${sig.dir} of submodule '${ow.instanceName}' (at ${here()}); only its inputs can be driven from the parent`);
    }
    throw new ForeignSignalError(
      `module '${this.name}' drives signal '${sig.name}' of module '${ow?.name ?? "?"}' (at ${here()}); a module drives only its own signals and its direct submodules' inputs` +
        (ow && !ow.parent ? ` — did you forget m.submodule(name, ${ow.name})?` : ""),
    );
  }
}

/**
 * @internal Record that `module` drives bits hi..lo of `sig` in `domain`. `loc` is where, when the
 * caller has it; otherwise it is captured here, and only when these bits had no driver yet.
 */
export function addDriver(sig: Signal, lo: number, hi: number, domain: string, module: Module, loc?: SrcLoc): void {
  let list = sig.drivers as DriverRange[] | undefined;
  if (!list) sig.drivers = list = [];
  for (const d of list) {
    if (d.hi < lo || d.lo > hi) continue;
    if (d.domain !== domain || d.module !== module) {
      const bits = `${Math.min(hi, d.hi)}:${Math.max(lo, d.lo)}`;
      throw new DriverConflictError(
        `signal '${sig.name}' bits [${bits}] are driven from ${d.domain === domain ? `module '${d.module.name}'` : `'${d.domain}'`} at ${d.loc} ` +
          `and from ${d.domain === domain ? `module '${module.name}'` : `'${domain}'`} at ${loc ?? here()}; each bit has one driving domain — use separate signals and combine them`,
      );
    }
  }
  // Merge into an existing range of the same domain when possible (keeps the list short).
  for (const d of list) {
    if (d.domain === domain && d.module === module && d.lo <= hi + 1 && lo <= d.hi + 1) {
      d.lo = Math.min(d.lo, lo);
      d.hi = Math.max(d.hi, hi);
      return;
    }
  }
  list.push({ lo, hi, domain, module, loc: loc ?? record(DomainHandle.prototype.set) });
}

export class DomainHandle {
  constructor(private readonly m: Module, readonly name: string) {}
  /** Assign `value` to `target` (a signal or a slice of one) in this domain. */
  set(target: Expr, value: Operand): void {
    this.m.assign(this.name, target, value);
  }
}

export class IfChain {
  private closed = false;
  constructor(private readonly m: Module, private readonly st: IfStmt, private readonly list: Stmt[]) {}

  private checkOpen(what: string): void {
    if (this.closed) throw new ControlFlowError(`${what} after else (at ${here()}); an if chain ends at its else`);
    if (this.list[this.list.length - 1] !== this.st || this.m.currentBody !== this.list) {
      throw new ControlFlowError(`${what} must directly follow its if/elif (at ${here()}); other statements were added in between`);
    }
  }

  elif(cond: Operand, body: () => void): IfChain {
    this.checkOpen("elif");
    const c = this.m.condition(cond, "elif");
    const br = { cond: c, body: [] as Stmt[] };
    this.st.branches.push(br);
    this.m.within(br.body, body);
    return this;
  }

  else(body: () => void): void {
    this.checkOpen("else");
    const br = { cond: null, body: [] as Stmt[] };
    this.st.branches.push(br);
    this.closed = true;
    this.m.within(br.body, body);
  }
}

export class SwitchBuilder {
  private hasDefault = false;
  private readonly seen = new Set<bigint>();
  constructor(private readonly m: Module, private readonly st: SwitchStmt) {}

  case(values: Operand | readonly Operand[], body: () => void): SwitchBuilder {
    if (this.hasDefault) throw new ControlFlowError(`case after default (at ${here()}); default must be last`);
    const vs = (Array.isArray(values) ? values : [values]) as Operand[];
    const lits = vs.map((v) => {
      const c = literalFor(v, this.st.subject.shape, "switch case");
      if (!(c instanceof Object) || !("value" in c)) throw new HdlError("switch case values must be literals");
      const b = (c as { value: bigint }).value;
      if (this.seen.has(b)) throw new ControlFlowError(`switch case ${b} appears twice (at ${here()})`);
      this.seen.add(b);
      return b;
    });
    const cs = { values: lits, body: [] as Stmt[] };
    this.st.cases.push(cs);
    this.m.within(cs.body, body);
    return this;
  }

  default(body: () => void): void {
    if (this.hasDefault) throw new ControlFlowError(`second default in a switch (at ${here()})`);
    this.hasDefault = true;
    const cs = { values: null, body: [] as Stmt[] };
    this.st.cases.push(cs);
    this.m.within(cs.body, body);
  }
}
